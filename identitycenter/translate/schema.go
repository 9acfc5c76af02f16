package translate

import "strings"

// Schema URNs.
const (
	SchemaUser       = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
)

// kind says how a string attribute is checked.
type kind int

const (
	kindUserName   kind = iota // 1–128, no spaces or controls, no <>;:%
	kindText                   // human text: 1–1024, no <>;:%
	kindString                 // other strings (urls, codes, emails): 1–1024
	kindExternalID             // 1–256
	kindBool
	kindName       // complex: name
	kindMulti      // multi-valued complex: emails, phoneNumbers, addresses, roles
	kindEnterprise // the enterprise extension object
	kindManager    // enterprise manager {value}
	kindDropped    // accepted from Okta, never sent
	kindReadOnly   // id, meta, schemas: rebuilt or stripped
)

// attrSpec is one attribute Identity Center knows.
type attrSpec struct {
	name      string // canonical spelling
	kind      kind
	patchable bool // identity-center-scim.md §4 PatchUser: "Only these attributes can be modified: …"
}

// userAttrs are the top-level user attributes, keyed by lower-case name.
// identity-center-scim.md §4 "Supported single-valued attributes" and the PatchUser list.
var userAttrs = specs(
	attrSpec{"userName", kindUserName, true},
	attrSpec{"externalId", kindExternalID, true},
	attrSpec{"displayName", kindText, true},
	attrSpec{"nickName", kindText, true},
	attrSpec{"profileUrl", kindString, true},
	attrSpec{"title", kindText, true},
	attrSpec{"userType", kindString, true},
	attrSpec{"preferredLanguage", kindString, true},
	attrSpec{"locale", kindString, true},
	attrSpec{"timezone", kindString, true},
	attrSpec{"active", kindBool, true},
	attrSpec{"name", kindName, true},
	attrSpec{"emails", kindMulti, true},
	attrSpec{"phoneNumbers", kindMulti, true},
	attrSpec{"addresses", kindMulti, true},
	// identity-center-scim.md §4: roles are allowed on create (current DG) but
	// are not in the PatchUser list.
	attrSpec{"roles", kindMulti, false},
	attrSpec{SchemaEnterprise, kindEnterprise, true},
	attrSpec{"password", kindDropped, false},
	attrSpec{"ims", kindDropped, false},
	attrSpec{"photos", kindDropped, false},
	attrSpec{"x509Certificates", kindDropped, false},
	attrSpec{"entitlements", kindDropped, false},
	attrSpec{"groups", kindDropped, false},
	attrSpec{"id", kindReadOnly, false},
	attrSpec{"meta", kindReadOnly, false},
	attrSpec{"schemas", kindReadOnly, false},
)

// nameAttrs: identity-center-scim.md §4 "name.{formatted, familyName, givenName, middleName, honorificPrefix, honorificSuffix}".
var nameAttrs = specs(
	attrSpec{"formatted", kindText, true},
	attrSpec{"familyName", kindText, true},
	attrSpec{"givenName", kindText, true},
	attrSpec{"middleName", kindText, true},
	attrSpec{"honorificPrefix", kindText, true},
	attrSpec{"honorificSuffix", kindText, true},
)

// enterpriseAttrs: identity-center-scim.md §4 "{employeeNumber, costCenter, organization, division, department, manager{value}}".
var enterpriseAttrs = specs(
	attrSpec{"employeeNumber", kindText, true},
	attrSpec{"costCenter", kindText, true},
	attrSpec{"organization", kindText, true},
	attrSpec{"division", kindText, true},
	attrSpec{"department", kindText, true},
	attrSpec{"manager", kindManager, true},
)

// multiAttrs are the sub-attributes kept per multi-valued attribute. display
// is absent on purpose (identity-center-scim.md §4 Unsupported sub-attributes).
var multiAttrs = map[string]map[string]attrSpec{
	"emails":       specs(attrSpec{"value", kindString, true}, attrSpec{"type", kindString, true}, attrSpec{"primary", kindBool, true}),
	"phoneNumbers": specs(attrSpec{"value", kindString, true}, attrSpec{"type", kindString, true}, attrSpec{"primary", kindBool, true}),
	"roles":        specs(attrSpec{"value", kindString, true}, attrSpec{"type", kindString, true}, attrSpec{"primary", kindBool, true}),
	"addresses": specs(
		attrSpec{"formatted", kindText, true},
		attrSpec{"streetAddress", kindText, true},
		attrSpec{"locality", kindText, true},
		attrSpec{"region", kindText, true},
		attrSpec{"postalCode", kindText, true},
		attrSpec{"country", kindText, true},
		attrSpec{"type", kindString, true},
		attrSpec{"primary", kindBool, true},
	),
}

// addressParts must all be present for an address to be sent.
// identity-center-scim.md §4 Lifecycle: "streetAddress, city (locality), state (region), zipCode (postalCode), countryCode (country)".
var addressParts = []string{"streetAddress", "locality", "region", "postalCode", "country"}

// singleRule names the one-value rule of each multi-valued attribute.
var singleRule = map[string]string{
	"emails":       RuleEmailsSingle,
	"phoneNumbers": RulePhoneNumbersSingle,
	"addresses":    RuleAddressesSingle,
	"roles":        RuleRolesSingle,
}

func specs(list ...attrSpec) map[string]attrSpec {
	m := make(map[string]attrSpec, len(list))
	for _, s := range list {
		m[strings.ToLower(s.name)] = s
	}
	return m
}

// lookup finds an attribute case-insensitively and notes a casing fix.
func lookup(table map[string]attrSpec, key string, rules *ruleSet) (attrSpec, bool) {
	s, ok := table[strings.ToLower(key)]
	if ok && s.name != key {
		rules.add(RuleNameCase)
	}
	return s, ok
}

// dropRule names the rule for an attribute Identity Center does not take.
func dropRule(name string) string {
	switch name {
	case "password":
		return RulePasswordDropped
	case "groups":
		return RuleGroupsDropped
	default:
		return RuleUnsupportedDropped
	}
}
