package saml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	crewsaml "github.com/crewjam/saml"
)

// SP is Identity Center's service-provider side of the SAML trust: what
// Okta's AWS IAM Identity Center app must be told.
type SP struct {
	// EntityID is the "IAM Identity Center issuer URL", which Okta puts in
	// the assertion's Audience.
	EntityID string
	// ACSURLs are the HTTP-POST assertion consumer services, the default
	// (primary Region) first. Multi-Region instances list one per Region.
	ACSURLs       []string
	NameIDFormats []string
	Certs         []Cert
	// Raw is the metadata document served at /saml/sp-metadata.xml: the
	// file Identity Center provided, or one built from the ACS URL and issuer.
	Raw      []byte
	FromFile bool
}

// SPFromValues builds the SP from the two values Identity Center's console
// shows ("IAM Identity Center ACS URL" and "IAM Identity Center issuer URL").
// Surrounding white space, a common copy-paste accident, is kept so that
// Check can report it.
func SPFromValues(acsURL, issuer string) (*SP, error) {
	sp := &SP{EntityID: issuer, ACSURLs: []string{acsURL}, NameIDFormats: []string{NameIDFormatEmail}}
	yes, no := true, false
	// The shape of the metadata Identity Center itself publishes: one
	// SPSSODescriptor, email NameID, an HTTP-POST ACS, signed assertions.
	ed := crewsaml.EntityDescriptor{
		EntityID: strings.TrimSpace(issuer),
		SPSSODescriptors: []crewsaml.SPSSODescriptor{{
			SSODescriptor: crewsaml.SSODescriptor{
				RoleDescriptor: crewsaml.RoleDescriptor{ProtocolSupportEnumeration: "urn:oasis:names:tc:SAML:2.0:protocol"},
				NameIDFormats:  []crewsaml.NameIDFormat{crewsaml.EmailAddressNameIDFormat},
			},
			AuthnRequestsSigned:  &no,
			WantAssertionsSigned: &yes,
			AssertionConsumerServices: []crewsaml.IndexedEndpoint{{
				Binding: crewsaml.HTTPPostBinding, Location: strings.TrimSpace(acsURL), Index: 0, IsDefault: &yes,
			}},
		}},
	}
	out, err := xml.MarshalIndent(ed, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal SP metadata: %w", err)
	}
	sp.Raw = append([]byte(xml.Header), out...)
	return sp, nil
}

// ParseSPMetadata parses the SP metadata file Identity Center lets you
// download (Settings → Identity source → Manage authentication).
func ParseSPMetadata(data []byte) (*SP, error) {
	entity, _, err := parseEntity(data, func(e *crewsaml.EntityDescriptor) bool { return len(e.SPSSODescriptors) > 0 })
	if err != nil {
		return nil, fmt.Errorf("parse SP metadata: %w", err)
	}
	if len(entity.SPSSODescriptors) == 0 {
		if len(entity.IDPSSODescriptors) > 0 {
			return nil, errors.New("parse SP metadata: this is an identity provider's metadata (Okta's?), not Identity Center's SP metadata")
		}
		return nil, errors.New("parse SP metadata: no SPSSODescriptor")
	}
	sp := &SP{EntityID: entity.EntityID, Raw: data, FromFile: true}
	type acs struct {
		loc   string
		index int
		def   bool
	}
	var all []acs
	for _, d := range entity.SPSSODescriptors {
		for _, f := range d.NameIDFormats {
			sp.NameIDFormats = append(sp.NameIDFormats, string(f))
		}
		for _, a := range d.AssertionConsumerServices {
			if a.Binding == crewsaml.HTTPPostBinding && a.Location != "" {
				all = append(all, acs{a.Location, a.Index, a.IsDefault != nil && *a.IsDefault})
			}
		}
		sp.Certs = append(sp.Certs, certsFromKeyDescriptors(d.KeyDescriptors, RoleSPSigning, RoleSPEncryption)...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].def != all[j].def {
			return all[i].def
		}
		return all[i].index < all[j].index
	})
	for _, a := range all {
		sp.ACSURLs = append(sp.ACSURLs, a.loc)
	}
	return sp, nil
}

// ACSURL is the primary ACS URL, or "".
func (sp *SP) ACSURL() string {
	if len(sp.ACSURLs) == 0 {
		return ""
	}
	return strings.TrimSpace(sp.ACSURLs[0])
}

// Issuer is the issuer (audience) URL, trimmed.
func (sp *SP) Issuer() string { return strings.TrimSpace(sp.EntityID) }

// Region is the Region of the issuer URL, or "".
func (sp *SP) Region() string { return RegionFromURL(sp.Issuer()) }

const copyValuesFix = "in Identity Center → Settings → Identity source → Manage authentication (or the \"Change identity source\" wizard), copy \"IAM Identity Center ACS URL\" and \"IAM Identity Center issuer URL\" again, each into its own field"

// Check validates the SP values: the mistakes that make Identity Center
// refuse every assertion.
func (sp *SP) Check(now time.Time, warnBefore time.Duration) Findings {
	var fs Findings
	issuer := sp.Issuer()
	if sp.EntityID != issuer {
		fs = append(fs, errorf("issuer-whitespace", "remove the spaces or line breaks around the issuer URL", "issuer URL %q has white space around it", sp.EntityID))
	}
	for _, a := range sp.ACSURLs {
		if a != strings.TrimSpace(a) {
			fs = append(fs, errorf("acs-whitespace", "remove the spaces or line breaks around the ACS URL", "ACS URL %q has white space around it", a))
		}
	}
	if issuer == "" {
		fs = append(fs, errorf("sp-no-issuer", copyValuesFix, "no IAM Identity Center issuer URL (the SP entityID / audience)"))
	} else {
		fs = append(fs, checkIssuerForm(issuer)...)
	}
	if len(sp.ACSURLs) == 0 {
		fs = append(fs, errorf("sp-no-acs", copyValuesFix, "no IAM Identity Center ACS URL (HTTP-POST AssertionConsumerService)"))
	} else {
		for i, a := range sp.ACSURLs {
			fs = append(fs, checkACSForm(strings.TrimSpace(a), i == 0)...)
		}
		fs = append(fs, sp.checkRegions()...)
	}
	fs = append(fs, checkNameIDFormats("SP", sp.NameIDFormats,
		"download the SP metadata from Identity Center again: it asks for "+NameIDFormatEmail)...)
	for _, c := range sp.Certs {
		if c.ParseErr != nil {
			fs = append(fs, errorf("cert-unparsable", "download the SP metadata from Identity Center again", "%s: %v", c.Name(), c.ParseErr))
			continue
		}
		if c.PEMChars > MaxSPCertPEMBytes {
			fs = append(fs, errorf("sp-cert-too-large", "use a certificate with a 2048-bit RSA key",
				"%s is %d bytes as PEM; Identity Center accepts at most %d (identity-center-scim.md §11)", c.Name(), c.PEMChars, MaxSPCertPEMBytes))
		}
		fs = append(fs, checkCertDates(c, now, warnBefore,
			"rotate the certificate in Identity Center and download its SP metadata again (identity-center-scim.md §11: application certificates last 5 years; rotating may disrupt access)")...)
	}
	return fs
}

// The paths of the values Identity Center shows: the ACS URL ends in the
// instance's tenant id, the issuer in its identity store id, which is
// d-xxxxxxxxxx or a UUID (botocore identitystore IdentityStoreId pattern).
// A placeholder or a truncated paste fails these.
var (
	acsPathRE    = regexp.MustCompile(`^/platform/saml/acs/[A-Za-z0-9-]+/?$`)
	issuerPathRE = regexp.MustCompile(`^/platform/saml/(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?$`)
)

// issuerForm and acsForm describe the values Identity Center shows, for
// messages.
const (
	issuerForm = "https://<region>.signin.aws.amazon.com/platform/saml/d-<10 hex digits>"
	acsForm    = "https://<region>.signin.aws/platform/saml/acs/<tenant id>, or the same on signin.aws.amazon.com or sso.signin.aws"
)

// checkIssuerForm catches another URL pasted as the issuer: the ACS URL,
// Okta's issuer, the SCIM endpoint.
func checkIssuerForm(issuer string) []Finding {
	u, _, kind := parseAWSURL(issuer)
	if u == nil || u.Host == "" {
		return []Finding{errorf("issuer-not-url", copyValuesFix, "issuer %q is not a URL", issuer)}
	}
	switch {
	case strings.Contains(u.Path, "/saml/acs/"):
		return []Finding{errorf("issuer-is-acs-url", copyValuesFix+"; the issuer is the one ending in /platform/saml/d-…",
			"issuer %s is an ACS URL: the audience Okta sends would not match Identity Center's issuer, and every sign-in fails", issuer)}
	case isOktaHost(u.Hostname()):
		return []Finding{errorf("issuer-is-okta", copyValuesFix,
			"issuer %s is Okta's own URL; the audience must be Identity Center's issuer URL", issuer)}
	case kind == hostSCIM:
		return []Finding{errorf("issuer-is-scim-url", copyValuesFix,
			"issuer %s is Identity Center's SCIM endpoint, which belongs in the bridge's SCIM_BRIDGE_UPSTREAM_URL; the audience would not match", issuer)}
	case kind != hostSignIn || !issuerPathRE.MatchString(u.Path):
		// A form we do not know may still be real (AWS changes them), so
		// this warns rather than refuses.
		return []Finding{warnf("issuer-not-aws", copyValuesFix,
			"issuer %s is not of the form Identity Center shows (%s)", issuer, issuerForm)}
	}
	return nil
}

// checkACSForm catches another URL pasted as the ACS URL and non-AWS hosts.
func checkACSForm(acs string, primary bool) []Finding {
	u, region, kind := parseAWSURL(acs)
	if u == nil || u.Host == "" {
		return []Finding{errorf("acs-not-url", copyValuesFix, "ACS URL %q is not a URL", acs)}
	}
	var fs []Finding
	if u.Scheme != "https" {
		fs = append(fs, errorf("acs-not-https", copyValuesFix, "ACS URL %s is not https", acs))
	}
	isACS := kind == hostSignIn && acsPathRE.MatchString(u.Path)
	switch {
	case kind == hostSignIn && strings.HasPrefix(u.Path, "/platform/saml/") && !strings.HasPrefix(u.Path, "/platform/saml/acs/"):
		fs = append(fs, errorf("acs-is-issuer-url", copyValuesFix+"; the ACS URL is the one with /platform/saml/acs/",
			"ACS URL %s is the issuer URL: Okta would post assertions where Identity Center does not accept them", acs))
	case kind == hostSCIM:
		fs = append(fs, errorf("acs-is-scim-url", copyValuesFix,
			"ACS URL %s is Identity Center's SCIM endpoint (region %s): Okta would post assertions to the provisioning API", acs, region))
	case isOktaHost(u.Hostname()):
		fs = append(fs, errorf("acs-is-okta", copyValuesFix,
			"ACS URL %s is Okta's own sign-on URL; the ACS URL is where Identity Center receives assertions", acs))
	case !isACS && primary:
		// portal.sso.<region>.amazonaws.com/saml/assertion/… is the access
		// portal's endpoint for applications; whether any instance ever
		// showed it as the identity source's ACS URL is UNCONFIRMED, so it
		// warns like any unknown form rather than refuses.
		fs = append(fs, warnf("acs-not-aws", copyValuesFix,
			"ACS URL %s is not one of the Identity Center forms (%s)", acs, acsForm))
	}
	return fs
}

// checkRegions: the primary ACS URL must be in the issuer's Region.
// Multi-Region instances add one ACS URL per additional Region; those may
// differ, but one must match the issuer.
func (sp *SP) checkRegions() []Finding {
	ir := sp.Region()
	if ir == "" {
		return nil
	}
	var fs []Finding
	match := false
	for _, a := range sp.ACSURLs {
		if RegionFromURL(a) == ir {
			match = true
		}
	}
	primary := RegionFromURL(sp.ACSURL())
	switch {
	case !match && primary != "":
		fs = append(fs, errorf("acs-region-mismatch", copyValuesFix+" from the same Identity Center instance (its primary Region)",
			"ACS URL %s is for Region %s, but the issuer %s is for %s: the two come from different Identity Center instances or Regions", sp.ACSURL(), primary, sp.Issuer(), ir))
	case match && primary != "" && primary != ir:
		fs = append(fs, warnf("acs-primary-other-region", "make the ACS URL of the primary Region ("+ir+") the default one",
			"the default ACS URL %s is for %s, the issuer for %s", sp.ACSURL(), primary, ir))
	}
	if len(sp.ACSURLs) > 1 {
		fs = append(fs, infof("acs-multi-region", "%d ACS URLs (one per enabled Region); enter each in Okta if its app accepts several", len(sp.ACSURLs)))
	}
	return fs
}

func isOktaHost(host string) bool {
	host = strings.ToLower(host)
	for _, s := range []string{"okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com", "okta.mil"} {
		if host == s || strings.HasSuffix(host, "."+s) {
			return true
		}
	}
	return false
}
