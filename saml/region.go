package saml

import (
	"net/url"
	"regexp"
	"strings"
)

var regionRE = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$`)

// RegionFromURL returns the AWS Region named in an Identity Center URL, or ""
// if the host is not one of the known forms:
//
//	https://<region>.signin.aws/platform/saml/acs/<tenant>            ACS (IPv4)
//	https://<region>.sso.signin.aws/platform/saml/acs/<tenant>        ACS (dual-stack)
//	https://<region>.signin.aws.amazon.com/platform/saml/acs/<tenant> ACS (older instances); issuer .../platform/saml/d-xxxxxxxxxx
//	https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>     older AWS SSO form
//	https://scim.<region>.amazonaws.com/<tenant>/scim/v2              SCIM endpoint (§1), also .api.aws
//
// The ACS forms are those of the IAM Identity Center user guide's "Workforce
// access through an additional Region" table; the SCIM form is
// identity-center-scim.md §1: "Base URL: https://scim.<region>.amazonaws.com/<tenant_id>/scim/v2".
func RegionFromURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	var cand string
	switch {
	case strings.HasSuffix(host, ".sso.signin.aws"):
		cand = strings.TrimSuffix(host, ".sso.signin.aws")
	case strings.HasSuffix(host, ".signin.aws.amazon.com"):
		cand = strings.TrimSuffix(host, ".signin.aws.amazon.com")
	case strings.HasSuffix(host, ".signin.aws"):
		cand = strings.TrimSuffix(host, ".signin.aws")
	case strings.HasPrefix(host, "portal.sso.") && strings.HasSuffix(host, ".amazonaws.com"):
		cand = strings.TrimSuffix(strings.TrimPrefix(host, "portal.sso."), ".amazonaws.com")
	case strings.HasPrefix(host, "scim.") && strings.HasSuffix(host, ".amazonaws.com"):
		cand = strings.TrimSuffix(strings.TrimPrefix(host, "scim."), ".amazonaws.com")
	case strings.HasPrefix(host, "scim.") && strings.HasSuffix(host, ".api.aws"):
		cand = strings.TrimSuffix(strings.TrimPrefix(host, "scim."), ".api.aws")
	}
	if regionRE.MatchString(cand) {
		return cand
	}
	return ""
}
