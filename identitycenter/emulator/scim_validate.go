package emulator

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Character classes of the identitystore shapes (identity-center-scim.md §4
// "Characters"). The reference renders the whitespace of the second class as
// tab, newline, return, space and U+3000; that is what is allowed here.
var (
	userNameChars = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
	textChars     = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \x{3000}]+$`)
)

const (
	userNamePattern = `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`
	textPattern     = `[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r  　]+`
	// §4: "Do not use <>;:% in synced attributes … The characters <>;:% are excluded".
	excludedChars = "<>;:%"
)

// checkString applies the empty-string, length and character rules to one
// string value at the given attribute path.
func (e *Emulator) checkString(def attrDef, at string, v any) *scimError {
	s, ok := v.(string)
	if !ok {
		if e.lenient(RuleSchemaTypes) {
			return nil
		}
		return badRequest(RuleSchemaTypes, "%s must be a string, not %s.", at, jsonKind(v))
	}
	if s == "" {
		// §4 "Empty strings": "An empty string "" is rejected."
		if e.lenient(RuleEmptyString) {
			return nil
		}
		return validationError(RuleEmptyString, at, "Member must have length greater than or equal to 1")
	}
	// §4 "Lengths": userName 1–128, externalId 1–256, other strings 1–1024.
	if n := utf8.RuneCountInString(s); n > def.maxLen && !e.lenient(RuleLengths) {
		return validationError(RuleLengths, at, fmt.Sprintf("Member must have length less than or equal to %d", def.maxLen))
	}
	if e.lenient(RuleCharacters) {
		return nil
	}
	// §4 "Characters": userName has no whitespace; other strings allow some.
	if def.name == "userName" {
		if !userNameChars.MatchString(s) {
			return validationError(RuleCharacters, at, "Member must satisfy regular expression pattern: "+userNamePattern)
		}
	} else if !textChars.MatchString(s) {
		return validationError(RuleCharacters, at, "Member must satisfy regular expression pattern: "+textPattern)
	}
	if def.text && strings.ContainsAny(s, excludedChars) {
		return validationError(RuleCharacters, at, "The characters <>;:% are excluded")
	}
	return nil
}

// checkValue validates one attribute value by its definition and returns it
// with canonical sub-attribute names and nulls dropped (nil: drop it).
func (e *Emulator) checkValue(def attrDef, at string, v any) (any, *scimError) {
	if v == nil {
		return nil, nil
	}
	switch def.kind {
	case kindString:
		if err := e.checkString(def, at, v); err != nil {
			return nil, err
		}
		return v, nil
	case kindBool:
		if _, ok := v.(bool); !ok && !e.lenient(RuleSchemaTypes) {
			return nil, badRequest(RuleSchemaTypes, "%s must be a boolean, not %s.", at, jsonKind(v))
		}
		return v, nil
	case kindComplex:
		m, ok := v.(map[string]any)
		if !ok {
			if e.lenient(RuleSchemaTypes) {
				return v, nil
			}
			return nil, badRequest(RuleSchemaTypes, "%s must be an object, not %s.", at, jsonKind(v))
		}
		return e.checkComplex(def, at, m)
	case kindMulti:
		list, ok := v.([]any)
		if !ok {
			if e.lenient(RuleSchemaTypes) {
				return v, nil
			}
			return nil, badRequest(RuleSchemaTypes, "%s must be an array, not %s.", at, jsonKind(v))
		}
		// §4: "emails, addresses, phoneNumbers and roles take at most ONE value. More than one → 400."
		if len(list) > 1 && !e.lenient(RuleSingleValued) {
			return nil, badRequest(RuleSingleValued, "%s takes at most one value; %d were sent.", at, len(list))
		}
		out := make([]any, 0, len(list))
		for i, item := range list {
			m, ok := item.(map[string]any)
			if !ok {
				if e.lenient(RuleSchemaTypes) {
					continue
				}
				return nil, badRequest(RuleSchemaTypes, "%s.%d must be an object, not %s.", at, i+1, jsonKind(item))
			}
			c, err := e.checkComplex(def, fmt.Sprintf("%s.%d", at, i+1), m)
			if err != nil {
				return nil, err
			}
			if len(c) > 0 {
				out = append(out, c)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	}
	return v, nil
}

// checkComplex validates the sub-attributes of one complex value.
func (e *Emulator) checkComplex(def attrDef, at string, m map[string]any) (map[string]any, *scimError) {
	out := map[string]any{}
	for k, v := range m {
		sub, ok := lookupAttr(def.sub, k)
		if !ok {
			// §4 unsupported sub-attributes: "display of emails, addresses,
			// phoneNumbers, and of any multi-valued attribute; manager.displayName".
			if strings.EqualFold(k, "display") || strings.EqualFold(k, "displayName") && def.name == "manager" {
				if e.lenient(RuleDisplaySubAttr) {
					continue
				}
				return nil, badRequest(RuleDisplaySubAttr, "%s.%s is not supported.", at, k)
			}
			if strings.EqualFold(k, "$ref") && def.name == "manager" || e.lenient(RuleSchemaTypes) {
				continue
			}
			return nil, badRequest(RuleSchemaTypes, "%s.%s is not a supported attribute.", at, k)
		}
		c, err := e.checkValue(sub, at+"."+sub.name, v)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out[sub.name] = c
		}
	}
	return out, nil
}

// normalizeUser validates a whole user (a create, a replace, or the result of
// a patch) and returns it with canonical attribute names, without nulls,
// empty values, id, meta and schemas. Every rule is checked before the store
// is touched, so a refused request changes nothing.
func (e *Emulator) normalizeUser(in map[string]any) (map[string]any, *scimError) {
	out := map[string]any{}
	for k, v := range in {
		switch lk := strings.ToLower(k); {
		case lk == "schemas" || lk == "id":
			continue // read-only or echoed; never stored
		case lk == "meta":
			// §4 unsupported sub-attributes: "meta.version".
			if m, ok := v.(map[string]any); ok && !e.lenient(RuleDisplaySubAttr) {
				for mk := range m {
					if strings.EqualFold(mk, "version") {
						return nil, badRequest(RuleDisplaySubAttr, "meta.version is not supported.")
					}
				}
			}
			continue
		case lk == "groups":
			// §4: "groups cannot be set in CreateUser." (nor by PUT: it is not a supported attribute)
			if e.lenient(RuleUserGroupsCreate) {
				continue
			}
			return nil, badRequest(RuleUserGroupsCreate, "groups cannot be set on a user.")
		case unsupportedUserAttrs[lk]:
			if e.lenient(RuleUnsupportedAttr) {
				continue
			}
			return nil, badRequest(RuleUnsupportedAttr, "%s is not supported.", k)
		}
		def, ok := lookupAttr(userAttrs, k)
		if !ok {
			// Attributes outside the documented list: whether AWS ignores or
			// refuses them is UNCONFIRMED; refusing is the safe reading.
			if e.lenient(RuleUnsupportedAttr) {
				continue
			}
			return nil, badRequest(RuleUnsupportedAttr, "%s is not a supported attribute.", k)
		}
		c, err := e.checkValue(def, def.name, v)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out[def.name] = c
		}
	}
	if err := e.checkUserWhole(out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkUserWhole applies the rules that look at the user as a whole.
func (e *Emulator) checkUserWhole(u map[string]any) *scimError {
	// §4 "Required on create (POST) and replace (PUT): userName, name.givenName,
	// name.familyName, displayName." Applied to a patch's result too.
	if !e.lenient(RuleUserRequired) {
		name, _ := u["name"].(map[string]any)
		for _, req := range []struct {
			at string
			v  any
		}{{"userName", u["userName"]}, {"name.givenName", name["givenName"]}, {"name.familyName", name["familyName"]}, {"displayName", u["displayName"]}} {
			if req.v == nil {
				return badRequest(RuleUserRequired, "%s is required.", req.at)
			}
		}
	}
	// §4 Reserved: "Administrator" and "AWSAdministrators".
	if un, _ := u["userName"].(string); isReserved(un) && !e.lenient(RuleReservedNames) {
		return badRequest(RuleReservedNames, "userName %q is reserved.", un)
	}
	// §4: "If emails is sent, its single value must have primary: true."
	if emails, ok := u["emails"].([]any); ok && !e.lenient(RuleEmailPrimary) {
		primary := false
		for _, em := range emails {
			if m, ok := em.(map[string]any); ok && m["primary"] == true {
				primary = true
			}
		}
		if !primary {
			return badRequest(RuleEmailPrimary, "emails: the email must have primary: true.")
		}
	}
	// §4 Lifecycle: "address updates need all five fields: streetAddress, city
	// (locality), state (region), zipCode (postalCode), countryCode (country)."
	if addrs, ok := u["addresses"].([]any); ok && !e.lenient(RuleAddressComplete) {
		for i, a := range addrs {
			m, _ := a.(map[string]any)
			for _, f := range []string{"streetAddress", "locality", "region", "postalCode", "country"} {
				if m[f] == nil {
					return badRequest(RuleAddressComplete, "addresses.%d.%s is missing: an address needs streetAddress, locality, region, postalCode and country.", i+1, f)
				}
			}
		}
	}
	return nil
}
