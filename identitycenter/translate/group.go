package translate

import (
	"fmt"
	"strings"
)

// GroupBody is Okta's POST or PUT /Groups body in Identity Center's terms.
type GroupBody struct {
	DisplayName string
	ExternalID  string   // "" when absent
	Members     []string // user ids in Okta's order, deduplicated
	HasMembers  bool     // "members" was present (a PUT without it keeps the members)
}

// Group translates a group body (okta-scim-client.md §1.8 create, §1.10 AIW
// PUT). identity-center-scim.md §5: "displayName is required"; only
// displayName, members and externalId exist on an Identity Center group.
// Echoed id, meta and schemas are stripped; anything else is dropped by name.
func Group(attrs map[string]any) (GroupBody, []string, error) {
	var rules ruleSet
	var g GroupBody
	for _, k := range sortedKeys(attrs) {
		v := attrs[k]
		switch strings.ToLower(k) {
		case "schemas":
			rules.add(RuleSchemasRebuilt)
		case "id", "meta":
			rules.add(RuleReadOnlyStripped)
		case "displayname":
			s, ok := v.(string)
			if !ok && v != nil {
				return g, rules, invalid("displayName", "must be a string")
			}
			g.DisplayName = s
		case "externalid":
			s, ok := v.(string)
			switch {
			case v == nil || (ok && s == ""):
				if v != nil {
					rules.add(RuleEmptyDropped) // §4 Empty strings: "An empty string "" is rejected."
				}
			case !ok:
				return g, rules, invalid("externalId", "must be a string")
			default:
				g.ExternalID = s
			}
		case "members":
			ids, err := memberIDs("members", v, &rules)
			if err != nil {
				return g, rules, err
			}
			g.Members, g.HasMembers = ids, true
		default:
			rules.add(RuleUnknownDropped)
		}
	}
	if strings.TrimSpace(g.DisplayName) == "" {
		return g, rules, errOf("invalidValue", "displayName", "is required by Identity Center and must not be empty (identity-center-scim.md §5 CreateGroup)")
	}
	if err := checkGroupStrings(g.DisplayName, g.ExternalID); err != nil {
		return g, rules, err
	}
	return g, rules, nil
}

// checkGroupStrings refuses, before any upstream request, what Identity
// Center would refuse: identity-center-scim.md §4 Lengths "Group displayName
// 1–1024", "externalId 1–256", and §4 Characters. Refused upstream instead,
// a rename riding with member changes would cost a probe of every member.
func checkGroupStrings(displayName, externalID string) *Error {
	if displayName != "" {
		if err := checkString("displayName", displayName, kindText); err != nil {
			return err
		}
		// identity-center-scim.md §4: ""Administrator" and "AWSAdministrators"
		// are reserved: they cannot be used as user or group names."
		if IsReservedName(displayName) {
			return invalid("displayName", "%q is reserved by Identity Center and cannot be a group name", displayName)
		}
	}
	if externalID != "" {
		return checkString("externalId", externalID, kindExternalID)
	}
	return nil
}

// memberIDs reads Okta's member list [{value, display}] (okta-scim-client.md
// §2.3) into user ids, keeping Okta's order and dropping repeats. A single
// member object is read as a list of one.
func memberIDs(attr string, v any, rules *ruleSet) ([]string, *Error) {
	if v == nil {
		return []string{}, nil
	}
	list, ok := v.([]any)
	if !ok {
		m, isObj := v.(map[string]any)
		if !isObj {
			return nil, invalid(attr, "must be a list of {\"value\": \"<user id>\"}")
		}
		list = []any{m}
	}
	ids := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for i, item := range list {
		at := fmt.Sprintf("%s[%d]", attr, i)
		m, ok := item.(map[string]any)
		if !ok {
			return nil, invalid(at, "must be an object {\"value\": \"<user id>\"}")
		}
		id := ""
		for _, k := range sortedKeys(m) {
			switch strings.ToLower(k) {
			case "value":
				s, ok := m[k].(string)
				if !ok {
					return nil, invalid(at+".value", "must be a user id string")
				}
				id = strings.TrimSpace(s)
			case "display":
				rules.add(RuleMemberDisplayDropped)
			case "type":
				// identity-center-scim.md §5: "Members are users only"; nested
				// groups are UNCONFIRMED and assumed unsupported.
				if t, _ := m[k].(string); strings.EqualFold(t, "Group") {
					return nil, invalid(at+".type", "is Group: Identity Center groups hold users only, not groups (identity-center-scim.md §5 Nesting)")
				}
				rules.add(RuleUnknownDropped)
			default:
				rules.add(RuleUnknownDropped) // $ref and the like
			}
		}
		if id == "" {
			return nil, invalid(at+".value", "must be a non-empty user id")
		}
		if seen[id] {
			rules.add(RuleMembersDeduplicated)
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids, nil
}
