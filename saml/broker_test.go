package saml

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

// metadataServer serves whatever body and status the test sets, as Okta's
// metadata endpoint would, and counts requests.
type metadataServer struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	body   []byte
	hits   int
}

func newMetadataServer(t *testing.T, body []byte) *metadataServer {
	s := &metadataServer{status: http.StatusOK, body: body}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		status, body := s.status, s.body
		s.hits++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *metadataServer) set(status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

func (s *metadataServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

func testBroker(t *testing.T, cfg Config, now time.Time) (*Broker, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	b, err := newBroker(cfg, zap.New(core), NewHTTPClient(), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	if err := b.start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return b, logs
}

func get(t *testing.T, h http.Handler, path string) (*http.Response, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func TestBrokerRefreshKeepsLastGoodCopy(t *testing.T) {
	first := samltest.NewCert(t, samltest.CertOpts{CommonName: "first"})
	second := samltest.NewCert(t, samltest.CertOpts{CommonName: "second"})
	good := samltest.IdPMetadata(t, samltest.IdPOpts{}, first)
	srv := newMetadataServer(t, good)
	b, logs := testBroker(t, Config{IdPMetadataURL: srv.URL + "/app/exk1/sso/saml/metadata"}, time.Now())
	h := b.Handler()

	served := func() *IdPMetadata {
		t.Helper()
		res, body := get(t, h, "/saml/idp-metadata.xml")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/samlmetadata+xml" {
			t.Errorf("Content-Type %q", ct)
		}
		return mustParseIdP(t, body)
	}
	if !served().SigningCerts()[0].X509.Equal(first.Cert) {
		t.Fatal("first load not served")
	}

	for name, set := range map[string]func(){
		"server error":      func() { srv.set(http.StatusInternalServerError, []byte("oops")) },
		"invalid XML":       func() { srv.set(http.StatusOK, []byte("<md:EntityDescriptor><oops")) },
		"fails validation":  func() { srv.set(http.StatusOK, samltest.IdPMetadata(t, samltest.IdPOpts{EntityID: "-"}, first)) },
		"HTML login page":   func() { srv.set(http.StatusOK, []byte("<!DOCTYPE html><html><body>Sign in</body></html>")) },
		"no signing cert":   func() { srv.set(http.StatusOK, samltest.IdPMetadata(t, samltest.IdPOpts{EncryptionOnly: true}, first)) },
		"server went away?": func() { srv.set(http.StatusNotFound, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			set()
			before := logs.FilterMessage("SAML IdP metadata refresh failed; keeping the last good copy").Len()
			if err := b.refresh(t.Context()); err == nil {
				t.Fatal("refresh succeeded")
			}
			if got := logs.FilterMessage("SAML IdP metadata refresh failed; keeping the last good copy").Len(); got != before+1 {
				t.Fatalf("%d failure log lines, want %d", got, before+1)
			}
			last := logs.FilterMessage("SAML IdP metadata refresh failed; keeping the last good copy").All()[before]
			if last.ContextMap()["error"] == "" {
				t.Error("failure log line does not say why")
			}
			if !served().SigningCerts()[0].X509.Equal(first.Cert) {
				t.Error("last good copy not served")
			}
		})
	}

	srv.set(http.StatusOK, samltest.IdPMetadata(t, samltest.IdPOpts{}, second))
	if err := b.refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !served().SigningCerts()[0].X509.Equal(second.Cert) {
		t.Error("new metadata not served after recovery")
	}
	if logs.FilterMessageSnippet("signing certificates changed").Len() != 1 {
		t.Error("certificate change not logged")
	}
}

// A first load that fails (Okta or DNS down while the pod starts, or bad
// metadata) must not stop the bridge, whose SCIM side does not need it: the
// IdP document answers 503, the log says why, and a later load recovers.
func TestBrokerStartsWithoutIdPMetadataAndRecovers(t *testing.T) {
	good := samltest.NewCert(t, samltest.CertOpts{})
	expired := samltest.NewCert(t, samltest.CertOpts{NotBefore: time.Now().AddDate(-1, 0, 0), NotAfter: time.Now().Add(-time.Hour)})
	for name, bad := range map[string]func(*metadataServer){
		"expired cert":  func(s *metadataServer) { s.set(http.StatusOK, samltest.IdPMetadata(t, samltest.IdPOpts{}, expired)) },
		"garbage":       func(s *metadataServer) { s.set(http.StatusOK, []byte("garbage")) },
		"Okta is down":  func(s *metadataServer) { s.set(http.StatusServiceUnavailable, nil) },
		"wrong app URL": func(s *metadataServer) { s.set(http.StatusNotFound, []byte("<html>Not found</html>")) },
	} {
		t.Run(name, func(t *testing.T) {
			srv := newMetadataServer(t, nil)
			bad(srv)
			b, logs := testBroker(t, Config{IdPMetadataURL: srv.URL}, time.Now())
			if logs.FilterMessageSnippet("SAML IdP metadata load failed").Len() != 1 {
				t.Errorf("failed first load not logged: %v", logs.All())
			}
			res, body := get(t, b.Handler(), "/saml/idp-metadata.xml")
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
				t.Fatalf("before any good load: %d %s", res.StatusCode, body)
			}
			if len(b.CertificateExpiries()) != 0 {
				t.Error("certificates of refused metadata are watched")
			}

			srv.set(http.StatusOK, samltest.IdPMetadata(t, samltest.IdPOpts{}, good))
			if err := b.refresh(t.Context()); err != nil {
				t.Fatal(err)
			}
			res, body = get(t, b.Handler(), "/saml/idp-metadata.xml")
			if res.StatusCode != http.StatusOK || !mustParseIdP(t, body).SigningCerts()[0].X509.Equal(good.Cert) {
				t.Errorf("after recovery: %d", res.StatusCode)
			}
		})
	}
}

// After a failed load the loop retries on RetryInterval, not on the (long)
// RefreshInterval, and serves the metadata once a load succeeds.
func TestBrokerRetriesSoonAfterFailure(t *testing.T) {
	cert := samltest.NewCert(t, samltest.CertOpts{})
	srv := newMetadataServer(t, nil)
	srv.set(http.StatusBadGateway, nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	b, err := NewBroker(ctx, Config{IdPMetadataURL: srv.URL, RefreshInterval: 24 * time.Hour, RetryInterval: time.Millisecond}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	// Poll; no time budget is asserted (the test deadline is the limit).
	for srv.count() < 3 {
		waitABit(t)
	}
	srv.set(http.StatusOK, samltest.IdPMetadata(t, samltest.IdPOpts{}, cert))
	for {
		if res, _ := get(t, b.Handler(), "/saml/idp-metadata.xml"); res.StatusCode == http.StatusOK {
			break
		}
		waitABit(t)
	}
}

func waitABit(t *testing.T) {
	t.Helper()
	select {
	case <-t.Context().Done():
		t.Fatal("gave up waiting")
	case <-time.After(time.Millisecond):
	}
}

func TestBrokerRefreshLoopFetchesAgain(t *testing.T) {
	cert := samltest.NewCert(t, samltest.CertOpts{})
	srv := newMetadataServer(t, samltest.IdPMetadata(t, samltest.IdPOpts{}, cert))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	if _, err := NewBroker(ctx, Config{IdPMetadataURL: srv.URL, RefreshInterval: time.Millisecond}, zap.NewNop()); err != nil {
		t.Fatal(err)
	}
	// Poll for the background refreshes; no time budget is asserted.
	for srv.count() < 3 {
		select {
		case <-t.Context().Done():
			t.Fatal("no refresh")
		default:
			time.Sleep(time.Millisecond)
		}
	}
}

func TestBrokerExpiryWarnings(t *testing.T) {
	now := time.Now()
	soon := samltest.NewCert(t, samltest.CertOpts{CommonName: "okta-soon", NotAfter: now.Add(20 * 24 * time.Hour)})
	later := samltest.NewCert(t, samltest.CertOpts{CommonName: "okta-later", NotAfter: now.AddDate(2, 0, 0)})
	spCert := samltest.NewCert(t, samltest.CertOpts{CommonName: "ic-sp", NotAfter: now.AddDate(5, 0, 0)})
	dir := t.TempDir()
	idpFile := filepath.Join(dir, "idp.xml")
	spFile := filepath.Join(dir, "sp.xml")
	writeFile(t, idpFile, samltest.IdPMetadata(t, samltest.IdPOpts{}, later, soon))
	writeFile(t, spFile, samltest.SPMetadata(t, samltest.SPOpts{Cert: &spCert}))

	b, logs := testBroker(t, Config{IdPMetadataFile: idpFile, SPMetadataFile: spFile}, now)
	exp := b.CertificateExpiries()
	if len(exp) != 3 {
		t.Fatalf("%d expiries, want 3: %+v", len(exp), exp)
	}
	if exp[0].Subject != soon.Cert.Subject.String() || exp[0].Role != RoleIdPSigning || !exp[0].NotAfter.Equal(soon.Cert.NotAfter) ||
		exp[0].Serial != soon.Cert.SerialNumber.String() {
		t.Errorf("soonest = %+v", exp[0])
	}
	if exp[2].Role != RoleSPSigning {
		t.Errorf("last = %+v, want the SP cert", exp[2])
	}
	warns := logs.FilterMessage("SAML certificate expires soon").All()
	if len(warns) != 1 || warns[0].ContextMap()["subject"] != soon.Cert.Subject.String() || warns[0].Level != zapcore.WarnLevel {
		t.Fatalf("expiry warnings: %+v", warns)
	}
	if warns[0].ContextMap()["days_left"] != int64(19) && warns[0].ContextMap()["days_left"] != int64(20) {
		t.Errorf("days_left = %v", warns[0].ContextMap()["days_left"])
	}
	// Each refresh warns again.
	if err := b.refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	b.logExpiries()
	if n := logs.FilterMessage("SAML certificate expires soon").Len(); n != 2 {
		t.Errorf("%d warnings after a refresh, want 2", n)
	}
	if logs.FilterField(zap.String("code", "multiple-signing-certs")).Len() == 0 {
		t.Error("two signing certificates not logged")
	}

	// With a shorter window, nothing is due.
	b2, logs2 := testBroker(t, Config{IdPMetadataFile: idpFile, WarnBefore: 24 * time.Hour}, now)
	if logs2.FilterMessage("SAML certificate expires soon").Len() != 0 || len(b2.CertificateExpiries()) != 2 {
		t.Error("warned outside the window")
	}
}

func TestBrokerHandler(t *testing.T) {
	cert := samltest.NewCert(t, samltest.CertOpts{})
	dir := t.TempDir()
	idpFile := filepath.Join(dir, "idp.xml")
	writeFile(t, idpFile, samltest.IdPMetadata(t, samltest.IdPOpts{}, cert))
	acs, issuer := samltest.ACSURL("eu-west-1"), samltest.IssuerURL("eu-west-1")
	b, _ := testBroker(t, Config{IdPMetadataFile: idpFile, ACSURL: acs, SPIssuer: issuer}, time.Now())
	h := b.Handler()

	for _, prefix := range []string{"/saml", ""} { // mounted at /saml/, or behind StripPrefix
		res, body := get(t, h, prefix+"/sp.json")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("sp.json: %d %s", res.StatusCode, body)
		}
		var s OktaSPSettings
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatal(err)
		}
		if s.ACSURL != acs || s.IssuerURL != issuer || s.Audience != issuer || s.NameIDFormat != NameIDFormatEmail ||
			s.ApplicationUsernameFormat != "Email" || s.Region != "eu-west-1" || s.NameIDSource == "" {
			t.Errorf("sp.json = %+v", s)
		}
		res, body = get(t, h, prefix+"/sp-metadata.xml")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("sp-metadata.xml: %d", res.StatusCode)
		}
		sp, err := ParseSPMetadata(body)
		if err != nil {
			t.Fatal(err)
		}
		if sp.ACSURL() != acs || sp.Issuer() != issuer {
			t.Errorf("sp-metadata.xml: %+v", sp)
		}
	}
	if res, _ := get(t, h, "/saml/other"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", res.StatusCode)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/saml/idp-metadata.xml", strings.NewReader("x")))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}

	// Only an SP side: the IdP document is a clear 404.
	b2, _ := testBroker(t, Config{ACSURL: acs, SPIssuer: issuer}, time.Now())
	if res, body := get(t, b2.Handler(), "/saml/idp-metadata.xml"); res.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "--saml-idp-metadata-url") {
		t.Errorf("no IdP: %d %s", res.StatusCode, body)
	}
}

func TestBrokerRefusesBadSPValues(t *testing.T) {
	acs, issuer := samltest.ACSURL("us-east-1"), samltest.IssuerURL("us-east-1")
	for name, cfg := range map[string]Config{
		"swapped":            {ACSURL: issuer, SPIssuer: acs},
		"other region":       {ACSURL: samltest.ACSURL("eu-west-1"), SPIssuer: issuer},
		"ACS without issuer": {ACSURL: acs},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewBroker(t.Context(), cfg, zap.NewNop()); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestBrokerSignedMetadataOverHTTP(t *testing.T) {
	cert := samltest.NewCert(t, samltest.CertOpts{})
	signer := samltest.NewCert(t, samltest.CertOpts{CommonName: "metadata-signer"})
	dir := t.TempDir()
	verify := signer.WritePEM(t, dir)
	unsigned := samltest.IdPMetadata(t, samltest.IdPOpts{}, cert)
	srv := newMetadataServer(t, samltest.Sign(t, unsigned, signer))
	b, _ := testBroker(t, Config{IdPMetadataURL: srv.URL, VerifyCertFile: verify}, time.Now())
	exp := b.CertificateExpiries()
	if len(exp) != 2 || (exp[0].Role != RoleMetadataSigning && exp[1].Role != RoleMetadataSigning) {
		t.Errorf("expiries = %+v", exp)
	}
	// Unsigned, or tampered, metadata does not replace the verified copy.
	srv.set(http.StatusOK, unsigned)
	if err := b.refresh(t.Context()); err == nil {
		t.Error("unsigned metadata accepted")
	}
	srv.set(http.StatusOK, samltest.Tamper(t, samltest.Sign(t, unsigned, signer), samltest.OktaSSOURL, "https://evil.example.com/sso"))
	if err := b.refresh(t.Context()); err == nil {
		t.Error("tampered metadata accepted")
	}
	_, body := get(t, b.Handler(), "/saml/idp-metadata.xml")
	if md := mustParseIdP(t, body); md.SSOURL() != samltest.OktaSSOURL {
		t.Errorf("served SSO URL %s", md.SSOURL())
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
