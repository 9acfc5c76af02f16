package loadgen

import (
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

// intendedStore writes the plan's intended end state straight into a store
// that, like a misbehaving bridge could, allows duplicates.
func intendedStore(t *testing.T, p Plan) (*emulator.Store, []string, []string) {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Tenant: "t", Tokens: []string{"x"},
		Lenient: map[emulator.Rule]bool{emulator.RuleUserUnique: true, emulator.RuleGroupUnique: true}})
	if err != nil {
		t.Fatal(err)
	}
	st := emu.Store()
	users := make([]string, p.Users)
	for i := range p.Users {
		u, err := st.CreateUser(map[string]any{
			"userName": UserName(i), "externalId": ExternalID(i),
			"displayName": updatedDisplayName(i), "active": p.Active(i),
		})
		if err != nil {
			t.Fatal(err)
		}
		users[i] = u.ID
	}
	groups := make([]string, p.Groups)
	for g := range p.Groups {
		var members []string
		for _, i := range p.FinalMembers(g) {
			members = append(members, users[i])
		}
		gr, err := st.CreateGroup(GroupName(g), "", members)
		if err != nil {
			t.Fatal(err)
		}
		groups[g] = gr.ID
	}
	return st, users, groups
}

func TestVerify(t *testing.T) {
	p := Plan{Users: 12, Groups: 2, Members: 4, Change: 1}
	if st, _, _ := intendedStore(t, p); Verify(st, p) != nil {
		t.Fatalf("the intended state itself fails: %v", Verify(st, p))
	}
	cases := []struct {
		name   string
		mutate func(st *emulator.Store, users, groups []string)
		want   string
	}{
		{"user lost", func(st *emulator.Store, users, _ []string) { _ = st.DeleteUser(users[5]) }, "user load.user000005@okta.local lost"},
		{"user duplicated", func(st *emulator.Store, _, _ []string) {
			_, _ = st.CreateUser(map[string]any{"userName": UserName(3), "externalId": ExternalID(3), "displayName": updatedDisplayName(3), "active": true})
		}, "duplicated 2 times"},
		{"update half-applied", func(st *emulator.Store, users, _ []string) {
			_, _ = st.UpdateUser(users[2], func(a map[string]any) (map[string]any, error) { a["displayName"] = "Load User000002"; return a, nil })
		}, "displayName"},
		{"deactivation lost", func(st *emulator.Store, users, _ []string) {
			_, _ = st.UpdateUser(users[3], func(a map[string]any) (map[string]any, error) { a["active"] = true; return a, nil })
		}, "active true, want false"},
		{"membership lost", func(st *emulator.Store, users, groups []string) {
			_, _ = st.UpdateGroup(groups[1], emulator.GroupChange{Remove: []string{users[p.FinalMembers(1)[0]]}})
		}, "member load.user"},
		{"membership left behind", func(st *emulator.Store, users, groups []string) {
			remove, _ := p.change(0)
			_, _ = st.UpdateGroup(groups[0], emulator.GroupChange{Add: []string{users[remove[0]]}})
		}, "should not be"},
		{"group duplicated", func(st *emulator.Store, _, _ []string) { _, _ = st.CreateGroup(GroupName(1), "", nil) }, "group \"Load Group 0001\" duplicated"},
		{"stray user", func(st *emulator.Store, _, _ []string) {
			_, _ = st.CreateUser(map[string]any{"userName": "stray@okta.local"})
		}, "unexpected user"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, users, groups := intendedStore(t, p)
			c.mutate(st, users, groups)
			err := Verify(st, p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Verify = %v, want an error naming %q", err, c.want)
			}
		})
	}
}

func TestPlanFinalMembers(t *testing.T) {
	p := Plan{Users: 10, Groups: 3, Members: 4, Change: 2}
	// Group 2 starts with users 8, 9, 0, 1 (wrapping), loses 8 and 9, gains 2 and 3.
	got := p.FinalMembers(2)
	want := []int{0, 1, 2, 3}
	if len(got) != len(want) {
		t.Fatalf("FinalMembers(2) = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("FinalMembers(2) = %v, want %v", got, want)
		}
	}
	if err := (Plan{Users: 5, Groups: 1, Members: 4, Change: 2}).Validate(); err == nil {
		t.Fatal("a plan needing 6 distinct users out of 5 was accepted")
	}
}
