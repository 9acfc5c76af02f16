package translate

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func gDecode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func gOps(t *testing.T, s string) []Op {
	t.Helper()
	var ops []Op
	if err := json.Unmarshal([]byte(s), &ops); err != nil {
		t.Fatal(err)
	}
	return ops
}

func hasRule(rules []string, r string) bool { return slices.Contains(rules, r) }

// okta-scim-client.md §1.8: POST /Groups; the 2018 doc fills members with {value, display}.
func TestGroupCreateBody(t *testing.T) {
	g, rules, err := Group(gDecode(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2",
		"members":[{"value":"u1","display":"a@okta.local"},{"value":"u2","display":"b@okta.local"},{"value":"u1"}],"meta":{"x":1},"id":"old"}`))
	if err != nil {
		t.Fatal(err)
	}
	if g.DisplayName != "Test SCIMv2" || !reflect.DeepEqual(g.Members, []string{"u1", "u2"}) || !g.HasMembers || g.ExternalID != "" {
		t.Fatalf("got %+v", g)
	}
	for _, r := range []string{RuleMemberDisplayDropped, RuleMembersDeduplicated, RuleReadOnlyStripped, RuleSchemasRebuilt} {
		if !hasRule(rules, r) {
			t.Errorf("rule %s missing from %v", r, rules)
		}
	}
	g, _, err = Group(gDecode(t, `{"displayName":"x"}`))
	if err != nil || g.HasMembers {
		t.Fatalf("no members: %+v %v", g, err)
	}
}

func TestGroupBodyRefusals(t *testing.T) {
	for body, attr := range map[string]string{
		`{"members":[]}`:       "displayName",
		`{"displayName":"  "}`: "displayName",
		`{"displayName":"g","members":[{"display":"x"}]}`:               "members[0].value",
		`{"displayName":"g","members":[{"value":""}]}`:                  "members[0].value",
		`{"displayName":"g","members":["u1"]}`:                          "members[0]",
		`{"displayName":"g","members":[{"value":7}]}`:                   "members[0].value",
		`{"displayName":"g","members":[{"value":"g2","type":"Group"}]}`: "members[0].type",
		// identity-center-scim.md §4 Characters and Lengths, refused before any request.
		`{"displayName":"R&D <EU>"}`:                                          "displayName",
		`{"displayName":"` + strings.Repeat("x", 1025) + `"}`:                 "displayName",
		`{"displayName":"g","externalId":"` + strings.Repeat("e", 257) + `"}`: "externalId",
		// identity-center-scim.md §4: reserved names, in any case.
		`{"displayName":"AWSAdministrators"}`: "displayName",
		`{"displayName":"administrator"}`:     "displayName",
	} {
		_, _, err := Group(gDecode(t, body))
		var te *Error
		if !errors.As(err, &te) || !strings.HasPrefix(te.Detail, attr) {
			t.Errorf("%s: err %v, want detail starting with %q", body, err, attr)
		}
	}
}

// okta-scim-client.md §2.3: every PATCH value shape Okta sends on groups.
func TestGroupPatchOktaShapes(t *testing.T) {
	gp, rules, err := GroupPatchOps(gOps(t, `[
		{"op":"remove","path":"members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"},
		{"op":"add","path":"members","value":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []MemberStep{
		{Action: MembersRemove, IDs: []string{"89bb1940-b905-4575-9e7f-6f887cfb368e"}},
		{Action: MembersAdd, IDs: []string{"23a35c27-23d3-4c03-b4c5-6443c09e7173"}},
	}
	if !reflect.DeepEqual(gp.Members, want) || gp.HasAttributes() || gp.ReplacesMembers() {
		t.Fatalf("got %+v", gp)
	}
	if !hasRule(rules, RuleMemberFilteredRemove) || !hasRule(rules, RuleMemberDisplayDropped) {
		t.Errorf("rules %v", rules)
	}

	gp, rules, err = GroupPatchOps(gOps(t, `[{"op":"replace","value":{"id":"abf4dd94","displayName":"Test SCIMv2"}}]`))
	if err != nil || gp.DisplayName == nil || *gp.DisplayName != "Test SCIMv2" || len(gp.Members) != 0 {
		t.Fatalf("rename: %+v %v", gp, err)
	}
	if !hasRule(rules, RuleGroupPathless) || !hasRule(rules, RulePatchIDDropped) {
		t.Errorf("rename rules %v", rules)
	}
	if ops := AttributeOps(gp); !reflect.DeepEqual(ops, []Op{{Op: "replace", Path: "displayName", Value: "Test SCIMv2"}}) {
		t.Errorf("rename ops %+v", ops)
	}

	gp, rules, err = GroupPatchOps(gOps(t, `[{"op":"replace","path":"members","value":[]}]`))
	if err != nil || !gp.ReplacesMembers() || len(gp.Members[0].IDs) != 0 || !hasRule(rules, RuleMembersReplaceAsDiff) {
		t.Fatalf("empty push: %+v %v %v", gp, rules, err)
	}
	gp, rules, err = GroupPatchOps(gOps(t, `[{"op":"remove","path":"members"}]`))
	if err != nil || !gp.ReplacesMembers() || !hasRule(rules, RuleMembersRemoveAllAsDiff) {
		t.Fatalf("remove all: %+v %v %v", gp, rules, err)
	}
	gp, _, err = GroupPatchOps(gOps(t, `[{"op":"Replace","path":"externalId","value":""},{"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:Group:displayName","value":"n"}]`))
	if err != nil || !gp.RemoveExternalID || gp.DisplayName == nil {
		t.Fatalf("externalId/URN path: %+v %v", gp, err)
	}
}

func TestGroupPatchRefusals(t *testing.T) {
	for _, c := range []struct{ ops, detail string }{
		{`[{"op":"remove","path":"displayName"}]`, "displayName"},
		{`[{"op":"replace","value":{"id":"g1","displayName":"100% sales"}}]`, "displayName"},
		{`[{"op":"replace","path":"externalId","value":"` + strings.Repeat("e", 257) + `"}]`, "externalId"},
		{`[{"op":"replace","path":"displayName","value":""}]`, "displayName"},
		{`[{"op":"replace","path":"displayName","value":"Administrator"}]`, "displayName"},
		{`[{"op":"replace","value":{"id":"g1","displayName":"awsadministrators"}}]`, "displayName"},
		{`[{"op":"replace","path":"description","value":"x"}]`, "description"},
		{`[{"op":"add","path":"members[value eq \"u1\"]","value":[{"value":"u1"}]}]`, `members[value eq "u1"]`},
		{`[{"op":"remove","path":"members[display eq \"x\"]"}]`, `members[display eq "x"]`},
		{`[{"op":"remove"}]`, "path"},
		{`[{"op":"move","path":"members"}]`, "op"},
		{`[{"op":"add","path":"members","value":[{"value":"u1"}]},{"op":"replace","value":{"owner":"x"}}]`, "owner"},
	} {
		_, _, err := GroupPatchOps(gOps(t, c.ops))
		var te *Error
		if !errors.As(err, &te) || !strings.HasPrefix(te.Detail, c.detail) {
			t.Errorf("%s: err %v, want detail starting with %q", c.ops, err, c.detail)
		}
	}
}

func ids(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	return out
}

func countChanges(cs []MemberChange) (add, remove int) {
	for _, c := range cs {
		if c.Add {
			add++
		} else {
			remove++
		}
	}
	return
}

// A full push (okta-scim-client.md §1.11) becomes the difference.
func TestResolveReplaceIsDiff(t *testing.T) {
	current := ids(1000, "u")
	next := append(append([]string{}, current[300:]...), ids(300, "n")...)
	changes, _ := ResolveMembers([]MemberStep{{Action: MembersReplace, IDs: next}}, current, true)
	add, remove := countChanges(changes)
	if add != 300 || remove != 300 {
		t.Fatalf("adds %d removes %d, want 300/300", add, remove)
	}
	// Removes sit at the replace, in the group's order; then the adds.
	if changes[0].ID != "u0000" || changes[0].Add || changes[300].ID != "n0000" || !changes[300].Add {
		t.Fatalf("order: %+v … %+v", changes[0], changes[300])
	}
	// Emptying with [] removes everyone, one change each: never a remove-all.
	changes, _ = ResolveMembers([]MemberStep{{Action: MembersReplace, IDs: []string{}}}, current, true)
	if add, remove := countChanges(changes); add != 0 || remove != 1000 {
		t.Fatalf("empty: %d/%d", add, remove)
	}
	// A second push of the same list sends nothing.
	changes, rules := ResolveMembers([]MemberStep{{Action: MembersReplace, IDs: current}}, current, true)
	if len(changes) != 0 || !hasRule(rules, RuleMembersNoopSkipped) {
		t.Fatalf("same list: %d changes, rules %v", len(changes), rules)
	}
}

func TestResolveStepsInOrder(t *testing.T) {
	steps := []MemberStep{
		{Action: MembersRemove, IDs: []string{"a"}},
		{Action: MembersAdd, IDs: []string{"b", "a"}},
		{Action: MembersRemove, IDs: []string{"b"}},
	}
	changes, _ := ResolveMembers(steps, nil, false)
	want := []MemberChange{{Add: true, ID: "a"}, {Add: false, ID: "b"}}
	if !reflect.DeepEqual(changes, want) {
		t.Fatalf("unknown current: %+v, want %+v", changes, want)
	}
	// With the members known, changes already in effect are dropped.
	changes, rules := ResolveMembers(steps, []string{"a"}, true)
	if len(changes) != 0 || !hasRule(rules, RuleMembersNoopSkipped) {
		t.Fatalf("known: %+v", changes)
	}
	// Adds after a replace count against the replaced set.
	steps = []MemberStep{{Action: MembersReplace, IDs: []string{"x"}}, {Action: MembersAdd, IDs: []string{"y"}}}
	changes, _ = ResolveMembers(steps, []string{"x", "z"}, true)
	want = []MemberChange{{Add: false, ID: "z"}, {Add: true, ID: "y"}}
	if !reflect.DeepEqual(changes, want) {
		t.Fatalf("replace then add: %+v, want %+v", changes, want)
	}
}

// identity-center-scim.md §5: ≤100 membership changes per request, only
// {"value": id} members, add/remove with path members.
func TestBatchesRespectAWSLimits(t *testing.T) {
	var changes []MemberChange
	for i, id := range ids(250, "u") {
		changes = append(changes, MemberChange{Add: i%3 != 0, ID: id})
	}
	head := []Op{{Op: "replace", Path: "displayName", Value: "n"}}
	batches := Batches(head, changes, MaxMemberChanges)
	if len(batches) != 3 {
		t.Fatalf("%d batches, want 3", len(batches))
	}
	if !reflect.DeepEqual(batches[0].Ops[0], head[0]) {
		t.Errorf("head not first: %+v", batches[0].Ops[0])
	}
	var sent []MemberChange
	for _, b := range batches {
		n := 0
		for _, op := range b.Ops {
			if op.Path != "members" {
				continue
			}
			if op.Op != "add" && op.Op != "remove" {
				t.Fatalf("op %q on members", op.Op)
			}
			for _, item := range op.Value.([]any) {
				m := item.(map[string]any)
				if len(m) != 1 || m["value"] == "" {
					t.Fatalf("member object %v: want only value", m)
				}
				sent = append(sent, MemberChange{Add: op.Op == "add", ID: m["value"].(string)})
				n++
			}
		}
		if n > MaxMemberChanges || n != len(b.Changes) {
			t.Fatalf("batch with %d changes (recorded %d)", n, len(b.Changes))
		}
	}
	if !reflect.DeepEqual(sent, changes) {
		t.Fatal("batches do not send the changes in order")
	}
	if b := Batches(head, nil, 0); len(b) != 1 || len(b[0].Ops) != 1 {
		t.Fatalf("rename only: %+v", b)
	}
	if b := Batches(nil, nil, 0); len(b) != 0 {
		t.Fatalf("nothing: %+v", b)
	}
	undo := Undo([]MemberChange{{Add: true, ID: "a"}, {Add: false, ID: "b"}})
	if !reflect.DeepEqual(undo, []MemberChange{{Add: true, ID: "b"}, {Add: false, ID: "a"}}) {
		t.Fatalf("undo %+v", undo)
	}
}
