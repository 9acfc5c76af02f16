package translate

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzGroupPatch: whatever Okta (or anyone) sends as a group PATCH, the
// bridge either refuses it with an *Error or produces upstream requests
// Identity Center accepts (identity-center-scim.md §5): ≤100 membership
// changes each, add/remove with path members and {"value": id} objects only,
// no replace or remove-all, each user changed at most once.
func FuzzGroupPatch(f *testing.F) {
	for _, s := range []string{
		`[{"op":"remove","path":"members[value eq \"u1\"]"},{"op":"add","path":"members","value":[{"value":"u2","display":"x"}]}]`,
		`[{"op":"replace","value":{"id":"g","displayName":"n"}}]`,
		`[{"op":"replace","path":"members","value":[]}]`,
		`[{"op":"remove","path":"members"}]`,
		`[{"op":"Add","path":"members","value":{"value":"u3"}},{"op":"replace","path":"externalId","value":""}]`,
	} {
		f.Add(s, "u1,u9")
	}
	f.Fuzz(func(t *testing.T, body, current string) {
		var ops []Op
		if json.Unmarshal([]byte(body), &ops) != nil {
			return
		}
		gp, _, err := GroupPatchOps(ops)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("refusal %T is not *Error: %v", err, err)
			}
			return
		}
		cur := strings.Split(current, ",")
		changes, _ := ResolveMembers(gp.Members, cur, true)
		seen := map[string]bool{}
		for _, c := range changes {
			if seen[c.ID] {
				t.Fatalf("user %q changed twice", c.ID)
			}
			seen[c.ID] = true
		}
		for _, b := range Batches(AttributeOps(gp), changes, MaxMemberChanges) {
			n := 0
			for _, op := range b.Ops {
				if op.Path != "members" {
					if op.Path != "displayName" && op.Path != "externalId" {
						t.Fatalf("op on %q", op.Path)
					}
					continue
				}
				list, _ := op.Value.([]any)
				if (op.Op != "add" && op.Op != "remove") || len(list) == 0 {
					t.Fatalf("members op %q with %d values", op.Op, len(list))
				}
				for _, item := range list {
					if m, _ := item.(map[string]any); len(m) != 1 || m["value"] == "" {
						t.Fatalf("member object %v", item)
					}
				}
				n += len(list)
			}
			if n > MaxMemberChanges {
				t.Fatalf("%d changes in one request", n)
			}
		}
	})
}
