package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"github.com/scim-bridge/scim-bridge/internal/tlsconfig/tlstest"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const tlsTestToken = "okta-tls-test-token-0123456789abcdef"

// selfSigned writes a certificate for 127.0.0.1 named cn, and its key, to
// dir/tls.crt and dir/tls.key, replacing what is there.
func selfSigned(t *testing.T, dir, cn string) *x509.Certificate {
	p := tlstest.NewPair(t, cn, time.Now().Add(time.Hour))
	p.Write(t, dir)
	return p.Cert
}

func tlsClient(version uint16, roots ...*x509.Certificate) *http.Client {
	pool := x509.NewCertPool()
	for _, c := range roots {
		pool.AddCert(c)
	}
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, MinVersion: version, MaxVersion: version},
		DisableKeepAlives: true, // every request is a new handshake
	}}
}

func getSCIM(t *testing.T, c *http.Client, url string) (*http.Response, map[string]any, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tlsTestToken)
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	return resp, body, nil
}

// TestServeOverTLSReloadsCertificates: serve presents the certificate from
// the files, the next handshake after a rewrite presents the new one, and
// clients below TLS 1.2 are refused.
func TestServeOverTLSReloadsCertificates(t *testing.T) {
	dir := t.TempDir()
	first := selfSigned(t, dir, "first.bridge.test")
	args := append([]string{"--tls-cert", filepath.Join(dir, "tls.crt"), "--tls-key", filepath.Join(dir, "tls.key")}, loopback...)
	r := startServe(t, args, map[string]string{"SCIM_BRIDGE_TOKEN": tlsTestToken})
	base := "https://" + r.b.OktaAddr() + "/scim/v2"
	if r.b.scheme() != "https" {
		t.Errorf("the start-up log would announce a %s base URL", r.b.scheme())
	}

	resp, body, err := getSCIM(t, tlsClient(tls.VersionTLS12, first), base+"/Users?startIndex=1&count=2")
	if err != nil {
		t.Fatalf("TLS 1.2 client: %v", err)
	}
	if resp.StatusCode != http.StatusOK || resp.TLS.PeerCertificates[0].Subject.CommonName != "first.bridge.test" {
		t.Fatalf("got %d from %q: %v", resp.StatusCode, resp.TLS.PeerCertificates[0].Subject.CommonName, body)
	}
	if _, _, err := getSCIM(t, tlsClient(tls.VersionTLS11, first), base+"/Users"); err == nil {
		t.Fatal("a TLS 1.1 client was served")
	}

	second := selfSigned(t, dir, "second.bridge.test")
	resp, _, err = getSCIM(t, tlsClient(tls.VersionTLS13, first, second), base+"/Users?startIndex=1&count=2")
	if err != nil {
		t.Fatalf("after the rewrite: %v", err)
	}
	if got := resp.TLS.PeerCertificates[0].Subject.CommonName; got != "second.bridge.test" {
		t.Fatalf("after the rewrite the bridge presented %q, want second.bridge.test", got)
	}
}

// TestServePathsReachTheSCIMHandler: a doubled slash (a base URL pasted
// with a trailing slash) and dot segments get SCIM answers through the real
// listener, not http.ServeMux's redirect.
func TestServePathsReachTheSCIMHandler(t *testing.T) {
	r := startServe(t, loopback, map[string]string{"SCIM_BRIDGE_TOKEN": tlsTestToken})
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "http://" + r.b.OktaAddr()
	for path, want := range map[string]int{
		"/scim/v2//Users?startIndex=1&count=2":    http.StatusOK,
		"/scim/v2/Users/..":                       http.StatusNotFound,
		"/scim/v2/Users/../../etc/passwd":         http.StatusNotFound,
		"/scim/v2/Users/%2e%2e%2f%2e%2e%2fGroups": http.StatusNotFound,
	} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Opaque = strings.SplitN(path, "?", 2)[0] // keep the path exactly as written
		req.Header.Set("Authorization", "Bearer "+tlsTestToken)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || !strings.Contains(resp.Header.Get("Content-Type"), "scim+json") {
			t.Errorf("%s: %d %s %s, want %d with a SCIM body", path, resp.StatusCode, resp.Header.Get("Content-Type"), raw, want)
		}
	}
}

func TestServeRefusesWeakTokensAndMissingCertificates(t *testing.T) {
	dir := t.TempDir()
	selfSigned(t, dir, "bridge.test")
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"short inbound token": {loopback, map[string]string{"SCIM_BRIDGE_TOKEN": "okta"}, "at least"},
		"empty token file":    {append([]string{"--token-file", filepath.Join(dir, "empty")}, loopback...), nil, "empty"},
		"missing certificate": {append([]string{"--tls-cert", filepath.Join(dir, "none.crt"), "--tls-key", filepath.Join(dir, "tls.key")}, loopback...),
			map[string]string{"SCIM_BRIDGE_TOKEN": tlsTestToken}, "none.crt"},
		"certificate without a key": {append([]string{"--tls-cert", filepath.Join(dir, "tls.crt")}, loopback...),
			map[string]string{"SCIM_BRIDGE_TOKEN": tlsTestToken}, "--tls-cert and --tls-key"},
		"key without a certificate": {loopback,
			map[string]string{"SCIM_BRIDGE_TOKEN": tlsTestToken, "SCIM_BRIDGE_TLS_KEY": filepath.Join(dir, "tls.key")}, "--tls-cert and --tls-key"},
		"key that does not match": {append([]string{"--tls-cert", filepath.Join(dir, "tls.crt"), "--tls-key", filepath.Join(dir, "tls.crt")}, loopback...),
			map[string]string{"SCIM_BRIDGE_TOKEN": tlsTestToken}, "private key"},
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, "empty"), []byte("\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errw bytes.Buffer
			err := serveWith(context.Background(), tc.args, func(k string) string { return tc.env[k] }, &out, &errw, func(*bridge) {
				t.Error("serve started")
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want mention of %q", err, tc.want)
			}
			if tok := tc.env["SCIM_BRIDGE_TOKEN"]; tok != "" && strings.Contains(err.Error()+out.String()+errw.String(), tok) {
				t.Error("the refusal shows the token")
			}
		})
	}
}

// TestServeOversizedHeaders: headers past the SCIM handler's 32 KiB get a
// SCIM 431; past the server's 64 KiB hard cap net/http answers 431 itself,
// before any handler (documented in docs/security.md).
func TestServeOversizedHeaders(t *testing.T) {
	r := startServe(t, loopback, map[string]string{"SCIM_BRIDGE_TOKEN": tlsTestToken})
	for size, wantSCIM := range map[int]bool{40 << 10: true, 100 << 10: false} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+r.b.OktaAddr()+"/scim/v2/Users?startIndex=1&count=2", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tlsTestToken)
		req.Header.Set("X-Padding", strings.Repeat("p", size))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("%d KiB of headers: %d, want 431", size>>10, resp.StatusCode)
		}
		if got := strings.Contains(resp.Header.Get("Content-Type"), "scim+json") && strings.Contains(string(raw), `"detail"`); got != wantSCIM {
			t.Errorf("%d KiB of headers: SCIM body %v, want %v: %s", size>>10, got, wantSCIM, raw)
		}
	}
}
