package translate

import (
	"fmt"
	"sort"
	"strings"
)

// NamePolicy says what to do when Okta sends no givenName, familyName or
// displayName, all three of which Identity Center requires
// (identity-center-scim.md §4 Required; §12.3).
type NamePolicy int

const (
	// NamesDerive fills a missing name part from the others or from userName.
	NamesDerive NamePolicy = iota
	// NamesReject refuses the request with a 400 naming the attribute.
	NamesReject
)

// Options tune User.
type Options struct {
	Names NamePolicy
}

// User translates a user body Okta sent for POST /Users or PUT /Users/{id}
// into the body Identity Center accepts for CreateUser or PutUser. It returns
// the rules applied, in order. A value Identity Center would refuse is an
// *Error; in is never modified.
func User(in map[string]any, opts Options) (map[string]any, []string, error) {
	var rules ruleSet
	out := map[string]any{}
	ent := map[string]any{}
	entSeen := false
	for _, key := range sortedKeys(in) {
		v := in[key]
		attr := key
		lower := strings.ToLower(key)
		// RFC 7643 §3.10: attributes may be written with their schema URN.
		if p := strings.ToLower(SchemaEnterprise) + ":"; strings.HasPrefix(lower, p) {
			entSeen = true
			ent[key[len(p):]] = v
			continue
		}
		if p := strings.ToLower(SchemaUser) + ":"; strings.HasPrefix(lower, p) {
			attr = key[len(p):]
		}
		spec, ok := lookup(userAttrs, attr, &rules)
		if !ok {
			rules.add(RuleUnknownDropped)
			continue
		}
		switch spec.kind {
		case kindDropped:
			rules.add(dropRule(spec.name))
			continue
		case kindReadOnly:
			if spec.name != "schemas" {
				rules.add(RuleReadOnlyStripped)
			}
			continue
		case kindEnterprise:
			m, ok := v.(map[string]any)
			if !ok && !isEmpty(v) {
				return nil, rules, invalid(SchemaEnterprise, "must be an object")
			}
			entSeen = true
			for _, k := range sortedKeys(m) {
				ent[k] = m[k]
			}
			continue
		}
		val, err := attrValue(spec, spec.name, v, &rules)
		if err != nil {
			return nil, rules, err
		}
		if val != nil {
			out[spec.name] = val
		}
	}
	if entSeen {
		e, err := enterpriseValue(ent, &rules)
		if err != nil {
			return nil, rules, err
		}
		if e != nil {
			out[SchemaEnterprise] = e
		}
	}
	schemas := []any{SchemaUser}
	if _, ok := out[SchemaEnterprise]; ok {
		schemas = append(schemas, SchemaEnterprise)
	}
	if !sameSchemas(in["schemas"], schemas) {
		rules.add(RuleSchemasRebuilt)
	}
	out["schemas"] = schemas
	if _, ok := out["userName"]; !ok {
		return nil, rules, invalid("userName", "is required by Identity Center and cannot be derived (identity-center-scim.md §4 Required)")
	}
	if err := completeNames(out, opts.Names, &rules); err != nil {
		return nil, rules, err
	}
	return out, rules, nil
}

// attrValue translates the value of one top-level attribute (also used for
// PATCH values). It returns nil when the value means "absent".
func attrValue(spec attrSpec, attr string, v any, rules *ruleSet) (any, *Error) {
	if isEmpty(v) {
		if v == nil || v == "" {
			rules.add(RuleEmptyDropped)
		}
		return nil, nil
	}
	switch spec.kind {
	case kindBool:
		b, err := toBool(attr, v, rules)
		if err != nil {
			return nil, err
		}
		return b, nil
	case kindUserName, kindText, kindString, kindExternalID:
		s, err := toString(attr, v, spec.kind)
		if err != nil {
			return nil, err
		}
		return s, nil
	case kindName:
		return orNil(complexValue(attr, v, nameAttrs, rules))
	case kindMulti:
		return multiValue(spec.name, v, rules)
	case kindEnterprise:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, invalid(attr, "must be an object")
		}
		return orNil(enterpriseValue(m, rules))
	case kindManager:
		return managerValue(attr, v, rules)
	}
	return nil, invalid(attr, "is not supported by Identity Center")
}

// orNil keeps a nil map from becoming a non-nil interface.
func orNil(m map[string]any, err *Error) (any, *Error) {
	if m == nil {
		return nil, err
	}
	return m, err
}

// complexValue cleans an object whose sub-attributes are all simple.
func complexValue(attr string, v any, table map[string]attrSpec, rules *ruleSet) (map[string]any, *Error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, invalid(attr, "must be an object")
	}
	return objectFields(attr+".", m, table, rules)
}

// objectFields keeps the sub-attributes of m that table knows, each cleaned,
// and drops the rest with the rule that says why. prefix names the object in
// details ("name." or the enterprise schema URN and ":"). nil when nothing is
// left, so an emptied object is absent rather than {}.
func objectFields(prefix string, m map[string]any, table map[string]attrSpec, rules *ruleSet) (map[string]any, *Error) {
	out := map[string]any{}
	for _, k := range sortedKeys(m) {
		spec, ok := lookup(table, k, rules)
		if !ok {
			if strings.EqualFold(k, "display") {
				rules.add(RuleDisplayDropped)
			} else {
				rules.add(RuleUnknownDropped)
			}
			continue
		}
		val, err := attrValue(spec, prefix+spec.name, m[k], rules)
		if err != nil {
			return nil, err
		}
		if val != nil {
			out[spec.name] = val
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// multiValue keeps one value of a multi-valued attribute: the primary, else
// the first. Only the kept value is checked, so a bad secondary value that is
// dropped anyway does not fail the request.
// identity-center-scim.md §4: "emails, addresses, phoneNumbers and roles take at most ONE value."
func multiValue(attr string, v any, rules *ruleSet) (any, *Error) {
	var list []any
	switch x := v.(type) {
	case []any:
		list = x
	case map[string]any:
		list = []any{x} // liberal: a lone object is a one-value list
	default:
		return nil, invalid(attr, "must be a list of objects")
	}
	var entries []map[string]any
	for i, e := range list {
		if isEmpty(e) {
			continue
		}
		m, ok := e.(map[string]any)
		if !ok {
			return nil, invalid(fmt.Sprintf("%s[%d]", attr, i), "must be an object")
		}
		if !hasContent(attr, m) {
			rules.add(RuleEmptyDropped)
			continue
		}
		entries = append(entries, m)
	}
	if len(entries) == 0 {
		return nil, nil
	}
	chosen := entries[0]
	for _, e := range entries {
		if isPrimary(e) {
			chosen = e
			break
		}
	}
	if len(entries) > 1 {
		rules.add(singleRule[attr])
	}
	clean, err := complexValue(attr, chosen, multiAttrs[attr], rules)
	if err != nil || clean == nil {
		return nil, err
	}
	if attr == "addresses" {
		for _, p := range addressParts {
			if _, ok := clean[p]; !ok {
				// identity-center-scim.md §12.3: "send an address only with all five parts".
				rules.add(RuleAddressIncomplete)
				return nil, nil
			}
		}
	}
	if attr == "emails" && clean["primary"] != true {
		// identity-center-scim.md §4: "If emails is sent, its single value must have primary: true."
		clean["primary"] = true
		rules.add(RuleEmailPrimary)
	}
	return []any{clean}, nil
}

// hasContent reports whether a multi-valued entry carries a value worth
// sending: a non-empty value, or for addresses any part.
func hasContent(attr string, m map[string]any) bool {
	for k, v := range m {
		if isEmpty(v) {
			continue
		}
		k = strings.ToLower(k)
		if attr == "addresses" {
			if k != "type" && k != "primary" && k != "display" {
				return true
			}
		} else if k == "value" {
			return true
		}
	}
	return false
}

// isPrimary reads primary; with several spellings ("primary", "Primary")
// the last in sorted order wins, as in complexValue, so the answer is the
// same on every run.
func isPrimary(m map[string]any) bool {
	primary := false
	for _, k := range sortedKeys(m) {
		if strings.EqualFold(k, "primary") {
			var scratch ruleSet
			b, err := toBool(k, m[k], &scratch)
			primary = err == nil && b
		}
	}
	return primary
}

// enterpriseValue cleans the enterprise extension object.
func enterpriseValue(m map[string]any, rules *ruleSet) (map[string]any, *Error) {
	return objectFields(SchemaEnterprise+":", m, enterpriseAttrs, rules)
}

// managerValue keeps only manager.value.
// identity-center-scim.md §4: "manager{value}"; "manager.displayName is not supported."
func managerValue(attr string, v any, rules *ruleSet) (any, *Error) {
	if s, ok := v.(string); ok {
		v = map[string]any{"value": s} // liberal: a bare id
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, invalid(attr, "must be an object with a value")
	}
	out := map[string]any{}
	// Sorted, so that the rules reach the log line in the same order on
	// every run.
	for _, k := range sortedKeys(m) {
		x := m[k]
		switch strings.ToLower(k) {
		case "value":
			if isEmpty(x) {
				rules.add(RuleEmptyDropped)
				continue
			}
			s, err := toString(attr+".value", x, kindString)
			if err != nil {
				return nil, err
			}
			out["value"] = s
		case "displayname":
			rules.add(RuleManagerDisplayNameDropped)
		default:
			rules.add(RuleUnknownDropped)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func sameSchemas(in any, want []any) bool {
	list, ok := in.([]any)
	if !ok || len(list) != len(want) {
		return false
	}
	for i := range list {
		if s, _ := list[i].(string); s != want[i] {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
