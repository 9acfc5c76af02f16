// Package translate turns Okta's SCIM user requests into the reduced dialect
// AWS IAM Identity Center accepts (shared/reference/identity-center-scim.md).
// It is pure: no I/O, no state. Every change it makes is a named rule,
// returned to the caller so that the request log line and the metrics can say
// what the bridge changed and why. Values Identity Center would refuse are
// rejected with an *Error naming the attribute, never silently altered.
package translate

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rule names. Each is returned by the function that applied it and is logged
// on the request line; docs/translation.md has one row per rule.
const (
	// Multi-valued attributes keep one value: the primary, else the first.
	// identity-center-scim.md §4: "emails, addresses, phoneNumbers and roles take at most ONE value. More than one → 400."
	RuleEmailsSingle       = "emails.single"
	RulePhoneNumbersSingle = "phoneNumbers.single"
	RuleAddressesSingle    = "addresses.single"
	RuleRolesSingle        = "roles.single"
	// identity-center-scim.md §4: "If emails is sent, its single value must have primary: true."
	RuleEmailPrimary = "emails.primary"
	// identity-center-scim.md §4 Unsupported sub-attributes: "display of emails, addresses, phoneNumbers, and of any multi-valued attribute; manager.displayName".
	RuleDisplayDropped            = "display.dropped"
	RuleManagerDisplayNameDropped = "manager.displayName.dropped"
	// identity-center-scim.md §4 Unsupported: "password, ims, photos, x509Certificates, entitlements".
	RulePasswordDropped    = "password.dropped"
	RuleUnsupportedDropped = "unsupported.dropped"
	// identity-center-scim.md §4: "groups cannot be set in CreateUser." Okta
	// sends "groups":[] on create and echoes it on PUT (okta-scim-client.md §2.1, §2.2).
	RuleGroupsDropped = "groups.dropped"
	// Attributes outside the schema Identity Center knows (e.g. Okta custom
	// extensions) are not sent: strict in what we send.
	RuleUnknownDropped = "unknown.dropped"
	// identity-center-scim.md §4 Empty strings: "An empty string "" is rejected."
	RuleEmptyDropped = "empty.dropped"
	// okta-scim-client.md §2.2: the PUT body "echoes back id, meta, groups: [] …".
	RuleReadOnlyStripped = "readonly.stripped"
	RuleSchemasRebuilt   = "schemas.rebuilt"
	// identity-center-scim.md §4 Lifecycle: "Okta address updates need all five fields … If any is missing, the push fails."
	RuleAddressIncomplete = "addresses.incomplete.dropped"
	// identity-center-scim.md §4 Required: "userName, name.givenName, name.familyName, displayName".
	RuleGivenNameDerived   = "name.givenName.derived"
	RuleFamilyNameDerived  = "name.familyName.derived"
	RuleDisplayNameDerived = "displayName.derived"
	// Liberal in what we accept: "primary":"true", "active":"False" and
	// odd attribute-name casing (RFC 7643 §2.1: names are case-insensitive).
	RuleBooleanCoerced = "boolean.coerced"
	RuleNameCase       = "attribute.case"

	// PATCH rules.
	// identity-center-scim.md §5 PATCH without path: "accepted only for add or replace of a single attribute"; §12.18.
	RulePatchPathlessSplit = "patch.pathless.split"
	// identity-center-scim.md §4 PatchUser: "no more than one op on userName or active in one request".
	RulePatchKeySplit = "patch.active-userName.split"
	// Nothing left to send after dropping unsupported attributes.
	RulePatchNothingLeft = "patch.nothing-left"
	// An add to a one-value attribute would make two values; it is sent as replace.
	// identity-center-scim.md §4: "emails, addresses, phoneNumbers and roles take at most ONE value."
	RulePatchAddAsReplace = "patch.add-as-replace"
	// A filtered add/replace on emails, phoneNumbers or addresses
	// (emails[type eq "home"].value) becomes a replace of the one value it
	// describes: a filter that matched nothing would add a second value.
	// identity-center-scim.md §4: "at most ONE value. More than one → 400."
	RulePatchFilterAsReplace = "patch.filter-as-replace"
	// An empty value ("" or null) in add/replace means "clear it"; sent as remove.
	// identity-center-scim.md §4 Empty strings: "A field must be null/absent or hold a literal value".
	RulePatchEmptyAsRemove = "patch.empty-as-remove"
	// Okta's path-less rename/patch bodies carry "id"; the URL's id wins (okta-scim-client.md §1.9).
	RulePatchIDDropped = "patch.id.dropped"
	// Op names are matched case-insensitively and sent lower-case.
	RulePatchOpCase = "patch.op.case"
)

// Error is a value Identity Center would refuse. The caller turns it into a
// SCIM 400 with ScimType and Detail (identitycenter.Error); Detail starts
// with attrLabel(Attribute) and ": ".
type Error struct {
	Attribute string
	ScimType  string // RFC 7644 §3.12: invalidValue, invalidPath, mutability, noTarget, invalidFilter, invalidSyntax
	Detail    string
}

func (e *Error) Error() string { return e.Detail }

func invalid(attr, format string, args ...any) *Error {
	return errOf("invalidValue", attr, format, args...)
}

func errOf(scimType, attr, format string, args ...any) *Error {
	return &Error{Attribute: attr, ScimType: scimType, Detail: attrLabel(attr) + ": " + fmt.Sprintf(format, args...)}
}

// attrLabel is how a detail names an attribute: as sent when that reads
// unambiguously (userName, emails[type eq "work"].value), else quoted (""
// for an empty key, "a\nb" for a control character, " x: y"), so that a
// detail never starts with ": " and never carries a raw control character
// into Okta's dashboard or the log. Plain names stay unquoted because other
// packages and operators read "userName: …".
func attrLabel(attr string) string {
	if attr == "" || attr != strings.TrimSpace(attr) || strings.Contains(attr, ": ") ||
		strings.HasPrefix(attr, `"`) || !utf8.ValidString(attr) {
		return strconv.Quote(attr)
	}
	for _, r := range attr {
		if !unicode.IsPrint(r) {
			return strconv.Quote(attr)
		}
	}
	return attr
}

// ruleSet collects applied rules in order, without duplicates.
type ruleSet []string

func (r *ruleSet) add(name string) {
	for _, x := range *r {
		if x == name {
			return
		}
	}
	*r = append(*r, name)
}
