package saml

import (
	"testing"
	"time"

	crewsaml "github.com/crewjam/saml"

	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

func TestRegionFromURL(t *testing.T) {
	for url, want := range map[string]string{
		"https://us-west-2.signin.aws/platform/saml/acs/1111111111111111-aaee-ffff-dddd-11111111111":            "us-west-2",
		"https://us-west-2.signin.aws.amazon.com/platform/saml/acs/1111111111111111-aaee-ffff-dddd-11111111111": "us-west-2",
		"https://eu-central-1.sso.signin.aws/platform/saml/acs/abc":                                             "eu-central-1",
		"https://ap-northeast-1.signin.aws.amazon.com/platform/saml/d-9567b34c60":                               "ap-northeast-1",
		"https://portal.sso.us-east-2.amazonaws.com/saml/assertion/NDc2MDk3OTk3MTUx":                            "us-east-2",
		"https://scim.eu-west-1.amazonaws.com/bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a/scim/v2":                  "eu-west-1",
		"https://scim.us-gov-west-1.amazonaws.com/x/scim/v2":                                                    "us-gov-west-1",
		"https://scim.ca-central-1.api.aws/x/scim/v2/":                                                          "ca-central-1",
		"https://eusc-de-east-1.signin.aws/platform/saml/acs/x":                                                 "eusc-de-east-1",
		"https://us-isob-east-1.signin.aws/platform/saml/acs/x":                                                 "us-isob-east-1",
		"https://portal.signin.aws/platform/saml/acs/x":                                                         "",
		"https://signin.aws.amazon.com/saml":                                                                    "",
		"https://example.okta.com/app/x/sso/saml":                                                               "",
		"https://evil.example.com.signin.aws/platform/saml/acs/x":                                               "",
		"not a url at all": "",
	} {
		if got := RegionFromURL(url); got != want {
			t.Errorf("RegionFromURL(%q) = %q, want %q", url, got, want)
		}
	}
}

func checkSP(t *testing.T, sp *SP) Findings {
	t.Helper()
	return sp.Check(time.Now(), DefaultWarnBefore)
}

func mustSP(t *testing.T, acs, issuer string) *SP {
	t.Helper()
	sp, err := SPFromValues(acs, issuer)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func TestSPValuesInRealFormsPass(t *testing.T) {
	for _, c := range []struct{ acs, issuer string }{
		{samltest.ACSURL("us-east-1"), samltest.IssuerURL("us-east-1")},
		{"https://us-east-2.signin.aws.amazon.com/platform/saml/acs/95dd9da3-94ec-448b-9449-6564c5630e9b", "https://us-east-2.signin.aws.amazon.com/platform/saml/d-9a6709eac6"},
		{"https://eu-west-1.sso.signin.aws/platform/saml/acs/" + samltest.TenantID, samltest.IssuerURL("eu-west-1")},
	} {
		sp := mustSP(t, c.acs, c.issuer)
		if fs := checkSP(t, sp); fs.Errors()+fs.Warnings() != 0 {
			t.Errorf("%s / %s: unexpected findings:\n%v", c.acs, c.issuer, fs)
		}
		// The generated metadata reads back with the same values.
		back, err := ParseSPMetadata(sp.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if back.ACSURL() != c.acs || back.Issuer() != c.issuer || len(back.NameIDFormats) != 1 || back.NameIDFormats[0] != NameIDFormatEmail {
			t.Errorf("generated SP metadata reads back as %+v", back)
		}
	}
}

func TestSPValueMistakes(t *testing.T) {
	acs, issuer := samltest.ACSURL("us-east-1"), samltest.IssuerURL("us-east-1")
	tests := []struct {
		name, acs, issuer string
		codes             []string
	}{
		{"swapped", issuer, acs, []string{"issuer-is-acs-url", "acs-is-issuer-url"}},
		{"ACS in another region", samltest.ACSURL("eu-west-1"), issuer, []string{"acs-region-mismatch"}},
		{"Okta's issuer as audience", acs, samltest.OktaEntityID, []string{"issuer-is-okta"}},
		{"trailing newline", acs + "\n", issuer, []string{"acs-whitespace"}},
		{"leading space", acs, " " + issuer, []string{"issuer-whitespace"}},
		{"plain http ACS", "http://us-east-1.signin.aws/platform/saml/acs/x", issuer, []string{"acs-not-https"}},
		{"issuer not a URL", acs, "d-9067abcdef", []string{"issuer-not-url"}},
		{"ACS not a URL", "acs", issuer, []string{"acs-not-url"}},
		{"no issuer", acs, "", []string{"sp-no-issuer"}},
		{"SCIM endpoint as ACS URL", "https://scim.us-east-1.amazonaws.com/" + samltest.TenantID + "/scim/v2", issuer, []string{"acs-is-scim-url"}},
		{"SCIM endpoint as issuer", acs, "https://scim.us-east-1.amazonaws.com/" + samltest.TenantID + "/scim/v2", []string{"issuer-is-scim-url"}},
		{"Okta's sign-on URL as ACS URL", samltest.OktaSSOURL, issuer, []string{"acs-is-okta"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checkSP(t, mustSP(t, tt.acs, tt.issuer))
			for _, code := range tt.codes {
				if !fs.Has(code) {
					t.Errorf("no %s in:\n%v", code, fs)
				}
			}
			if fs.Errors() == 0 {
				t.Error("no error")
			}
		})
	}
}

// Forms we do not know warn (AWS changes them) but do not refuse.
func TestSPValuesInUnknownFormsWarn(t *testing.T) {
	acs, issuer := samltest.ACSURL("us-east-1"), samltest.IssuerURL("us-east-1")
	for _, tt := range []struct{ name, acs, issuer, code string }{
		{"ACS on another host", "https://sso.example.com/saml/acs", issuer, "acs-not-aws"},
		{"access portal's app endpoint as ACS", "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/NDc2MDk3OTk3MTUx", issuer, "acs-not-aws"},
		{"issuer on another host", acs, "https://sso.example.com/metadata", "issuer-not-aws"},
		{"placeholder tenant in ACS", "https://us-east-1.signin.aws/platform/saml/acs/<tenant>", issuer, "acs-not-aws"},
		{"placeholder store id in issuer", acs, "https://us-east-1.signin.aws.amazon.com/platform/saml/d-xxxxxxxxxx", "issuer-not-aws"},
		{"truncated issuer", acs, "https://us-east-1.signin.aws.amazon.com/platform/saml/d-9067ab", "issuer-not-aws"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := checkSP(t, mustSP(t, tt.acs, tt.issuer))
			if !fs.Has(tt.code) || fs.Errors() != 0 {
				t.Errorf("want a %s warning and no error:\n%v", tt.code, fs)
			}
		})
	}
}

func TestSPMetadataFile(t *testing.T) {
	soon := samltest.NewCert(t, samltest.CertOpts{NotAfter: time.Now().Add(5 * 24 * time.Hour)})
	t.Run("multi-Region instance", func(t *testing.T) {
		data := samltest.SPMetadata(t, samltest.SPOpts{Region: "us-east-1",
			ACSURLs: []string{samltest.ACSURL("us-east-1"), samltest.ACSURL("eu-west-1")}})
		sp, err := ParseSPMetadata(data)
		if err != nil {
			t.Fatal(err)
		}
		if sp.ACSURL() != samltest.ACSURL("us-east-1") || len(sp.ACSURLs) != 2 {
			t.Errorf("ACS URLs = %v", sp.ACSURLs)
		}
		fs := checkSP(t, sp)
		if fs.Errors() != 0 || !fs.Has("acs-multi-region") {
			t.Errorf("findings:\n%v", fs)
		}
		s := sp.OktaSettings()
		if s.ACSURL != samltest.ACSURL("us-east-1") || len(s.AdditionalACSURLs) != 1 || s.Region != "us-east-1" {
			t.Errorf("Okta settings = %+v", s)
		}
	})
	t.Run("ACS for another Region only", func(t *testing.T) {
		sp, err := ParseSPMetadata(samltest.SPMetadata(t, samltest.SPOpts{Region: "us-east-1", ACSURLs: []string{samltest.ACSURL("ap-southeast-2")}}))
		if err != nil {
			t.Fatal(err)
		}
		if fs := checkSP(t, sp); !fs.Has("acs-region-mismatch") {
			t.Errorf("findings:\n%v", fs)
		}
	})
	t.Run("default ACS in another Region than the issuer", func(t *testing.T) {
		sp, err := ParseSPMetadata(samltest.SPMetadata(t, samltest.SPOpts{Region: "us-east-1",
			ACSURLs: []string{samltest.ACSURL("eu-west-1"), samltest.ACSURL("us-east-1")}}))
		if err != nil {
			t.Fatal(err)
		}
		if fs := checkSP(t, sp); !fs.Has("acs-primary-other-region") || fs.Has("acs-region-mismatch") {
			t.Errorf("findings:\n%v", fs)
		}
	})
	t.Run("no HTTP-POST ACS", func(t *testing.T) {
		sp, err := ParseSPMetadata(samltest.SPMetadata(t, samltest.SPOpts{ACSURLs: []string{}}))
		if err != nil {
			t.Fatal(err)
		}
		if fs := checkSP(t, sp); !fs.Has("sp-no-acs") || fs.Errors() == 0 {
			t.Errorf("findings:\n%v", fs)
		}
	})
	t.Run("NameID persistent", func(t *testing.T) {
		sp, err := ParseSPMetadata(samltest.SPMetadata(t, samltest.SPOpts{NameIDFormats: []string{string(crewsaml.PersistentNameIDFormat)}}))
		if err != nil {
			t.Fatal(err)
		}
		if fs := checkSP(t, sp); !fs.Has("name-id-not-email") || fs.Errors() == 0 {
			t.Errorf("findings:\n%v", fs)
		}
	})
	t.Run("SP cert expiring", func(t *testing.T) {
		sp, err := ParseSPMetadata(samltest.SPMetadata(t, samltest.SPOpts{Cert: &soon}))
		if err != nil {
			t.Fatal(err)
		}
		if fs := checkSP(t, sp); !fs.Has("cert-expiring") {
			t.Errorf("findings:\n%v", fs)
		}
		if len(sp.Certs) != 1 || sp.Certs[0].Role != RoleSPSigning {
			t.Errorf("certs = %+v", sp.Certs)
		}
	})
	t.Run("oversize SP cert", func(t *testing.T) {
		big := samltest.NewCert(t, samltest.CertOpts{ExtraDNSNames: 20})
		if len(big.PEM()) <= MaxSPCertPEMBytes {
			t.Fatalf("cert only %d bytes", len(big.PEM()))
		}
		sp, err := ParseSPMetadata(samltest.SPMetadata(t, samltest.SPOpts{Cert: &big}))
		if err != nil {
			t.Fatal(err)
		}
		if fs := checkSP(t, sp); !fs.Has("sp-cert-too-large") {
			t.Errorf("findings:\n%v", fs)
		}
	})
	t.Run("Okta's IdP metadata given as SP metadata", func(t *testing.T) {
		cert := samltest.NewCert(t, samltest.CertOpts{})
		if _, err := ParseSPMetadata(samltest.IdPMetadata(t, samltest.IdPOpts{}, cert)); err == nil {
			t.Fatal("parsed")
		}
	})
}

func TestCheckPairAndExpectedValues(t *testing.T) {
	cert := samltest.NewCert(t, samltest.CertOpts{})
	idp := mustParseIdP(t, samltest.IdPMetadata(t, samltest.IdPOpts{}, cert))
	spFile, err := ParseSPMetadata(samltest.SPMetadata(t, samltest.SPOpts{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("consistent", func(t *testing.T) {
		fs := Check(CheckInput{IdP: idp, SP: spFile, ExpectedACSURL: samltest.ACSURL("us-east-1"), ExpectedIssuer: samltest.IssuerURL("us-east-1"),
			SCIMURL: "https://scim.us-east-1.amazonaws.com/" + samltest.TenantID + "/scim/v2"})
		if fs.Errors()+fs.Warnings() != 0 {
			t.Errorf("findings:\n%v", fs)
		}
	})
	t.Run("typed issuer differs from metadata", func(t *testing.T) {
		fs := Check(CheckInput{SP: spFile, ExpectedIssuer: samltest.IssuerURL("us-east-1") + "x", ExpectedACSURL: samltest.ACSURL("us-west-2")})
		if !fs.Has("issuer-mismatch") || !fs.Has("acs-mismatch") {
			t.Errorf("findings:\n%v", fs)
		}
	})
	t.Run("SCIM endpoint in another Region", func(t *testing.T) {
		fs := Check(CheckInput{SP: spFile, SCIMURL: "https://scim.eu-west-1.amazonaws.com/x/scim/v2"})
		if !fs.Has("scim-region-mismatch") || fs.Errors() == 0 {
			t.Errorf("findings:\n%v", fs)
		}
	})
	t.Run("SCIM endpoint not AWS's", func(t *testing.T) {
		fs := Check(CheckInput{SP: spFile, SCIMURL: "https://scim-bridge.example.com/scim/v2"})
		if !fs.Has("scim-url-not-aws") {
			t.Errorf("findings:\n%v", fs)
		}
	})
	t.Run("audience is the IdP's entity ID", func(t *testing.T) {
		sp := mustSP(t, samltest.ACSURL("us-east-1"), "https://idp.example.com/metadata")
		other := mustParseIdP(t, samltest.IdPMetadata(t, samltest.IdPOpts{EntityID: "https://idp.example.com/metadata"}, cert))
		if fs := Check(CheckInput{IdP: other, SP: sp}); !fs.Has("issuer-is-idp-entity-id") {
			t.Errorf("findings:\n%v", fs)
		}
	})
}
