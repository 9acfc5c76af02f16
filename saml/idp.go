package saml

import (
	"bytes"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"time"

	crewsaml "github.com/crewjam/saml"
)

// NameIDFormatEmail is the NameID format Identity Center needs: the NameID
// must be the user's IC userName, which is an email address.
// identity-center-scim.md §12.14: "the SAML NameID must equal the IC userName (email format)".
const NameIDFormatEmail = string(crewsaml.EmailAddressNameIDFormat)

const nameIDFormatUnspecified = string(crewsaml.UnspecifiedNameIDFormat)

// IdPMetadata is Okta's IdP metadata, parsed.
type IdPMetadata struct {
	// Raw is the document to upload to Identity Center: the input as given,
	// or, when a signature was verified, only the content it covers.
	Raw    []byte
	Entity *crewsaml.EntityDescriptor
	// Signed: the signature on the root element was verified against the
	// configured certificate. SignatureUnchecked: the metadata is signed
	// but no certificate was configured to check it with.
	Signed             bool
	SignatureUnchecked bool
	Certs              []Cert
}

// ParseIdPMetadata parses IdP metadata. With verifyCerts, the root element
// must carry a valid XML signature made with one of them. It fails only on
// what makes the document unusable; Check reports the rest.
func ParseIdPMetadata(data []byte, verifyCerts []*x509.Certificate) (*IdPMetadata, error) {
	md := &IdPMetadata{Raw: data}
	signed, err := hasRootSignature(data)
	if err != nil {
		return nil, err
	}
	if len(verifyCerts) > 0 {
		covered, err := verifySigned(data, verifyCerts)
		if err != nil {
			return nil, err
		}
		md.Raw = append([]byte(xml.Header), covered...)
		md.Signed = true
	} else {
		md.SignatureUnchecked = signed
	}
	entity, aggregate, err := parseEntity(md.Raw, func(e *crewsaml.EntityDescriptor) bool { return len(e.IDPSSODescriptors) > 0 })
	if err != nil {
		return nil, fmt.Errorf("parse IdP metadata: %w", err)
	}
	if len(entity.IDPSSODescriptors) == 0 {
		return nil, errors.New("parse IdP metadata: no IDPSSODescriptor: this is not an identity provider's metadata (is it Identity Center's SP metadata?)")
	}
	if aggregate {
		// Serve the one IdP entity, not the aggregate.
		out, err := xml.MarshalIndent(entity, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("marshal IdP entity: %w", err)
		}
		md.Raw = append([]byte(xml.Header), out...)
	}
	md.Entity = entity
	for _, d := range entity.IDPSSODescriptors {
		md.Certs = append(md.Certs, certsFromKeyDescriptors(d.KeyDescriptors, RoleIdPSigning, RoleIdPEncryption)...)
	}
	return md, nil
}

// parseEntity unmarshals an EntityDescriptor, or the one entity in an
// EntitiesDescriptor that want selects (aggregate is then true). More than
// one such entity is refused: we cannot tell which one the operator means.
func parseEntity(data []byte, want func(*crewsaml.EntityDescriptor) bool) (entity *crewsaml.EntityDescriptor, aggregate bool, err error) {
	root, err := metadataRootElement(data)
	if err != nil {
		return nil, false, err
	}
	if root.Space != metadataNS || (root.Local != "EntityDescriptor" && root.Local != "EntitiesDescriptor") {
		return nil, false, fmt.Errorf("root element is %s, not a SAML metadata EntityDescriptor", root.Local)
	}
	if root.Local == "EntityDescriptor" {
		e := &crewsaml.EntityDescriptor{}
		if err := xml.Unmarshal(data, e); err != nil {
			return nil, false, fmt.Errorf("invalid metadata: %w", err)
		}
		return e, false, nil
	}
	agg := &crewsaml.EntitiesDescriptor{}
	if err := xml.Unmarshal(data, agg); err != nil {
		return nil, true, fmt.Errorf("invalid metadata: %w", err)
	}
	var found []*crewsaml.EntityDescriptor
	var walk func(*crewsaml.EntitiesDescriptor)
	walk = func(a *crewsaml.EntitiesDescriptor) {
		for i := range a.EntityDescriptors {
			if want(&a.EntityDescriptors[i]) {
				found = append(found, &a.EntityDescriptors[i])
			}
		}
		for i := range a.EntitiesDescriptors {
			walk(&a.EntitiesDescriptors[i])
		}
	}
	walk(agg)
	switch len(found) {
	case 0:
		return nil, true, errors.New("the EntitiesDescriptor holds no entity of the wanted kind")
	case 1:
		return found[0], true, nil
	}
	return nil, true, fmt.Errorf("the EntitiesDescriptor holds %d candidate entities; give the metadata of the one app", len(found))
}

const metadataNS = "urn:oasis:names:tc:SAML:2.0:metadata"

func metadataRootElement(data []byte) (xml.Name, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return xml.Name{}, fmt.Errorf("invalid XML: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name, nil
		}
	}
}

// SigningCerts returns the parsed signing certificates.
func (m *IdPMetadata) SigningCerts() []Cert {
	var out []Cert
	for _, c := range m.Certs {
		if c.Role == RoleIdPSigning {
			out = append(out, c)
		}
	}
	return out
}

// SSOURL returns the first SSO service location with the HTTP-Redirect or
// HTTP-POST binding, or "".
func (m *IdPMetadata) SSOURL() string {
	for _, d := range m.Entity.IDPSSODescriptors {
		for _, s := range d.SingleSignOnServices {
			if (s.Binding == crewsaml.HTTPRedirectBinding || s.Binding == crewsaml.HTTPPostBinding) && s.Location != "" {
				return s.Location
			}
		}
	}
	return ""
}

// idpRotateFix is what to do about an IdP signing certificate that is
// expired or about to be.
const idpRotateFix = "in Okta, open the AWS IAM Identity Center app → Sign On → SAML Signing Certificates → Generate new certificate; " +
	"add the new certificate in Identity Center → Settings → Identity source → Manage authentication (it accepts several IdP certificates " +
	"at once, so there is no downtime; identity-center-scim.md §11); then, in Okta, Actions → Activate on the new certificate " +
	"(Okta does not activate it by itself, §11) and remove the old one from Identity Center"

// Check validates the IdP metadata for upload to Identity Center.
func (m *IdPMetadata) Check(now time.Time, warnBefore time.Duration) Findings {
	var fs Findings
	e := m.Entity
	if e.EntityID == "" {
		fs = append(fs, errorf("idp-no-entity-id", "download the metadata again from Okta's app (Sign On → View IdP metadata)",
			"IdP metadata has no entityID"))
	}
	if !e.ValidUntil.IsZero() && now.After(e.ValidUntil) {
		fs = append(fs, errorf("idp-metadata-expired", "download fresh metadata from Okta",
			"IdP metadata validUntil %s has passed", e.ValidUntil.UTC().Format(time.RFC3339)))
	}
	if sso := m.SSOURL(); sso == "" {
		fs = append(fs, errorf("idp-no-sso-service", "use the metadata of Okta's AWS IAM Identity Center app, which has SingleSignOnService elements",
			"IdP metadata has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding"))
	} else if u, err := url.Parse(sso); err == nil && u.Scheme != "https" {
		fs = append(fs, errorf("idp-sso-not-https", "use the https metadata Okta publishes", "IdP SSO URL %s is not https", sso))
	}
	fs = append(fs, checkNameIDFormats("IdP", m.idpNameIDFormats(),
		"in Okta's app → Sign On → Edit: set Application username format to Email (the NameID is the application username)")...)
	fs = append(fs, m.checkSigningCerts(now, warnBefore)...)
	switch {
	case m.Signed:
		fs = append(fs, infof("idp-metadata-signature-valid", "IdP metadata signature verified against the configured certificate"))
	case m.SignatureUnchecked:
		fs = append(fs, warnf("idp-metadata-signature-unchecked", "configure the metadata signing certificate (--saml-verify-cert-file) to verify it",
			"IdP metadata is signed, but no certificate is configured to verify the signature"))
	}
	return fs
}

func (m *IdPMetadata) idpNameIDFormats() []string {
	var out []string
	for _, d := range m.Entity.IDPSSODescriptors {
		for _, f := range d.NameIDFormats {
			out = append(out, string(f))
		}
	}
	return out
}

// checkNameIDFormats: listed formats that leave out email mean the NameID
// will not be the userName. Unspecified is tolerated beside email (Okta
// lists both); no list at all says nothing. Unspecified alone may still
// carry the email address (a custom SAML app set to Email), and whether
// Identity Center refuses the format itself is UNCONFIRMED, so it warns:
// an error would stop the broker serving metadata that may work.
func checkNameIDFormats(side string, formats []string, fix string) []Finding {
	if len(formats) == 0 {
		return nil
	}
	unspecified := false
	for _, f := range formats {
		switch f {
		case NameIDFormatEmail:
			return nil
		case nameIDFormatUnspecified:
			unspecified = true
		}
	}
	if unspecified {
		return []Finding{warnf("name-id-unspecified", fix,
			"%s metadata offers NameID formats %v, not %s: sign-in works only if the NameID value is the user's userName, an email address (identity-center-scim.md §12.14)",
			side, formats, NameIDFormatEmail)}
	}
	return []Finding{errorf("name-id-not-email", fix,
		"%s metadata offers NameID formats %v, not %s: Identity Center matches the NameID to the user's userName, an email address (identity-center-scim.md §12.14), so users would be provisioned but unable to sign in",
		side, formats, NameIDFormatEmail)}
}

func (m *IdPMetadata) checkSigningCerts(now time.Time, warnBefore time.Duration) []Finding {
	signing := m.SigningCerts()
	if len(signing) == 0 {
		return []Finding{errorf("idp-no-signing-cert", "use the metadata of Okta's app: it carries the app's signing certificate",
			"IdP metadata has no signing certificate (KeyDescriptor use=\"signing\")")}
	}
	var fs Findings
	inDate := 0
	var expired []Finding
	for _, c := range signing {
		if c.ParseErr != nil {
			fs = append(fs, errorf("cert-unparsable", "download the metadata again from Okta", "%s: %v", c.Name(), c.ParseErr))
			continue
		}
		if c.PEMChars > MaxIdPCertChars {
			fs = append(fs, errorf("cert-too-large", "generate a new signing certificate in Okta with a 2048-bit key and upload that",
				"%s is %d characters as PEM; Identity Center accepts at most %d (identity-center-scim.md §11)", c.Name(), c.PEMChars, MaxIdPCertChars))
		}
		dates := checkCertDates(c, now, warnBefore, idpRotateFix)
		if len(dates) > 0 && dates[0].Code == "cert-expired" {
			expired = append(expired, dates...)
			continue
		}
		if len(dates) == 0 || dates[0].Code == "cert-expiring" {
			inDate++
		}
		fs = append(fs, dates...)
	}
	// An expired certificate next to an in-date one is left over from a
	// rotation: Okta signs with the active one. Whether Identity Center
	// refuses to upload metadata holding an expired certificate is
	// UNCONFIRMED, so it stays a warning to act on rather than nothing.
	for _, f := range expired {
		if inDate > 0 {
			f.Severity = Warning
			f.Fix = "remove the expired certificate: in Identity Center delete it from the IdP certificates, in Okta deactivate it"
		}
		fs = append(fs, f)
	}
	if len(signing) > 1 {
		fs = append(fs, warnf("multiple-signing-certs", "after the rotation, remove the old certificate from Identity Center and deactivate it in Okta",
			"IdP metadata carries %d signing certificates: fine during a rotation, since Identity Center accepts several at once (identity-center-scim.md §11)", len(signing)))
	}
	return fs
}
