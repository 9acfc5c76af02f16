package translate

import (
	"regexp"
	"strconv"
	"strings"
)

// MemberAction is what one membership step does.
type MemberAction int

const (
	MembersAdd     MemberAction = iota + 1 // add these users
	MembersRemove                          // remove these users
	MembersReplace                         // the group's members become exactly these users
)

// MemberStep is one membership step of Okta's PATCH, in Okta's order.
type MemberStep struct {
	Action MemberAction
	IDs    []string
}

// GroupPatch is Okta's group PATCH in Identity Center's terms: attribute
// changes and membership steps, not yet turned into requests (that needs the
// current members when a step replaces; see ResolveMembers).
type GroupPatch struct {
	DisplayName      *string // new name, nil when not set
	ExternalID       *string // new externalId, nil when not set
	RemoveExternalID bool
	Members          []MemberStep
}

// ReplacesMembers reports whether the outcome depends on the current members
// (a replace, or a remove of all of them).
func (g GroupPatch) ReplacesMembers() bool {
	for _, s := range g.Members {
		if s.Action == MembersReplace {
			return true
		}
	}
	return false
}

// MemberIDs counts the member ids named by the steps.
func (g GroupPatch) MemberIDs() int {
	n := 0
	for _, s := range g.Members {
		n += len(s.IDs)
	}
	return n
}

// HasAttributes reports whether displayName or externalId change.
func (g GroupPatch) HasAttributes() bool {
	return g.DisplayName != nil || g.ExternalID != nil || g.RemoveExternalID
}

// memberFilterPath is Okta's remove path: members[value eq "<id>"]
// (okta-scim-client.md §1.10, §2.3).
var memberFilterPath = regexp.MustCompile(`^(?i:members)\s*\[\s*(?i:value)\s+(?i:eq)\s+("(?:[^"\\]|\\.)*")\s*\]$`)

// GroupPatchOps translates Okta's PATCH on a group: renames (path-less
// replace {id, displayName}, okta-scim-client.md §1.9), member adds and
// filtered removes (§1.10), full pushes (§1.11). Every op is checked before
// anything is returned, so a refused op means no upstream request at all.
func GroupPatchOps(ops []Op) (GroupPatch, []string, error) {
	var rules ruleSet
	var g GroupPatch
	for _, op := range ops {
		if err := groupOp(&g, op, &rules); err != nil {
			return g, rules, err
		}
	}
	return g, rules, nil
}

func groupOp(g *GroupPatch, op Op, rules *ruleSet) *Error {
	name := strings.ToLower(strings.TrimSpace(op.Op))
	if name != op.Op {
		rules.add(RulePatchOpCase)
	}
	switch name {
	case "add", "replace", "remove":
	default:
		return errOf("invalidSyntax", "op", "%q is not add, replace or remove (RFC 7644 §3.5.2)", op.Op)
	}
	path := strings.TrimSpace(op.Path)
	if path == "" {
		if name == "remove" {
			return errOf("noTarget", "path", "remove without a path is refused: RFC 7644 §3.5.2.2 requires a path for remove")
		}
		value, ok := op.Value.(map[string]any)
		if !ok || len(value) == 0 {
			return errOf("invalidSyntax", "value", "a %s without path needs an object of attributes as its value (RFC 7644 §3.5.2)", name)
		}
		// identity-center-scim.md §5: "PATCH without path is accepted only for
		// add or replace of a single attribute": one op per attribute.
		rules.add(RuleGroupPathless)
		for _, k := range sortedKeys(value) {
			switch strings.ToLower(k) {
			case "id":
				rules.add(RulePatchIDDropped) // okta-scim-client.md §1.9: the URL's id wins
				continue
			case "schemas", "meta":
				rules.add(RuleReadOnlyStripped)
				continue
			}
			if err := groupAttrOp(g, name, k, value[k], rules); err != nil {
				return err
			}
		}
		return nil
	}
	if m := memberFilterPath.FindStringSubmatch(path); m != nil {
		if name != "remove" {
			return errOf("invalidPath", path, "a member filter path is accepted only with remove; add members with path members and a value")
		}
		id, err := strconv.Unquote(m[1])
		if err != nil || strings.TrimSpace(id) == "" {
			return errOf("invalidPath", path, "the member filter needs a non-empty user id")
		}
		rules.add(RuleMemberFilteredRemove)
		g.Members = append(g.Members, MemberStep{Action: MembersRemove, IDs: []string{id}})
		return nil
	}
	if strings.Contains(path, "[") {
		return errOf("invalidPath", path, `the only filtered path accepted on a group is members[value eq "<user id>"]`)
	}
	return groupAttrOp(g, name, path, op.Value, rules)
}

// groupAttrOp applies one op on a plain attribute path.
func groupAttrOp(g *GroupPatch, op, path string, value any, rules *ruleSet) *Error {
	attr := path
	if rest, ok := strings.CutPrefix(strings.ToLower(path), strings.ToLower(SchemaGroup)+":"); ok {
		attr = path[len(path)-len(rest):]
	}
	switch strings.ToLower(attr) {
	case "displayname":
		if op == "remove" {
			return errOf("mutability", "displayName", "is required by Identity Center and cannot be removed (identity-center-scim.md §5)")
		}
		s, ok := value.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return invalid("displayName", "must be a non-empty string (identity-center-scim.md §5: displayName is required)")
		}
		if err := checkGroupStrings(s, ""); err != nil {
			return err
		}
		g.DisplayName = &s
	case "externalid":
		s, ok := value.(string)
		if op != "remove" && !ok && value != nil {
			return invalid("externalId", "must be a string")
		}
		if op == "remove" || s == "" {
			if op != "remove" {
				rules.add(RulePatchEmptyAsRemove) // §4 Empty strings
			}
			g.ExternalID, g.RemoveExternalID = nil, true
			return nil
		}
		if err := checkGroupStrings("", s); err != nil {
			return err
		}
		g.ExternalID, g.RemoveExternalID = &s, false
	case "members":
		return membersOp(g, op, value, rules)
	default:
		return errOf("invalidPath", path, "Identity Center groups have only displayName, externalId and members (identity-center-scim.md §5 PatchGroup limits)")
	}
	return nil
}

func membersOp(g *GroupPatch, op string, value any, rules *ruleSet) *Error {
	ids, err := memberIDs("members", value, rules)
	if err != nil {
		return err
	}
	switch op {
	case "add":
		if len(ids) > 0 {
			g.Members = append(g.Members, MemberStep{Action: MembersAdd, IDs: ids})
		}
	case "remove":
		if value == nil {
			// RFC 7644 §3.5.2.2: no value removes every member.
			rules.add(RuleMembersRemoveAllAsDiff)
			g.Members = append(g.Members, MemberStep{Action: MembersReplace, IDs: []string{}})
			return nil
		}
		if len(ids) > 0 {
			g.Members = append(g.Members, MemberStep{Action: MembersRemove, IDs: ids})
		}
	case "replace":
		rules.add(RuleMembersReplaceAsDiff)
		g.Members = append(g.Members, MemberStep{Action: MembersReplace, IDs: ids})
	}
	return nil
}
