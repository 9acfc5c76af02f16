package saml

import (
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

func TestSetupGuide(t *testing.T) {
	acs, issuer := samltest.ACSURL("eu-west-1"), samltest.IssuerURL("eu-west-1")
	g, err := NewSetupGuide(SetupParams{OktaOrg: "acme.okta.com", ACSURL: acs, Issuer: issuer, BridgeURL: "https://bridge.acme.example/"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := g.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"https://acme-admin.okta.com",
		acs, issuer, "eu-west-1",
		"Base URL:      https://bridge.acme.example/scim/v2\n",
		"https://bridge.acme.example/saml/idp-metadata.xml",
		"Test API Credentials",
		"Create Users, Update User Attributes and Deactivate",
		"Push Groups", "§12.13",
		"Application username format: Email", "§12.14",
		"Change identity source", "Automatic provisioning",
		"SCIM_BRIDGE_TOKEN",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("guide lacks %q", want)
		}
	}
	for org, admin := range map[string]string{
		"acme.oktapreview.com":        "https://acme-admin.oktapreview.com",
		"https://acme-admin.okta.com": "https://acme-admin.okta.com",
		"login.acme.example":          "https://login.acme.example", // custom domain: no -admin form
	} {
		g, err := NewSetupGuide(SetupParams{OktaOrg: org, ACSURL: acs, Issuer: issuer, BridgeURL: "https://bridge.acme.example"})
		if err != nil {
			t.Fatal(err)
		}
		if g.OktaAdminURL != admin {
			t.Errorf("--okta-org %s: admin console %s, want %s", org, g.OktaAdminURL, admin)
		}
	}
	if strings.Contains(out, "/scim/v2/") {
		t.Error("guide gives a SCIM base URL with a trailing slash")
	}
	if g.Findings.Errors() != 0 {
		t.Errorf("findings for good values:\n%v", g.Findings)
	}
}

func TestSetupGuideReportsMistakes(t *testing.T) {
	acs, issuer := samltest.ACSURL("us-east-1"), samltest.IssuerURL("us-east-1")
	if _, err := NewSetupGuide(SetupParams{ACSURL: acs, Issuer: issuer}); err == nil || !strings.Contains(err.Error(), "--okta-org") || !strings.Contains(err.Error(), "--bridge-url") {
		t.Errorf("missing values: err = %v", err)
	}
	g, err := NewSetupGuide(SetupParams{OktaOrg: "https://acme.okta.com", ACSURL: issuer, Issuer: acs, BridgeURL: "http://bridge:8080"})
	if err != nil {
		t.Fatal(err)
	}
	if !g.Findings.Has("issuer-is-acs-url") || !g.Findings.Has("bridge-not-https") {
		t.Errorf("findings:\n%v", g.Findings)
	}
	var b strings.Builder
	_ = g.Write(&b)
	if !strings.Contains(b.String(), "Check these first") || !strings.Contains(b.String(), "fix:") {
		t.Error("guide does not show the findings and their fixes")
	}
}
