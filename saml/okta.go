package saml

// OktaSPSettings are the values Okta's "AWS IAM Identity Center" app asks
// for, served as /saml/sp.json.
type OktaSPSettings struct {
	// ACSURL goes in Sign On → Advanced Sign-on Settings → "AWS SSO ACS URL".
	ACSURL string `json:"acsUrl"`
	// AdditionalACSURLs are the other Regions' ACS URLs of a multi-Region instance.
	AdditionalACSURLs []string `json:"additionalAcsUrls,omitempty"`
	// IssuerURL goes in "AWS SSO issuer URL"; it is the assertion's audience.
	IssuerURL string `json:"issuerUrl"`
	Audience  string `json:"audience"`
	Region    string `json:"region,omitempty"`
	// NameIDFormat is the SAML NameID format Identity Center requires.
	NameIDFormat string `json:"nameIdFormat"`
	// NameIDSource is the Okta setting the NameID is taken from, and
	// ApplicationUsernameFormat the value it must have.
	NameIDSource              string `json:"nameIdSource"`
	ApplicationUsernameFormat string `json:"applicationUsernameFormat"`
	Note                      string `json:"note"`
}

// OktaSettings returns what to enter in Okta's app.
func (sp *SP) OktaSettings() OktaSPSettings {
	s := OktaSPSettings{
		ACSURL:                    sp.ACSURL(),
		IssuerURL:                 sp.Issuer(),
		Audience:                  sp.Issuer(),
		Region:                    sp.Region(),
		NameIDFormat:              NameIDFormatEmail,
		NameIDSource:              "Application username (Sign On → Credentials Details → Application username format)",
		ApplicationUsernameFormat: "Email",
		// identity-center-scim.md §12.14: "the SAML NameID must equal the IC userName (email format)".
		Note: "The NameID must equal the user's userName in Identity Center; Okta sends the application username as both the NameID and the SCIM userName, so keep it an email address.",
	}
	for i, a := range sp.ACSURLs {
		if i > 0 {
			s.AdditionalACSURLs = append(s.AdditionalACSURLs, a)
		}
	}
	return s
}
