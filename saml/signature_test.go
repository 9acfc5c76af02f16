package saml

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

func TestSignedMetadata(t *testing.T) {
	signing := samltest.NewCert(t, samltest.CertOpts{CommonName: "okta-signing"})
	metaKey := samltest.NewCert(t, samltest.CertOpts{CommonName: "metadata-signer"})
	otherKey := samltest.NewCert(t, samltest.CertOpts{CommonName: "someone-else", OtherKey: true})
	unsigned := samltest.IdPMetadata(t, samltest.IdPOpts{}, signing)
	signed := samltest.Sign(t, unsigned, metaKey)
	trust := []*x509.Certificate{metaKey.Cert}

	t.Run("good signature", func(t *testing.T) {
		md, err := ParseIdPMetadata(signed, trust)
		if err != nil {
			t.Fatal(err)
		}
		if !md.Signed {
			t.Error("not marked signed")
		}
		if strings.Contains(string(md.Raw), "SignatureValue") {
			t.Error("served document still carries the signature; only the covered content should be served")
		}
		if md.Entity.EntityID != samltest.OktaEntityID || !md.SigningCerts()[0].X509.Equal(signing.Cert) {
			t.Error("verified content lost the entity or its signing certificate")
		}
		if fs := md.Check(time.Now(), DefaultWarnBefore); fs.Errors() != 0 || !fs.Has("idp-metadata-signature-valid") {
			t.Errorf("findings:\n%v", fs)
		}
	})
	t.Run("tampered after signing", func(t *testing.T) {
		bad := samltest.Tamper(t, signed, samltest.OktaSSOURL, "https://attacker.example.com/sso/saml")
		if _, err := ParseIdPMetadata(bad, trust); err == nil {
			t.Fatal("tampered metadata accepted")
		}
	})
	t.Run("signed by another key", func(t *testing.T) {
		if _, err := ParseIdPMetadata(samltest.Sign(t, unsigned, otherKey), trust); err == nil {
			t.Fatal("metadata signed by an untrusted key accepted")
		}
	})
	t.Run("unsigned when verification is configured", func(t *testing.T) {
		_, err := ParseIdPMetadata(unsigned, trust)
		if !errors.Is(err, ErrUnsigned) {
			t.Fatalf("err = %v, want ErrUnsigned", err)
		}
	})
	t.Run("signed, no certificate configured", func(t *testing.T) {
		md, err := ParseIdPMetadata(signed, nil)
		if err != nil {
			t.Fatal(err)
		}
		if md.Signed || !md.SignatureUnchecked {
			t.Errorf("Signed=%v SignatureUnchecked=%v", md.Signed, md.SignatureUnchecked)
		}
		if fs := md.Check(time.Now(), DefaultWarnBefore); !fs.Has("idp-metadata-signature-unchecked") {
			t.Errorf("findings:\n%v", fs)
		}
	})
}
