package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

// The fuzz targets drive the real inbound handler, the real Provisioner and
// Client, and the Identity Center emulator with arbitrary bodies, PATCH
// operations and filters. On any input:
//   - no panic and no 5xx (the emulator injects no faults, so a 5xx is a bug);
//   - every 4xx is a SCIM error body (RFC 7644 §3.12) with a detail;
//   - a 4xx changes nothing in Identity Center (404 and 409 excepted: a
//     multi-request PATCH may have applied its first part, see
//     identitycenter.partial), and sends it no write at all unless the
//     write itself was refused for the directory's state;
//   - Identity Center refuses nothing the bridge sends, except for the
//     directory's state: no such resource, a duplicate, a member that is
//     not a user (the emulator names its rule on every refusal). Anything
//     else means bad input got past the bridge's checks.
//
// The malformed-request table holds inputs that must see no call at all.
//
// Run one at a time, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzInboundBody$' -fuzztime 3m ./scim/
//
// Interesting inputs are kept in testdata/fuzz/.

const fuzzUpstreamToken = "emulator-token-for-fuzzing"

// fuzzEnv is one handler over one Provisioner whose Client reaches the
// current emulator in-process; each input gets a fresh emulator.
type fuzzEnv struct {
	h   http.Handler
	emu atomic.Pointer[emulator.Emulator]
	// refused lists Identity Center's refusals since the last send.
	refused []string
}

// stateRules are the emulator's refusals that depend on the directory's
// contents, which the bridge cannot know without asking.
var stateRules = map[string]bool{
	string(emulator.RuleUserUnique):       true,
	string(emulator.RuleGroupUnique):      true,
	string(emulator.RuleMembersUsersOnly): true,
}

// emuTransport serves the Client's requests with the current emulator,
// without a socket, so the fuzzer spends its time on the bridge.
type emuTransport struct{ env *fuzzEnv }

func (t emuTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var sent []byte
	if r.Body != nil {
		sent, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(sent))
	}
	rec := httptest.NewRecorder()
	t.env.emu.Load().ServeHTTP(rec, r)
	rule := rec.Header().Get(emulator.RuleHeader)
	if rec.Code >= 400 && rec.Code != http.StatusNotFound && !stateRules[rule] {
		t.env.refused = append(t.env.refused, fmt.Sprintf("%s %s → %d (%s) %s", r.Method, r.URL.Path, rec.Code, rule, rec.Body))
	}
	return rec.Result(), nil
}

func newFuzzEnv(f *testing.F) *fuzzEnv {
	env := &fuzzEnv{}
	client, err := identitycenter.NewClient(identitycenter.ClientConfig{
		BaseURL:    "http://emulator.invalid/t-fuzz/scim/v2",
		Token:      func() string { return fuzzUpstreamToken },
		HTTPClient: &http.Client{Transport: emuTransport{env}},
	})
	if err != nil {
		f.Fatal(err)
	}
	p := identitycenter.NewProvisioner(identitycenter.ProvisionerConfig{Client: client})
	env.h, err = NewHandler(Config{Users: p, Groups: p, Tokens: func() []string { return []string{testToken} }, Logger: zap.NewNop()})
	if err != nil {
		f.Fatal(err)
	}
	return env
}

// reset installs an empty emulator holding one user and one group (with the
// user as member) and returns their ids, so PUT and PATCH have targets.
func (env *fuzzEnv) reset(t *testing.T) (userID, groupID string) {
	e, err := emulator.New(emulator.Options{Tenant: "t-fuzz", Tokens: []string{fuzzUpstreamToken}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.Store().CreateUser(map[string]any{
		"userName": "jane@example.com", "displayName": "Jane Doe", "active": true,
		"name":   map[string]any{"givenName": "Jane", "familyName": "Doe"},
		"emails": []any{map[string]any{"value": "jane@example.com", "type": "work", "primary": true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Store().CreateGroup("Engineering", "", []string{u.ID})
	if err != nil {
		t.Fatal(err)
	}
	env.emu.Store(e)
	return u.ID, g.ID
}

// send makes one request and checks the contract above.
func (env *fuzzEnv) send(t *testing.T, method, target, body string) {
	t.Helper()
	emu := env.emu.Load()
	before, state := emu.Stats(), snapshot(emu)
	env.refused = nil
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	rec := httptest.NewRecorder()
	env.h.ServeHTTP(rec, req)
	writes := writesSince(before, emu.Stats())
	if rec.Code >= 500 {
		t.Fatalf("%s %s %q: %d %s", method, target, body, rec.Code, rec.Body)
	}
	if len(env.refused) > 0 {
		t.Fatalf("%s %s %q: answered %d, but Identity Center refused what the bridge sent:\n%s", method, target, body, rec.Code, strings.Join(env.refused, "\n"))
	}
	if rec.Code < 400 {
		return
	}
	var e struct {
		Schemas []string `json:"schemas"`
		Status  string   `json:"status"`
		Detail  string   `json:"detail"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || len(e.Schemas) != 1 || e.Schemas[0] != errorSchema ||
		e.Status != fmt.Sprint(rec.Code) || strings.TrimSpace(e.Detail) == "" {
		t.Fatalf("%s %s %q: %d is not a SCIM error with a detail: %s", method, target, body, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != contentType {
		t.Fatalf("%s %s: error Content-Type %q", method, target, ct)
	}
	if writes == 0 {
		if after := snapshot(emu); after != state {
			t.Fatalf("%s %s %q: refused with %d %q but Identity Center changed:\nbefore %s\nafter  %s", method, target, body, rec.Code, e.Detail, state, after)
		}
		return
	}
	if rec.Code != http.StatusNotFound && rec.Code != http.StatusConflict && snapshot(emu) != state {
		t.Fatalf("%s %s %q: refused with %d %q after %d upstream write(s) that changed Identity Center",
			method, target, body, rec.Code, e.Detail, writes)
	}
}

// writesSince counts the write operations the emulator received.
func writesSince(before, after emulator.Stats) int64 {
	var n int64
	for op, c := range after {
		for _, w := range []string{"Create", "Put", "Patch", "Delete"} {
			if strings.HasPrefix(op, w) {
				n += c - before[op]
			}
		}
	}
	return n
}

// snapshot is the emulator's users, groups and memberships as JSON.
func snapshot(e *emulator.Emulator) string {
	st := e.Store()
	members := map[string]any{}
	for _, g := range st.Groups() {
		m, _ := st.Members(g.ID)
		members[g.ID] = m
	}
	raw, _ := json.Marshal([]any{st.Users(), st.Groups(), members})
	return string(raw)
}

// Okta's request bodies (okta-scim-client.md §1, §2) and near misses.
var bodySeeds = []string{
	// §2.1 create, as documented.
	oktaCreateBody,
	// §2.2 PUT echo of the server's own GET.
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"9067729b3d-94f1e0b3","userName":"jane@example.com","name":{"givenName":"Jane","familyName":"Doe"},"emails":[{"primary":true,"value":"jane@example.com","type":"work","display":"jane@example.com"}],"displayName":"Jane Doe","locale":"en_US","active":false,"groups":[],"password":"1mz050nq","meta":{"resourceType":"User","created":"2026-01-02T03:04:05Z","lastModified":"2026-01-02T03:04:05Z"}}`,
	// §2.1 mapped extras: title and the enterprise department.
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"sam@example.com","name":{"givenName":"Sam","familyName":"Lee"},"title":"Engineer","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"},"active":true}`,
	// §1.8 group push, and the 2018 shape with members.
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}`,
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]}`,
	// Near misses.
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","emails":[{"value":"a@b.c"},{"value":"d@e.f","primary":true}],"active":"true"}`,
	`{"schemas":["urn:example:unknown"],"userName":"a"}`,
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Administrator"}`,
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a b","displayName":"<x>"}`,
	// A reserved group name (identity-center-scim.md §4 Uniqueness).
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"AWSAdministrators"}`,
	`[{"userName":"a"}]`,
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","name":{"givenName":{"x":[[[1]]]}}}`,
	"",
	"null",
}

// FuzzInboundBody sends each body as a user and a group create and replace.
func FuzzInboundBody(f *testing.F) {
	for _, s := range bodySeeds {
		f.Add(s)
	}
	env := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, body string) {
		uid, gid := env.reset(t)
		env.send(t, http.MethodPost, "/scim/v2/Users", body)
		env.send(t, http.MethodPut, "/scim/v2/Users/"+uid, body)
		env.send(t, http.MethodPost, "/scim/v2/Groups", body)
		env.send(t, http.MethodPut, "/scim/v2/Groups/"+gid, body)
	})
}

// Okta's PATCH bodies (okta-scim-client.md §1.5–§1.11, §2.3) and near misses.
var patchBodySeeds = []string{
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"1mz050nq"}}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"abf4dd94","displayName":"Test SCIMv2"}}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"},{"op":"add","path":"members","value":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"members","value":[]}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"name.givenName","value":"G"},{"op":"add","path":"emails[type eq \"work\"].value","value":"w@example.com"}]}`,
	// A filter that matches no value of the seeded user (its one email is "work").
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq \"home\"].value","value":"h@example.com"}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"userName"}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"move","path":"title"}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[null,1,"x",{"op":5}]}`,
	`{"Operations":[{"op":"replace","path":"members","value":[{"value":"x"}]}]}`,
}

// FuzzInboundPatch sends each body as a PATCH on the seeded user and group.
func FuzzInboundPatch(f *testing.F) {
	for _, s := range patchBodySeeds {
		f.Add(s)
	}
	env := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, body string) {
		uid, gid := env.reset(t)
		env.send(t, http.MethodPatch, "/scim/v2/Users/"+uid, body)
		env.send(t, http.MethodPatch, "/scim/v2/Groups/"+gid, body)
	})
}

// FuzzInboundFilter sends a list request with an arbitrary filter and
// paging, as Okta's lookup and import do (okta-scim-client.md §1.2, §1.3, §1.8).
func FuzzInboundFilter(f *testing.F) {
	for _, s := range []struct {
		filter, start, count string
	}{
		{`userName eq "test.user@okta.local"`, "1", "100"},
		{`displayName eq "Test SCIMv2"`, "1", "100"},
		{``, "1", "2"},
		{`userName eq "a" and externalId eq "b"`, "101", "100"},
		{`emails[type eq "work" and value co "@"]`, "0", "-1"},
		{`not(userName pr)`, "x", "1e9"},
		{`meta.lastModified gt "2011-05-13T04:42:34Z"`, "", ""},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"`, "1", "100"},
		{`members.value eq "9067729b3d-1"`, "1", "100"},
		{`userName eq "a\"b\\c"`, "1", "100"},
		{`)(`, "1", "100"},
	} {
		f.Add(s.filter, s.start, s.count)
	}
	env := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, filter, start, count string) {
		env.reset(t)
		q := url.Values{}
		if filter != "" {
			q.Set("filter", filter)
		}
		if start != "" {
			q.Set("startIndex", start)
		}
		if count != "" {
			q.Set("count", count)
		}
		env.send(t, http.MethodGet, "/scim/v2/Users?"+q.Encode(), "")
		env.send(t, http.MethodGet, "/scim/v2/Groups?"+q.Encode(), "")
	})
}
