package loadgen

import (
	"errors"
	"fmt"
	"sort"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

// maxFindings bounds the differences Verify lists.
const maxFindings = 20

// Verify compares the emulator's state with the state the plan intends:
// every user exactly once, with the updated displayName, its Okta
// externalId and its final active flag; every group exactly once with
// exactly its final members; nothing else. It returns nil when they are
// equal and otherwise an error listing the differences.
func Verify(store *emulator.Store, p Plan) error {
	var f findings

	byName := map[string][]emulator.User{}
	for _, u := range store.Users() {
		name, _ := u.Attrs["userName"].(string)
		byName[name] = append(byName[name], u)
	}
	nameIdx := make(map[string]int, p.Users)
	userIdx := map[string]int{} // emulator id → plan index
	for i := range p.Users {
		name := UserName(i)
		nameIdx[name] = i
		got := byName[name]
		switch {
		case len(got) == 0:
			f.add("user %s lost", name)
			continue
		case len(got) > 1:
			f.add("user %s duplicated %d times", name, len(got))
		}
		u := got[0]
		userIdx[u.ID] = i
		if ext, _ := u.Attrs["externalId"].(string); ext != ExternalID(i) {
			f.add("user %s: externalId %q, want %q", name, ext, ExternalID(i))
		}
		if dn, _ := u.Attrs["displayName"].(string); dn != updatedDisplayName(i) {
			f.add("user %s: displayName %q, want %q (update half-applied or lost)", name, dn, updatedDisplayName(i))
		}
		if act, _ := u.Attrs["active"].(bool); act != p.Active(i) {
			f.add("user %s: active %v, want %v", name, act, p.Active(i))
		}
	}
	for name := range byName {
		if _, ok := nameIdx[name]; !ok {
			f.add("unexpected user %q", name)
		}
	}

	groups := map[string][]emulator.Group{}
	for _, g := range store.Groups() {
		groups[g.DisplayName] = append(groups[g.DisplayName], g)
	}
	for g := range p.Groups {
		name := GroupName(g)
		got := groups[name]
		delete(groups, name)
		switch {
		case len(got) == 0:
			f.add("group %q lost", name)
			continue
		case len(got) > 1:
			f.add("group %q duplicated %d times", name, len(got))
		}
		ms, err := store.Members(got[0].ID)
		if err != nil {
			f.add("group %q: members: %v", name, err)
			continue
		}
		have := map[int]bool{}
		for _, m := range ms {
			i, ok := userIdx[m.UserID]
			if !ok {
				f.add("group %q: member %s is not a planned user", name, m.UserID)
				continue
			}
			have[i] = true
		}
		want := map[int]bool{}
		for _, i := range p.FinalMembers(g) {
			want[i] = true
			if !have[i] {
				f.add("group %q: member %s lost", name, UserName(i))
			}
		}
		for i := range have {
			if !want[i] {
				f.add("group %q: %s is a member but should not be", name, UserName(i))
			}
		}
	}
	extra := make([]string, 0, len(groups))
	for name := range groups {
		extra = append(extra, name)
	}
	sort.Strings(extra)
	for _, name := range extra {
		f.add("unexpected group %q", name)
	}
	return f.err()
}

type findings struct {
	n    int
	list []string
}

func (f *findings) add(format string, args ...any) {
	f.n++
	if len(f.list) < maxFindings {
		f.list = append(f.list, fmt.Sprintf(format, args...))
	}
}

func (f *findings) err() error {
	if f.n == 0 {
		return nil
	}
	errs := make([]error, 0, len(f.list)+1)
	errs = append(errs, fmt.Errorf("emulator state differs from the intended state in %d ways", f.n))
	for _, s := range f.list {
		errs = append(errs, errors.New(s))
	}
	return errors.Join(errs...)
}
