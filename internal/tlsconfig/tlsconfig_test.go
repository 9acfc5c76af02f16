package tlsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"github.com/scim-bridge/scim-bridge/internal/tlsconfig/tlstest"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pair is a self-signed certificate for 127.0.0.1 and its key, PEM-encoded.
type pair = tlstest.Pair

func newPair(t *testing.T, cn string) pair {
	return tlstest.NewPair(t, cn, time.Now().Add(24*time.Hour))
}

func writePair(t *testing.T, dir string, p pair) (certFile, keyFile string) {
	return p.Write(t, dir)
}

// startTLS serves a tiny handler over TLS with the Reloader's config, the
// way serve does: a tls listener, no static Certificates.
func startTLS(t *testing.T, r *Reloader) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("ok"))
		}),
		ErrorLog: log.New(io.Discard, "", 0), // refused handshakes are the point here
	}
	go func() { _ = srv.Serve(tls.NewListener(ln, r.ServerConfig())) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// presented makes a fresh handshake and returns the leaf the server showed.
func presented(t *testing.T, addr string, roots ...*x509.Certificate) *x509.Certificate {
	t.Helper()
	pool := x509.NewCertPool()
	for _, c := range roots {
		pool.AddCert(c)
	}
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0]
}

func TestServesCertificateFromFilesAndReloadsOnChange(t *testing.T) {
	dir := t.TempDir()
	first, second := newPair(t, "first.example"), newPair(t, "second.example")
	certFile, keyFile := writePair(t, dir, first)
	var reloads []error
	r, err := New(Options{CertFile: certFile, KeyFile: keyFile, Reloaded: func(err error) { reloads = append(reloads, err) }})
	if err != nil {
		t.Fatal(err)
	}
	addr := startTLS(t, r)

	if got := presented(t, addr, first.Cert, second.Cert); got.Subject.CommonName != "first.example" {
		t.Fatalf("presented %q, want first.example", got.Subject.CommonName)
	}
	// Rewrite both files at once (same size, same second): the very next
	// handshake must show the new certificate.
	writePair(t, dir, second)
	if got := presented(t, addr, first.Cert, second.Cert); got.Subject.CommonName != "second.example" {
		t.Fatalf("after rewrite presented %q, want second.example", got.Subject.CommonName)
	}
	if !r.NotAfter().Equal(second.Cert.NotAfter) {
		t.Errorf("NotAfter %v, want the new certificate's %v", r.NotAfter(), second.Cert.NotAfter)
	}
	if len(reloads) != 1 || reloads[0] != nil {
		t.Errorf("reload outcomes %v, want one success", reloads)
	}
}

func TestHalfWrittenRotationKeepsServingThePreviousCertificate(t *testing.T) {
	dir := t.TempDir()
	first, second := newPair(t, "first.example"), newPair(t, "second.example")
	certFile, keyFile := writePair(t, dir, first)
	var reloads []error
	r, err := New(Options{CertFile: certFile, KeyFile: keyFile, Reloaded: func(err error) { reloads = append(reloads, err) }})
	if err != nil {
		t.Fatal(err)
	}
	addr := startTLS(t, r)

	// New certificate, old key: the pair does not match.
	if err := os.WriteFile(certFile, second.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got := presented(t, addr, first.Cert); got.Subject.CommonName != "first.example" {
			t.Fatalf("half-written pair: presented %q, want the previous first.example", got.Subject.CommonName)
		}
	}
	if len(reloads) != 1 || reloads[0] == nil || !strings.Contains(reloads[0].Error(), "previous certificate") {
		t.Errorf("a broken pair is reported once with a clear error; got %v", reloads)
	}
	// The key arrives: the next handshake shows the new pair.
	if err := os.WriteFile(keyFile, second.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := presented(t, addr, second.Cert); got.Subject.CommonName != "second.example" {
		t.Fatalf("after the key arrived presented %q, want second.example", got.Subject.CommonName)
	}
	// A deleted file (mid symlink swap) also keeps the current certificate.
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	if got := presented(t, addr, second.Cert); got.Subject.CommonName != "second.example" {
		t.Fatalf("with the key file gone presented %q, want second.example", got.Subject.CommonName)
	}
}

func TestOldProtocolVersionsAreRefused(t *testing.T) {
	p := newPair(t, "bridge.example")
	certFile, keyFile := writePair(t, t.TempDir(), p)
	r, err := New(Options{CertFile: certFile, KeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	addr := startTLS(t, r)
	pool := x509.NewCertPool()
	pool.AddCert(p.Cert)
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: v, MaxVersion: v})
		if err == nil {
			conn.Close()
			t.Fatalf("a %s client completed a handshake", tls.VersionName(v))
		}
		if !strings.Contains(err.Error(), "protocol version") {
			t.Errorf("%s: refused with %v, want a protocol version alert", tls.VersionName(v), err)
		}
	}
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: v, MaxVersion: v})
		if err != nil {
			t.Fatalf("%s client refused: %v", tls.VersionName(v), err)
		}
		if got := conn.ConnectionState().Version; got != v {
			t.Errorf("negotiated %s, want %s", tls.VersionName(got), tls.VersionName(v))
		}
		conn.Close()
	}
}

func TestRefusesToStartWithoutAUsablePair(t *testing.T) {
	dir := t.TempDir()
	a, b := newPair(t, "a.example"), newPair(t, "b.example")
	certFile, keyFile := writePair(t, dir, a)
	mismatched := filepath.Join(dir, "other.key")
	if err := os.WriteFile(mismatched, b.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.crt")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]Options{
		"no files":       {},
		"no key":         {CertFile: certFile},
		"missing cert":   {CertFile: filepath.Join(dir, "nope.crt"), KeyFile: keyFile},
		"empty cert":     {CertFile: empty, KeyFile: keyFile},
		"mismatched key": {CertFile: certFile, KeyFile: mismatched},
		"key as cert":    {CertFile: keyFile, KeyFile: keyFile},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
	if _, err := New(Options{CertFile: filepath.Join(dir, "nope.crt"), KeyFile: keyFile}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file error %v does not wrap os.ErrNotExist", err)
	}
}
