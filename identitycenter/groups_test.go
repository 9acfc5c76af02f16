package identitycenter

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/identitycenter/translate"
	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

const gpTenant = "bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a"

// gpHook sits in front of the emulator: it checks every group PATCH against
// identity-center-scim.md §5 and can fail PATCHes from the n-th on.
type gpHook struct {
	next http.Handler
	t    *testing.T

	mu        sync.Mutex
	patches   int // group PATCHes seen
	failFrom  int // 0 = never; else PATCH number from which to answer 500
	bodies    []string
	violation string
	// refuseNoop, when set, is the status answered to a PATCH that adds an
	// existing member: a stricter Identity Center than the emulator.
	refuseNoop int
	refuseNext int // when set, the status answered to the next PATCH
	emu        *emulator.Emulator
}

func (h *gpHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/Groups/") {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		h.mu.Lock()
		h.patches++
		n, fail := h.patches, h.failFrom
		h.bodies = append(h.bodies, string(body))
		if v := patchViolation(body); v != "" && h.violation == "" {
			h.violation = v
		}
		status, noop := h.refuseNext, h.refuseNoop
		h.refuseNext = 0
		h.mu.Unlock()
		if fail > 0 && n >= fail {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"InternalFailure","status":"500"}`)
			return
		}
		if status == 0 && noop != 0 && h.addsMember(r.URL.Path, body) {
			status = noop
		}
		if status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Member already exists","status":"%d"}`, status)
			return
		}
	}
	h.next.ServeHTTP(w, r)
}

// addsMember reports whether a group PATCH body adds a user who is already
// a member of the group in path.
func (h *gpHook) addsMember(path string, body []byte) bool {
	gid := path[strings.LastIndex(path, "/")+1:]
	var req struct {
		Operations []struct {
			Op    string           `json:"op"`
			Value []map[string]any `json:"value"`
		} `json:"Operations"`
	}
	_ = json.Unmarshal(body, &req)
	for _, op := range req.Operations {
		for _, m := range op.Value {
			if id, _ := m["value"].(string); op.Op == "add" && h.emu.Store().IsMember(gid, id) {
				return true
			}
		}
	}
	return false
}

// refuse sets the statuses for refuseNoop and refuseNext.
func (h *gpHook) refuse(noop, next int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refuseNoop, h.refuseNext = noop, next
}

// sent is how many group PATCHes reached the hook.
func (h *gpHook) sent() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.patches
}

func (h *gpHook) failFromPatch(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failFrom = h.patches + n
}

func (h *gpHook) heal() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failFrom = 0
}

func (h *gpHook) check(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.violation != "" {
		t.Fatalf("an upstream PATCH broke identity-center-scim.md §5: %s", h.violation)
	}
}

// patchViolation says how a group PATCH body breaks §5, or "".
func patchViolation(body []byte) string {
	var req struct {
		Operations []struct {
			Op    string `json:"op"`
			Path  string `json:"path"`
			Value any    `json:"value"`
		} `json:"Operations"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return "unreadable body"
	}
	changes := 0
	for _, op := range req.Operations {
		switch op.Path {
		case "displayName", "externalId":
			continue
		case "members":
		default:
			return fmt.Sprintf("path %q", op.Path)
		}
		if op.Op != "add" && op.Op != "remove" {
			return "op " + op.Op + " on members"
		}
		list, ok := op.Value.([]any)
		if !ok || len(list) == 0 {
			return "members op without a value list (remove-all)"
		}
		for _, item := range list {
			m, _ := item.(map[string]any)
			if len(m) != 1 || m["value"] == nil {
				return fmt.Sprintf("member object %v", item)
			}
		}
		changes += len(list)
	}
	if changes > 100 {
		return fmt.Sprintf("%d membership changes in one request", changes)
	}
	return ""
}

type gpEnv struct {
	p      *Provisioner
	emu    *emulator.Emulator
	hook   *gpHook
	reader *IdentityStoreReader
	aws    aws.Config
	url    string
}

// gpNew is a Provisioner over an emulator. withIS: membership is read
// with the identitystore API through the AWS SDK (as serve wires it); else
// with the SCIM filter.
func gpNew(t *testing.T, withIS bool) *gpEnv {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Tenant: gpTenant, Tokens: []string{"gp-token"}})
	if err != nil {
		t.Fatal(err)
	}
	hook := &gpHook{next: emu, t: t, emu: emu}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	c, err := NewClient(ClientConfig{
		BaseURL: srv.URL + "/" + gpTenant + "/scim/v2/",
		Token:   func() string { return "gp-token" },
		// Few, short retries: a failing batch fails fast in tests.
		Retry: RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	env := &gpEnv{emu: emu, hook: hook, url: srv.URL}
	var members MemberReader // nil → the SCIM filter
	if withIS {
		cfg, err := LoadAWSConfig(context.Background(), "us-east-1", credentials.NewStaticCredentialsProvider("AKIDEMULATOR", "emulator-secret", ""))
		if err != nil {
			t.Fatal(err)
		}
		env.aws = cfg
		env.reader = NewIdentityStoreReader(IdentityStoreConfig{AWS: cfg, Endpoint: srv.URL})
		members = env.reader
	}
	env.p = NewProvisioner(ProvisionerConfig{Client: c, Members: members})
	return env
}

func (e *gpEnv) users(t *testing.T, n int) []string {
	t.Helper()
	ids := make([]string, n)
	base := len(e.emu.Store().Users())
	for i := range n {
		name := fmt.Sprintf("m%05d@example.com", base+i)
		u, err := e.emu.Store().CreateUser(map[string]any{
			"userName": name, "displayName": "M " + name,
			"name":   map[string]any{"givenName": "M", "familyName": name},
			"emails": []any{map[string]any{"value": name, "primary": true}}, "active": true,
		})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	return ids
}

func (e *gpEnv) members(t *testing.T, gid string) []string {
	t.Helper()
	ms, err := e.emu.Store().Members(gid)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.UserID
	}
	sort.Strings(out)
	return out
}

func sorted(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	return out
}

func oktaMembers(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"value": id, "display": "user " + id}
	}
	return out
}

func gpCtx() (context.Context, *reqlog.Entry) {
	e := &reqlog.Entry{}
	return reqlog.NewContext(context.Background(), e), e
}

func (e *gpEnv) create(t *testing.T, name string, members []string) string {
	t.Helper()
	ctx, _ := gpCtx()
	g, err := e.p.CreateGroup(ctx, Resource{"schemas": []any{translate.SchemaGroup}, "displayName": name, "members": oktaMembers(members)})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	return g["id"].(string)
}

// group makes n users and a group named name holding the first members of
// them, then resets the emulator's counters: where most tests start.
func (e *gpEnv) group(t *testing.T, name string, n, members int) (ids []string, gid string) {
	t.Helper()
	ids = e.users(t, n)
	gid = e.create(t, name, ids[:members])
	e.emu.ResetStats()
	return ids, gid
}

// patch sends ops to group gid as Okta would, counters reset first, and
// returns the request's log entry.
func (e *gpEnv) patch(t *testing.T, gid string, ops ...PatchOp) *reqlog.Entry {
	t.Helper()
	e.emu.ResetStats()
	ctx, entry := gpCtx()
	if _, err := e.p.PatchGroup(ctx, gid, ops); err != nil {
		t.Fatalf("PatchGroup: %v", err)
	}
	return entry
}

// wantMembers fails the test unless group gid holds exactly want.
func (e *gpEnv) wantMembers(t *testing.T, gid string, want []string, when string) {
	t.Helper()
	if got := e.members(t, gid); !slices.Equal(got, sorted(want)) {
		t.Fatalf("%s: %d members, want %d", when, len(got), len(want))
	}
}

// membersOp is Okta's members PATCH operation op ("add", "replace") with ids.
func membersOp(op string, ids []string) PatchOp {
	return PatchOp{Op: op, Path: "members", Value: oktaMembers(ids)}
}

func stat(s emulator.Stats, op string) int64 { return s[op] }

// logicalCalls counts the request's upstream calls whose path starts with op.
func logicalCalls(e *reqlog.Entry, op string) int {
	n := 0
	for _, c := range e.Snapshot().Upstream {
		if strings.HasPrefix(c.Path, op) {
			n++
		}
	}
	return n
}

func hasRule(e *reqlog.Entry, r string) bool { return slices.Contains(e.Snapshot().Rules, r) }

// wantRules reports an error unless the request applied every rule named.
func wantRules(t *testing.T, e *reqlog.Entry, rules ...string) {
	t.Helper()
	for _, r := range rules {
		if !hasRule(e, r) {
			t.Errorf("rule %s not applied; rules %v", r, e.Snapshot().Rules)
		}
	}
}

// okta-scim-client.md §1.8 with 250 members: one POST with 100, then two
// PATCH adds (identity-center-scim.md §5 CreateGroup "at most 100 members").
func TestCreateGroupWithManyMembers(t *testing.T) {
	env := gpNew(t, true)
	ids := env.users(t, 250)
	env.emu.ResetStats()
	ctx, entry := gpCtx()
	g, err := env.p.CreateGroup(ctx, Resource{"displayName": "Engineering", "members": oktaMembers(ids)})
	if err != nil {
		t.Fatal(err)
	}
	gid, _ := g["id"].(string)
	if gid == "" || g["displayName"] != "Engineering" || len(g["members"].([]any)) != 250 {
		t.Fatalf("created %v", g)
	}
	env.wantMembers(t, gid, ids, "emulator after create")
	s := env.emu.Stats()
	if stat(s, "CreateGroup") != 1 || stat(s, "PatchGroup") != 2 || s.Requests() != 3 {
		t.Fatalf("upstream requests %v, want 1 CreateGroup + 2 PatchGroup", s)
	}
	wantRules(t, entry, translate.RuleCreateMembersBatched, translate.RuleMemberDisplayDropped)
	env.hook.check(t)
}

// okta-scim-client.md §1.11 full push: replace becomes a diff read through
// identitystore ListGroupMemberships; then emptied with [].
func TestFullPushIsDiffInBatches(t *testing.T) {
	env := gpNew(t, true)
	ids, gid := env.group(t, "Ops", 450, 250)
	next := append(slices.Clone(ids[100:250]), ids[250:400]...) // 100 removed, 150 added
	entry := env.patch(t, gid, membersOp("replace", next))
	env.wantMembers(t, gid, next, "after full push")
	s := env.emu.Stats()
	// 250 changes → 3 PATCHes; 250 current members → 3 pages of 100, each
	// read once (no SDK retry: identitystore_http.go), and on the log line.
	if stat(s, "PatchGroup") != 3 || stat(s, "identitystore.ListGroupMemberships") != 3 ||
		logicalCalls(entry, "identitystore.ListGroupMemberships") != 3 || stat(s, "GetGroup") != 0 {
		t.Fatalf("upstream requests %v\n%+v", s, entry.Snapshot().Upstream)
	}
	wantRules(t, entry, translate.RuleMembersReplaceAsDiff, translate.RuleMembersBatched)
	if len(entry.Snapshot().Fallbacks) != 0 {
		t.Errorf("fallbacks %v with identitystore available", entry.Snapshot().Fallbacks)
	}

	// The same push again changes nothing and writes nothing.
	env.patch(t, gid, membersOp("replace", next))
	if n := stat(env.emu.Stats(), "PatchGroup"); n != 0 {
		t.Fatalf("a repeated push sent %d PATCHes", n)
	}

	env.patch(t, gid, membersOp("replace", nil))
	env.wantMembers(t, gid, nil, "after [] push")
	if n := stat(env.emu.Stats(), "PatchGroup"); n != 3 {
		t.Fatalf("emptying 300 members took %d PATCHes, want 3", n)
	}
	env.hook.check(t)
}

// okta-scim-client.md §1.9: the rename follows every membership change; an
// unchanged name costs one GET and no write.
func TestRenameSkipsUnchangedName(t *testing.T) {
	env := gpNew(t, false)
	gid := env.create(t, "Sales", nil)
	env.emu.ResetStats()
	ctx, entry := gpCtx()
	rename := func(name string) PatchOp {
		return PatchOp{Op: "replace", Value: map[string]any{"id": gid, "displayName": name}}
	}
	if res, err := env.p.PatchGroup(ctx, gid, []PatchOp{rename("Sales")}); err != nil || res != nil {
		t.Fatalf("unchanged rename: %v %v", res, err)
	}
	if s := env.emu.Stats(); stat(s, "PatchGroup") != 0 || s.Requests() != 1 {
		t.Fatalf("unchanged rename cost %v, want one GetGroup", s)
	}
	wantRules(t, entry, translate.RuleRenameUnchanged)
	env.patch(t, gid, rename("Sales EMEA"))
	if g, _ := env.emu.Store().Group(gid); g.DisplayName != "Sales EMEA" {
		t.Fatalf("name %q", g.DisplayName)
	}
	if n := stat(env.emu.Stats(), "PatchGroup"); n != 1 {
		t.Fatalf("rename took %d PATCHes", n)
	}
	env.hook.check(t)
}

// okta-scim-client.md §1.10: filtered removes plus an add array, in order,
// sent in the proven form.
func TestMemberAddAndFilteredRemove(t *testing.T) {
	env := gpNew(t, false)
	ids, gid := env.group(t, "Support", 4, 2)
	entry := env.patch(t, gid,
		PatchOp{Op: "remove", Path: fmt.Sprintf("members[value eq %q]", ids[0])},
		membersOp("add", ids[2:]))
	env.wantMembers(t, gid, ids[1:], "after remove and add")
	if s := env.emu.Stats(); s.Requests() != 1 {
		t.Fatalf("upstream %v, want one PATCH", s)
	}
	wantRules(t, entry, translate.RuleMemberFilteredRemove)
	env.hook.check(t)
}

// okta-scim-client.md §1.10 AIW PUT: rename plus member diff; identity-center-scim.md
// §2 has no group PUT.
func TestReplaceGroupIsRenamePlusDiff(t *testing.T) {
	env := gpNew(t, true)
	ids, gid := env.group(t, "Finance", 150, 120)
	ctx, entry := gpCtx()
	next := ids[30:150]
	res, err := env.p.ReplaceGroup(ctx, gid, Resource{"schemas": []any{translate.SchemaGroup}, "id": gid, "displayName": "Finance EU", "members": oktaMembers(next)})
	if err != nil {
		t.Fatal(err)
	}
	if res["displayName"] != "Finance EU" || len(res["members"].([]any)) != 120 || res["id"] != gid {
		t.Fatalf("PUT answer %v", res)
	}
	g, _ := env.emu.Store().Group(gid)
	if g.DisplayName != "Finance EU" || !slices.Equal(env.members(t, gid), sorted(next)) {
		t.Fatalf("stored %q with %d members", g.DisplayName, len(env.members(t, gid)))
	}
	// 30 removes + 30 adds + the rename: one PATCH.
	if s := env.emu.Stats(); stat(s, "PatchGroup") != 1 || stat(s, "GetGroup") != 1 {
		t.Fatalf("upstream %v", s)
	}
	wantRules(t, entry, translate.RuleGroupPutAsPatch)
	env.hook.check(t)
}

// A member id that is not a user: 400 naming it, nothing applied — also when
// it sits in the third batch.
func TestUnknownMemberChangesNothing(t *testing.T) {
	env := gpNew(t, true)
	ids, gid := env.group(t, "Audit", 260, 10)
	before := env.members(t, gid)
	bogus := "0123456789-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
	push := append(slices.Clone(ids[10:]), bogus) // 251 adds: the bogus one in batch 3
	ctx, entry := gpCtx()
	_, err := env.p.PatchGroup(ctx, gid, []PatchOp{membersOp("add", push)})
	e := pvAsError(t, err)
	if e.Status != http.StatusBadRequest || !strings.Contains(e.Detail, bogus) || !strings.Contains(e.Detail, "nothing was applied") {
		t.Fatalf("error %d %q", e.Status, e.Detail)
	}
	if got := env.members(t, gid); !slices.Equal(got, before) {
		t.Fatalf("members changed: %d, want %d", len(got), len(before))
	}
	wantRules(t, entry, translate.RuleMembersRolledBack)

	// In a create with more than 100 members, the group is not left behind.
	ctx, _ = gpCtx()
	_, err = env.p.CreateGroup(ctx, Resource{"displayName": "Audit 2", "members": oktaMembers(push)})
	if e := pvAsError(t, err); e.Status != http.StatusBadRequest || !strings.Contains(e.Detail, bogus) {
		t.Fatalf("create error %v", err)
	}
	for _, g := range env.emu.Store().Groups() {
		if g.DisplayName == "Audit 2" {
			t.Fatal("the refused create left the group in Identity Center")
		}
	}
	// A single batch is refused whole upstream.
	ctx, _ = gpCtx()
	_, err = env.p.PatchGroup(ctx, gid, []PatchOp{membersOp("add", []string{ids[20], bogus})})
	if e := pvAsError(t, err); e.Status != http.StatusBadRequest || !strings.Contains(e.Detail, bogus) {
		t.Fatalf("single batch error %v", err)
	}
	if got := env.members(t, gid); !slices.Equal(got, before) {
		t.Fatal("members changed")
	}
	env.hook.check(t)
}

// Batch 3 of 5 fails after retries: Okta's error says what was applied, and
// Okta's retry of the same request converges without duplicates or losses.
func TestPartialFailureIsHonestAndRetryConverges(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ops   func(ids []string) []PatchOp
		want  func(ids []string) []string
		retry int64 // PATCHes the retry needs: what batches 1–2 did not apply
	}{
		{"incremental add", func(ids []string) []PatchOp {
			return []PatchOp{membersOp("add", ids[:450])}
		}, func(ids []string) []string { return ids[:450] }, 2}, // 400 adds (50 are members) in 4 batches
		{"full push", func(ids []string) []PatchOp {
			return []PatchOp{membersOp("replace", ids[50:500])}
		}, func(ids []string) []string { return ids[50:500] }, 3}, // 50 removes + 450 adds in 5 batches
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := gpNew(t, true)
			ids, gid := env.group(t, "Big", 500, 50)
			env.hook.failFromPatch(3)
			ctx, _ := gpCtx()
			_, err := env.p.PatchGroup(ctx, gid, tc.ops(ids))
			e := pvAsError(t, err)
			if !strings.Contains(e.Detail, "upstream PATCH 3 of") || !strings.Contains(e.Detail, "PATCHes 1–2 applied 200 of") || !strings.Contains(e.Detail, "converges") {
				t.Fatalf("detail %q", e.Detail)
			}
			if n := len(env.members(t, gid)); n == 50 || n == len(tc.want(ids)) {
				t.Fatalf("%d members after a partial failure: the test did not fail part-way", n)
			}
			env.hook.heal()
			env.patch(t, gid, tc.ops(ids)...)
			env.wantMembers(t, gid, tc.want(ids), "after retry")
			// Only what was missing is sent again.
			if n := stat(env.emu.Stats(), "PatchGroup"); n != tc.retry {
				t.Fatalf("retry sent %d PATCHes, want %d", n, tc.retry)
			}
			env.hook.check(t)
		})
	}
}

// A create whose later batch fails keeps the group and says so; Okta's next
// push (lookup, then the member list) converges.
func TestCreatePartialFailureThenOktaPush(t *testing.T) {
	env := gpNew(t, true)
	ids := env.users(t, 450)
	env.hook.failFromPatch(2)
	ctx, _ := gpCtx()
	_, err := env.p.CreateGroup(ctx, Resource{"displayName": "Half", "members": oktaMembers(ids)})
	e := pvAsError(t, err)
	if !strings.Contains(e.Detail, `group "Half" was created`) || !strings.Contains(e.Detail, "PATCH 1 applied 100 of 350") || !strings.Contains(e.Detail, "finds the group by displayName") {
		t.Fatalf("detail %q", e.Detail)
	}
	env.hook.heal()
	ctx, _ = gpCtx()
	page, err := env.p.ListGroups(ctx, ListQuery{Filter: []Eq{{Attr: "displayName", Value: "Half"}}, StartIndex: 1, Count: 100})
	if err != nil || len(page.Resources) != 1 {
		t.Fatalf("lookup %+v %v", page, err)
	}
	gid := page.Resources[0]["id"].(string)
	if n := len(env.members(t, gid)); n != 200 {
		t.Fatalf("%d members after POST + PATCH 1, want 200", n)
	}
	env.patch(t, gid, membersOp("add", ids))
	env.wantMembers(t, gid, ids, "after the push")
	if n := stat(env.emu.Stats(), "PatchGroup"); n != 3 {
		t.Fatalf("the push sent %d PATCHes for 250 missing members, want 3", n)
	}
	env.hook.check(t)
}

// Without AWS credentials the members are read with the SCIM groups.value
// filter, and the request log line says so.
func TestSCIMMembershipFallback(t *testing.T) {
	env := gpNew(t, false)
	ids, gid := env.group(t, "NoCreds", 130, 120)
	entry := env.patch(t, gid, membersOp("replace", ids[10:130]))
	env.wantMembers(t, gid, ids[10:130], "after full push")
	if !slices.Contains(entry.Snapshot().Fallbacks, FallbackMembershipViaSCIM) {
		t.Errorf("fallbacks %v", entry.Snapshot().Fallbacks)
	}
	s := env.emu.Stats()
	if stat(s, "ListUsers") != 2 || stat(s, "PatchGroup") != 1 || stat(s, "GetGroup") != 0 {
		t.Fatalf("upstream %v: want 2 ListUsers pages and 1 PATCH", s)
	}
}

// A failing identitystore read (here: a store id the account does not have)
// falls back to SCIM for that request, and the log line says so.
func TestFallbackMembersOnIdentityStoreError(t *testing.T) {
	env := gpNew(t, true)
	ids, gid := env.group(t, "X", 3, 3)
	broken := NewIdentityStoreReader(IdentityStoreConfig{AWS: env.aws, Endpoint: env.url, IdentityStoreID: "d-0000000000"})
	ctx, entry := gpCtx()
	if _, err := broken.GroupMembers(ctx, gid); err == nil {
		t.Fatal("a wrong identity store id read members")
	}
	r := FallbackMembers{Primary: broken, Secondary: SCIMMembers{Client: env.p.client}}
	got, err := r.GroupMembers(ctx, gid)
	if err != nil || !slices.Equal(sorted(got), sorted(ids)) {
		t.Fatalf("fallback read %v, %v", got, err)
	}
	if !slices.Contains(entry.Snapshot().Fallbacks, FallbackMembershipViaSCIM) {
		t.Errorf("fallbacks %v", entry.Snapshot().Fallbacks)
	}
}

// The identity store is found with ssoadmin ListInstances once, then kept.
func TestIdentityStoreFoundWithListInstances(t *testing.T) {
	env := gpNew(t, true)
	ctx, _ := gpCtx()
	for range 2 {
		id, err := env.reader.IdentityStoreID(ctx)
		if err != nil || id != env.emu.Store().IdentityStoreID() {
			t.Fatalf("store id %q, %v; want %q", id, err, env.emu.Store().IdentityStoreID())
		}
	}
	if n := stat(env.emu.Stats(), "ssoadmin.ListInstances"); n != 1 {
		t.Fatalf("ListInstances called %d times", n)
	}
	configured := NewIdentityStoreReader(IdentityStoreConfig{AWS: env.aws, Endpoint: env.url, IdentityStoreID: "d-1234567890"})
	if id, err := configured.IdentityStoreID(ctx); err != nil || id != "d-1234567890" {
		t.Fatalf("configured store id %q, %v", id, err)
	}
	if n := stat(env.emu.Stats(), "ssoadmin.ListInstances"); n != 1 {
		t.Fatal("a configured store id still called ListInstances")
	}
}

func TestDeleteGroup(t *testing.T) {
	env := gpNew(t, false)
	gid := env.create(t, "Temp", env.users(t, 2))
	ctx, _ := gpCtx()
	if err := env.p.DeleteGroup(ctx, gid); err != nil {
		t.Fatal(err)
	}
	if _, err := env.emu.Store().Group(gid); err == nil {
		t.Fatal("group still stored")
	}
	if e := pvAsError(t, env.p.DeleteGroup(ctx, gid)); e.Status != http.StatusNotFound {
		t.Fatalf("second delete: %d", e.Status)
	}
}

// okta-scim-client.md §1.2 group import: startIndex/count=100 pages served
// from one cursor walk — n/100 upstream requests, not n²/20000.
func TestGroupImportIsLinear(t *testing.T) {
	env := gpNew(t, false)
	const n = 1000
	for i := range n {
		if _, err := env.emu.Store().CreateGroup(fmt.Sprintf("group-%04d", i), "", nil); err != nil {
			t.Fatal(err)
		}
	}
	env.emu.ResetStats()
	var seen []string
	for start := 1; ; start += 100 {
		ctx, _ := gpCtx()
		page, err := env.p.ListGroups(ctx, ListQuery{StartIndex: start, Count: 100})
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalResults != n {
			t.Fatalf("totalResults %d, want %d", page.TotalResults, n)
		}
		for _, r := range page.Resources {
			seen = append(seen, r["displayName"].(string))
		}
		if len(page.Resources) < 100 {
			break
		}
	}
	if len(seen) != n || !slices.IsSorted(seen) {
		t.Fatalf("imported %d groups, in creation order: %v", len(seen), slices.IsSorted(seen))
	}
	if got := stat(env.emu.Stats(), "ListGroups"); got != n/100 {
		t.Fatalf("import of %d groups took %d upstream lists, want %d", n, got, n/100)
	}
	// Okta's lookup before a push is one filtered request.
	env.emu.ResetStats()
	ctx, _ := gpCtx()
	page, err := env.p.ListGroups(ctx, ListQuery{Filter: []Eq{{Attr: "displayName", Value: "group-0042"}}, StartIndex: 1, Count: 100})
	if err != nil || page.TotalResults != 1 || stat(env.emu.Stats(), "ListGroups") != 1 {
		t.Fatalf("lookup: %+v %v %v", page, err, env.emu.Stats())
	}
}

// Whether Identity Center refuses an add of an existing member is
// UNCONFIRMED (the emulator takes it as a no-op). If it answers 400 or 409,
// the bridge re-reads the members and resends only the real changes: Okta
// sees success and no member is lost.
func TestRefusedNoopAddIsResentWithoutIt(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusConflict} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			env := gpNew(t, false)
			ids, gid := env.group(t, "Strict", 4, 2)
			env.hook.refuse(status, 0)
			before := env.hook.sent()
			// Okta re-adds ids[1] (already a member) along with ids[2].
			entry := env.patch(t, gid, membersOp("add", ids[1:3]))
			env.wantMembers(t, gid, ids[:3], "after a re-add")
			// The refused PATCH, then one with the real change only.
			if n, sent := stat(env.emu.Stats(), "PatchGroup"), env.hook.sent()-before; n != 1 || sent != 2 {
				t.Fatalf("%d PATCHes reached the emulator, %d were sent; want 1 and 2", n, sent)
			}
			wantRules(t, entry, translate.RuleMembersNoopSkipped)
			// A refusal no no-op explains is Okta's answer, not sent twice.
			env.hook.refuse(status, status)
			ctx, _ := gpCtx()
			_, err := env.p.PatchGroup(ctx, gid, []PatchOp{membersOp("add", ids[3:])})
			if e := pvAsError(t, err); e.Status != status || env.hook.sent()-before != 3 {
				t.Fatalf("refused real change: %v after %d PATCHes, want %d after 3", err, env.hook.sent()-before, status)
			}
			env.wantMembers(t, gid, ids[:3], "after a refused PATCH")
		})
	}
}

// A full push of [] to a group that is gone answers 404, whichever way the
// members are read: the SCIM filter alone cannot tell "no members" from "no
// group", so it checks.
func TestFullPushToMissingGroupIs404(t *testing.T) {
	for _, withIS := range []bool{true, false} {
		t.Run(fmt.Sprintf("identitystore=%v", withIS), func(t *testing.T) {
			env := gpNew(t, withIS)
			gid := env.create(t, "Gone", env.users(t, 1))
			ctx, _ := gpCtx()
			if err := env.p.DeleteGroup(ctx, gid); err != nil {
				t.Fatal(err)
			}
			for _, members := range [][]string{{}, env.users(t, 1)} {
				_, err := env.p.PatchGroup(ctx, gid, []PatchOp{membersOp("replace", members)})
				if e := pvAsError(t, err); e.Status != http.StatusNotFound {
					t.Fatalf("push of %d members to a deleted group: %v, want 404", len(members), err)
				}
			}
		})
	}
}

// A push of a group Identity Center already has (made by hand, or a race
// with the lookup) keeps AWS's 409 and tells the admin what to do.
func TestCreateDuplicateGroupSays409AndHow(t *testing.T) {
	env := gpNew(t, false)
	env.create(t, "Twice", nil)
	ctx, _ := gpCtx()
	_, err := env.p.CreateGroup(ctx, Resource{"displayName": "Twice", "members": []any{}})
	e := pvAsError(t, err)
	if e.Status != http.StatusConflict || !strings.Contains(e.Detail, "duplicate") || !strings.Contains(e.Detail, "Push Groups tab") {
		t.Fatalf("duplicate create: %d %q", e.Status, e.Detail)
	}
	if n := len(env.emu.Store().Groups()); n != 1 {
		t.Fatalf("%d groups stored, want 1", n)
	}
}
