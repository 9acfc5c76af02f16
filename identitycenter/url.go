package identitycenter

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// awsSCIMHost matches Identity Center's SCIM hosts and captures the region.
// identity-center-scim.md §1: "Base URL: https://scim.<region>.amazonaws.com/<tenant_id>/scim/v2";
// §1: ssosync also accepts the dual-stack suffix ".api.aws" (UNCONFIRMED for
// scim.*, so accepted rather than refused). The China partition's
// ".amazonaws.com.cn" is accepted on the same reasoning.
var awsSCIMHost = regexp.MustCompile(`^scim\.([a-z]{2}(?:-[a-z]+)+-[0-9]+)\.(?:amazonaws\.com(?:\.cn)?|api\.aws)$`)

// awsSCIMPath is the path an AWS SCIM host must carry, trailing slash removed.
// identity-center-scim.md §1: tenant ids are 11-4-4-4-12 on older instances
// and 8-4-4-4-12 since Jan 2026; §12.10: "accept an optional trailing / and an
// 8–11-char tenant prefix".
var awsSCIMPath = regexp.MustCompile(`^/[A-Za-z0-9]{8,11}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}/scim/v2$`)

// ParseBaseURL validates the Identity Center SCIM endpoint as an operator
// pasted it and returns it without trailing slashes, ready for joinPath.
//
// identity-center-scim.md §9: "strip any trailing / from the configured
// upstream; join with exactly one /". Hosts other than AWS's (the emulator, a
// test server) are accepted with any path.
func ParseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("identity center base URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the URL; a base URL holds no secret unless it
		// carries userinfo, which is refused below without echoing it.
		return nil, fmt.Errorf("identity center base URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("identity center base URL %q: scheme must be https or http", redactedURL(u))
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("identity center base URL %q: no host", redactedURL(u))
	}
	if u.User != nil {
		return nil, fmt.Errorf("identity center base URL %q: must not carry credentials; the token is configured separately", redactedURL(u))
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, fmt.Errorf("identity center base URL %q: must not have a query or fragment", redactedURL(u))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	if _, ok := regionOf(u); ok && !awsSCIMPath.MatchString(u.Path) {
		return nil, fmt.Errorf("identity center base URL %q: path must be /<tenant id>/scim/v2 (tenant id like 8-11 letters/digits then -xxxx-xxxx-xxxx-xxxxxxxxxxxx), as shown in the IAM Identity Center console", redactedURL(u))
	}
	return u, nil
}

// Region returns the AWS region of an Identity Center SCIM endpoint, taken
// from its scim.<region>.amazonaws.com host (identity-center-scim.md §1). It
// returns false for any other host, e.g. the emulator.
func Region(baseURL string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return "", false
	}
	return regionOf(u)
}

func regionOf(u *url.URL) (string, bool) {
	host := strings.ToLower(u.Hostname())
	m := awsSCIMHost.FindStringSubmatch(host)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// joinPath returns base + "/" + elems, each element path-escaped, with exactly
// one "/" between parts whatever trailing slashes base carries
// (identity-center-scim.md §9 and §12.11: "/scim/v2Groups" and "//Users" are
// both real bugs). Each element is one segment: an id from Okta such as
// "a/../b" is escaped whole, never interpreted as a path.
func joinPath(base *url.URL, elems ...string) *url.URL {
	u := *base
	p := strings.TrimRight(base.EscapedPath(), "/")
	for _, e := range elems {
		p += "/" + url.PathEscape(e)
	}
	if p == "" {
		p = "/"
	}
	// RawPath holds the escaped form; Path the decoded one. Setting both keeps
	// an escaped "/" (%2F) inside an id from turning into a separator.
	dec, err := url.PathUnescape(p)
	if err != nil {
		dec = p
	}
	u.Path, u.RawPath = dec, p
	return &u
}

// redactedURL prints u for an error message without any userinfo.
func redactedURL(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}
