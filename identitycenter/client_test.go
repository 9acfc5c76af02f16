package identitycenter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// clClock is an injected clock: sleep records the wait and advances now, so
// tests assert the waits the client chose, never wall time.
type clClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func (k *clClock) now() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.t
}

func (k *clClock) sleep(ctx context.Context, d time.Duration) error {
	k.mu.Lock()
	k.waits = append(k.waits, d)
	k.t = k.t.Add(d)
	k.mu.Unlock()
	return ctx.Err()
}

func (k *clClock) slept() []time.Duration {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]time.Duration(nil), k.waits...)
}

// clStart is where every injected clock starts.
var clStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// clNewClient returns a client for base with an injected clock and a jitter
// that always picks the top of the range, so waits are predictable.
func clNewClient(t *testing.T, base string, token string, p RetryPolicy) (*Client, *clClock) {
	t.Helper()
	c, err := NewClient(ClientConfig{BaseURL: base, Token: func() string { return token }, Retry: p})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	k := &clClock{t: clStart}
	c.now, c.sleep = k.now, k.sleep
	c.jitter = func(max time.Duration) time.Duration { return max }
	return c, k
}

// clCtx returns a context carrying a fresh request record.
func clCtx() (context.Context, *reqlog.Entry) {
	e := &reqlog.Entry{}
	return reqlog.NewContext(context.Background(), e), e
}

// clAWSError writes an error as Identity Center does (identity-center-scim.md §6).
func clAWSError(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", "req-"+fmt.Sprint(status))
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"schema":["urn:ietf:params:scim:api:messages:2.0:Error"],"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":%q,"status":"%d","exceptionRequestId":"ex-1","timeStamp":"2022-03-18 10:57:08.014"}`, detail, status)
}

// clDrop closes the connection without an answer.
func clDrop(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	conn.Close()
}

// clAsError extracts the *Error a client call must return.
func clAsError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *identitycenter.Error", err, err)
	}
	return e
}

func clOnlyUpstream(t *testing.T, e *reqlog.Entry) reqlog.UpstreamCall {
	t.Helper()
	r := e.Snapshot()
	if len(r.Upstream) != 1 {
		t.Fatalf("recorded %d upstream calls, want 1: %+v", len(r.Upstream), r.Upstream)
	}
	return r.Upstream[0]
}

func TestListSendsBareCursorFirstAndEscapedFilter(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Clone(context.Background()))
		mu.Unlock()
		if r.URL.Query().Get("cursor") == "" {
			fmt.Fprint(w, `{"itemsPerPage":1,"nextCursor":"Ab+/=:_-9","Resources":[{"id":"u1","userName":"a"}]}`)
			return
		}
		fmt.Fprint(w, `{"itemsPerPage":1,"Resources":[{"id":"u2","userName":"b"}]}`)
	}))
	defer srv.Close()
	c, _ := clNewClient(t, srv.URL+"/tenant/scim/v2/", "tok", RetryPolicy{})
	ctx, entry := clCtx()

	filter := []Eq{{Attr: "userName", Value: `we"ird\name`}, {Attr: "externalId", Value: "x y+z"}}
	p1, err := c.ListUsers(ctx, filter, "", 0)
	if err != nil {
		t.Fatalf("first page: %v", err)
	}
	if len(p1.Resources) != 1 || p1.Resources[0]["id"] != "u1" || p1.NextCursor != "Ab+/=:_-9" {
		t.Fatalf("first page = %+v", p1)
	}
	p2, err := c.ListUsers(ctx, nil, p1.NextCursor, 500)
	if err != nil {
		t.Fatalf("second page: %v", err)
	}
	if len(p2.Resources) != 1 || p2.NextCursor != "" {
		t.Fatalf("second page = %+v", p2)
	}
	if _, err := c.ListGroups(ctx, nil, "", 7); err != nil {
		t.Fatalf("groups: %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	first := got[0]
	if first.URL.Path != "/tenant/scim/v2/Users" {
		t.Errorf("path = %q, want /tenant/scim/v2/Users", first.URL.Path)
	}
	if !strings.HasPrefix(first.URL.RawQuery, "cursor&") {
		t.Errorf("first page query %q: want a bare cursor first (identity-center-scim.md §3)", first.URL.RawQuery)
	}
	if v, ok := first.URL.Query()["cursor"]; !ok || len(v) != 1 || v[0] != "" {
		t.Errorf("first page cursor = %v, %v; want present and empty", v, ok)
	}
	if f := first.URL.Query().Get("filter"); f != `userName eq "we\"ird\\name" and externalId eq "x y+z"` {
		t.Errorf("filter on the wire = %q", f)
	}
	if strings.Contains(first.URL.RawQuery, "+") {
		t.Errorf("raw query %q: spaces must be %%20 and '+' must be escaped", first.URL.RawQuery)
	}
	if n := first.URL.Query().Get("count"); n != "100" {
		t.Errorf("count 0 sent as %q, want 100", n)
	}
	second := got[1]
	if cur := second.URL.Query().Get("cursor"); cur != "Ab+/=:_-9" {
		t.Errorf("second page cursor = %q, want the nextCursor unchanged", cur)
	}
	if n := second.URL.Query().Get("count"); n != "100" {
		t.Errorf("count 500 sent as %q, want clamped to 100", n)
	}
	if got[2].URL.Path != "/tenant/scim/v2/Groups" || got[2].URL.Query().Get("count") != "7" {
		t.Errorf("groups request = %s", got[2].URL)
	}
	if h := first.Header.Get("Authorization"); h != "Bearer tok" {
		t.Errorf("Authorization = %q", h)
	}
	rec := entry.Snapshot()
	if len(rec.Upstream) != 3 || !strings.HasPrefix(rec.Upstream[0].Path, "/Users?cursor&count=100&filter=") || rec.Upstream[0].Status != 200 {
		t.Errorf("reqlog = %+v", rec.Upstream)
	}
}

func TestListRefusesFilterAttributeInjection(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++ }))
	defer srv.Close()
	c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	_, err := c.ListUsers(context.Background(), []Eq{{Attr: `userName pr or id`, Value: "x"}}, "", 10)
	if e := clAsError(t, err); e.Status != 400 || e.ScimType != "invalidFilter" {
		t.Errorf("error = %+v, want 400 invalidFilter", e)
	}
	if calls != 0 {
		t.Errorf("a bad filter reached the server")
	}
}

func TestListStuckCursorIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"nextCursor":"same","Resources":[]}`)
	}))
	defer srv.Close()
	c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	_, err := c.ListGroups(context.Background(), nil, "same", 100)
	if e := clAsError(t, err); e.Status != http.StatusBadGateway {
		t.Errorf("error = %+v, want 502", e)
	}
}

func TestTokenReadOnEveryAttempt(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		n := len(seen)
		mu.Unlock()
		if n == 1 {
			clAWSError(w, 500, "Internal")
			return
		}
		fmt.Fprint(w, `{"id":"u1"}`)
	}))
	defer srv.Close()
	c, _ := clNewClient(t, srv.URL, "", RetryPolicy{})
	var tmu sync.Mutex
	gen := 0
	c.token = func() string {
		tmu.Lock()
		defer tmu.Unlock()
		gen++
		return fmt.Sprintf("token-%d", gen)
	}
	if _, err := c.GetUser(context.Background(), "u1"); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] != "Bearer token-1" || seen[1] != "Bearer token-2" {
		t.Errorf("Authorization per attempt = %q, want the rotated token on the retry", seen)
	}
}

func TestEmptyTokenIsNotSent(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++ }))
	defer srv.Close()
	c, _ := clNewClient(t, srv.URL, "", RetryPolicy{})
	err := c.Ping(context.Background())
	if e := clAsError(t, err); e.Status != http.StatusBadGateway || !strings.Contains(e.Detail, "no Identity Center token") {
		t.Errorf("error = %+v", e)
	}
	if calls != 0 {
		t.Errorf("request sent without a token")
	}
}

func TestUpstream401BecomesBadGatewayAndTokenNeverLogged(t *testing.T) {
	const secret = "AAAAsecret-token+/=="
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		clAWSError(w, http.StatusUnauthorized, "Unauthorized")
	}))
	defer srv.Close()
	c, _ := clNewClient(t, srv.URL+"/t/scim/v2", secret, RetryPolicy{})
	ctx, entry := clCtx()
	_, err := c.CreateUser(ctx, Resource{"userName": "a@example.com"})
	e := clAsError(t, err)
	if e.Status != http.StatusBadGateway || !e.Upstream || !strings.HasPrefix(e.Detail, DetailTokenRejected) {
		t.Errorf("error = %+v, want 502 with the token-rejected detail (identity-center-scim.md §12.2)", e)
	}
	if calls != 1 {
		t.Errorf("401 retried: %d calls", calls)
	}
	rec := entry.Snapshot()
	b, _ := json.Marshal(rec)
	if strings.Contains(string(b), secret) || strings.Contains(err.Error(), secret) {
		t.Errorf("token leaked: %s / %v", b, err)
	}
	if len(rec.Upstream) != 1 || rec.Upstream[0].Status != 401 || !strings.Contains(rec.Upstream[0].Err, "req-401") {
		t.Errorf("reqlog = %+v, want status 401 and AWS's request id", rec.Upstream)
	}
}

func TestGetMissingIs404WithAWSDetail(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clAWSError(w, 404, "User not found")
	}))
	defer srv.Close()
	c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	_, err := c.GetUser(context.Background(), "nope")
	if e := clAsError(t, err); e.Status != 404 || e.Detail != "User not found" || !e.Upstream {
		t.Errorf("error = %+v", e)
	}
	_, err = c.GetGroup(context.Background(), "..")
	if e := clAsError(t, err); e.Status != 404 || e.Upstream {
		t.Errorf("dot id: error = %+v, want a local 404", e)
	}
}

func TestPatchUserReadsBackOn204(t *testing.T) {
	var mu sync.Mutex
	var methods []string
	var patchBody map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		methods = append(methods, r.Method+" "+r.URL.Path)
		mu.Unlock()
		switch r.Method {
		case http.MethodPatch:
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &patchBody)
			w.WriteHeader(http.StatusNoContent)
		case http.MethodGet:
			fmt.Fprint(w, `{"id":"u1","active":false}`)
		}
	}))
	defer srv.Close()
	c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	u, err := c.PatchUser(context.Background(), "u1", []PatchOp{{Op: "replace", Path: "active", Value: false}})
	if err != nil {
		t.Fatal(err)
	}
	if u["active"] != false || u["id"] != "u1" {
		t.Errorf("PatchUser = %v", u)
	}
	if len(methods) != 2 || methods[0] != "PATCH /Users/u1" || methods[1] != "GET /Users/u1" {
		t.Errorf("requests = %q", methods)
	}
	ops, _ := patchBody["Operations"].([]any)
	if len(ops) != 1 || patchBody["schemas"] == nil {
		t.Errorf("PATCH body = %v", patchBody)
	}
	if op0, _ := ops[0].(map[string]any); op0["value"] != false {
		t.Errorf("op value false was dropped: %v", op0)
	}
}

func TestPatchGroupAccepts200And204(t *testing.T) {
	for _, status := range []int{200, 204} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			if status == 200 {
				fmt.Fprint(w, `{"id":"g1"}`)
			}
		}))
		c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{})
		if err := c.PatchGroup(context.Background(), "g1", []PatchOp{{Op: "add", Path: "members", Value: []any{map[string]any{"value": "u1"}}}}); err != nil {
			t.Errorf("status %d: %v", status, err)
		}
		srv.Close()
	}
}

func TestPingIsOneAttempt(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.URL.Path != "/t/scim/v2/ServiceProviderConfig" {
			t.Errorf("ping path = %q", r.URL.Path)
		}
		clAWSError(w, 503, "Service Unavailable")
	}))
	defer srv.Close()
	c, k := clNewClient(t, srv.URL+"/t/scim/v2/", "tok", RetryPolicy{})
	err := c.Ping(context.Background())
	if e := clAsError(t, err); e.Status != http.StatusBadGateway {
		t.Errorf("error = %+v", e)
	}
	if calls != 1 || len(k.slept()) != 0 {
		t.Errorf("ping made %d attempts and slept %v", calls, k.slept())
	}
}

func TestNewClientRejectsBadConfig(t *testing.T) {
	if _, err := NewClient(ClientConfig{BaseURL: "http://x", Token: nil}); err == nil {
		t.Error("nil token source accepted")
	}
	if _, err := NewClient(ClientConfig{BaseURL: "x/scim/v2", Token: func() string { return "t" }}); err == nil {
		t.Error("schemeless URL accepted")
	}
	c, err := NewClient(ClientConfig{BaseURL: "http://x/t/scim/v2/", Token: func() string { return "t" }})
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "http://x/t/scim/v2" {
		t.Errorf("BaseURL = %q", c.BaseURL())
	}
	want := RetryPolicy{MaxAttempts: 8, BaseDelay: 200 * time.Millisecond, MaxDelay: 10 * time.Second, Budget: 25 * time.Second, AttemptTimeout: 10 * time.Second}
	if c.retry != want {
		t.Errorf("defaults = %+v, want %+v", c.retry, want)
	}
}

// clIC is a small Identity Center stand-in for create and delete tests: one
// collection with a unique key, `key eq "v"` lookups, and hooks that let a
// test make an attempt fail after (or before) it was applied.
type clIC struct {
	t          *testing.T
	collection string // "Users" or "Groups"
	key        string // "userName" or "displayName"

	mu      sync.Mutex
	items   []Resource
	posts   int
	lookups int
	deletes int
	// onPost runs after a POST was applied (created is nil on a 409); it
	// returns true when it has answered (or dropped) the request itself.
	onPost func(n int, w http.ResponseWriter, r *http.Request, created Resource) bool
	// beforePost, when set, decides whether POST n is applied at all.
	applyPost func(n int) bool
	// afterLookup runs after a lookup was answered.
	afterLookup func(n int)
	onDelete    func(n int, w http.ResponseWriter, r *http.Request) bool
}

func (s *clIC) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.items)
}

func (s *clIC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	base := "/t/scim/v2/" + s.collection
	switch {
	case r.Method == http.MethodPost && r.URL.Path == base:
		var in Resource
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			clAWSError(w, 400, "Request is unparsable, syntactically incorrect, or violates schema.")
			return
		}
		s.mu.Lock()
		s.posts++
		n := s.posts
		var created Resource
		dup := false
		for _, it := range s.items {
			if strings.EqualFold(it[s.key].(string), in[s.key].(string)) {
				dup = true
			}
		}
		if !dup && (s.applyPost == nil || s.applyPost(n)) {
			created = Resource{"id": fmt.Sprintf("id-%d", len(s.items)+1)}
			for k, v := range in {
				created[k] = v
			}
			s.items = append(s.items, created)
		}
		s.mu.Unlock()
		if s.onPost != nil && s.onPost(n, w, r, created) {
			return
		}
		if dup {
			// identity-center-scim.md §4: "A duplicate gets 409 with
			// "Refused to create a new, duplicate resource.""
			clAWSError(w, 409, "Refused to create a new, duplicate resource.")
			return
		}
		w.WriteHeader(201)
		_ = json.NewEncoder(w).Encode(created)
	case r.Method == http.MethodGet && r.URL.Path == base:
		f := r.URL.Query().Get("filter")
		prefix := s.key + ` eq "`
		if !strings.HasPrefix(f, prefix) || r.URL.Query()["cursor"] == nil {
			s.t.Errorf("lookup %q: want a cursor-mode %s eq filter", r.URL.RawQuery, s.key)
		}
		want := strings.TrimSuffix(strings.TrimPrefix(f, prefix), `"`)
		s.mu.Lock()
		s.lookups++
		n := s.lookups
		res := []Resource{}
		for _, it := range s.items {
			if strings.EqualFold(it[s.key].(string), want) {
				res = append(res, it)
			}
		}
		s.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"itemsPerPage": len(res), "Resources": res})
		if s.afterLookup != nil {
			s.afterLookup(n)
		}
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, base+"/"):
		id := strings.TrimPrefix(r.URL.Path, base+"/")
		s.mu.Lock()
		s.deletes++
		n := s.deletes
		found := false
		for i, it := range s.items {
			if it["id"] == id {
				s.items = append(s.items[:i], s.items[i+1:]...)
				found = true
				break
			}
		}
		s.mu.Unlock()
		if s.onDelete != nil && s.onDelete(n, w, r) {
			return
		}
		if !found {
			clAWSError(w, 404, "Resource not found")
			return
		}
		w.WriteHeader(204)
	default:
		s.t.Errorf("unexpected %s %s", r.Method, r.URL)
		clAWSError(w, 400, "unsupported")
	}
}

func clICServer(t *testing.T, s *clIC) string {
	s.t = t
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL + "/t/scim/v2"
}

func TestCreateUserTimeoutAfterApplyReturnsTheCreatedUser(t *testing.T) {
	ic := &clIC{collection: "Users", key: "userName"}
	ic.onPost = func(n int, w http.ResponseWriter, r *http.Request, created Resource) bool {
		if n == 1 {
			<-r.Context().Done() // applied, but the answer never arrives in time
			return true
		}
		return false
	}
	c, _ := clNewClient(t, clICServer(t, ic), "tok", RetryPolicy{AttemptTimeout: time.Second})
	ctx, entry := clCtx()
	u, err := c.CreateUser(ctx, Resource{"userName": "ann@example.com", "externalId": "okta-1", "displayName": "Ann"})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if u["id"] != "id-1" || u["userName"] != "ann@example.com" {
		t.Errorf("CreateUser = %v, want the user the timed-out POST created", u)
	}
	if ic.count() != 1 || ic.posts != 1 || ic.lookups != 1 {
		t.Errorf("users %d, posts %d, lookups %d; want exactly one user, no second POST", ic.count(), ic.posts, ic.lookups)
	}
	rec := entry.Snapshot()
	if len(rec.Upstream) != 2 {
		t.Fatalf("upstream = %+v", rec.Upstream)
	}
	lookup, post := rec.Upstream[0], rec.Upstream[1]
	if lookup.Method != "GET" || !strings.Contains(lookup.Path, "filter=userName%20eq%20%22ann%40example.com%22") {
		t.Errorf("lookup record = %+v", lookup)
	}
	if post.Method != "POST" || post.Attempts != 1 || !reflect.DeepEqual(post.RetryCauses, []string{"network"}) || post.Err != "" {
		t.Errorf("POST record = %+v", post)
	}
	if !reflect.DeepEqual(rec.Fallbacks, []string{"create_confirmed_by_lookup"}) {
		t.Errorf("fallbacks = %v", rec.Fallbacks)
	}
}

func TestCreateUser5xxNotAppliedIsRetried(t *testing.T) {
	ic := &clIC{collection: "Users", key: "userName"}
	ic.applyPost = func(n int) bool { return n > 1 }
	ic.onPost = func(n int, w http.ResponseWriter, r *http.Request, created Resource) bool {
		if n == 1 {
			clAWSError(w, 500, "InternalServerException")
			return true
		}
		return false
	}
	c, _ := clNewClient(t, clICServer(t, ic), "tok", RetryPolicy{})
	u, err := c.CreateUser(context.Background(), Resource{"userName": "bob", "externalId": "okta-2"})
	if err != nil || u["id"] != "id-1" {
		t.Fatalf("CreateUser = %v, %v", u, err)
	}
	if ic.count() != 1 || ic.posts != 2 || ic.lookups != 1 {
		t.Errorf("users %d, posts %d, lookups %d", ic.count(), ic.posts, ic.lookups)
	}
}

func TestCreateUser409AfterAmbiguousAttemptIsOurOwnUser(t *testing.T) {
	ic := &clIC{collection: "Users", key: "userName"}
	var pending Resource
	ic.applyPost = func(n int) bool { return n > 1 }
	ic.onPost = func(n int, w http.ResponseWriter, r *http.Request, created Resource) bool {
		if n == 1 {
			clDrop(t, w)
			return true
		}
		return false
	}
	// The first POST lands only after the lookup has looked: the lookup
	// misses it, and the retried POST gets 409.
	ic.afterLookup = func(n int) {
		if n == 1 {
			ic.mu.Lock()
			pending = Resource{"id": "late-1", "userName": "cy", "externalId": "okta-3"}
			ic.items = append(ic.items, pending)
			ic.mu.Unlock()
		}
	}
	c, _ := clNewClient(t, clICServer(t, ic), "tok", RetryPolicy{})
	ctx, entry := clCtx()
	u, err := c.CreateUser(ctx, Resource{"userName": "cy", "externalId": "okta-3"})
	if err != nil || u["id"] != "late-1" {
		t.Fatalf("CreateUser = %v, %v; want the user the first attempt created", u, err)
	}
	if ic.count() != 1 || ic.posts != 2 || ic.lookups != 2 {
		t.Errorf("users %d, posts %d, lookups %d", ic.count(), ic.posts, ic.lookups)
	}
	var post *reqlog.UpstreamCall
	for _, up := range entry.Snapshot().Upstream {
		if up.Method == "POST" {
			post = &up
		}
	}
	if post == nil || post.Attempts != 2 || post.Status != 409 || !reflect.DeepEqual(post.RetryCauses, []string{"network"}) {
		t.Errorf("POST record = %+v", post)
	}
}

func TestCreateUserGenuineDuplicateIs409(t *testing.T) {
	ic := &clIC{collection: "Users", key: "userName", items: []Resource{{"id": "old", "userName": "dee", "externalId": "okta-4"}}}
	c, _ := clNewClient(t, clICServer(t, ic), "tok", RetryPolicy{})
	_, err := c.CreateUser(context.Background(), Resource{"userName": "dee", "externalId": "okta-4"})
	e := clAsError(t, err)
	if e.Status != 409 || e.ScimType != "uniqueness" || e.Detail != "Refused to create a new, duplicate resource." || !e.Upstream {
		t.Errorf("error = %+v, want AWS's 409 (Okta's suite requires 409 on a duplicate POST)", e)
	}
	if ic.lookups != 0 || ic.posts != 1 {
		t.Errorf("posts %d, lookups %d: a first-attempt 409 needs no lookup", ic.posts, ic.lookups)
	}
}

func TestCreateUserAmbiguousThenSomeoneElsesDuplicateIs409(t *testing.T) {
	ic := &clIC{collection: "Users", key: "userName"}
	ic.onPost = func(n int, w http.ResponseWriter, r *http.Request, created Resource) bool {
		if n == 1 {
			clAWSError(w, 503, "busy")
			return true
		}
		return false
	}
	ic.applyPost = func(n int) bool { return n > 1 }
	ic.afterLookup = func(n int) {
		if n == 1 { // another writer takes the userName with another externalId
			ic.mu.Lock()
			ic.items = append(ic.items, Resource{"id": "other", "userName": "eve", "externalId": "someone-else"})
			ic.mu.Unlock()
		}
	}
	c, _ := clNewClient(t, clICServer(t, ic), "tok", RetryPolicy{})
	_, err := c.CreateUser(context.Background(), Resource{"userName": "eve", "externalId": "okta-5"})
	if e := clAsError(t, err); e.Status != 409 {
		t.Errorf("error = %+v, want 409: the existing user is not the one sent", e)
	}
	if ic.lookups != 2 {
		t.Errorf("lookups %d, want 2 (after the 503 and after the 409)", ic.lookups)
	}
}

func TestCreateUser429IsRetriedWithoutLookup(t *testing.T) {
	ic := &clIC{collection: "Users", key: "userName"}
	ic.applyPost = func(n int) bool { return n > 1 }
	ic.onPost = func(n int, w http.ResponseWriter, r *http.Request, created Resource) bool {
		if n == 1 {
			clAWSError(w, 429, "ThrottlingException")
			return true
		}
		return false
	}
	c, _ := clNewClient(t, clICServer(t, ic), "tok", RetryPolicy{})
	u, err := c.CreateUser(context.Background(), Resource{"userName": "fay"})
	if err != nil || u["id"] != "id-1" {
		t.Fatalf("CreateUser = %v, %v", u, err)
	}
	if ic.posts != 2 || ic.lookups != 0 {
		t.Errorf("posts %d, lookups %d: a 429 applied nothing and needs no lookup", ic.posts, ic.lookups)
	}
}

func TestCreateGroupTimeoutAfterApplyLooksUpByDisplayName(t *testing.T) {
	ic := &clIC{collection: "Groups", key: "displayName"}
	ic.onPost = func(n int, w http.ResponseWriter, r *http.Request, created Resource) bool {
		if n == 1 {
			<-r.Context().Done()
			return true
		}
		return false
	}
	c, _ := clNewClient(t, clICServer(t, ic), "tok", RetryPolicy{AttemptTimeout: time.Second})
	g, err := c.CreateGroup(context.Background(), Resource{"displayName": "Engineers", "externalId": "okta-g1"})
	if err != nil || g["id"] != "id-1" {
		t.Fatalf("CreateGroup = %v, %v", g, err)
	}
	if ic.count() != 1 || ic.posts != 1 || ic.lookups != 1 {
		t.Errorf("groups %d, posts %d, lookups %d", ic.count(), ic.posts, ic.lookups)
	}
}

func TestDelete404AfterAmbiguousAttemptSucceeds(t *testing.T) {
	ic := &clIC{collection: "Users", key: "userName", items: []Resource{{"id": "u9", "userName": "gus"}}}
	ic.onDelete = func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n == 1 {
			clDrop(t, w) // deleted, answer lost
			return true
		}
		return false
	}
	c, _ := clNewClient(t, clICServer(t, ic), "tok", RetryPolicy{})
	ctx, entry := clCtx()
	if err := c.DeleteUser(ctx, "u9"); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	rec := entry.Snapshot()
	if ic.count() != 0 || ic.deletes != 2 || len(rec.Upstream) != 1 || rec.Upstream[0].Status != 404 {
		t.Errorf("users %d, deletes %d, reqlog %+v", ic.count(), ic.deletes, rec.Upstream)
	}
	// Without an ambiguous attempt, a 404 is a 404.
	err := c.DeleteUser(context.Background(), "u9")
	if e := clAsError(t, err); e.Status != 404 {
		t.Errorf("second delete: %+v, want 404", e)
	}
}
