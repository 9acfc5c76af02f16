package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

// stepCost is what one Okta request cost upstream.
type stepCost struct {
	Name      string
	Writes    int64 // CreateGroup + PatchGroup + DeleteGroup
	Reads     int64 // every other upstream request (SCIM lists/gets, identitystore, ssoadmin)
	MinWrites int64 // the least Identity Center allows: ceil(member changes / 100), +1 for a rename, create or delete
}

func costOf(s emulator.Stats) (writes, reads int64) {
	writes = s["CreateGroup"] + s["PatchGroup"] + s["DeleteGroup"]
	return writes, s.Requests() - writes
}

func ceil100(n int) int64 { return int64((n + 99) / 100) }

// groupScenario runs one Okta app's whole group lifecycle on a group of
// len(ids) members (ids must hold at least 1.3× that many users) and checks
// the emulator's state after each step. app is "oin" (catalogue app:
// PATCHes) or "aiw" (custom app: PUTs), okta-scim-client.md §1.8–1.12.
func groupScenario(t testing.TB, e *env, app, name string, ids []string, size int) []stepCost {
	t.Helper()
	first := ids[:size]
	changed := size * 3 / 10                                                   // 300 of 1,000
	second := append(slices.Clone(first[changed:]), ids[size:size+changed]...) // 300 out, 300 in
	var costs []stepCost
	var gid string
	wantName := name
	step := func(label, method, path, body string, status []int, want []string, minWrites int64) reply {
		t.Helper()
		e.emu.ResetStats()
		mark := e.up.len()
		var b any // GET and DELETE carry no body
		if body != "" {
			b = body
		}
		r := e.okta.do(method, path, b).expect(t, app+" "+label, status...)
		if bad := refusals(e.up.since(mark)); len(bad) != 0 {
			t.Fatalf("%s %s: Identity Center refused %v", app, label, bad)
		}
		w, rd := costOf(e.emu.Stats())
		costs = append(costs, stepCost{Name: label, Writes: w, Reads: rd, MinWrites: minWrites})
		if gid != "" && want != nil {
			if got := e.groupMembers(t, gid); !slices.Equal(got, sortedIDs(want)) {
				t.Fatalf("%s %s: Identity Center holds %d members, want %d", app, label, len(got), len(want))
			}
			if g, err := e.emu.Store().Group(gid); err != nil || g.DisplayName != wantName {
				t.Fatalf("%s %s: group name %q (%v), want %q", app, label, g.DisplayName, err, wantName)
			}
		}
		return r
	}
	lookup := "/Groups?filter=" + url.PathEscape(fmt.Sprintf("displayName eq %q", name)) + "&startIndex=1&count=100"
	r := step("lookup", "GET", lookup, "", []int{http.StatusOK}, nil, 0)
	if r.Body["totalResults"] != float64(0) {
		t.Fatalf("lookup of a new group: %s", r.Raw)
	}
	r = step("create", "POST", "/Groups", groupBody(name, nil), []int{http.StatusCreated}, nil, 1)
	gid = str(r.Body, "id")
	if gid == "" || str(r.Body, "displayName") != name {
		t.Fatalf("create: %s", r.Raw)
	}
	put := func(label, n string, members []string, minWrites int64) {
		t.Helper()
		wantName = n
		r := step(label, "PUT", "/Groups/"+gid, groupBody(n, members), []int{http.StatusOK}, members, minWrites)
		if str(r.Body, "displayName") != n || str(r.Body, "id") != gid {
			t.Fatalf("%s: %s", label, r.Raw)
		}
	}
	patch := func(label string, want []string, minWrites int64, ops ...string) {
		t.Helper()
		step(label, "PATCH", "/Groups/"+gid, patchBody(ops...), []int{http.StatusOK, http.StatusNoContent}, want, minWrites)
	}
	rename := func(n string) string {
		wantName = n
		return fmt.Sprintf(`{"op":"replace","value":{"id":%q,"displayName":%q}}`, gid, n)
	}
	step("get", "GET", "/Groups/"+gid, "", []int{http.StatusOK}, []string{}, 0)
	switch app {
	case "oin":
		patch("push", first, ceil100(size), `{"op":"add","path":"members","value":`+membersJSON(first)+`}`)
		patch("rename-unchanged", first, 0, rename(name))
		patch("re-push", second, ceil100(2*changed), `{"op":"replace","path":"members","value":`+membersJSON(second)+`}`)
		patch("rename", second, 1, rename(name+" (renamed)"))
		patch("empty", []string{}, ceil100(size), `{"op":"replace","path":"members","value":[]}`)
	case "aiw":
		put("push", name, first, ceil100(size))
		put("push-unchanged", name, first, 0)
		put("re-push", name, second, ceil100(2*changed))
		put("rename", name+" (renamed)", second, 1)
		put("empty", name+" (renamed)", []string{}, ceil100(size))
	}
	step("delete", "DELETE", "/Groups/"+gid, "", []int{http.StatusNoContent}, nil, 1)
	if _, err := e.emu.Store().Group(gid); err == nil {
		t.Fatalf("%s: the group is still in Identity Center after DELETE", app)
	}
	return costs
}
