// Package samltest makes realistic SAML metadata for tests: Okta-style IdP
// metadata and Identity Center-style SP metadata built with crewjam/saml
// types, real self-signed certificates, and XML signatures made with
// goxmldsig. It is for tests only.
package samltest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	crewsaml "github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

// KeyPair is a certificate and its private key.
type KeyPair struct {
	Cert *x509.Certificate
	Key  *rsa.PrivateKey
}

// PEM returns the certificate in PEM form.
func (k KeyPair) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.Cert.Raw})
}

// WritePEM writes the certificate to a file in dir and returns its path.
func (k KeyPair) WritePEM(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(dir, fmt.Sprintf("cert-%s.pem", k.Cert.SerialNumber))
	if err := os.WriteFile(p, k.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// RSA key generation is the slow part; a few keys are shared by every
// certificate a test binary makes.
var (
	keysOnce sync.Once
	keys     [2]*rsa.PrivateKey
	keysErr  error
)

func key(t testing.TB, i int) *rsa.PrivateKey {
	t.Helper()
	keysOnce.Do(func() {
		for j := range keys {
			if keys[j], keysErr = rsa.GenerateKey(rand.Reader, 2048); keysErr != nil {
				return
			}
		}
	})
	if keysErr != nil {
		t.Fatal(keysErr)
	}
	return keys[i]
}

// CertOpts shape a test certificate.
type CertOpts struct {
	CommonName string
	NotBefore  time.Time // default: now − 1h
	NotAfter   time.Time // default: now + 1 year
	// ExtraDNSNames pads the certificate, to make one larger than AWS accepts.
	ExtraDNSNames int
	// OtherKey uses a second key, so signatures by this cert differ from
	// the default one's.
	OtherKey bool
}

// NewCert makes a self-signed RSA-2048 certificate, like Okta's app
// signing certificates.
func NewCert(t testing.TB, o CertOpts) KeyPair {
	t.Helper()
	now := time.Now()
	if o.NotBefore.IsZero() {
		o.NotBefore = now.Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = now.AddDate(1, 0, 0)
	}
	if o.CommonName == "" {
		o.CommonName = "example"
	}
	k := key(t, 0)
	if o.OtherKey {
		k = key(t, 1)
	}
	sn, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject: pkix.Name{CommonName: o.CommonName, Organization: []string{"Okta"}, OrganizationalUnit: []string{"SSOProvider"},
			Country: []string{"US"}, Province: []string{"California"}, Locality: []string{"San Francisco"}},
		NotBefore: o.NotBefore,
		NotAfter:  o.NotAfter,
		KeyUsage:  x509.KeyUsageDigitalSignature,
	}
	for i := 0; i < o.ExtraDNSNames; i++ {
		tmpl.DNSNames = append(tmpl.DNSNames, fmt.Sprintf("padding-host-%03d.sso.example.okta.com", i))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return KeyPair{Cert: cert, Key: k}
}

// Okta-style identifiers used by the generated metadata.
const (
	OktaEntityID = "http://www.okta.com/exk1a2b3c4d5E6f7G8h9"
	OktaSSOURL   = "https://example.okta.com/app/amazon_aws_sso/exk1a2b3c4d5E6f7G8h9/sso/saml"
)

// IdPOpts shape Okta IdP metadata.
type IdPOpts struct {
	EntityID string // default OktaEntityID; "-" for none
	// Bindings of the SingleSignOnService elements; default POST and Redirect.
	Bindings []string
	// NameIDFormats; default emailAddress and unspecified, as Okta lists them.
	NameIDFormats []string
	// EncryptionOnly marks every KeyDescriptor use="encryption".
	EncryptionOnly bool
	// RawCertData replaces the certificates' base64 text.
	RawCertData string
}

// IdPMetadata returns Okta-style IdP metadata carrying certs as signing
// certificates.
func IdPMetadata(t testing.TB, o IdPOpts, certs ...KeyPair) []byte {
	t.Helper()
	ed := IdPEntity(o, certs...)
	out, err := xml.Marshal(ed)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(xml.Header), out...)
}

// IdPEntity is IdPMetadata before marshalling.
func IdPEntity(o IdPOpts, certs ...KeyPair) crewsaml.EntityDescriptor {
	entityID := o.EntityID
	switch entityID {
	case "":
		entityID = OktaEntityID
	case "-":
		entityID = ""
	}
	bindings := o.Bindings
	if bindings == nil {
		bindings = []string{crewsaml.HTTPPostBinding, crewsaml.HTTPRedirectBinding}
	}
	formats := o.NameIDFormats
	if formats == nil {
		formats = []string{string(crewsaml.EmailAddressNameIDFormat), string(crewsaml.UnspecifiedNameIDFormat)}
	}
	no := false
	d := crewsaml.IDPSSODescriptor{
		SSODescriptor: crewsaml.SSODescriptor{
			RoleDescriptor: crewsaml.RoleDescriptor{ProtocolSupportEnumeration: "urn:oasis:names:tc:SAML:2.0:protocol"},
		},
		WantAuthnRequestsSigned: &no,
	}
	for _, c := range certs {
		data := base64.StdEncoding.EncodeToString(c.Cert.Raw)
		if o.RawCertData != "" {
			data = o.RawCertData
		}
		use := "signing"
		if o.EncryptionOnly {
			use = "encryption"
		}
		d.KeyDescriptors = append(d.KeyDescriptors, crewsaml.KeyDescriptor{Use: use,
			KeyInfo: crewsaml.KeyInfo{X509Data: crewsaml.X509Data{X509Certificates: []crewsaml.X509Certificate{{Data: data}}}}})
	}
	for _, f := range formats {
		d.NameIDFormats = append(d.NameIDFormats, crewsaml.NameIDFormat(f))
	}
	for _, b := range bindings {
		d.SingleSignOnServices = append(d.SingleSignOnServices, crewsaml.Endpoint{Binding: b, Location: OktaSSOURL})
	}
	return crewsaml.EntityDescriptor{EntityID: entityID, ID: "id-okta-metadata", IDPSSODescriptors: []crewsaml.IDPSSODescriptor{d}}
}

// Identity Center-style values, in the forms its console shows.
// identity-center-scim.md §1: the tenant id is 11-4-4-4-12 on older
// instances ("bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a"), 8-4-4-4-12 on newer
// ones; the identity store id is d-xxxxxxxxxx (10 hex digits).
const (
	TenantID = "bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a"
	StoreID  = "d-9067abcdef"
)

// ACSURL is the IPv4 ACS URL of an instance in region.
func ACSURL(region string) string {
	return "https://" + region + ".signin.aws/platform/saml/acs/" + TenantID
}

// IssuerURL is the issuer URL of an instance in region.
func IssuerURL(region string) string {
	return "https://" + region + ".signin.aws.amazon.com/platform/saml/" + StoreID
}

// SPOpts shape Identity Center SP metadata.
type SPOpts struct {
	Issuer        string   // default IssuerURL(Region)
	Region        string   // default us-east-1
	ACSURLs       []string // default ACSURL(Region); the first is the default
	NameIDFormats []string // default emailAddress
	Cert          *KeyPair // optional signing certificate
}

// SPMetadata returns Identity Center-style SP metadata.
func SPMetadata(t testing.TB, o SPOpts) []byte {
	t.Helper()
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Issuer == "" {
		o.Issuer = IssuerURL(o.Region)
	}
	if o.ACSURLs == nil {
		o.ACSURLs = []string{ACSURL(o.Region)}
	}
	if o.NameIDFormats == nil {
		o.NameIDFormats = []string{string(crewsaml.EmailAddressNameIDFormat)}
	}
	yes, no := true, false
	d := crewsaml.SPSSODescriptor{
		SSODescriptor: crewsaml.SSODescriptor{
			RoleDescriptor: crewsaml.RoleDescriptor{ProtocolSupportEnumeration: "urn:oasis:names:tc:SAML:2.0:protocol"},
		},
		AuthnRequestsSigned:  &no,
		WantAssertionsSigned: &yes,
	}
	for _, f := range o.NameIDFormats {
		d.NameIDFormats = append(d.NameIDFormats, crewsaml.NameIDFormat(f))
	}
	for i, a := range o.ACSURLs {
		def := i == 0
		d.AssertionConsumerServices = append(d.AssertionConsumerServices,
			crewsaml.IndexedEndpoint{Binding: crewsaml.HTTPPostBinding, Location: a, Index: i, IsDefault: &def})
	}
	if o.Cert != nil {
		d.KeyDescriptors = []crewsaml.KeyDescriptor{{Use: "signing", KeyInfo: crewsaml.KeyInfo{X509Data: crewsaml.X509Data{
			X509Certificates: []crewsaml.X509Certificate{{Data: base64.StdEncoding.EncodeToString(o.Cert.Cert.Raw)}}}}}}
	}
	out, err := xml.Marshal(crewsaml.EntityDescriptor{EntityID: o.Issuer, SPSSODescriptors: []crewsaml.SPSSODescriptor{d}})
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(xml.Header), out...)
}

// Sign adds an enveloped XML signature by signer to the root element of
// data, as a federation or IdP signs its metadata.
func Sign(t testing.TB, data []byte, signer KeyPair) []byte {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		t.Fatal(err)
	}
	root := doc.Root()
	ctx, err := dsig.NewSigningContext(signer.Key, [][]byte{signer.Cert.Raw})
	if err != nil {
		t.Fatal(err)
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	sig, err := ctx.ConstructSignature(root, true)
	if err != nil {
		t.Fatal(err)
	}
	root.InsertChildAt(0, sig)
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Tamper replaces old with new in signed metadata, once, failing if old is
// absent: the signature no longer matches.
func Tamper(t testing.TB, data []byte, old, new string) []byte {
	t.Helper()
	s := string(data)
	if !strings.Contains(s, old) {
		t.Fatalf("tamper: %q not in metadata", old)
	}
	return []byte(strings.Replace(s, old, new, 1))
}
