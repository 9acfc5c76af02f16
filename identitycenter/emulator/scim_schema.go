package emulator

import "strings"

// Schema URNs.
const (
	userSchema       = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupSchema      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	listSchema       = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	patchSchema      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

type attrKind int

const (
	kindString attrKind = iota
	kindBool
	kindComplex // single-valued complex: name, enterprise, manager
	kindMulti   // multi-valued complex: emails, addresses, phoneNumbers, roles
)

// attrDef describes one attribute Identity Center supports.
type attrDef struct {
	name   string
	kind   attrKind
	maxLen int  // rune limit for strings (identity-center-scim.md §4 "Lengths")
	text   bool // human text: the `<>;:%` exclusion applies (§4 "Characters")
	sub    []attrDef
}

func str(name string, text bool) attrDef { return attrDef{name: name, maxLen: 1024, text: text} }

// userAttrs are the user attributes Identity Center accepts.
// identity-center-scim.md §4 "Supported single-valued attributes" and
// "Multi-valued attributes: one value only"; enterprise extension per §4.
var userAttrs = []attrDef{
	// §4 Lengths: "userName 1–128"; "externalId 1–256"; most strings 1–1024.
	{name: "userName", maxLen: 128, text: true},
	{name: "externalId", maxLen: 256},
	str("displayName", true), str("nickName", true), str("title", true), str("userType", true),
	// URLs, language tags, locales and time zones are not human text: `:` and
	// `%` are legitimate in them, so only the general character class applies.
	str("profileUrl", false), str("preferredLanguage", false), str("locale", false), str("timezone", false),
	{name: "active", kind: kindBool},
	{name: "name", kind: kindComplex, sub: []attrDef{
		str("formatted", true), str("familyName", true), str("givenName", true),
		str("middleName", true), str("honorificPrefix", true), str("honorificSuffix", true),
	}},
	{name: "emails", kind: kindMulti, sub: []attrDef{str("value", false), str("type", false), {name: "primary", kind: kindBool}}},
	{name: "phoneNumbers", kind: kindMulti, sub: []attrDef{str("value", false), str("type", false), {name: "primary", kind: kindBool}}},
	{name: "addresses", kind: kindMulti, sub: []attrDef{
		str("formatted", true), str("streetAddress", true), str("locality", true), str("region", true),
		str("postalCode", true), str("country", true), str("type", false), {name: "primary", kind: kindBool},
	}},
	// §4 roles: "allowed, single-valued, with only value/type/primary (no display)" (current DG).
	{name: "roles", kind: kindMulti, sub: []attrDef{str("value", false), str("type", false), {name: "primary", kind: kindBool}}},
	{name: enterpriseSchema, kind: kindComplex, sub: []attrDef{
		str("employeeNumber", true), str("costCenter", true), str("organization", true),
		str("division", true), str("department", true),
		// §4: "manager.displayName is not supported."
		{name: "manager", kind: kindComplex, sub: []attrDef{{name: "value", maxLen: 1024}}},
	}},
}

// unsupportedUserAttrs: §4 "Attributes: password, ims, photos, x509Certificates, entitlements."
var unsupportedUserAttrs = map[string]bool{
	"password": true, "ims": true, "photos": true, "x509certificates": true, "entitlements": true,
}

// patchableUserAttrs: §4 PatchUser "Only these attributes can be modified: userName,
// active, externalId, displayName, nickName, profileUrl, title, userType,
// preferredLanguage, locale, timezone, name, enterprise, emails, addresses, phoneNumbers."
var patchableUserAttrs = map[string]bool{
	"userName": true, "active": true, "externalId": true, "displayName": true, "nickName": true,
	"profileUrl": true, "title": true, "userType": true, "preferredLanguage": true, "locale": true,
	"timezone": true, "name": true, enterpriseSchema: true, "emails": true, "addresses": true, "phoneNumbers": true,
}

// reservedNames: §4 ""Administrator" and "AWSAdministrators" are reserved: they
// cannot be used as user or group names."
var reservedNames = []string{"Administrator", "AWSAdministrators"}

func isReserved(name string) bool {
	for _, r := range reservedNames {
		// Case-insensitively: the stricter reading.
		if strings.EqualFold(name, r) {
			return true
		}
	}
	return false
}

// lookupAttr finds a definition by case-insensitive name (SCIM attribute
// names are case-insensitive, RFC 7643 §2.1).
func lookupAttr(defs []attrDef, name string) (attrDef, bool) {
	for _, d := range defs {
		if strings.EqualFold(d.name, name) {
			return d, true
		}
	}
	return attrDef{}, false
}

// groupAttrDisplayName is the group displayName definition (§4 "Group displayName 1–1024").
var groupAttrDisplayName = str("displayName", true)

// groupAttrExternalID is the group externalId definition (§4 "externalId 1–256").
var groupAttrExternalID = attrDef{name: "externalId", maxLen: 256}
