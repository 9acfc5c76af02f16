package saml

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// SetupParams are one operator's values for the Okta ↔ Identity Center setup.
type SetupParams struct {
	OktaOrg   string // e.g. example.okta.com or https://example.okta.com
	ACSURL    string
	Issuer    string
	BridgeURL string // the bridge's Okta-facing base URL, e.g. https://scim-bridge.example.com
}

// SetupGuide is the checked, normalised form of SetupParams.
type SetupGuide struct {
	OktaAdminURL string
	SP           *SP
	BridgeURL    string // no trailing slash
	SCIMBaseURL  string // BridgeURL + "/scim/v2", no trailing slash
	Findings     Findings
}

// NewSetupGuide checks p and derives the URLs the guide prints.
func NewSetupGuide(p SetupParams) (*SetupGuide, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{{"--okta-org", p.OktaOrg}, {"--acs-url", p.ACSURL}, {"--issuer", p.Issuer}, {"--bridge-url", p.BridgeURL}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	org := strings.TrimSpace(p.OktaOrg)
	if !strings.Contains(org, "://") {
		org = "https://" + org
	}
	ou, err := url.Parse(org)
	if err != nil || ou.Host == "" {
		return nil, fmt.Errorf("--okta-org %q: want your Okta domain, e.g. example.okta.com", p.OktaOrg)
	}
	// The admin console is the org's host with -admin after the first
	// label; a custom domain has no such form, so it is kept as given.
	host := ou.Hostname()
	if i := strings.IndexByte(host, '.'); i > 0 && isOktaHost(host) && !strings.HasSuffix(host[:i], "-admin") {
		host = host[:i] + "-admin" + host[i:]
	}
	bu, err := url.Parse(strings.TrimSpace(p.BridgeURL))
	if err != nil || bu.Host == "" || (bu.Scheme != "https" && bu.Scheme != "http") {
		return nil, errors.New("--bridge-url: want the bridge's base URL as Okta reaches it, e.g. https://scim-bridge.example.com")
	}
	bridge := strings.TrimRight(bu.Scheme+"://"+bu.Host+bu.Path, "/")
	// identity-center-scim.md §9: Okta's AWS app needs the Base URL WITHOUT a
	// trailing slash ("Base URL: Does not match required pattern", §12.1).
	scimBase := bridge + "/scim/v2"
	sp, err := SPFromValues(p.ACSURL, p.Issuer)
	if err != nil {
		return nil, err
	}
	g := &SetupGuide{OktaAdminURL: "https://" + host, SP: sp, BridgeURL: bridge, SCIMBaseURL: scimBase}
	g.Findings = sp.Check(time.Now(), DefaultWarnBefore)
	if bu.Scheme != "https" {
		g.Findings = append(g.Findings, warnf("bridge-not-https", "put the bridge behind TLS: Okta sends the bearer token with every request",
			"bridge URL %s is not https", bridge))
	}
	return g, nil
}

// Write prints the guide, step by step.
func (g *SetupGuide) Write(w io.Writer) error {
	sp := g.SP
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("Okta ↔ AWS IAM Identity Center through scim-bridge")
	p("")
	p("Your values")
	p("  Okta admin console:          %s", g.OktaAdminURL)
	p("  IAM Identity Center ACS URL: %s", sp.ACSURL())
	p("  IAM Identity Center issuer:  %s", sp.Issuer())
	if r := sp.Region(); r != "" {
		p("  Identity Center Region:      %s", r)
	}
	p("  Bridge SCIM base URL:        %s", g.SCIMBaseURL)
	if len(g.Findings) > 0 {
		p("")
		p("Check these first:")
		var fb strings.Builder
		_ = g.Findings.Write(&fb)
		for _, line := range strings.Split(strings.TrimRight(fb.String(), "\n"), "\n") {
			p("  %s", line)
		}
	}
	p("")
	p("1. Okta: add the app")
	p("   %s → Applications → Browse App Catalog → \"AWS IAM Identity Center\" → Add integration → Done.", g.OktaAdminURL)
	p("")
	p("2. Identity Center: switch to an external identity provider")
	p("   AWS console → IAM Identity Center → Settings → Identity source → Actions → Change identity source")
	p("   → External identity provider → Next. The page shows the ACS URL and issuer URL above;")
	p("   if they differ, rerun this command with the page's values. Keep the wizard open for step 4.")
	p("")
	p("3. Okta: give the app Identity Center's values")
	p("   App → Sign On → Edit → Advanced Sign-on Settings:")
	p("     ACS URL field (\"AWS SSO ACS URL\"):       %s", sp.ACSURL())
	p("     issuer URL field (\"AWS SSO issuer URL\"): %s", sp.Issuer())
	p("   Credentials Details → Application username format: Email. Save.")
	p("   The SAML NameID is the application username and must equal the user's userName in")
	p("   Identity Center, an email address (identity-center-scim.md §12.14); otherwise users are")
	p("   provisioned but cannot sign in.")
	p("")
	p("4. Identity Center: upload Okta's IdP metadata")
	p("   Run the bridge with Okta's metadata URL (App → Sign On → SAML Signing Certificates → Actions →")
	p("   View IdP metadata; copy the address) and Identity Center's values:")
	p("     SCIM_BRIDGE_SAML_IDP_METADATA_URL=<that address>")
	p("     SCIM_BRIDGE_SAML_ACS_URL='%s'", sp.ACSURL())
	p("     SCIM_BRIDGE_SAML_ISSUER='%s'", sp.Issuer())
	p("   Until step 5 gives it the SCIM endpoint, the bridge runs on its built-in emulator and says so")
	p("   in its log; that is expected, as Okta does not provision yet. Then download the checked metadata:")
	p("     curl -fsS -o okta-idp-metadata.xml %s/saml/idp-metadata.xml", g.BridgeURL)
	p("   The bridge serves it only after checking it (entityID, SSO service, signing certificate in")
	p("   date and within AWS's 2,500-character limit). In the wizard of step 2: IdP SAML metadata →")
	p("   Choose file → okta-idp-metadata.xml → Next → type ACCEPT → Change identity source.")
	p("   Check the pair any time with:")
	p("     scim-bridge saml check --idp-metadata %s/saml/idp-metadata.xml \\", g.BridgeURL)
	p("       --acs-url '%s' --issuer '%s'", sp.ACSURL(), sp.Issuer())
	p("")
	p("5. Identity Center: enable automatic provisioning")
	p("   Settings → Identity source → Automatic provisioning → Enable. Copy the SCIM endpoint and the")
	p("   access token (shown once) into the bridge's configuration: SCIM_BRIDGE_UPSTREAM_URL and")
	p("   SCIM_BRIDGE_UPSTREAM_TOKEN (or SCIM_BRIDGE_UPSTREAM_TOKEN_FILE). The token lasts one year")
	p("   (identity-center-scim.md §8). Do NOT give Okta this endpoint: Okta talks to the bridge.")
	p("   Also set SCIM_BRIDGE_TOKEN to a token of your own for Okta to present (at least 24")
	p("   characters: openssl rand -base64 32), then restart the bridge with all of these.")
	p("")
	p("6. Okta: point provisioning at the bridge")
	p("   App → Provisioning → Configure API Integration → Enable API integration:")
	p("     Base URL:      %s", g.SCIMBaseURL)
	p("                    (no trailing slash: Okta refuses one, identity-center-scim.md §9, §12.1)")
	p("     API Token:     the bridge's inbound token, the value of SCIM_BRIDGE_TOKEN (one of them,")
	p("                    if it lists several for rotation) — not the Identity Center token.")
	p("   Click Test API Credentials; it must succeed before you save.")
	p("")
	p("7. Okta: enable To App")
	p("   Provisioning → To App → Edit: enable Create Users, Update User Attributes and Deactivate")
	p("   Users. Save.")
	p("")
	p("8. Okta: assign and push")
	p("   Assign users (or groups) on the Assignments tab. Push groups from the Push Groups tab using")
	p("   separate, dedicated push groups, not the groups used for assignment: using the same group")
	p("   for both leaves memberships inconsistent (identity-center-scim.md §12.13).")
	p("")
	p("9. Verify")
	p("   Sign in as an assigned user from the Okta dashboard tile; the AWS access portal opens.")
	p("   Watch the bridge's log for certificate warnings; Okta does not activate new signing")
	p("   certificates by itself (identity-center-scim.md §11).")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write setup guide: %w", err)
	}
	return nil
}
