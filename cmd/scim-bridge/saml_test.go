package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	crewsaml "github.com/crewjam/saml"

	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(t.Context(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeTemp(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSAMLCheckExitStatus(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	good := samltest.NewCert(t, samltest.CertOpts{})
	soon := samltest.NewCert(t, samltest.CertOpts{NotAfter: now.Add(7 * 24 * time.Hour)})
	expired := samltest.NewCert(t, samltest.CertOpts{NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.Add(-24 * time.Hour)})
	goodIdP := writeTemp(t, dir, "okta.xml", samltest.IdPMetadata(t, samltest.IdPOpts{}, good))
	soonIdP := writeTemp(t, dir, "okta-soon.xml", samltest.IdPMetadata(t, samltest.IdPOpts{}, soon))
	expiredIdP := writeTemp(t, dir, "okta-expired.xml", samltest.IdPMetadata(t, samltest.IdPOpts{}, expired))
	persistentIdP := writeTemp(t, dir, "okta-persistent.xml", samltest.IdPMetadata(t,
		samltest.IdPOpts{NameIDFormats: []string{string(crewsaml.PersistentNameIDFormat)}}, good))
	spFile := writeTemp(t, dir, "ic-sp.xml", samltest.SPMetadata(t, samltest.SPOpts{Region: "us-east-1"}))
	acs, issuer := samltest.ACSURL("us-east-1"), samltest.IssuerURL("us-east-1")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
	}{
		{"good pair", []string{"--idp-metadata", goodIdP, "--acs-url", acs, "--issuer", issuer}, 0, []string{"0 error(s), 0 warning(s)"}},
		{"good pair from SP metadata", []string{"--idp-metadata", goodIdP, "--sp-metadata", spFile}, 0, []string{"0 error(s)"}},
		{"swapped ACS and issuer", []string{"--idp-metadata", goodIdP, "--acs-url", issuer, "--issuer", acs}, 1, []string{"ERROR", "issuer-is-acs-url", "fix:"}},
		{"ACS for another Region", []string{"--acs-url", samltest.ACSURL("eu-west-1"), "--issuer", issuer}, 1, []string{"acs-region-mismatch"}},
		{"typed issuer differs from SP metadata", []string{"--sp-metadata", spFile, "--issuer", samltest.IssuerURL("us-west-2")}, 1, []string{"issuer-mismatch"}},
		{"SCIM endpoint in another Region", []string{"--sp-metadata", spFile, "--scim-url", "https://scim.eu-west-1.amazonaws.com/x/scim/v2"}, 1, []string{"scim-region-mismatch"}},
		{"NameID not email", []string{"--idp-metadata", persistentIdP}, 1, []string{"name-id-not-email"}},
		{"expired certificate", []string{"--idp-metadata", expiredIdP}, 1, []string{"cert-expired", "Generate new certificate"}},
		{"soon-expiring certificate is a warning", []string{"--idp-metadata", soonIdP}, 0, []string{"WARNING", "cert-expiring", "0 error(s), 1 warning(s)"}},
		{"warnings fail with --fail-on-warning", []string{"--idp-metadata", soonIdP, "--fail-on-warning"}, 1, []string{"cert-expiring"}},
		{"unreadable IdP metadata", []string{"--idp-metadata", filepath.Join(dir, "missing.xml")}, 1, []string{"idp-metadata-unusable"}},
		{"SP metadata given as IdP metadata", []string{"--idp-metadata", spFile}, 1, []string{"idp-metadata-unusable"}},
		{"nothing to check", nil, 1, nil},
		{"ACS without issuer", []string{"--acs-url", acs}, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"saml", "check"}, tt.args...)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestSAMLCheckFetchesSignedMetadataFromURL(t *testing.T) {
	dir := t.TempDir()
	cert := samltest.NewCert(t, samltest.CertOpts{})
	signer := samltest.NewCert(t, samltest.CertOpts{CommonName: "metadata-signer"})
	stranger := samltest.NewCert(t, samltest.CertOpts{CommonName: "stranger", OtherKey: true})
	signed := samltest.Sign(t, samltest.IdPMetadata(t, samltest.IdPOpts{}, cert), signer)
	srv := serveBytes(t, signed)

	code, out, _ := runCLI(t, "saml", "check", "--idp-metadata", srv, "--verify-cert", signer.WritePEM(t, dir))
	if code != 0 || !strings.Contains(out, "idp-metadata-signature-valid") {
		t.Errorf("good signature: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "saml", "check", "--idp-metadata", srv, "--verify-cert", stranger.WritePEM(t, dir))
	if code != 1 || !strings.Contains(out, "signature") {
		t.Errorf("wrong signer: exit %d\n%s", code, out)
	}
}

func TestSAMLSetup(t *testing.T) {
	acs, issuer := samltest.ACSURL("us-east-2"), samltest.IssuerURL("us-east-2")
	code, out, errOut := runCLI(t, "saml", "setup", "--okta-org", "acme.okta.com", "--acs-url", acs, "--issuer", issuer,
		"--bridge-url", "https://bridge.acme.example/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{acs, issuer, "https://bridge.acme.example/scim/v2\n", "Test API Credentials", "Push Groups"} {
		if !strings.Contains(out, w) {
			t.Errorf("setup output lacks %q", w)
		}
	}
	if code, _, _ := runCLI(t, "saml", "setup", "--okta-org", "acme.okta.com", "--acs-url", issuer, "--issuer", acs,
		"--bridge-url", "https://bridge.acme.example"); code != 1 {
		t.Errorf("swapped values: exit %d, want 1", code)
	}
	if code, _, errOut := runCLI(t, "saml", "setup", "--acs-url", acs); code != 1 || !strings.Contains(errOut, "--okta-org") {
		t.Errorf("missing flags: exit %d, %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "saml", "frobnicate"); code != 1 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
	// Asking for help is not a failure, and the help lists the flags.
	for _, sub := range []string{"check", "setup"} {
		if code, _, errOut := runCLI(t, "saml", sub, "--help"); code != 0 || !strings.Contains(errOut, "-acs-url") {
			t.Errorf("saml %s --help: exit %d\n%s", sub, code, errOut)
		}
	}
}

// serveBytes serves body on a loopback httptest server and returns its URL.
func serveBytes(t *testing.T, body []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/app/exk1/sso/saml/metadata"
}

// serve with the broker on: the IdP document is served, a certificate
// inside the warning window is logged, and its expiry reaches /metrics
// through Broker.CertificateExpiries, so Prometheus can alert on it.
func TestServeSAMLCertificateExpiryReachesMetrics(t *testing.T) {
	soon := samltest.NewCert(t, samltest.CertOpts{NotAfter: time.Now().Add(10 * 24 * time.Hour)})
	idp := writeTemp(t, t.TempDir(), "okta.xml", samltest.IdPMetadata(t, samltest.IdPOpts{}, soon))
	r := startServe(t, append([]string{"--saml-idp-metadata-file", idp,
		"--saml-acs-url", samltest.ACSURL("us-east-1"), "--saml-issuer", samltest.IssuerURL("us-east-1")}, loopback...), nil)

	if code, body := httpGet(t, "http://"+r.b.OktaAddr()+"/saml/idp-metadata.xml"); code != http.StatusOK || !strings.Contains(body, samltest.OktaEntityID) {
		t.Fatalf("/saml/idp-metadata.xml: %d %s", code, body)
	}
	if !strings.Contains(r.stdout.String(), "SAML certificate expires soon") {
		t.Errorf("no expiry warning in the log:\n%s", r.stdout)
	}
	_, metrics := httpGet(t, "http://"+r.b.AdminAddr()+"/metrics")
	series := `scim_bridge_saml_certificate_expires_in_seconds{role="idp-signing",serial="` + soon.Cert.SerialNumber.String() + `"} `
	i := strings.Index(metrics, series)
	if i < 0 {
		t.Fatalf("no %s in /metrics", series)
	}
	var secs float64
	if _, err := fmt.Sscanf(metrics[i+len(series):], "%g", &secs); err != nil {
		t.Fatal(err)
	}
	if secs <= 9*24*3600 || secs > 10*24*3600 {
		t.Errorf("expires in %g s, want about 10 days", secs)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}
