// Package saml brokers the SAML metadata that Okta and AWS IAM Identity
// Center exchange by hand: it loads (and refreshes) Okta's IdP metadata,
// builds the SP values Okta's AWS app asks for from Identity Center's ACS URL
// and issuer, checks both for the mistakes that break sign-in, and watches
// the certificates in them for expiry. It is built on github.com/crewjam/saml.
package saml
