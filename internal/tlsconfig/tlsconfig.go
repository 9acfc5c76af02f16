// Package tlsconfig serves TLS on the Okta-facing listener from a
// certificate and key file pair, re-read when the files change (cert-manager,
// a Kubernetes secret volume, certbot), so a renewed certificate is presented
// without a restart. TLS 1.2 is the minimum: Okta connects with TLS 1.2 or
// later, and older versions have no place in front of bearer tokens.
package tlsconfig

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"go.uber.org/zap"
)

// MinVersion is the lowest protocol version the listener accepts.
const MinVersion = tls.VersionTLS12

// Reloader holds the current certificate and swaps it when the files change.
// It is checked on every handshake: the two files are read (a few KB) and
// hashed, and parsed only when their content differs from the last pair.
// Reading content rather than modification times catches a rewrite within
// the file system's timestamp granularity and symlink swaps alike. A pair
// that does not load (a half-written rotation: new certificate, old key)
// leaves the previous certificate in place and is tried again next time.
type Reloader struct {
	certFile, keyFile string
	log               *zap.Logger

	mu      sync.Mutex
	cert    *tls.Certificate
	sum     [sha256.Size]byte // hash of the pair currently served
	badSum  [sha256.Size]byte // hash of the last pair that failed, reported once
	hasBad  bool
	onError func(error)
}

// Options configure a Reloader.
type Options struct {
	CertFile string // PEM certificate chain, leaf first
	KeyFile  string // PEM private key for the leaf
	Logger   *zap.Logger
	// Reloaded, when set, is told every reload attempt's outcome (nil on
	// success), e.g. for a metric.
	Reloaded func(error)
}

// New loads the pair once and fails when it does not load: a listener that
// cannot present a certificate must not start.
func New(opts Options) (*Reloader, error) {
	if opts.CertFile == "" || opts.KeyFile == "" {
		return nil, errors.New("tls: both a certificate file and a key file are required")
	}
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	r := &Reloader{certFile: opts.CertFile, keyFile: opts.KeyFile, log: log, onError: opts.Reloaded}
	certPEM, keyPEM, sum, err := r.read()
	if err != nil {
		return nil, err
	}
	cert, err := parse(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("tls: %s / %s: %w", r.certFile, r.keyFile, err)
	}
	r.cert, r.sum = cert, sum
	return r, nil
}

// ServerConfig is a *tls.Config for the listener: TLS 1.2 minimum and the
// certificate from r, re-read on change.
func (r *Reloader) ServerConfig() *tls.Config {
	return &tls.Config{
		MinVersion:     MinVersion,
		GetCertificate: r.GetCertificate,
		// HTTP/2 and HTTP/1.1, as net/http would offer by itself.
		NextProtos: []string{"h2", "http/1.1"},
	}
}

// GetCertificate is tls.Config.GetCertificate: the current certificate,
// reloaded first when the files changed.
func (r *Reloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refreshLocked()
	return r.cert, nil
}

// NotAfter is when the certificate currently served expires.
func (r *Reloader) NotAfter() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cert.Leaf.NotAfter
}

func (r *Reloader) refreshLocked() {
	certPEM, keyPEM, sum, err := r.read()
	if err == nil && sum == r.sum {
		return
	}
	if err == nil {
		if r.hasBad && sum == r.badSum {
			return // the same broken pair: already reported
		}
		var cert *tls.Certificate
		if cert, err = parse(certPEM, keyPEM); err == nil {
			old := r.cert.Leaf
			r.cert, r.sum, r.hasBad = cert, sum, false
			r.log.Info("TLS certificate reloaded",
				zap.String("cert_file", r.certFile),
				zap.String("old_serial", old.SerialNumber.String()),
				zap.String("serial", cert.Leaf.SerialNumber.String()),
				zap.Time("not_after", cert.Leaf.NotAfter))
			r.report(nil)
			return
		}
		r.badSum, r.hasBad = sum, true
	} else if r.hasBad {
		return // unreadable files were reported when they first failed
	} else {
		r.hasBad = true
		r.badSum = [sha256.Size]byte{}
	}
	err = fmt.Errorf("tls: reload %s / %s: %w; still serving the previous certificate", r.certFile, r.keyFile, err)
	r.log.Warn("TLS certificate reload failed", zap.Error(err))
	r.report(err)
}

func (r *Reloader) report(err error) {
	if r.onError != nil {
		r.onError(err)
	}
}

// read returns both files and the hash of the pair.
func (r *Reloader) read() (certPEM, keyPEM []byte, sum [sha256.Size]byte, err error) {
	if certPEM, err = os.ReadFile(r.certFile); err != nil {
		return nil, nil, sum, fmt.Errorf("tls certificate: %w", err)
	}
	if keyPEM, err = os.ReadFile(r.keyFile); err != nil {
		return nil, nil, sum, fmt.Errorf("tls key: %w", err)
	}
	h := sha256.New()
	h.Write(certPEM)
	h.Write([]byte{0}) // so that moving bytes between the files changes the sum
	h.Write(keyPEM)
	copy(sum[:], h.Sum(nil))
	return certPEM, keyPEM, sum, nil
}

// parse loads a pair and checks the leaf is usable now.
func parse(certPEM, keyPEM []byte) (*tls.Certificate, error) {
	if len(bytes.TrimSpace(certPEM)) == 0 || len(bytes.TrimSpace(keyPEM)) == 0 {
		return nil, errors.New("certificate or key file is empty")
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	if cert.Leaf == nil { // set by X509KeyPair since Go 1.23; parse if not
		leaf, err := x509.ParseCertificate(cert.Certificate[0])
		if err != nil {
			return nil, err
		}
		cert.Leaf = leaf
	}
	return &cert, nil
}
