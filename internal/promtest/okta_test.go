package promtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/runscope"
)

// okta sends SCIM requests the way Okta does and counts them, so a test
// knows what scim_bridge_requests_total must say.
type okta struct {
	base   string
	client *http.Client
	mu     sync.Mutex
	token  string
	sent   int
	// secrets are every token and password the traffic carried.
	secrets map[string]bool
}

func newOkta(base, token string) *okta {
	o := &okta{base: base, token: token, secrets: map[string]bool{token: true}}
	o.client = &http.Client{Transport: countingTransport{o}}
	return o
}

type countingTransport struct{ o *okta }

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.o.mu.Lock()
	c.o.sent++
	c.o.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// Sent is the number of requests sent so far.
func (o *okta) Sent() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sent
}

func (o *okta) secret(s string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.secrets[s] = true
	return s
}

// do sends one request with the bearer token given ("" means the current one).
func (o *okta) do(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	if token == "" {
		o.mu.Lock()
		token = o.token
		o.mu.Unlock()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, o.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/scim+json")
	req.Header.Set("User-Agent", "Okta SCIM Client 1.0.0")
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	resp, err := o.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	_ = json.Unmarshal(raw, &doc)
	return resp.StatusCode, doc
}

func filterQuery(attr, v string) string {
	return "?filter=" + url.QueryEscape(fmt.Sprintf("%s eq %q", attr, v)) + "&startIndex=1&count=100"
}

// replay runs Okta's lifecycle for a few users and a group
// (okta-scim-client.md §1.1–§1.12), a request with a wrong token, and then
// Okta's published SPEC suite (§9).
func (o *okta) replay(t *testing.T) {
	t.Helper()
	patch := func(ops ...map[string]any) map[string]any {
		return map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": ops}
	}
	expect := func(what string, got int, want ...int) {
		t.Helper()
		for _, w := range want {
			if got == w {
				return
			}
		}
		t.Errorf("%s = %d, want %v", what, got, want)
	}
	r := rand.New(rand.NewPCG(rand.Uint64(), 1))
	if code, _ := o.do(t, "GET", "/Users?startIndex=1&count=2", "", nil); code != http.StatusOK {
		t.Fatalf("probe = %d", code)
	}
	var members []map[string]any
	for i := range 3 {
		userName := fmt.Sprintf("user%d.%d@example.com", i, r.IntN(1e6))
		expect("lookup", first(o.do(t, "GET", "/Users"+filterQuery("userName", userName), "", nil)), 200)
		// §2.1: "password is always sent on create, even with password sync off".
		pw := o.secret(fmt.Sprintf("Pw-%d-%x", i, r.Uint64()))
		code, created := o.do(t, "POST", "/Users", "", map[string]any{
			"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": userName,
			"name":        map[string]any{"givenName": "Test", "familyName": fmt.Sprintf("User%d", i)},
			"emails":      []map[string]any{{"primary": true, "value": userName, "type": "work"}},
			"displayName": "Test User", "locale": "en-US", "externalId": fmt.Sprintf("00u%d", i),
			"groups": []any{}, "password": pw, "active": true,
		})
		if code != http.StatusCreated {
			t.Fatalf("create user = %d %v", code, created)
		}
		id, _ := created["id"].(string)
		members = append(members, map[string]any{"value": id, "display": userName})
		code, got := o.do(t, "GET", "/Users/"+id, "", nil)
		expect("get user", code, 200)
		// §2.2: PUT echoes the GET with changes applied; the 2018 doc's PUT
		// carries a password too.
		got["title"] = "Engineer"
		got["password"] = o.secret(fmt.Sprintf("PutPw-%x", r.Uint64()))
		expect("put user", first(o.do(t, "PUT", "/Users/"+id, "", got)), 200)
		expect("deactivate", first(o.do(t, "PATCH", "/Users/"+id, "", patch(map[string]any{"op": "replace", "value": map[string]any{"active": false}}))), 200, 204)
		expect("reactivate", first(o.do(t, "PATCH", "/Users/"+id, "", patch(map[string]any{"op": "replace", "value": map[string]any{"active": true}}))), 200, 204)
		// §1.7 password sync: Identity Center refuses passwords; whatever
		// the bridge answers, the password must not be logged.
		o.do(t, "PATCH", "/Users/"+id, "", patch(map[string]any{"op": "replace", "value": map[string]any{"password": o.secret(fmt.Sprintf("SyncPw-%x", r.Uint64()))}}))
	}
	expect("import", first(o.do(t, "GET", "/Users?startIndex=1&count=100", "", nil)), 200)

	// Group push, membership, rename, import, delete (§1.8–§1.12). The
	// statuses are not asserted: this replay is about what is counted and
	// logged, and groups are another suite's subject.
	groupName := fmt.Sprintf("Engineering %d", r.IntN(1e6))
	o.do(t, "GET", "/Groups"+filterQuery("displayName", groupName), "", nil)
	code, g := o.do(t, "POST", "/Groups", "", map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": groupName, "members": []any{}})
	if gid, _ := g["id"].(string); code == http.StatusCreated && gid != "" {
		o.do(t, "PATCH", "/Groups/"+gid, "", patch(map[string]any{"op": "add", "path": "members", "value": members}))
		o.do(t, "PATCH", "/Groups/"+gid, "", patch(map[string]any{"op": "replace", "value": map[string]any{"id": gid, "displayName": groupName}}))
		o.do(t, "GET", "/Groups/"+gid, "", nil)
		o.do(t, "GET", "/Groups?startIndex=1&count=100", "", nil)
		o.do(t, "DELETE", "/Groups/"+gid, "", nil)
	}

	// A caller with a wrong token is refused, and its token is not logged.
	if code, _ := o.do(t, "GET", "/Users?startIndex=1&count=2", o.secret("wrong-token-"+fmt.Sprint(r.Uint64())), nil); code != http.StatusUnauthorized {
		t.Errorf("wrong token = %d, want 401", code)
	}

	o.spec(t, r)
}

func first(code int, _ map[string]any) int { return code }

// spec runs Okta's SPEC suite, unmodified, through the bridge.
func (o *okta) spec(t *testing.T, r *rand.Rand) {
	t.Helper()
	suite, err := runscope.OktaSPECSuite()
	if err != nil {
		t.Fatal(err)
	}
	// Note each literal password in a body and each literal Authorization
	// header (one step sends "non-token" on purpose).
	for _, st := range suite.Steps {
		for _, h := range st.Headers["Authorization"] {
			if !strings.Contains(h, "{{") {
				o.secret(h)
			}
		}
		var body map[string]any
		if json.Unmarshal([]byte(st.Body), &body) == nil {
			if pw, ok := body["password"].(string); ok && !strings.Contains(pw, "{{") {
				o.secret(pw)
			}
		}
	}
	vars := runscope.InitialVariables(r)
	vars["SCIMBaseURL"] = o.base
	vars["auth"] = "Bearer " + o.token
	rep, err := (&runscope.Runner{Client: o.client, Vars: vars}).Run(context.Background(), suite)
	if err != nil {
		t.Fatal(err)
	}
	if failed := rep.RequiredFailures(); len(failed) > 0 {
		t.Errorf("SPEC suite: %d required step(s) failed:\n%s", len(failed), rep)
	}
}
