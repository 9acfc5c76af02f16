package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// listIDs lists path with filter f and returns the ids found.
func listIDs(t *testing.T, e *Emulator, resource, f string) []string {
	t.Helper()
	r := call(t, e, http.MethodGet, resource+"?filter="+url.QueryEscape(f), nil)
	mustStatus(t, r, http.StatusOK)
	return resourceIDs(t, r)
}

// Filters on unique attributes are answered from the uniqueness index; they
// must follow every write and fold case as uniqueness does.
func TestFiltersFollowWritesAndFoldUserNameCase(t *testing.T) {
	e := newTestEmulator(t, Options{})
	id := createUser(t, e, "Ann@Example.com")
	other := createUser(t, e, "bob@example.com")
	if got := listIDs(t, e, "/Users", `userName eq "ann@EXAMPLE.com"`); !slices.Equal(got, []string{id}) {
		t.Errorf("userName eq in another case = %v, want [%s]", got, id)
	}
	r := call(t, e, http.MethodPatch, "/Users/"+id, map[string]any{"schemas": []any{patchSchema}, "Operations": []any{
		map[string]any{"op": "replace", "path": "userName", "value": "carol@example.com"},
		map[string]any{"op": "replace", "path": "externalId", "value": "ext-carol"},
	}})
	mustStatus(t, r, http.StatusOK)
	for f, want := range map[string][]string{
		`userName eq "Ann@Example.com"`:   nil,
		`userName eq "carol@example.com"`: {id},
		`externalId eq "ext-carol"`:       {id},
		`externalId eq "EXT-carol"`:       nil, // externalId is exact
		`id eq "` + other + `"`:           {other},
	} {
		if got := listIDs(t, e, "/Users", f); !slices.Equal(got, want) {
			t.Errorf("ListUsers %s = %v, want %v", f, got, want)
		}
	}
	mustStatus(t, call(t, e, http.MethodDelete, "/Users/"+id, nil), http.StatusNoContent)
	if got := listIDs(t, e, "/Users", `userName eq "carol@example.com"`); len(got) != 0 {
		t.Errorf("deleted user still found: %v", got)
	}

	g := call(t, e, http.MethodPost, "/Groups", map[string]any{"displayName": "Eng", "externalId": "g-1",
		"members": []any{map[string]any{"value": other}}})
	mustStatus(t, g, http.StatusCreated)
	gid := g.body["id"].(string)
	mustStatus(t, call(t, e, http.MethodPatch, "/Groups/"+gid, map[string]any{"schemas": []any{patchSchema}, "Operations": []any{
		map[string]any{"op": "replace", "path": "displayName", "value": "Engineering"},
	}}), http.StatusNoContent)
	for f, want := range map[string][]string{
		`displayName eq "Eng"`:         nil,
		`displayName eq "ENGINEERING"`: {gid},
		`externalId eq "g-1"`:          {gid},
		`id eq "` + gid + `"`:          {gid},
	} {
		if got := listIDs(t, e, "/Groups", f); !slices.Equal(got, want) {
			t.Errorf("ListGroups %s = %v, want %v", f, got, want)
		}
	}
	if got := listIDs(t, e, "/Users", `groups.value eq "`+gid+`"`); !slices.Equal(got, []string{other}) {
		t.Errorf("ListUsers groups.value = %v, want [%s]", got, other)
	}
}
