package e2e

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

// The "done when": a group of 1,000 members pushed, re-pushed with
// 300 changed, renamed, emptied with [], deleted — by the catalogue app
// (PATCH) and the custom app (PUT) — with Identity Center's state checked
// after each step and every upstream write within one request of the
// minimum, ceil(changes / 100).
func TestGroupLifecycle1000Members(t *testing.T) {
	e := newGroupEnv(t, true)
	ids := e.seedUsers(t, 1300)
	for _, app := range []string{"oin", "aiw"} {
		costs := groupScenario(t, e, app, "Engineering "+app, ids, 1000)
		for _, c := range costs {
			if c.Writes != c.MinWrites {
				t.Errorf("%s %s: %d upstream writes, minimum %d", app, c.Name, c.Writes, c.MinWrites)
			}
		}
		t.Logf("%s: %+v", app, costs)
	}
	logs := e.logs.String()
	if strings.Contains(logs, identitycenter.FallbackMembershipViaSCIM) {
		t.Error("a request fell back to the SCIM filter with identitystore available")
	}
	// Each translation is named on the request log line.
	for _, rule := range []string{"group.members.batched", "group.members.replace-as-diff", "group.rename.unchanged-skipped",
		"group.pathless.split", "group.put-as-patch", "group.members.display.dropped", "group.members.noop-skipped"} {
		if !strings.Contains(logs, `"`+rule+`"`) {
			t.Errorf("no request log line names rule %s", rule)
		}
	}
}

// okta-scim-client.md §1.8 (2018 doc): POST with the members filled in; a
// group of 1,000 is created with 100 and filled by 9 PATCHes.
func TestCreateGroupWith1000Members(t *testing.T) {
	e := newGroupEnv(t, true)
	ids := e.seedUsers(t, 1000)
	e.emu.ResetStats()
	r := e.okta.do("POST", "/Groups", groupBody("Everyone", ids)).expect(t, "create", http.StatusCreated)
	gid := str(r.Body, "id")
	if got := e.groupMembers(t, gid); !slices.Equal(got, sortedIDs(ids)) {
		t.Fatalf("created with %d members", len(got))
	}
	if m, _ := r.Body["members"].([]any); len(m) != 1000 {
		t.Errorf("201 body lists %d members", len(m))
	}
	s := e.emu.Stats()
	if s["CreateGroup"] != 1 || s["PatchGroup"] != 9 {
		t.Fatalf("upstream %v", s)
	}
	line := e.lastLine(t)
	for _, rule := range []string{"group.create.members-batched", "group.members.batched", "group.members.display.dropped"} {
		if !lineHas(line, "rules", rule) {
			t.Errorf("log line rules %v lack %s", line["rules"], rule)
		}
	}
}

// Without AWS credentials the same lifecycle works through the SCIM
// groups.value filter, and each line that used it names the fallback.
func TestGroupLifecycleWithoutCredentials(t *testing.T) {
	e := newGroupEnv(t, false)
	ids := e.seedUsers(t, 260)
	costs := groupScenario(t, e, "oin", "NoCreds", ids, 200)
	for _, c := range costs {
		if c.Writes != c.MinWrites {
			t.Errorf("%s: %d writes, minimum %d", c.Name, c.Writes, c.MinWrites)
		}
	}
	if !strings.Contains(e.logs.String(), `"fallbacks":["membership_via_scim_filter"]`) {
		t.Error("no request log line names the SCIM membership fallback")
	}
}

// Okta's filtered removes and add array in one PATCH (okta-scim-client.md §1.10).
func TestGroupMembershipPatchFromOkta(t *testing.T) {
	e := newGroupEnv(t, true)
	ids := e.seedUsers(t, 4)
	gid := str(e.okta.do("POST", "/Groups", groupBody("Support", ids[:2])).expect(t, "create", http.StatusCreated).Body, "id")
	e.emu.ResetStats()
	e.okta.do("PATCH", "/Groups/"+gid, patchBody(
		fmt.Sprintf(`{"op":"remove","path":"members[value eq \"%s\"]"}`, ids[0]),
		`{"op":"add","path":"members","value":`+membersJSON(ids[2:])+`}`,
	)).expect(t, "patch", http.StatusNoContent, http.StatusOK)
	if got := e.groupMembers(t, gid); !slices.Equal(got, sortedIDs(ids[1:])) {
		t.Fatalf("members %v", got)
	}
	if s := e.emu.Stats(); s.Requests() != 1 {
		t.Fatalf("upstream %v, want one PATCH", s)
	}
	line := e.lastLine(t)
	if line["operation"] != "update_members" || !lineHas(line, "rules", "group.members.filtered-remove") {
		t.Fatalf("log line %v", line)
	}
}

// A member id Identity Center does not know: a 400 that names it, and the
// group as it was — even when it is in the 3rd of 3 batches.
func TestGroupUnknownMember(t *testing.T) {
	e := newGroupEnv(t, true)
	ids := e.seedUsers(t, 250)
	gid := str(e.okta.do("POST", "/Groups", groupBody("Strict", ids[:5])).expect(t, "create", http.StatusCreated).Body, "id")
	bogus := "0a1b2c3d4e-11111111-2222-4333-8444-555555555555"
	push := append(slices.Clone(ids), bogus)
	r := e.okta.do("PATCH", "/Groups/"+gid, patchBody(`{"op":"replace","path":"members","value":`+membersJSON(push)+`}`)).expect(t, "push", http.StatusBadRequest)
	if !strings.Contains(str(r.Body, "detail"), bogus) || !strings.Contains(str(r.Body, "detail"), "nothing was applied") {
		t.Fatalf("detail %q", str(r.Body, "detail"))
	}
	if got := e.groupMembers(t, gid); !slices.Equal(got, sortedIDs(ids[:5])) {
		t.Fatalf("the refused push changed the group: %d members", len(got))
	}
}

// failNthPatch answers 500 to every group PATCH from the n-th on, while armed.
type failNthPatch struct {
	mu      sync.Mutex
	n, seen int
	armed   bool
	next    http.Handler
}

func (f *failNthPatch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/Groups/") {
		f.mu.Lock()
		f.seen++
		fail := f.armed && f.seen >= f.n
		f.mu.Unlock()
		if fail {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"InternalFailure","status":"500"}`)
			return
		}
	}
	f.next.ServeHTTP(w, r)
}

func (f *failNthPatch) arm(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n, f.seen, f.armed = n, 0, true
}

func (f *failNthPatch) disarm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = false
}

// Batch 3 of 5 fails after the client's retries: Okta gets an error saying
// what was applied; Okta's retry of the task converges, with no member
// duplicated or lost.
func TestGroupPartialFailureThenOktaRetry(t *testing.T) {
	hook := &failNthPatch{}
	e := newGroupEnvWith(t, true, func(h http.Handler) http.Handler { hook.next = h; return hook },
		identitycenter.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})
	ids := e.seedUsers(t, 500)
	gid := str(e.okta.do("POST", "/Groups", groupBody("Flaky", nil)).expect(t, "create", http.StatusCreated).Body, "id")
	push := patchBody(`{"op":"replace","path":"members","value":` + membersJSON(ids) + `}`)

	hook.arm(3)
	// Retries spent on a 500: Okta gets 429 with Retry-After, so it re-queues
	// the task (okta-scim-client.md §6) instead of marking it failed.
	r := e.okta.do("PATCH", "/Groups/"+gid, push).expect(t, "push with a failing batch", http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	detail := str(r.Body, "detail")
	if !strings.Contains(detail, "upstream PATCH 3 of 5 failed") || !strings.Contains(detail, "applied 200 of 500 membership changes") {
		t.Fatalf("detail %q does not say what was applied", detail)
	}
	if n := len(e.groupMembers(t, gid)); n != 200 {
		t.Fatalf("%d members after batches 1–2, want 200", n)
	}
	hook.disarm()
	e.emu.ResetStats()
	e.okta.do("PATCH", "/Groups/"+gid, push).expect(t, "Okta's retry", http.StatusNoContent, http.StatusOK)
	if got := e.groupMembers(t, gid); !slices.Equal(got, sortedIDs(ids)) {
		t.Fatalf("after the retry %d members, want 500", len(got))
	}
	if n := e.emu.Stats()["PatchGroup"]; n != 3 {
		t.Fatalf("the retry sent %d PATCHes, want 3 (only the 300 missing adds)", n)
	}
}

// okta-scim-client.md §1.2: group import pages of 100 cost one upstream
// list per 100 groups.
func TestGroupImportPaging(t *testing.T) {
	e := newGroupEnv(t, true)
	const n = 450
	for i := range n {
		if _, err := e.emu.Store().CreateGroup(fmt.Sprintf("import-%03d", i), "", nil); err != nil {
			t.Fatal(err)
		}
	}
	e.emu.ResetStats()
	var names []string
	for start := 1; start <= n; start += 100 {
		res := checkListResponse(t, "import", e.okta.do("GET", fmt.Sprintf("/Groups?startIndex=%d&count=100", start), nil), n)
		for _, r := range res {
			names = append(names, str(r.(map[string]any), "displayName"))
		}
	}
	if len(names) != n || !slices.IsSorted(names) {
		t.Fatalf("imported %d groups (sorted %v)", len(names), slices.IsSorted(names))
	}
	if got := e.emu.Stats()["ListGroups"]; got != 5 {
		t.Fatalf("%d upstream lists for %d groups, want 5", got, n)
	}
}

// With the emulator failing 30% of all requests (SCIM and identitystore),
// a 600-member push, re-push and emptying still end exactly right once
// Okta retries what failed (okta-scim-client.md §6: a 429 with Retry-After
// is retried), and no upstream PATCH ever breaks IC §5.
func TestGroupPushUnderRandomFaults(t *testing.T) {
	e := newGroupEnvWith(t, true, nil, identitycenter.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})
	ids := e.seedUsers(t, 800)
	gid := str(e.okta.do("POST", "/Groups", groupBody("Chaos", nil)).expect(t, "create", http.StatusCreated).Body, "id")
	e.emu.SetFaults(emulator.Faults{ErrorRate: 0.3})
	// okta retries a failed task until it succeeds; a 400 would be final.
	okta := func(what, body string) {
		t.Helper()
		for attempt := 1; ; attempt++ {
			r := e.okta.do("PATCH", "/Groups/"+gid, body)
			switch {
			case r.Status == http.StatusNoContent || r.Status == http.StatusOK:
				return
			case r.Status == http.StatusBadRequest || attempt == 20:
				t.Fatalf("%s: %d after %d attempts: %s", what, r.Status, attempt, r.Raw)
			}
		}
	}
	mark := e.up.len()
	first, second := ids[:600], ids[200:800]
	for _, s := range []struct {
		what string
		want []string
	}{{"push", first}, {"re-push", second}, {"empty", []string{}}} {
		okta(s.what, patchBody(`{"op":"replace","path":"members","value":`+membersJSON(s.want)+`}`))
		if got := e.groupMembers(t, gid); !slices.Equal(got, sortedIDs(s.want)) {
			t.Fatalf("%s: %d members, want %d", s.what, len(got), len(s.want))
		}
	}
	e.emu.SetFaults(emulator.Faults{})
	if bad := refusals(e.up.since(mark)); len(bad) != 0 {
		t.Fatalf("Identity Center refused %d requests, e.g. %v", len(bad), bad[0])
	}
}
