package saml

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	crewsaml "github.com/crewjam/saml"

	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

func mustParseIdP(t *testing.T, data []byte) *IdPMetadata {
	t.Helper()
	md, err := ParseIdPMetadata(data, nil)
	if err != nil {
		t.Fatalf("ParseIdPMetadata: %v", err)
	}
	return md
}

func TestOktaIdPMetadataPasses(t *testing.T) {
	cert := samltest.NewCert(t, samltest.CertOpts{})
	md := mustParseIdP(t, samltest.IdPMetadata(t, samltest.IdPOpts{}, cert))
	if md.Entity.EntityID != samltest.OktaEntityID {
		t.Errorf("entityID = %q", md.Entity.EntityID)
	}
	if md.SSOURL() != samltest.OktaSSOURL {
		t.Errorf("SSO URL = %q", md.SSOURL())
	}
	if n := len(md.SigningCerts()); n != 1 {
		t.Fatalf("%d signing certs, want 1", n)
	}
	if got := md.SigningCerts()[0].X509; !got.Equal(cert.Cert) {
		t.Error("signing cert is not the one in the metadata")
	}
	if fs := md.Check(time.Now(), DefaultWarnBefore); fs.Errors()+fs.Warnings() != 0 {
		t.Errorf("good metadata has findings:\n%v", fs)
	}
}

func TestIdPMetadataChecks(t *testing.T) {
	now := time.Now()
	good := samltest.NewCert(t, samltest.CertOpts{CommonName: "good"})
	expired := samltest.NewCert(t, samltest.CertOpts{CommonName: "expired", NotBefore: now.AddDate(-2, 0, 0), NotAfter: now.AddDate(0, 0, -3)})
	soon := samltest.NewCert(t, samltest.CertOpts{CommonName: "soon", NotAfter: now.Add(10 * 24 * time.Hour)})
	future := samltest.NewCert(t, samltest.CertOpts{CommonName: "future", NotBefore: now.Add(48 * time.Hour)})
	big := samltest.NewCert(t, samltest.CertOpts{CommonName: "big", ExtraDNSNames: 40})

	tests := []struct {
		name     string
		opts     samltest.IdPOpts
		certs    []samltest.KeyPair
		code     string
		severity Severity
	}{
		{"no entity ID", samltest.IdPOpts{EntityID: "-"}, []samltest.KeyPair{good}, "idp-no-entity-id", Error},
		{"no redirect or post SSO", samltest.IdPOpts{Bindings: []string{crewsaml.HTTPArtifactBinding}}, []samltest.KeyPair{good}, "idp-no-sso-service", Error},
		{"no signing cert", samltest.IdPOpts{EncryptionOnly: true}, []samltest.KeyPair{good}, "idp-no-signing-cert", Error},
		{"unparsable cert", samltest.IdPOpts{RawCertData: "bm90IGEgY2VydGlmaWNhdGU="}, []samltest.KeyPair{good}, "cert-unparsable", Error},
		{"expired cert", samltest.IdPOpts{}, []samltest.KeyPair{expired}, "cert-expired", Error},
		{"not yet valid", samltest.IdPOpts{}, []samltest.KeyPair{future}, "cert-not-yet-valid", Error},
		{"expiring soon", samltest.IdPOpts{}, []samltest.KeyPair{soon}, "cert-expiring", Warning},
		{"oversize cert", samltest.IdPOpts{}, []samltest.KeyPair{big}, "cert-too-large", Error},
		{"two certs during rotation", samltest.IdPOpts{}, []samltest.KeyPair{good, soon}, "multiple-signing-certs", Warning},
		{"expired cert left after rotation", samltest.IdPOpts{}, []samltest.KeyPair{good, expired}, "cert-expired", Warning},
		{"NameID not email", samltest.IdPOpts{NameIDFormats: []string{string(crewsaml.PersistentNameIDFormat)}}, []samltest.KeyPair{good}, "name-id-not-email", Error},
		{"NameID unspecified only", samltest.IdPOpts{NameIDFormats: []string{string(crewsaml.UnspecifiedNameIDFormat)}}, []samltest.KeyPair{good}, "name-id-unspecified", Warning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := mustParseIdP(t, samltest.IdPMetadata(t, tt.opts, tt.certs...))
			fs := md.Check(now, DefaultWarnBefore)
			var found *Finding
			for i := range fs {
				if fs[i].Code == tt.code {
					found = &fs[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s finding in:\n%v", tt.code, fs)
			}
			if found.Severity != tt.severity {
				t.Errorf("%s is %v, want %v", tt.code, found.Severity, tt.severity)
			}
			if found.Severity > Info && found.Fix == "" {
				t.Errorf("%s has no fix", tt.code)
			}
			if tt.severity == Warning && fs.Errors() != 0 {
				t.Errorf("a warning case has errors:\n%v", fs)
			}
		})
	}
}

func TestIdPMetadataDocumentChecks(t *testing.T) {
	now := time.Now()
	cert := samltest.NewCert(t, samltest.CertOpts{})
	for _, tt := range []struct {
		name   string
		change func(*crewsaml.EntityDescriptor)
		code   string
	}{
		{"validUntil passed", func(e *crewsaml.EntityDescriptor) { e.ValidUntil = now.Add(-time.Hour) }, "idp-metadata-expired"},
		{"SSO URL plain http", func(e *crewsaml.EntityDescriptor) {
			for i := range e.IDPSSODescriptors[0].SingleSignOnServices {
				e.IDPSSODescriptors[0].SingleSignOnServices[i].Location = "http://example.okta.com/app/x/sso/saml"
			}
		}, "idp-sso-not-https"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := samltest.IdPEntity(samltest.IdPOpts{}, cert)
			tt.change(&e)
			data, err := xml.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			fs := mustParseIdP(t, data).Check(now, DefaultWarnBefore)
			if !fs.Has(tt.code) || fs.Errors() == 0 {
				t.Errorf("want %s error:\n%v", tt.code, fs)
			}
		})
	}
}

func TestOversizeCertIsMeasuredAsPEM(t *testing.T) {
	big := samltest.NewCert(t, samltest.CertOpts{ExtraDNSNames: 40})
	small := samltest.NewCert(t, samltest.CertOpts{})
	if n := len(big.PEM()); n <= MaxIdPCertChars {
		t.Fatalf("test cert is only %d PEM chars; make it bigger", n)
	}
	if n := len(small.PEM()); n > MaxIdPCertChars {
		t.Fatalf("ordinary RSA-2048 cert is %d PEM chars, over the limit", n)
	}
	md := mustParseIdP(t, samltest.IdPMetadata(t, samltest.IdPOpts{}, small))
	if got, want := md.SigningCerts()[0].PEMChars, len(small.PEM()); got != want {
		t.Errorf("PEMChars = %d, want %d", got, want)
	}
}

func TestParseIdPMetadataRefusesUnusableDocuments(t *testing.T) {
	cert := samltest.NewCert(t, samltest.CertOpts{})
	for name, data := range map[string][]byte{
		"invalid XML":       []byte("<md:EntityDescriptor"),
		"HTML error page":   []byte("<html><body>Service unavailable</body></html>"),
		"SP metadata":       samltest.SPMetadata(t, samltest.SPOpts{}),
		"empty":             nil,
		"not XML":           []byte(`{"error":"nope"}`),
		"two IdPs in a set": []byte(`<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` + stripHeader(samltest.IdPMetadata(t, samltest.IdPOpts{}, cert)) + stripHeader(samltest.IdPMetadata(t, samltest.IdPOpts{EntityID: "http://www.okta.com/other"}, cert)) + `</EntitiesDescriptor>`),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseIdPMetadata(data, nil); err == nil {
				t.Fatal("parsed without error")
			}
		})
	}
}

func TestIdPMetadataInEntitiesDescriptorIsServedAsOneEntity(t *testing.T) {
	cert := samltest.NewCert(t, samltest.CertOpts{})
	sp := stripHeader(samltest.SPMetadata(t, samltest.SPOpts{}))
	idp := stripHeader(samltest.IdPMetadata(t, samltest.IdPOpts{}, cert))
	agg := `<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` + sp + idp + `</EntitiesDescriptor>`
	md := mustParseIdP(t, []byte(agg))
	if md.Entity.EntityID != samltest.OktaEntityID {
		t.Fatalf("picked entity %q", md.Entity.EntityID)
	}
	again := mustParseIdP(t, md.Raw)
	if !strings.Contains(string(md.Raw), "EntityDescriptor") || strings.Contains(string(md.Raw), "EntitiesDescriptor") {
		t.Errorf("served document is not a single EntityDescriptor:\n%s", md.Raw)
	}
	if again.Entity.EntityID != samltest.OktaEntityID || len(again.SigningCerts()) != 1 {
		t.Error("served document lost the entity or its certificate")
	}
}

func stripHeader(b []byte) string {
	return strings.TrimPrefix(string(b), `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
}

// Okta gives 60 days' notice (identity-center-scim.md §11); the bridge warns
// from 30 days before, by default.
func TestExpiryWarningStartsThirtyDaysBefore(t *testing.T) {
	now := time.Now()
	for days, warned := range map[int]bool{31: false, 29: true} {
		cert := samltest.NewCert(t, samltest.CertOpts{NotAfter: now.Add(time.Duration(days) * 24 * time.Hour)})
		fs := mustParseIdP(t, samltest.IdPMetadata(t, samltest.IdPOpts{}, cert)).Check(now, DefaultWarnBefore)
		if fs.Has("cert-expiring") != warned {
			t.Errorf("%d days before expiry: warned = %v, want %v\n%v", days, !warned, warned, fs)
		}
	}
}
