package saml

import (
	"net/url"
	"regexp"
	"strings"
)

// regionRE matches AWS Region codes: us-east-1, ap-southeast-2,
// us-gov-west-1, us-isob-east-1, eusc-de-east-1 (European Sovereign Cloud).
var regionRE = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+){1,3}-[0-9]{1,2}$`)

// hostKind says which Identity Center endpoint a URL's host belongs to.
type hostKind int

const (
	hostOther  hostKind = iota
	hostSignIn          // <region>.signin.aws…: the ACS and issuer URLs of the identity source
	hostPortal          // portal.sso.<region>.amazonaws.com: the access portal's own IdP side, for apps
	hostSCIM            // scim.<region>.amazonaws.com: the SCIM endpoint
)

// RegionFromURL returns the AWS Region named in an Identity Center URL, or ""
// if the host is not one of the known forms.
func RegionFromURL(raw string) string {
	_, region, _ := parseAWSURL(raw)
	return region
}

// parseAWSURL reads the Region and the kind of endpoint from raw's host:
//
//	https://<region>.signin.aws/platform/saml/acs/<tenant>            ACS (IPv4)
//	https://<region>.sso.signin.aws/platform/saml/acs/<tenant>        ACS (dual-stack)
//	https://<region>.signin.aws.amazon.com/platform/saml/acs/<tenant> ACS (older instances); issuer .../platform/saml/d-xxxxxxxxxx
//	https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>     the access portal's SAML endpoint for applications
//	https://scim.<region>.amazonaws.com/<tenant>/scim/v2              SCIM endpoint (§1), also .api.aws
//
// The ACS forms are those of the IAM Identity Center user guide's "Workforce
// access through an additional Region" table; the SCIM forms are
// identity-center-scim.md §1: "Base URL: https://scim.<region>.amazonaws.com/<tenant_id>/scim/v2"
// and "ssosync also accepts the dual-stack host suffix .api.aws".
// u is nil if raw does not parse.
func parseAWSURL(raw string) (u *url.URL, region string, kind hostKind) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, "", hostOther
	}
	host := strings.ToLower(u.Hostname())
	var cand string
	switch {
	case strings.HasSuffix(host, ".sso.signin.aws"):
		cand, kind = strings.TrimSuffix(host, ".sso.signin.aws"), hostSignIn
	case strings.HasSuffix(host, ".signin.aws.amazon.com"):
		cand, kind = strings.TrimSuffix(host, ".signin.aws.amazon.com"), hostSignIn
	case strings.HasSuffix(host, ".signin.aws"):
		cand, kind = strings.TrimSuffix(host, ".signin.aws"), hostSignIn
	case strings.HasPrefix(host, "portal.sso.") && strings.HasSuffix(host, ".amazonaws.com"):
		cand, kind = strings.TrimSuffix(strings.TrimPrefix(host, "portal.sso."), ".amazonaws.com"), hostPortal
	case strings.HasPrefix(host, "scim.") && strings.HasSuffix(host, ".amazonaws.com"):
		cand, kind = strings.TrimSuffix(strings.TrimPrefix(host, "scim."), ".amazonaws.com"), hostSCIM
	case strings.HasPrefix(host, "scim.") && strings.HasSuffix(host, ".api.aws"):
		cand, kind = strings.TrimSuffix(strings.TrimPrefix(host, "scim."), ".api.aws"), hostSCIM
	}
	if !regionRE.MatchString(cand) {
		return u, "", hostOther
	}
	return u, cand, kind
}
