package main

import (
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

// adminGauge scrapes the admin listener and returns the value of the
// unlabelled gauge name, and whether it is exported.
func adminGauge(t *testing.T, r *running, name string) (float64, bool) {
	t.Helper()
	resp, err := http.Get("http://" + r.b.AdminAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v, true
}

// With TLS on, the quick-start banner's curl line is https and works as
// printed, and the certificate's expiry is on /metrics; without TLS the
// gauges are absent and the banner says http.
func TestServeTLSSchemeAndCertificateMetrics(t *testing.T) {
	dir := t.TempDir()
	cert := selfSigned(t, dir, "metrics.bridge.test")
	r := startServe(t, append([]string{"--tls-cert", filepath.Join(dir, "tls.crt"), "--tls-key", filepath.Join(dir, "tls.key")}, loopback...), nil)

	m := curlLine.FindStringSubmatch(r.stderr.String())
	if m == nil {
		t.Fatalf("no curl line on stderr:\n%s", r.stderr)
	}
	if !strings.HasPrefix(m[2], "https://") {
		t.Fatalf("the banner prints %s for a TLS listener", m[2])
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, strings.Replace(m[2], "localhost", "127.0.0.1", 1), nil)
	req.Header.Set("Authorization", m[1])
	resp, err := tlsClient(tls.VersionTLS13, cert).Do(req)
	if err != nil {
		t.Fatalf("the printed curl line fails: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the printed curl line: %d", resp.StatusCode)
	}
	if logs := r.stdout.String(); !strings.Contains(logs, `"scim_base_url":"https://`) {
		t.Errorf("the serving log line does not announce https:\n%s", logs)
	}

	at, ok := adminGauge(t, r, "scim_bridge_tls_certificate_expiry_timestamp_seconds")
	if !ok || at != float64(cert.NotAfter.Unix()) {
		t.Errorf("expiry timestamp %v (exported %v), want %d", at, ok, cert.NotAfter.Unix())
	}
	// selfSigned certificates expire within the hour.
	if left, ok := adminGauge(t, r, "scim_bridge_tls_certificate_expires_in_seconds"); !ok || left <= 0 || left > time.Hour.Seconds() {
		t.Errorf("expires in %v s (exported %v), want within the hour", left, ok)
	}
	r.stop(t)

	plain := startServe(t, loopback, nil)
	if m := curlLine.FindStringSubmatch(plain.stderr.String()); m == nil || !strings.HasPrefix(m[2], "http://") {
		t.Errorf("plain listener banner: %v", m)
	}
	if _, ok := adminGauge(t, plain, "scim_bridge_tls_certificate_expires_in_seconds"); ok {
		t.Error("TLS certificate gauge exported without TLS")
	}
	plain.stop(t)
}

// The IdP metadata's last good load is on /metrics when a metadata source
// is configured, and absent with SP values only.
func TestServeExportsIdPMetadataLoadTime(t *testing.T) {
	const name = "scim_bridge_saml_idp_metadata_last_success_timestamp_seconds"
	acs, issuer := samltest.ACSURL("eu-west-1"), samltest.IssuerURL("eu-west-1")
	spOnly := startServe(t, append([]string{"--saml-acs-url", acs, "--saml-issuer", issuer}, loopback...), nil)
	if _, ok := adminGauge(t, spOnly, name); ok {
		t.Error("IdP metadata gauge exported without an IdP metadata source")
	}
	spOnly.stop(t)

	file := filepath.Join(t.TempDir(), "idp.xml")
	md := samltest.IdPMetadata(t, samltest.IdPOpts{}, samltest.NewCert(t, samltest.CertOpts{}))
	if err := os.WriteFile(file, md, 0o600); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Second)
	r := startServe(t, append([]string{"--saml-idp-metadata-file", file}, loopback...), nil)
	at, ok := adminGauge(t, r, name)
	if !ok || at < float64(before.Unix()) || at > float64(time.Now().Unix()) {
		t.Errorf("last success %v (exported %v), want the start-up load (after %d)", at, ok, before.Unix())
	}
	r.stop(t)
}
