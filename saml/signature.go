package saml

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/beevik/etree"
	crewsaml "github.com/crewjam/saml"
)

const dsigNamespace = "http://www.w3.org/2000/09/xmldsig#"

// ErrUnsigned is returned when verification is configured and the metadata
// carries no signature on its root element.
var ErrUnsigned = errors.New("metadata is not signed, but signature verification is configured")

// hasRootSignature reports whether the root element of data carries a
// ds:Signature child.
func hasRootSignature(data []byte) (bool, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return false, fmt.Errorf("invalid XML: %w", err)
	}
	root := doc.Root()
	if root == nil {
		return false, errors.New("invalid XML: no root element")
	}
	for _, child := range root.ChildElements() {
		if child.Tag == "Signature" && child.NamespaceURI() == dsigNamespace {
			return true, nil
		}
	}
	return false, nil
}

// verifySigned checks the enveloped signature on data's root element with
// certs and returns the content the signature covers: only that content is
// parsed and served, so nothing unsigned slips through. The XML-DSig
// processing is goxmldsig's, through crewjam/saml's VerifyMetadataSignature,
// which also resists the namespace-declaration tricks that leave a
// signature valid while changing what encoding/xml reads.
func verifySigned(data []byte, certs []*x509.Certificate) ([]byte, error) {
	signed, err := hasRootSignature(data)
	if err != nil {
		return nil, err
	}
	if !signed {
		return nil, ErrUnsigned
	}
	out, err := crewsaml.VerifyMetadataSignature(data, certs)
	if err != nil {
		return nil, fmt.Errorf("metadata signature is not valid for the configured certificate: %w", err)
	}
	return out, nil
}
