package saml

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	crewsaml "github.com/crewjam/saml"
)

// MaxIdPCertChars is the largest IdP certificate Identity Center accepts.
// identity-center-scim.md §11: "uploaded IdP cert ≤2500 chars".
// The quota does not say in which encoding the characters are counted; we
// count the PEM form (what one uploads as a .pem/.cer file), the longer of
// the two, so a certificate that passes here passes either way.
const MaxIdPCertChars = 2500

// MaxSPCertPEMBytes is the largest SP certificate PEM Identity Center accepts.
// identity-center-scim.md §11: "SP cert PEM ≤2 KB".
const MaxSPCertPEMBytes = 2048

// Certificate roles reported by CertificateExpiries.
const (
	RoleIdPSigning      = "idp-signing"
	RoleIdPEncryption   = "idp-encryption"
	RoleSPSigning       = "sp-signing"
	RoleSPEncryption    = "sp-encryption"
	RoleMetadataSigning = "metadata-signing"
)

// CertExpiry is one certificate the broker watches.
type CertExpiry struct {
	Role     string // "idp-signing", "sp-signing", …
	Subject  string
	Serial   string
	NotAfter time.Time
}

// Cert is a certificate found in metadata.
type Cert struct {
	Role     string
	X509     *x509.Certificate // nil if it did not parse
	PEMChars int               // length of its PEM encoding
	ParseErr error
}

// Expiry returns the CertExpiry of c.
func (c Cert) Expiry() CertExpiry {
	return CertExpiry{Role: c.Role, Subject: c.X509.Subject.String(), Serial: c.X509.SerialNumber.String(), NotAfter: c.X509.NotAfter}
}

// Name is a short description for messages.
func (c Cert) Name() string {
	if c.X509 == nil {
		return c.Role + " certificate"
	}
	return fmt.Sprintf("%s certificate %q (serial %s)", c.Role, c.X509.Subject.String(), c.X509.SerialNumber)
}

// certsFromKeyDescriptors parses the certificates in kds. A KeyDescriptor
// without use is for both signing and encryption (saml-metadata-2.0-os §2.4.1.1).
func certsFromKeyDescriptors(kds []crewsaml.KeyDescriptor, signingRole, encryptionRole string) []Cert {
	var out []Cert
	for _, kd := range kds {
		role := signingRole
		if kd.Use == "encryption" {
			role = encryptionRole
		}
		for _, xc := range kd.KeyInfo.X509Data.X509Certificates {
			out = append(out, parseCertData(role, xc.Data))
		}
	}
	return out
}

func parseCertData(role, data string) Cert {
	c := Cert{Role: role}
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, data)
	der, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		c.ParseErr = fmt.Errorf("not base64: %w", err)
		return c
	}
	c.PEMChars = len(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		c.ParseErr = fmt.Errorf("not an X.509 certificate: %w", err)
		return c
	}
	c.X509 = cert
	return c
}

// ReadCertFile reads the PEM certificates in path (at least one).
func ReadCertFile(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read certificate file: %w", err)
	}
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate in %s: %w", path, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM CERTIFICATE block in " + path)
	}
	return certs, nil
}

// checkCertDates reports an expired, not-yet-valid or soon-expiring cert.
func checkCertDates(c Cert, now time.Time, warnBefore time.Duration, rotateFix string) []Finding {
	x := c.X509
	switch {
	case now.After(x.NotAfter):
		return []Finding{errorf("cert-expired", rotateFix, "%s expired on %s", c.Name(), x.NotAfter.UTC().Format(time.DateOnly))}
	case now.Before(x.NotBefore):
		return []Finding{errorf("cert-not-yet-valid", "check the clock, or wait until "+x.NotBefore.UTC().Format(time.RFC3339),
			"%s is not valid before %s", c.Name(), x.NotBefore.UTC().Format(time.RFC3339))}
	case x.NotAfter.Sub(now) <= warnBefore:
		return []Finding{warnf("cert-expiring", rotateFix, "%s expires on %s, in %s", c.Name(),
			x.NotAfter.UTC().Format(time.DateOnly), daysLeft(x.NotAfter.Sub(now)))}
	}
	return nil
}

func daysLeft(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	if days == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", days)
}

func sortExpiries(es []CertExpiry) {
	sort.SliceStable(es, func(i, j int) bool { return es[i].NotAfter.Before(es[j].NotAfter) })
}
