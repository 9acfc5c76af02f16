package scim

import (
	"strings"
	"testing"
)

func TestRequestLogNeverHoldsSecrets(t *testing.T) {
	env := newEnv(t, Config{})
	const password = "pl4ceholder-Pa55word"
	body := strings.Replace(oktaCreateBody, "1mz050nq", password, 1)
	r := env.do(t, "POST", "/scim/v2/Users", body)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id := r.body["id"].(string)
	// A PUT echoing the password, a PATCH password sync, a refused token.
	u := r.body
	u["password"] = password
	env.do(t, "PUT", "/scim/v2/Users/"+id, mustJSON(t, u))
	env.do(t, "PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"`+password+`"}}]}`)
	env.do(t, "GET", "/scim/v2/Users", "", "Authorization", "Bearer wrong-"+testToken)
	// A bad body must not be echoed into the detail either.
	env.do(t, "POST", "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","password":{"`+password+`":1}}`)

	out := env.log.String()
	for _, secret := range []string{testToken, password, `"Authorization":`, `"authorization":`} {
		if strings.Contains(out, secret) {
			t.Errorf("request log contains %q:\n%s", secret, out)
		}
	}
	lines := env.log.lines(t)
	if len(lines) != 5 {
		t.Fatalf("%d log lines for 5 requests:\n%s", len(lines), out)
	}
	create := lines[0]
	if create["operation"] != OpCreateUser || create["status"] != float64(201) || create["method"] != "POST" || create["path"] != "/scim/v2/Users" {
		t.Errorf("create line = %v", create)
	}
	subj, _ := create["subject"].(map[string]any)
	if subj["userName"] != "test.user@okta.local" || subj["externalId"] != "00ujl29u0le5T6Aj10h7" {
		t.Errorf("create subject = %v", create["subject"])
	}
	if create["request_id"] != r.header.Get("X-Request-Id") || create["request_id"] == "" {
		t.Errorf("request_id %v, header %q", create["request_id"], r.header.Get("X-Request-Id"))
	}
	if lines[1]["operation"] != OpUpdateUser || lines[2]["operation"] != OpPatchUser {
		t.Errorf("operations: %v, %v", lines[1]["operation"], lines[2]["operation"])
	}
	if s, _ := lines[2]["subject"].(map[string]any); s["id"] != id {
		t.Errorf("patch subject = %v", lines[2]["subject"])
	}
	refused := lines[3]
	if refused["status"] != float64(401) || refused["detail"] == nil || refused["level"] != "warn" {
		t.Errorf("401 line = %v", refused)
	}
}

func TestOperationNames(t *testing.T) {
	env := newEnv(t, Config{})
	id := env.users.add("jane@example.com")
	for _, c := range []struct{ method, path, body, op string }{
		{"GET", "/scim/v2/Users?startIndex=1&count=2", "", OpProbe},
		{"GET", "/scim/v2/Users?startIndex=1&count=100", "", OpImportUsers},
		{"GET", "/scim/v2/Users?filter=userName%20eq%20%22jane%40example.com%22&startIndex=1&count=100", "", OpLookupUser},
		{"GET", "/scim/v2/Users/" + id, "", OpGetUser},
		{"PATCH", "/scim/v2/Users/" + id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`, OpDeactivateUser},
		{"PATCH", "/scim/v2/Users/" + id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}`, OpReactivateUser},
		{"PATCH", "/scim/v2/Users/" + id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true,"title":"x"}}]}`, OpPatchUser},
		{"DELETE", "/scim/v2/Users/" + id, "", OpDeleteUser},
		{"GET", "/scim/v2/Groups?startIndex=1&count=100", "", OpImportGroups},
		{"DELETE", "/scim/v2/Groups/g1", "", OpDeleteGroup},
	} {
		env.do(t, c.method, c.path, c.body)
		lines := env.log.lines(t)
		last := lines[len(lines)-1]
		if last["operation"] != c.op {
			t.Errorf("%s %s: operation %v, want %s", c.method, c.path, last["operation"], c.op)
		}
	}
	lines := env.log.lines(t)
	if s, _ := lines[2]["subject"].(map[string]any); s["userName"] != "jane@example.com" {
		t.Errorf("lookup subject = %v", lines[2]["subject"])
	}
}
