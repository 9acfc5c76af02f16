package saml

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

// The refresh path: parse and check Okta-sized metadata, unsigned and signed.
func BenchmarkParseAndCheckIdPMetadata(b *testing.B) {
	cert := samltest.NewCert(b, samltest.CertOpts{})
	data := samltest.IdPMetadata(b, samltest.IdPOpts{}, cert)
	now := time.Now()
	for b.Loop() {
		md, err := ParseIdPMetadata(data, nil)
		if err != nil {
			b.Fatal(err)
		}
		_ = md.Check(now, DefaultWarnBefore)
	}
}

func BenchmarkParseAndCheckSignedIdPMetadata(b *testing.B) {
	cert := samltest.NewCert(b, samltest.CertOpts{})
	signer := samltest.NewCert(b, samltest.CertOpts{CommonName: "signer"})
	data := samltest.Sign(b, samltest.IdPMetadata(b, samltest.IdPOpts{}, cert), signer)
	trust := []*x509.Certificate{signer.Cert}
	now := time.Now()
	for b.Loop() {
		md, err := ParseIdPMetadata(data, trust)
		if err != nil {
			b.Fatal(err)
		}
		_ = md.Check(now, DefaultWarnBefore)
	}
}
