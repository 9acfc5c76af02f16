package translate

import "sort"

// MemberChange is one membership change to send upstream.
type MemberChange struct {
	Add bool // true: add the user; false: remove the user
	ID  string
}

// ResolveMembers turns Okta's membership steps into the net changes to send,
// in Okta's order (a user's change sits where Okta last named the user).
// current is the group's members; known says whether current was read. A
// replace needs it (identity-center-scim.md §5: "replace on members is not
// supported", so the bridge sends the difference); without a replace it only
// serves to skip changes already in effect (RuleMembersNoopSkipped). Each
// user appears at most once in the result.
func ResolveMembers(steps []MemberStep, current []string, known bool) ([]MemberChange, []string) {
	var rules ruleSet
	type state struct {
		member bool
		seq    int
	}
	final := map[string]*state{}
	replaced, replaceSeq := false, 0
	seq := 0
	for _, s := range steps {
		if s.Action == MembersReplace {
			replaced = true
			seq++
			replaceSeq = seq
			final = map[string]*state{}
		}
		for _, id := range s.IDs {
			seq++
			final[id] = &state{member: s.Action != MembersRemove, seq: seq}
		}
	}
	isCurrent := make(map[string]bool, len(current))
	for _, id := range current {
		isCurrent[id] = true
	}
	type seqChange struct {
		MemberChange
		seq, pos int
	}
	var out []seqChange
	if replaced {
		// Every current member the replace does not keep is removed, at the
		// position of the replace, in the order the group holds them.
		removed := map[string]bool{}
		for i, id := range current {
			if _, named := final[id]; !named && !removed[id] && id != "" {
				removed[id] = true
				out = append(out, seqChange{MemberChange{Add: false, ID: id}, replaceSeq, i})
			}
		}
	}
	for id, st := range final {
		if known && st.member == isCurrent[id] {
			rules.add(RuleMembersNoopSkipped)
			continue
		}
		out = append(out, seqChange{MemberChange{Add: st.member, ID: id}, st.seq, 0})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].seq != out[j].seq {
			return out[i].seq < out[j].seq
		}
		return out[i].pos < out[j].pos
	})
	changes := make([]MemberChange, len(out))
	for i, c := range out {
		changes[i] = c.MemberChange
	}
	return changes, rules
}

// MemberOps renders changes in the one form Identity Center is known to
// accept, consecutive changes of one kind sharing an op (identity-center-scim.md
// §5 Accepted PATCH forms: {"op":"add"|"remove","path":"members","value":[{"value":"<userId>"},…]}).
func MemberOps(changes []MemberChange) []Op {
	var ops []Op
	for _, c := range changes {
		name := "remove"
		if c.Add {
			name = "add"
		}
		item := map[string]any{"value": c.ID}
		if n := len(ops); n > 0 && ops[n-1].Op == name {
			ops[n-1].Value = append(ops[n-1].Value.([]any), item)
			continue
		}
		ops = append(ops, Op{Op: name, Path: "members", Value: []any{item}})
	}
	return ops
}

// Batch is one upstream PATCH: its ops and the membership changes they make.
type Batch struct {
	Ops     []Op
	Changes []MemberChange
}

// Batches packs head (attribute ops: rename, externalId) and changes into
// upstream PATCHes of at most max membership changes each, in order; head
// rides in the first. identity-center-scim.md §5: "At most 100 membership
// changes per request." No batch holds a replace or a remove-all.
func Batches(head []Op, changes []MemberChange, max int) []Batch {
	if max <= 0 {
		max = MaxMemberChanges
	}
	var out []Batch
	for start := 0; start < len(changes); start += max {
		part := changes[start:min(start+max, len(changes))]
		out = append(out, Batch{Ops: MemberOps(part), Changes: part})
	}
	if len(head) > 0 {
		if len(out) == 0 {
			out = append(out, Batch{})
		}
		out[0].Ops = append(append([]Op(nil), head...), out[0].Ops...)
	}
	return out
}

// AttributeOps are the upstream ops for g's displayName and externalId
// changes (identity-center-scim.md §5 Accepted PATCH forms: replace with path
// displayName / externalId).
func AttributeOps(g GroupPatch) []Op {
	var ops []Op
	if g.DisplayName != nil {
		ops = append(ops, Op{Op: "replace", Path: "displayName", Value: *g.DisplayName})
	}
	switch {
	case g.ExternalID != nil:
		ops = append(ops, Op{Op: "replace", Path: "externalId", Value: *g.ExternalID})
	case g.RemoveExternalID:
		ops = append(ops, Op{Op: "remove", Path: "externalId"})
	}
	return ops
}

// Undo returns the changes that revert changes, in reverse order.
func Undo(changes []MemberChange) []MemberChange {
	out := make([]MemberChange, len(changes))
	for i, c := range changes {
		out[len(changes)-1-i] = MemberChange{Add: !c.Add, ID: c.ID}
	}
	return out
}
