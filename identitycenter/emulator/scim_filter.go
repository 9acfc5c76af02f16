package emulator

import (
	"strings"
)

// eqTerm is one `attr eq "value"` term.
type eqTerm struct {
	attr  string // as sent
	value string
	op    string // "" for eq; other operators only in a lenient emulator's path filters
}

// parseFilter parses a conjunction of eq terms. identity-center-scim.md §3:
// "Only eq is supported, and it can only be combined with and. No sw, co, pr,
// or or not." Syntax: `<filterAttribute> eq "<filterValue>"`.
//
// allowBare accepts unquoted values (`primary eq true`), as PATCH path
// filters need; list filters must quote them.
func (e *Emulator) parseFilter(f string, allowBare bool) ([]eqTerm, *scimError) {
	toks, err := tokenizeFilter(f)
	if err != nil {
		return nil, err
	}
	var terms []eqTerm
	for i := 0; ; {
		if len(toks)-i < 3 {
			return nil, badRequest(RuleFilterEqOnly, "filter %q: expected <attribute> eq \"<value>\".", f)
		}
		attr, op, val := toks[i], toks[i+1], toks[i+2]
		if attr.quoted || op.quoted || strings.ContainsAny(attr.text, "()[]") {
			return nil, badRequest(RuleFilterEqOnly, "filter %q: only <attribute> eq \"<value>\" terms joined by and are supported.", f)
		}
		if !strings.EqualFold(op.text, "eq") {
			return nil, badRequest(RuleFilterEqOnly, "filter %q: operator %q is not supported; only eq.", f, op.text)
		}
		if !val.quoted && !allowBare && !e.lenient(RuleFilterEqOnly) {
			return nil, badRequest(RuleFilterEqOnly, "filter %q: the value must be a quoted string.", f)
		}
		terms = append(terms, eqTerm{attr: attr.text, value: val.text})
		i += 3
		if i == len(toks) {
			return terms, nil
		}
		if toks[i].quoted || !strings.EqualFold(toks[i].text, "and") {
			return nil, badRequest(RuleFilterEqOnly, "filter %q: %q is not supported; terms can only be joined by and.", f, toks[i].text)
		}
		i++
	}
}

type filterToken struct {
	text   string
	quoted bool
}

// tokenizeFilter splits on spaces, keeping "quoted strings" (with \" and \\
// escapes) whole.
func tokenizeFilter(f string) ([]filterToken, *scimError) {
	var toks []filterToken
	for i := 0; i < len(f); {
		switch c := f[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(f) && f[j] != '"'; j++ {
				if f[j] == '\\' && j+1 < len(f) {
					j++
				}
				b.WriteByte(f[j])
			}
			if j >= len(f) {
				return nil, badRequest(RuleFilterEqOnly, "filter %q: unterminated string.", f)
			}
			toks = append(toks, filterToken{text: b.String(), quoted: true})
			i = j + 1
		default:
			j := i
			for j < len(f) && f[j] != ' ' && f[j] != '\t' {
				j++
			}
			toks = append(toks, filterToken{text: f[i:j]})
			i = j
		}
	}
	return toks, nil
}

// Filter attributes as the emulator resolves them (lower-cased).
const (
	fUserName    = "username"
	fExternalID  = "externalid"
	fID          = "id"
	fDisplayName = "displayname"
	fGroupsValue = "groups.value"
	fManager     = "manager"
	fMembers     = "members"
	fMembersVal  = "members.value"
	fMember      = "member"
)

// combo is the set of lower-cased filter attributes, sorted, joined by "+".
func combo(terms []eqTerm) string {
	names := make([]string, 0, len(terms))
	for _, t := range terms {
		n := strings.ToLower(t.attr)
		if n == fMember || n == fMembers {
			n = fMembersVal // spelled three ways; see allowedGroupFilters
		}
		names = append(names, n)
	}
	// Two terms at most in any allowed combination: order them.
	if len(names) == 2 && names[0] > names[1] {
		names[0], names[1] = names[1], names[0]
	}
	return strings.Join(names, "+")
}

// allowedUserFilters: §3 "ListUsers filter combinations: userName; externalId;
// groups.value; id and manager; manager and id." and "id alone is valid".
var allowedUserFilters = map[string]bool{
	fUserName: true, fExternalID: true, fGroupsValue: true, fID: true, fID + "+" + fManager: true,
}

// allowedGroupFilters: §3 "ListGroups filter combinations: displayName;
// externalId; id and member[s]; member[s] and id", "id alone is valid", and
// the production form `members.value eq "<user-id>"`. Whether the id+member
// form spells `members` or `members.value` is UNCONFIRMED (§3), so both are
// accepted there; alone, only the production form `members.value` is.
var allowedGroupFilters = map[string]bool{
	fDisplayName: true, fExternalID: true, fID: true, fMembersVal: true, fID + "+" + fMembersVal: true,
}

// checkFilterAttrs refuses a combination the reference does not list.
func (e *Emulator) checkFilterAttrs(terms []eqTerm, allowed map[string]bool, resource string) *scimError {
	if len(terms) == 0 || e.lenient(RuleFilterAttributes) {
		return nil
	}
	c := combo(terms)
	if len(terms) == 1 && resource == "Groups" && (strings.EqualFold(terms[0].attr, fMembers) || strings.EqualFold(terms[0].attr, fMember)) {
		c = "members-alone"
	}
	if !allowed[c] {
		return badRequest(RuleFilterAttributes, "filtering %s by %s is not supported.", resource, strings.ReplaceAll(c, "+", " and "))
	}
	return nil
}

// userMatcher returns the predicate for a user filter.
func (e *Emulator) userMatcher(terms []eqTerm) func(u *User, isMember isMemberFunc) bool {
	lower := lowerAttrs(terms)
	return func(u *User, isMember isMemberFunc) bool {
		for i, t := range terms {
			switch lower[i] {
			case fID:
				if u.ID != t.value {
					return false
				}
			case fGroupsValue:
				if !e.lenient(RuleFilterMembers) && !isMember(t.value, u.ID) {
					return false
				}
			case fManager:
				ent, _ := u.Attrs[enterpriseSchema].(map[string]any)
				mgr, _ := ent["manager"].(map[string]any)
				if v, _ := mgr["value"].(string); v != t.value {
					return false
				}
			case fUserName:
				// userName is caseExact false (RFC 7643 §4.1.1); lower-cased
				// as the uniqueness index keys it.
				if v, _ := u.Attrs["userName"].(string); strings.ToLower(v) != strings.ToLower(t.value) {
					return false
				}
			default:
				if !matchAttr(u.Attrs, t) {
					return false
				}
			}
		}
		return true
	}
}

// groupMatcher returns the predicate for a group filter.
func (e *Emulator) groupMatcher(terms []eqTerm) func(g *Group, isMember isMemberFunc) bool {
	lower := lowerAttrs(terms)
	return func(g *Group, isMember isMemberFunc) bool {
		for i, t := range terms {
			switch lower[i] {
			case fID:
				if g.ID != t.value {
					return false
				}
			case fDisplayName:
				if strings.ToLower(g.DisplayName) != strings.ToLower(t.value) {
					return false
				}
			case fExternalID:
				if g.ExternalID != t.value {
					return false
				}
			case fMembersVal, fMembers, fMember:
				// §3: the member filter "returns every group that contains the
				// user". A lenient emulator ignores it, as a naive server would.
				if !e.lenient(RuleFilterMembers) && !isMember(g.ID, t.value) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
}

// userNarrowing picks the index that answers a user filter without a scan:
// an id, a unique key, or a group's members. Any one term narrows (the terms
// are joined by and); the matcher still checks every term.
func (e *Emulator) userNarrowing(terms []eqTerm) narrowing {
	for _, t := range terms {
		switch strings.ToLower(t.attr) {
		case fID:
			return narrowing{id: t.value}
		case fUserName:
			return narrowing{key: userNameKey(t.value)}
		case fExternalID:
			return narrowing{key: userExtKey(t.value)}
		case fGroupsValue:
			if !e.lenient(RuleFilterMembers) { // a lenient emulator ignores the term
				return narrowing{memberOf: t.value}
			}
		}
	}
	return narrowing{}
}

// groupNarrowing is userNarrowing for group filters. The member filter scans
// the groups: a membership lookup per group is cheap.
func groupNarrowing(terms []eqTerm) narrowing {
	for _, t := range terms {
		switch strings.ToLower(t.attr) {
		case fID:
			return narrowing{id: t.value}
		case fDisplayName:
			return narrowing{key: groupNameKey(t.value)}
		case fExternalID:
			return narrowing{key: groupExtKey(t.value)}
		}
	}
	return narrowing{}
}

// matchAttr compares a top-level or dotted string attribute (lenient filters only).
func matchAttr(attrs map[string]any, t eqTerm) bool {
	var cur any = attrs
	for _, part := range strings.Split(t.attr, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		found := false
		for k, v := range m {
			if strings.EqualFold(k, part) {
				cur, found = v, true
				break
			}
		}
		if !found {
			return false
		}
	}
	s, ok := cur.(string)
	return ok && s == t.value
}

// lowerAttrs lower-cases the terms' attribute names once per request, not per resource.
func lowerAttrs(terms []eqTerm) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = strings.ToLower(t.attr)
	}
	return out
}
