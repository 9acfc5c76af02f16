package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/scim-bridge/scim-bridge/internal/syncbuf"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// fakeUsers is a small in-memory identitycenter.Users for the handler-mapping
// tests only: it records what reached it, so tests can assert that bad input
// did not. The end-to-end suite runs against the real Provisioner.
type fakeUsers struct {
	mu    sync.Mutex
	users map[string]identitycenter.Resource
	order []string
	calls []string
	last  any   // the last attrs / ops / query received
	fail  error // returned by every call when set
}

func newFakeUsers() *fakeUsers { return &fakeUsers{users: map[string]identitycenter.Resource{}} }

func (f *fakeUsers) record(call string, arg any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	f.last = arg
	return f.fail
}

func (f *fakeUsers) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeUsers) Last() any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func (f *fakeUsers) add(userName string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("9067729b-3d-%04d", len(f.order)+1)
	f.users[id] = identitycenter.Resource{
		"id": id, "userName": userName, "active": true,
		"name":   map[string]any{"givenName": "Given", "familyName": "Family"},
		"emails": []any{map[string]any{"value": userName, "type": "work", "primary": true}},
		"meta":   map[string]any{"resourceType": "User", "created": "2026-01-02T03:04:05Z", "lastModified": "2026-01-02T03:04:05Z"},
	}
	f.order = append(f.order, id)
	return id
}

func notFound(id string) error {
	return &identitycenter.Error{Status: 404, Detail: fmt.Sprintf("Resource %s not found.", id), Upstream: true}
}

func clone(r identitycenter.Resource) identitycenter.Resource {
	raw, _ := json.Marshal(r)
	var out identitycenter.Resource
	_ = json.Unmarshal(raw, &out)
	return out
}

func (f *fakeUsers) CreateUser(_ context.Context, attrs identitycenter.Resource) (identitycenter.Resource, error) {
	if err := f.record("CreateUser", attrs); err != nil {
		return nil, err
	}
	name, _ := attrs["userName"].(string)
	f.mu.Lock()
	for _, u := range f.users {
		if u["userName"] == name {
			f.mu.Unlock()
			return nil, &identitycenter.Error{Status: 409, ScimType: "uniqueness", Detail: "Refused to create a new, duplicate resource.", Upstream: true}
		}
	}
	f.mu.Unlock()
	id := f.add(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	u := clone(attrs)
	delete(u, "password")
	u["id"] = id
	u["meta"] = f.users[id]["meta"]
	f.users[id] = u
	return clone(u), nil
}

func (f *fakeUsers) GetUser(_ context.Context, id string) (identitycenter.Resource, error) {
	if err := f.record("GetUser", id); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok {
		return nil, notFound(id)
	}
	return clone(u), nil
}

func (f *fakeUsers) ReplaceUser(_ context.Context, id string, attrs identitycenter.Resource) (identitycenter.Resource, error) {
	if err := f.record("ReplaceUser", attrs); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	old, ok := f.users[id]
	if !ok {
		return nil, notFound(id)
	}
	u := clone(attrs)
	delete(u, "password")
	u["id"] = id
	u["meta"] = old["meta"]
	f.users[id] = u
	return clone(u), nil
}

func (f *fakeUsers) PatchUser(_ context.Context, id string, ops []identitycenter.PatchOp) (identitycenter.Resource, error) {
	if err := f.record("PatchUser", ops); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok {
		return nil, notFound(id)
	}
	for _, op := range ops {
		if m, ok := op.Value.(map[string]any); ok && op.Path == "" {
			for k, v := range m {
				u[k] = v
			}
		} else if op.Path != "" {
			u[op.Path] = op.Value
		}
	}
	return clone(u), nil
}

func (f *fakeUsers) DeleteUser(_ context.Context, id string) error {
	if err := f.record("DeleteUser", id); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.users[id]; !ok {
		return notFound(id)
	}
	delete(f.users, id)
	return nil
}

func (f *fakeUsers) ListUsers(_ context.Context, q identitycenter.ListQuery) (identitycenter.ListResult, error) {
	if err := f.record("ListUsers", q); err != nil {
		return identitycenter.ListResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var match []identitycenter.Resource
	for _, id := range f.order {
		u, ok := f.users[id]
		if !ok {
			continue
		}
		keep := true
		for _, t := range q.Filter {
			if fmt.Sprint(u[t.Attr]) != t.Value {
				keep = false
			}
		}
		if keep {
			match = append(match, clone(u))
		}
	}
	start := max(q.StartIndex, 1)
	res := identitycenter.ListResult{TotalResults: len(match), StartIndex: start}
	if start-1 < len(match) {
		end := min(start-1+q.Count, len(match))
		res.Resources = match[start-1 : end]
	}
	return res, nil
}

type syncBuffer struct{ syncbuf.Buffer }

// lines decodes the JSON log lines.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

const testToken = "okta-token-0123456789abcdef"

type testEnv struct {
	srv   *httptest.Server
	users *fakeUsers
	log   *syncBuffer
}

func newEnv(t *testing.T, cfg Config) *testEnv {
	t.Helper()
	env := &testEnv{log: &syncBuffer{}}
	if cfg.Users == nil {
		env.users = newFakeUsers()
		cfg.Users = env.users
	}
	if cfg.Tokens == nil {
		cfg.Tokens = func() []string { return []string{testToken} }
	}
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(env.log), zapcore.DebugLevel)
	cfg.Logger = zap.New(core)
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	env.srv = httptest.NewServer(h)
	t.Cleanup(env.srv.Close)
	return env
}

type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// do sends an Okta-shaped request (okta-scim-client.md §3 headers).
func (e *testEnv) do(t *testing.T, method, path, body string, hdr ...string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/scim+json")
	req.Header.Set("User-Agent", "Okta SCIM Client 1.0.0")
	req.Header.Set("Authorization", "Bearer "+testToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	return sendReply(t, e.srv.Client(), req)
}

// sendReply sends req and reads the reply; a non-empty body must be a JSON
// object, as every SCIM answer is.
func sendReply(t *testing.T, c *http.Client, req *http.Request) reply {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: body is not a JSON object: %.300q", req.Method, req.URL.Path, raw)
		}
	}
	return r
}

// wantSCIMError checks the RFC 7644 §3.12 shape Okta's SPEC suite asserts.
func wantSCIMError(t *testing.T, r reply, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.raw)
	}
	schemas, _ := r.body["schemas"].([]any)
	if len(schemas) != 1 || schemas[0] != errorSchema {
		t.Errorf("schemas = %v, want [%s]", r.body["schemas"], errorSchema)
	}
	if r.body["status"] != fmt.Sprint(status) {
		t.Errorf("status field = %#v, want the string %q", r.body["status"], fmt.Sprint(status))
	}
	if d, _ := r.body["detail"].(string); strings.TrimSpace(d) == "" {
		t.Errorf("detail is empty: %s", r.raw)
	}
}

func detail(r reply) string {
	d, _ := r.body["detail"].(string)
	return d
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
