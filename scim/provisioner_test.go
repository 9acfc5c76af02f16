package scim

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

const upstreamToken = "aws-scim-token-for-tests"

// newRealEnv wires the handler to the real Provisioner and Client, pointed at
// the Identity Center emulator on an httptest server.
func newRealEnv(t *testing.T) *testEnv {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Tenant: "t-1234567890", Tokens: []string{upstreamToken}})
	if err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(emu)
	t.Cleanup(up.Close)
	client, err := identitycenter.NewClient(identitycenter.ClientConfig{
		BaseURL: up.URL + "/t-1234567890/scim/v2/",
		Token:   func() string { return upstreamToken },
	})
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(t, Config{Users: identitycenter.NewProvisioner(identitycenter.ProvisionerConfig{Client: client})})
}

// TestOktaUserLifecycleThroughProvisioner replays okta-scim-client.md §11
// steps 1–4 against the real stack.
func TestOktaUserLifecycleThroughProvisioner(t *testing.T) {
	env := newRealEnv(t)

	// Probe on an empty directory.
	r := env.do(t, "GET", "/scim/v2/Users?startIndex=1&count=2", "")
	wantPage(t, r, 0, 1, 0)

	// Create: lookup (both encodings), then POST with Okta's body.
	for _, q := range []string{
		"filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100",
		"filter=userName+eq+%22test.user%40okta.local%22&startIndex=1&count=100",
	} {
		if r := env.do(t, "GET", "/scim/v2/Users?"+q, ""); r.status != 200 || r.body["totalResults"] != float64(0) {
			t.Fatalf("lookup %s: %d %s", q, r.status, r.raw)
		}
	}
	r = env.do(t, "POST", "/scim/v2/Users", oktaCreateBody)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id, _ := r.body["id"].(string)
	if id == "" || r.body["userName"] != "test.user@okta.local" || strings.Contains(r.raw, "1mz050nq") {
		t.Fatalf("create reply: %s", r.raw)
	}
	for _, q := range []string{
		"filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100",
		"filter=userName+eq+%22test.user%40okta.local%22&startIndex=1&count=100",
	} {
		r := env.do(t, "GET", "/scim/v2/Users?"+q, "")
		wantPage(t, r, 1, 1, 1)
		if got := r.body["Resources"].([]any)[0].(map[string]any)["id"]; got != id {
			t.Errorf("lookup found %v, want %s", got, id)
		}
	}
	wantSCIMError(t, env.do(t, "POST", "/scim/v2/Users", oktaCreateBody), 409)

	// Update: GET then PUT echoing everything.
	u := env.do(t, "GET", "/scim/v2/Users/"+id, "").body
	u["name"].(map[string]any)["givenName"] = "Changed"
	u["password"] = "1mz050nq"
	u["groups"] = []any{}
	r = env.do(t, "PUT", "/scim/v2/Users/"+id, mustJSON(t, u))
	if r.status != 200 || r.body["name"].(map[string]any)["givenName"] != "Changed" {
		t.Fatalf("PUT: %d %s", r.status, r.raw)
	}

	// Deactivate and reactivate with Okta's path-less PATCH.
	for _, active := range []bool{false, true} {
		body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":` + map[bool]string{false: "false", true: "true"}[active] + `}}]}`
		r := env.do(t, "PATCH", "/scim/v2/Users/"+id, body)
		if r.status != 200 && r.status != 204 {
			t.Fatalf("PATCH active=%v: %d %s", active, r.status, r.raw)
		}
		if got := env.do(t, "GET", "/scim/v2/Users/"+id, "").body["active"]; got != active {
			t.Errorf("after PATCH active=%v, GET says %v", active, got)
		}
	}
	wantSCIMError(t, env.do(t, "GET", "/scim/v2/Users/010101001010101011001010101011", ""), 404)

	// Every line of the run names its operation; upstream calls are recorded.
	lines := env.log.lines(t)
	var create map[string]any
	for _, l := range lines {
		if l["operation"] == nil {
			t.Errorf("line without operation: %v", l)
		}
		if l["operation"] == OpCreateUser && l["status"] == float64(201) {
			create = l
		}
	}
	if create == nil || create["upstream"] == nil || create["rules"] == nil {
		// Okta's create carries password and groups, which the translate
		// layer drops and names on the same line.
		t.Errorf("create line lacks upstream calls or rules: %v", create)
	}
	if strings.Contains(env.log.String(), "1mz050nq") || strings.Contains(env.log.String(), upstreamToken) || strings.Contains(env.log.String(), testToken) {
		t.Error("a secret reached the request log")
	}
}
