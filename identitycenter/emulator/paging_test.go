package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

func seedUsers(t testing.TB, e *Emulator, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		u, err := e.Store().CreateUser(map[string]any{"userName": fmt.Sprintf("u%04d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	return ids
}

func resourceIDs(t testing.TB, r reply) []string {
	t.Helper()
	res, _ := r.body["Resources"].([]any)
	ids := make([]string, len(res))
	for i, x := range res {
		ids[i] = x.(map[string]any)["id"].(string)
	}
	return ids
}

func TestCursorPagingWalksEveryUserOnce(t *testing.T) {
	e := newTestEmulator(t, Options{})
	want := seedUsers(t, e, 250)

	var got []string
	path := "/Users?cursor&count=100" // bare cursor: enter cursor mode
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("more pages than users")
		}
		r := call(t, e, http.MethodGet, path, nil)
		mustStatus(t, r, http.StatusOK)
		if _, ok := r.body["totalResults"]; ok {
			t.Errorf("cursor page has totalResults: %s", r.raw)
		}
		ids := resourceIDs(t, r)
		if n := r.body["itemsPerPage"].(float64); int(n) != len(ids) {
			t.Errorf("itemsPerPage %v, %d resources", n, len(ids))
		}
		got = append(got, ids...)
		next, ok := r.body["nextCursor"].(string)
		if !ok {
			break
		}
		if !cursorChars.MatchString(next) {
			t.Errorf("nextCursor %q outside [-a-zA-Z0-9+=/:_]*", next)
		}
		path = "/Users?count=100&cursor=" + url.QueryEscape(next)
	}
	if len(got) != len(want) {
		t.Fatalf("walked %d users, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("user %d: %s, want %s (creation order)", i, got[i], want[i])
		}
	}
}

func TestCursorSurvivesDeletionBetweenPages(t *testing.T) {
	e := newTestEmulator(t, Options{})
	ids := seedUsers(t, e, 5)
	r := call(t, e, http.MethodGet, "/Users?cursor&count=2", nil)
	next := r.body["nextCursor"].(string)
	// Delete a user already returned: an offset cursor would now skip one.
	mustStatus(t, call(t, e, http.MethodDelete, "/Users/"+ids[0], nil), http.StatusNoContent)
	r = call(t, e, http.MethodGet, "/Users?count=2&cursor="+url.QueryEscape(next), nil)
	if got := resourceIDs(t, r); len(got) != 2 || got[0] != ids[2] || got[1] != ids[3] {
		t.Errorf("second page %v, want [%s %s]", got, ids[2], ids[3])
	}
}

func TestWithoutCursorListIsTruncatedTo100(t *testing.T) {
	e := newTestEmulator(t, Options{})
	ids := seedUsers(t, e, 130)
	r := call(t, e, http.MethodGet, "/Users", nil)
	mustStatus(t, r, http.StatusOK)
	got := resourceIDs(t, r)
	if len(got) != 100 || r.body["totalResults"] != 130.0 || r.body["startIndex"] != 1.0 || r.body["itemsPerPage"] != 100.0 {
		t.Errorf("got %d resources, totalResults %v startIndex %v itemsPerPage %v; want 100, 130, 1, 100",
			len(got), r.body["totalResults"], r.body["startIndex"], r.body["itemsPerPage"])
	}
	if _, ok := r.body["nextCursor"]; ok {
		t.Error("nextCursor without cursor mode")
	}
	// startIndex is ignored: the same first page comes back.
	r = call(t, e, http.MethodGet, "/Users?startIndex=101&count=10", nil)
	if got := resourceIDs(t, r); len(got) != 10 || got[0] != ids[0] {
		t.Errorf("startIndex=101 gave first id %v, want %s (ignored)", got, ids[0])
	}
	// A lenient emulator honours it, so the rule is observable.
	l := newTestEmulator(t, Options{Lenient: map[Rule]bool{RuleStartIndexIgnored: true}})
	lids := seedUsers(t, l, 130)
	r = call(t, l, http.MethodGet, "/Users?startIndex=101&count=10", nil)
	if got := resourceIDs(t, r); len(got) != 10 || got[0] != lids[100] {
		t.Errorf("lenient startIndex=101 gave %v, want first %s", got, lids[100])
	}
}

func TestCountMustBe1To100(t *testing.T) {
	e := newTestEmulator(t, Options{})
	seedUsers(t, e, 3)
	for _, c := range []string{"0", "101", "-1", "x"} {
		r := call(t, e, http.MethodGet, "/Users?count="+c, nil)
		mustStatus(t, r, http.StatusBadRequest)
		if r.header.Get(RuleHeader) != string(RuleCountRange) {
			t.Errorf("count=%s refused by %q, want %s", c, r.header.Get(RuleHeader), RuleCountRange)
		}
	}
	r := call(t, e, http.MethodGet, "/Users?count=2", nil)
	if got := resourceIDs(t, r); len(got) != 2 {
		t.Errorf("count=2 gave %d", len(got))
	}
}

func TestBadCursorIsRefused(t *testing.T) {
	e := newTestEmulator(t, Options{})
	seedUsers(t, e, 3)
	r := call(t, e, http.MethodGet, "/Users?cursor&count=1", nil)
	next := r.body["nextCursor"].(string)
	for _, path := range []string{
		"/Users?cursor=" + url.QueryEscape("not a cursor!"),
		"/Groups?cursor=" + url.QueryEscape(next), // a Users cursor on Groups
	} {
		mustStatus(t, call(t, e, http.MethodGet, path, nil), http.StatusBadRequest)
	}
}

func TestMemberFilterFindsTheUsersGroups(t *testing.T) {
	e := newTestEmulator(t, Options{})
	ids := seedUsers(t, e, 2)
	in, err := e.Store().CreateGroup("in", "", []string{ids[0]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store().CreateGroup("out", "", []string{ids[1]}); err != nil {
		t.Fatal(err)
	}
	q := url.QueryEscape(`members.value eq "` + ids[0] + `"`)
	r := call(t, e, http.MethodGet, "/Groups?cursor&filter="+q, nil)
	mustStatus(t, r, http.StatusOK)
	if got := resourceIDs(t, r); len(got) != 1 || got[0] != in.ID {
		t.Errorf("member filter gave %v, want [%s]", got, in.ID)
	}
	// id + members: "is user U in group G".
	for _, attr := range []string{"members", "members.value"} {
		q = url.QueryEscape(`id eq "` + in.ID + `" and ` + attr + ` eq "` + ids[1] + `"`)
		if got := resourceIDs(t, call(t, e, http.MethodGet, "/Groups?filter="+q, nil)); len(got) != 0 {
			t.Errorf("%s: user 1 reported in group 'in': %v", attr, got)
		}
	}
}
