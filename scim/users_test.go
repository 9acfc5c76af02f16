package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// oktaCreateBody is okta-scim-client.md §2.1, plus the enterprise extension
// a mapped department adds.
const oktaCreateBody = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"test.user@okta.local",
 "name":{"givenName":"Test","familyName":"User"},
 "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
 "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7",
 "groups":[],"password":"1mz050nq","active":true,"title":"Engineer",
 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"}}`

func TestProbeAndImportPaging(t *testing.T) {
	env := newEnv(t, Config{})
	for i := range 150 {
		env.users.add(fmt.Sprintf("user%03d@example.com", i))
	}
	// §1.1 probe.
	r := env.do(t, "GET", "/scim/v2/Users?startIndex=1&count=2", "")
	if r.status != 200 {
		t.Fatalf("probe: %d %s", r.status, r.raw)
	}
	wantPage(t, r, 150, 1, 2)
	// §1.2 import, second page: 50 left.
	r = env.do(t, "GET", "/scim/v2/Users?startIndex=101&count=100", "")
	wantPage(t, r, 150, 101, 50)
	res := r.body["Resources"].([]any)
	first := res[0].(map[string]any)
	if first["userName"] != "user100@example.com" {
		t.Errorf("page 2 starts with %v, want user100@example.com", first["userName"])
	}
	if q := env.users.Last().(identitycenter.ListQuery); q.StartIndex != 101 || q.Count != 100 || q.Filter != nil {
		t.Errorf("provisioner got %+v", q)
	}
	// Each resource is a full SCIM user: schemas, id, meta.
	if first["id"] == "" || first["meta"] == nil || first["schemas"] == nil {
		t.Errorf("resource lacks id/meta/schemas: %v", first)
	}
	if first["meta"].(map[string]any)["resourceType"] != "User" {
		t.Errorf("meta = %v", first["meta"])
	}
	// count above 100 is capped, as Okta never asks for more.
	r = env.do(t, "GET", "/scim/v2/Users?startIndex=1&count=500", "")
	wantPage(t, r, 150, 1, 100)
}

func wantPage(t *testing.T, r reply, total, start, items int) {
	t.Helper()
	schemas, _ := r.body["schemas"].([]any)
	if len(schemas) != 1 || schemas[0] != "urn:ietf:params:scim:api:messages:2.0:ListResponse" {
		t.Errorf("schemas = %v", r.body["schemas"])
	}
	// JSON integers, not strings (okta-scim-client.md §1.2).
	for k, want := range map[string]int{"totalResults": total, "startIndex": start, "itemsPerPage": items} {
		got, ok := r.body[k].(float64)
		if !ok || int(got) != want {
			t.Errorf("%s = %#v, want the integer %d", k, r.body[k], want)
		}
	}
	res, ok := r.body["Resources"].([]any)
	if !ok || len(res) != items {
		t.Errorf("Resources has %d entries (%T), want %d", len(res), r.body["Resources"], items)
	}
}

func TestLookupBothEncodings(t *testing.T) {
	env := newEnv(t, Config{})
	env.users.add("test.user@okta.local")
	for _, q := range []string{
		"filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100", // OKTA-REF20
		"filter=userName+eq+%22test.user%40okta.local%22&startIndex=1&count=100",     // OKTA-GH-2018
		"filter=username%20EQ%20%22test.user%40okta.local%22",                        // names and operators are case-insensitive
	} {
		r := env.do(t, "GET", "/scim/v2/Users?"+q, "")
		if r.status != 200 {
			t.Fatalf("%s: %d %s", q, r.status, r.raw)
		}
		wantPage(t, r, 1, 1, 1)
		got := env.users.Last().(identitycenter.ListQuery).Filter
		want := []identitycenter.Eq{{Attr: "userName", Value: "test.user@okta.local"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: provisioner filter %+v, want %+v", q, got, want)
		}
	}
	// A miss is an empty ListResponse with "Resources":[] (§1.3 step 2).
	r := env.do(t, "GET", "/scim/v2/Users?filter=userName%20eq%20%22abcdefgh%40atko.com%22", "")
	wantPage(t, r, 0, 1, 0)
	if !strings.Contains(r.raw, `"Resources":[]`) {
		t.Errorf("miss should carry an empty array: %s", r.raw)
	}
	// eq … and eq … is passed through as two terms.
	r = env.do(t, "GET", "/scim/v2/Users?filter=userName%20eq%20%22a%22%20and%20externalId%20eq%20%2200u1%22", "")
	if r.status != 200 {
		t.Fatalf("and: %d %s", r.status, r.raw)
	}
	want := []identitycenter.Eq{{Attr: "userName", Value: "a"}, {Attr: "externalId", Value: "00u1"}}
	if got := env.users.Last().(identitycenter.ListQuery).Filter; !reflect.DeepEqual(got, want) {
		t.Errorf("and: filter %+v, want %+v", got, want)
	}
}

func TestCreateUserAsOktaSendsIt(t *testing.T) {
	for _, ct := range []string{"application/scim+json; charset=utf-8", "application/json"} {
		env := newEnv(t, Config{})
		r := env.do(t, "POST", "/scim/v2/Users", oktaCreateBody, "Content-Type", ct)
		if r.status != 201 {
			t.Fatalf("%s: status %d, want 201; %s", ct, r.status, r.raw)
		}
		if id, _ := r.body["id"].(string); id == "" {
			t.Errorf("no id in %s", r.raw)
		}
		if r.body["userName"] != "test.user@okta.local" || r.body["active"] != true {
			t.Errorf("reply does not echo the user: %s", r.raw)
		}
		name, _ := r.body["name"].(map[string]any)
		if name["givenName"] != "Test" || name["familyName"] != "User" {
			t.Errorf("name = %v", r.body["name"])
		}
		if strings.Contains(r.raw, "1mz050nq") || r.body["password"] != nil {
			t.Errorf("reply carries the password: %s", r.raw)
		}
		if !contains(r.body["schemas"], "urn:ietf:params:scim:schemas:core:2.0:User") {
			t.Errorf("schemas = %v", r.body["schemas"])
		}
		if r.body["externalId"] != "00ujl29u0le5T6Aj10h7" {
			t.Errorf("externalId = %v", r.body["externalId"])
		}
		got := env.users.Last().(identitycenter.Resource)
		// The Provisioner gets Okta's attributes for its translate layer,
		// including what Identity Center will refuse.
		if got["password"] != "1mz050nq" || got["externalId"] != "00ujl29u0le5T6Aj10h7" || got["locale"] != "en-US" {
			t.Errorf("provisioner got %v", got)
		}
		ext, _ := got["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
		if ext["department"] != "R&D" {
			t.Errorf("enterprise extension lost: %v", got)
		}
		emails, _ := got["emails"].([]any)
		if len(emails) != 1 || emails[0].(map[string]any)["primary"] != true {
			t.Errorf("emails = %v", got["emails"])
		}
		if !contains(got["schemas"], "urn:ietf:params:scim:schemas:core:2.0:User") {
			t.Errorf("provisioner attrs lack schemas: %v", got["schemas"])
		}

		// SPEC step 8: the same user again → 409.
		r = env.do(t, "POST", "/scim/v2/Users", oktaCreateBody, "Content-Type", ct)
		wantSCIMError(t, r, 409)
		if r.body["scimType"] != "uniqueness" {
			t.Errorf("scimType = %v", r.body["scimType"])
		}
	}
}

func TestUpdateUserGetThenPut(t *testing.T) {
	env := newEnv(t, Config{})
	created := env.do(t, "POST", "/scim/v2/Users", oktaCreateBody)
	id := created.body["id"].(string)
	got := env.do(t, "GET", "/scim/v2/Users/"+id, "")
	if got.status != 200 || got.body["id"] != id {
		t.Fatalf("GET: %d %s", got.status, got.raw)
	}
	// §2.2: the PUT body is the GET body with changes, echoing id, meta,
	// groups, emails[].display and the password.
	body := got.body
	body["name"].(map[string]any)["givenName"] = "Changed"
	body["groups"] = []any{}
	body["password"] = "1mz050nq"
	body["emails"].([]any)[0].(map[string]any)["display"] = "test.user@okta.local"
	r := env.do(t, "PUT", "/scim/v2/Users/"+id, mustJSON(t, body))
	if r.status != 200 {
		t.Fatalf("PUT: %d %s", r.status, r.raw)
	}
	if r.body["name"].(map[string]any)["givenName"] != "Changed" || r.body["id"] != id {
		t.Errorf("PUT reply %s", r.raw)
	}
	sent := env.users.Last().(identitycenter.Resource)
	for _, k := range []string{"id", "meta", "groups"} {
		if _, ok := sent[k]; ok {
			t.Errorf("provisioner got read-only %q: %v", k, sent)
		}
	}
	if sent["userName"] != "test.user@okta.local" {
		t.Errorf("provisioner got %v", sent)
	}
}

func TestDeactivateReactivate(t *testing.T) {
	env := newEnv(t, Config{})
	id := env.users.add("jane@example.com")
	for _, c := range []struct {
		body   string
		active bool
		op     string
	}{
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`, false, OpDeactivateUser},
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}`, true, OpReactivateUser},
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":false}]}`, false, OpDeactivateUser},
	} {
		r := env.do(t, "PATCH", "/scim/v2/Users/"+id, c.body)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", c.body, r.status, r.raw)
		}
		if r.body["active"] != c.active || r.body["id"] != id {
			t.Errorf("%s: reply %s", c.body, r.raw)
		}
		ops := env.users.Last().([]identitycenter.PatchOp)
		if len(ops) != 1 || ops[0].Op != "replace" {
			t.Fatalf("provisioner got %+v", ops)
		}
		lines := env.log.lines(t)
		if op := lines[len(lines)-1]["operation"]; op != c.op {
			t.Errorf("%s: logged operation %v, want %s", c.body, op, c.op)
		}
	}
	// The path-less form reaches the Provisioner as Okta sent it.
	env.do(t, "PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`)
	want := []identitycenter.PatchOp{{Op: "replace", Value: map[string]any{"active": false}}}
	if got := env.users.Last().([]identitycenter.PatchOp); !reflect.DeepEqual(got, want) {
		t.Errorf("ops = %#v, want %#v", got, want)
	}
	// AIW apps deactivate with a PUT (§1.5).
	u := env.do(t, "GET", "/scim/v2/Users/"+id, "").body
	u["active"] = false
	if r := env.do(t, "PUT", "/scim/v2/Users/"+id, mustJSON(t, u)); r.status != 200 || r.body["active"] != false {
		t.Fatalf("PUT active:false: %d %s", r.status, r.raw)
	}
	lines := env.log.lines(t)
	if op := lines[len(lines)-1]["operation"]; op != OpDeactivateUser {
		t.Errorf("PUT active:false logged as %v", op)
	}
}

func TestPatchMayAnswer204(t *testing.T) {
	users := &emptyPatchUsers{fakeUsers: newFakeUsers()}
	env := newEnv(t, Config{Users: users})
	id := users.add("jane@example.com")
	r := env.do(t, "PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`)
	if r.status != 204 || r.raw != "" {
		t.Fatalf("status %d body %q, want 204 and no body", r.status, r.raw)
	}
}

// emptyPatchUsers answers PATCH with no body, as RFC 7644 §3.5.2 allows.
type emptyPatchUsers struct{ *fakeUsers }

func (e *emptyPatchUsers) PatchUser(ctx context.Context, id string, ops []identitycenter.PatchOp) (identitycenter.Resource, error) {
	if _, err := e.fakeUsers.PatchUser(ctx, id, ops); err != nil {
		return nil, err
	}
	return nil, nil
}

func TestNotFoundIsSCIM404(t *testing.T) {
	env := newEnv(t, Config{})
	// SPEC steps 4 and 12.
	for _, id := range []string{"010101001010101011001010101011", "00919288221112222"} {
		r := env.do(t, "GET", "/scim/v2/Users/"+id, "")
		wantSCIMError(t, r, 404)
	}
	// Ids no resource can have are refused before an upstream call.
	before := len(env.users.Calls())
	for _, p := range []string{"/scim/v2/Users/a/b", "/scim/v2/Users/" + strings.Repeat("x", 300), "/scim/v2/Users/a%20b"} {
		wantSCIMError(t, env.do(t, "GET", p, ""), 404)
	}
	if after := len(env.users.Calls()); after != before {
		t.Errorf("bad ids reached the provisioner: %v", env.users.Calls()[before:])
	}
}

func TestDeleteUser(t *testing.T) {
	env := newEnv(t, Config{})
	id := env.users.add("jane@example.com")
	if r := env.do(t, "DELETE", "/scim/v2/Users/"+id, ""); r.status != 204 {
		t.Fatalf("DELETE: %d %s", r.status, r.raw)
	}
	wantSCIMError(t, env.do(t, "DELETE", "/scim/v2/Users/"+id, ""), 404)
}

func contains(v any, s string) bool {
	arr, _ := v.([]any)
	for _, x := range arr {
		if x == s {
			return true
		}
	}
	return false
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
