package saml

import (
	"strings"
	"time"
)

// CheckInput is what Check looks at. Any of IdP and SP may be nil.
type CheckInput struct {
	IdP *IdPMetadata
	SP  *SP
	// ExpectedACSURL and ExpectedIssuer, when set beside SP metadata, are
	// the values typed elsewhere (Okta's app, the bridge's config); they
	// must match the metadata.
	ExpectedACSURL string
	ExpectedIssuer string
	// SCIMURL, if set, is the Identity Center SCIM endpoint; its Region
	// must be the issuer's.
	SCIMURL    string
	Now        time.Time
	WarnBefore time.Duration
}

// Check runs every check on the IdP and SP sides and on the pair.
func Check(in CheckInput) Findings {
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	if in.WarnBefore <= 0 {
		in.WarnBefore = DefaultWarnBefore
	}
	var fs Findings
	if in.IdP != nil {
		fs = append(fs, in.IdP.Check(in.Now, in.WarnBefore)...)
	}
	if in.SP != nil {
		fs = append(fs, in.SP.Check(in.Now, in.WarnBefore)...)
		fs = append(fs, checkExpected(in.SP, in.ExpectedACSURL, in.ExpectedIssuer)...)
		if in.SCIMURL != "" {
			fs = append(fs, checkSCIMRegion(in.SP, in.SCIMURL)...)
		}
	}
	if in.IdP != nil && in.SP != nil {
		fs = append(fs, checkPair(in.IdP, in.SP)...)
	}
	return fs
}

func checkExpected(sp *SP, acs, issuer string) []Finding {
	var fs []Finding
	if issuer = strings.TrimSpace(issuer); issuer != "" && issuer != sp.Issuer() {
		fs = append(fs, errorf("issuer-mismatch", "use the issuer URL from the SP metadata in Okta's app (Sign On → Advanced Sign-on Settings)",
			"issuer %s does not match the SP metadata's entityID %s: the assertion's audience would be refused", issuer, sp.Issuer()))
	}
	if acs = strings.TrimSpace(acs); acs != "" {
		found := false
		for _, a := range sp.ACSURLs {
			if strings.TrimSpace(a) == acs {
				found = true
			}
		}
		if !found {
			fs = append(fs, errorf("acs-mismatch", "use the ACS URL from the SP metadata in Okta's app (Sign On → Advanced Sign-on Settings)",
				"ACS URL %s is not one of the SP metadata's ACS URLs %v", acs, sp.ACSURLs))
		}
	}
	return fs
}

func checkSCIMRegion(sp *SP, scimURL string) []Finding {
	sr, ir := RegionFromURL(scimURL), sp.Region()
	if sr == "" {
		return []Finding{warnf("scim-url-not-aws", "use the SCIM endpoint Identity Center shows when automatic provisioning is enabled",
			"SCIM endpoint %s is not of the form https://scim.<region>.amazonaws.com/<tenant>/scim/v2 (identity-center-scim.md §1)", scimURL)}
	}
	if ir != "" && sr != ir {
		return []Finding{errorf("scim-region-mismatch", "take the SCIM endpoint, ACS URL and issuer from the same Identity Center instance",
			"SCIM endpoint is in %s but the issuer is in %s", sr, ir)}
	}
	return nil
}

func checkPair(idp *IdPMetadata, sp *SP) []Finding {
	if idp.Entity.EntityID != "" && idp.Entity.EntityID == sp.Issuer() {
		return []Finding{errorf("issuer-is-idp-entity-id", copyValuesFix,
			"the SP issuer/audience %s is Okta's own entityID: Okta's issuer was pasted where Identity Center's belongs", sp.Issuer())}
	}
	return nil
}
