package translate

import "strings"

// completeNames makes sure givenName, familyName and displayName are present,
// deriving or rejecting as policy says.
// identity-center-scim.md §4 Required: "userName, name.givenName, name.familyName, displayName".
func completeNames(out map[string]any, policy NamePolicy, rules *ruleSet) *Error {
	name, _ := out["name"].(map[string]any)
	given, _ := name["givenName"].(string)
	family, _ := name["familyName"].(string)
	formatted, _ := name["formatted"].(string)
	display, _ := out["displayName"].(string)
	userName, _ := out["userName"].(string)
	if given != "" && family != "" && display != "" {
		return nil
	}
	if policy == NamesReject {
		for _, m := range []struct{ attr, val string }{{"name.givenName", given}, {"name.familyName", family}, {"displayName", display}} {
			if m.val == "" {
				return invalid(m.attr, "is required by Identity Center and Okta sent none; map it in Okta's attribute mappings (identity-center-scim.md §4 Required)")
			}
		}
	}
	// Derive from the full name Okta sent, else from userName's local part
	// split at . _ - (jo.smith@x → "jo", "smith"), else the whole local part.
	words := strings.Fields(display)
	if len(words) == 0 {
		words = strings.Fields(formatted)
	}
	local, _, _ := strings.Cut(userName, "@")
	if local == "" {
		local = userName
	}
	if len(words) == 0 {
		words = strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	}
	if given == "" {
		given = local
		if len(words) > 0 {
			given = words[0]
		}
		if err := checkString("name.givenName", given, kindText); err != nil {
			return err
		}
		rules.add(RuleGivenNameDerived)
	}
	if family == "" {
		family = local
		if len(words) > 1 {
			family = words[len(words)-1]
		}
		if err := checkString("name.familyName", family, kindText); err != nil {
			return err
		}
		rules.add(RuleFamilyNameDerived)
	}
	if display == "" {
		display = formatted
		if display == "" {
			display = given + " " + family
		}
		if err := checkString("displayName", display, kindText); err != nil {
			return err
		}
		rules.add(RuleDisplayNameDerived)
	}
	if name == nil {
		name = map[string]any{}
	}
	name["givenName"], name["familyName"] = given, family
	out["name"] = name
	out["displayName"] = display
	return nil
}
