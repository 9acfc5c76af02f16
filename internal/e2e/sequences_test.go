package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

const (
	listResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	errorSchema  = "urn:ietf:params:scim:api:messages:2.0:Error"
	patchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

// isInt reports whether v decoded from a JSON integer (Okta: "itemsPerPage,
// startIndex and totalResults MUST be JSON integers, not strings", §1.2).
func isInt(v any) bool {
	f, ok := v.(float64)
	return ok && f == float64(int64(f))
}

func checkListResponse(t *testing.T, what string, r reply, total int) []any {
	t.Helper()
	r.expect(t, what, http.StatusOK)
	if !strings.Contains(fmt.Sprint(r.Body["schemas"]), listResponse) {
		t.Fatalf("%s: schemas %v lacks ListResponse", what, r.Body["schemas"])
	}
	for _, k := range []string{"totalResults", "startIndex", "itemsPerPage"} {
		if !isInt(r.Body[k]) {
			t.Fatalf("%s: %s = %#v, want a JSON integer", what, k, r.Body[k])
		}
	}
	if got := int(r.Body["totalResults"].(float64)); got != total {
		t.Fatalf("%s: totalResults %d, want %d\n%s", what, got, total, r.Raw)
	}
	res, _ := r.Body["Resources"].([]any)
	if total == 0 && len(res) != 0 {
		t.Fatalf("%s: %d resources for totalResults 0", what, len(res))
	}
	return res
}

// §1.1: "The probe is GET {base}/Users?startIndex=1&count=2", on an empty
// and on a populated directory.
func TestProbe(t *testing.T) {
	e := newEnv(t)
	checkListResponse(t, "probe, empty", e.okta.do("GET", "/Users?startIndex=1&count=2", nil), 0)
	for i := range 3 {
		e.seedUser(t, fmt.Sprintf("probe%d@example.com", i), "Probe", fmt.Sprint("User", i))
	}
	res := checkListResponse(t, "probe", e.okta.do("GET", "/Users?startIndex=1&count=2", nil), 3)
	if len(res) != 2 {
		t.Fatalf("probe with count=2 returned %d users", len(res))
	}
	if bad := refusals(e.up.since(0)); len(bad) != 0 {
		t.Fatalf("Identity Center refused the probe: %v", bad)
	}
	// The bridge's token is checked; Identity Center's is never Okta's.
	e.okta.token = "wrong"
	r := e.okta.do("GET", "/Users?startIndex=1&count=2", nil).expect(t, "probe with a wrong token", http.StatusUnauthorized)
	if !strings.Contains(fmt.Sprint(r.Body["schemas"]), errorSchema) || str(r.Body, "detail") == "" {
		t.Fatalf("401 is not a SCIM error: %s", r.Raw)
	}
}

// §1.2: import pages with startIndex += 100 and count=100, in the same
// order on every request, over a directory that needs three pages.
func TestImportPaging(t *testing.T) {
	e := newEnv(t)
	const n = 230
	want := map[string]bool{}
	for i := range n {
		want[e.seedUser(t, fmt.Sprintf("import%03d@example.com", i), "Import", fmt.Sprintf("User%03d", i)).ID] = true
	}
	read := func() []string {
		var ids []string
		for start := 1; ; start += 100 {
			r := e.okta.do("GET", fmt.Sprintf("/Users?startIndex=%d&count=100", start), nil)
			res := checkListResponse(t, fmt.Sprintf("import page at %d", start), r, n)
			if got := int(r.Body["startIndex"].(float64)); got != start {
				t.Fatalf("page at %d says startIndex %d", start, got)
			}
			if got := int(r.Body["itemsPerPage"].(float64)); got != len(res) {
				t.Fatalf("page at %d: itemsPerPage %d for %d resources", start, got, len(res))
			}
			for _, x := range res {
				ids = append(ids, str(x.(map[string]any), "id"))
			}
			if start+100 > n { // Okta pages "while totalResults > 100"
				break
			}
		}
		return ids
	}
	first := read()
	if len(first) != n {
		t.Fatalf("import read %d users, want %d", len(first), n)
	}
	seen := map[string]bool{}
	for _, id := range first {
		if !want[id] || seen[id] {
			t.Fatalf("import returned unknown or repeated id %q", id)
		}
		seen[id] = true
	}
	if again := read(); strings.Join(again, ",") != strings.Join(first, ",") {
		t.Fatal("a second import returned the users in a different order")
	}
	if bad := refusals(e.up.since(0)); len(bad) != 0 {
		t.Fatalf("Identity Center refused import calls: %v", bad[:min(len(bad), 5)])
	}
}

// createBody is §2.1 verbatim, with this test's names.
func createBody(userName, given, family, oktaID string) string {
	return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"` + userName + `",
 "name":{"givenName":"` + given + `","familyName":"` + family + `"},
 "emails":[{"primary":true,"value":"` + userName + `","type":"work"}],
 "displayName":"` + given + ` ` + family + `","locale":"en-US","externalId":"` + oktaID + `",
 "groups":[],"password":"1mz050nq","active":true}`
}

// §1.3 (create with both lookup encodings), §1.4 (GET + PUT echo), §1.5/§1.6
// (deactivate and reactivate by PATCH and by PUT), §1.7 (password PATCH),
// and the duplicate create, as one user's life.
func TestUserLifecycle(t *testing.T) {
	e := newEnv(t)
	const userName = "test.user+e2e@okta.local"
	q := url.QueryEscape(userName) // @ → %40, + → %2B, as Okta encodes values

	// §1.3 step 1, the 2024 reference's %20 encoding: not found.
	checkListResponse(t, "lookup %20", e.okta.do("GET", "/Users?filter=userName%20eq%20%22"+q+"%22&startIndex=1&count=100", nil), 0)
	// §1.3 step 3: create.
	mark := e.up.len()
	created := e.okta.do("POST", "/Users", createBody(userName, "Test", "User", "00ujl29u0le5T6Aj10h7")).expect(t, "create", http.StatusCreated)
	id := str(created.Body, "id")
	if id == "" || str(created.Body, "userName") != userName || str(created.Body, "name.familyName") != "User" {
		t.Fatalf("create returned %s", created.Raw)
	}
	if strings.Contains(created.Raw, "1mz050nq") {
		t.Fatal("the create reply echoes Okta's password")
	}
	stored, ok := e.storedUser(t, userName)
	if !ok || stored.ID != id {
		t.Fatalf("emulator has no user %s with id %s", userName, id)
	}
	if stored.Attrs["externalId"] != "00ujl29u0le5T6Aj10h7" || stored.Attrs["active"] != true {
		t.Fatalf("stored user %v", stored.Attrs)
	}
	// The recorder sees the upstream create, so "no refusal" below means something.
	sawCreate := false
	for _, c := range e.up.since(mark) {
		sawCreate = sawCreate || (c.Method == "POST" && strings.HasSuffix(c.Path, "/scim/v2/Users") && c.Status == http.StatusCreated)
	}
	if !sawCreate {
		t.Fatalf("no upstream POST /Users 201 recorded: %v", e.up.since(mark))
	}
	if _, has := stored.Attrs["password"]; has {
		t.Fatal("the password reached Identity Center")
	}
	// The 2018 doc's + encoding finds the same user.
	res := checkListResponse(t, "lookup +", e.okta.do("GET", "/Users?filter=userName+eq+%22"+q+"%22&startIndex=1&count=100", nil), 1)
	if str(res[0].(map[string]any), "id") != id {
		t.Fatalf("lookup found %v, want id %s", res[0], id)
	}

	// Duplicate: 409 with a SCIM error, and nothing new upstream.
	before := len(e.emu.Store().Users())
	dup := e.okta.do("POST", "/Users", createBody(userName, "Test", "User", "00ujl29u0le5T6Aj10h7")).expect(t, "duplicate create", http.StatusConflict)
	if !strings.Contains(fmt.Sprint(dup.Body["schemas"]), errorSchema) || str(dup.Body, "detail") == "" {
		t.Fatalf("409 is not a SCIM error: %s", dup.Raw)
	}
	if after := len(e.emu.Store().Users()); after != before {
		t.Fatalf("duplicate create changed the user count %d → %d", before, after)
	}

	// §1.4: GET, then PUT the whole fetched object with changes applied.
	mark = e.up.len()
	got := e.okta.do("GET", "/Users/"+id, nil).expect(t, "get", http.StatusOK)
	body := got.Body
	body["name"].(map[string]any)["givenName"] = "Tess"
	body["displayName"] = "Tess User"
	body["title"] = "Engineer"
	body["password"] = "1mz050nq" // the 2018 doc's PUT carries it too
	put := e.okta.do("PUT", "/Users/"+id, body).expect(t, "put echo", http.StatusOK)
	if str(put.Body, "name.givenName") != "Tess" || str(put.Body, "title") != "Engineer" {
		t.Fatalf("PUT reply %s", put.Raw)
	}
	if u, _ := e.storedUser(t, userName); str(u.Attrs, "name.givenName") != "Tess" || u.Attrs["title"] != "Engineer" {
		t.Fatalf("emulator after PUT: %v", u.Attrs)
	}
	if bad := refusals(e.up.since(mark)); len(bad) != 0 {
		t.Fatalf("Identity Center refused the PUT echo: %v", bad)
	}

	active := func(want bool) {
		t.Helper()
		u, _ := e.storedUser(t, userName)
		if u.Attrs["active"] != want {
			t.Fatalf("emulator active = %v, want %v", u.Attrs["active"], want)
		}
		// Okta's CRUD suite expects a deactivated user still to be returned.
		r := e.okta.do("GET", "/Users/"+id, nil).expect(t, "get after (de)activation", http.StatusOK)
		if r.Body["active"] != want {
			t.Fatalf("Okta sees active = %v, want %v", r.Body["active"], want)
		}
	}
	pathless := func(v map[string]any) map[string]any {
		return map[string]any{"schemas": []string{patchOp}, "Operations": []any{map[string]any{"op": "replace", "value": v}}}
	}

	// §1.5 and §1.6 by PATCH (OIN apps).
	mark = e.up.len()
	e.okta.do("PATCH", "/Users/"+id, pathless(map[string]any{"active": false})).expect(t, "deactivate by PATCH", http.StatusOK, http.StatusNoContent)
	active(false)
	e.okta.do("PATCH", "/Users/"+id, pathless(map[string]any{"active": true})).expect(t, "reactivate by PATCH", http.StatusOK, http.StatusNoContent)
	active(true)

	// §1.5 and §1.6 by PUT (AIW apps): GET, then PUT with active flipped.
	for _, want := range []bool{false, true} {
		body := e.okta.do("GET", "/Users/"+id, nil).expect(t, "get before PUT", http.StatusOK).Body
		body["active"] = want
		e.okta.do("PUT", "/Users/"+id, body).expect(t, fmt.Sprintf("PUT active=%v", want), http.StatusOK)
		active(want)
	}

	// §1.7: password sync. Identity Center has no password (§8); the bridge
	// must not turn it into a failed Okta task, nor pass it on.
	e.okta.do("PATCH", "/Users/"+id, pathless(map[string]any{"password": "n3w-Secret-pw"})).expect(t, "password PATCH", http.StatusOK, http.StatusNoContent)
	if u, _ := e.storedUser(t, userName); u.Attrs["password"] != nil || u.Attrs["active"] != true {
		t.Fatalf("after password PATCH: %v", u.Attrs)
	}
	if bad := refusals(e.up.since(mark)); len(bad) != 0 {
		t.Fatalf("Identity Center refused an activation or password change: %v", bad)
	}

	// Nothing secret reached the log.
	logs := e.logs.String()
	for _, s := range []string{oktaToken, upstreamToken, "1mz050nq", "n3w-Secret-pw"} {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains the secret %q", s)
		}
	}
	if !strings.Contains(logs, userName) {
		t.Error("the request log does not name the user: is it written at all?")
	}
}

// A profile Okta really sends when mappings are loose: two emails, two phone
// numbers, an empty title and no family name. Identity Center takes one value
// of each (§4 "emails, addresses, phoneNumbers and roles take at most ONE
// value"), no empty strings, and requires familyName; the bridge must shape
// it so Identity Center refuses nothing.
func TestMessyProfileCreatesWithoutRefusal(t *testing.T) {
	e := newEnv(t)
	const body = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"cher@okta.local",
 "name":{"givenName":"Cher"},
 "emails":[{"primary":true,"value":"cher@okta.local","type":"work"},{"primary":false,"value":"cher@home.example","type":"home"}],
 "phoneNumbers":[{"primary":true,"value":"+1 555 0100","type":"work"},{"value":"+1 555 0199","type":"mobile"}],
 "title":"","displayName":"Cher","locale":"en-US","externalId":"00ucher0000000000001",
 "groups":[],"password":"pl4ceholder","active":true}`
	// Control: sent straight to Identity Center, this body is refused.
	direct := &oktaClient{t: t, base: e.upstream.URL + "/" + tenant + "/scim/v2", token: upstreamToken, http: e.upstream.Client()}
	direct.do("POST", "/Users", body).expect(t, "messy create sent straight to Identity Center", http.StatusBadRequest)
	if n := len(e.emu.Store().Users()); n != 0 {
		t.Fatalf("the refused direct create left %d users", n)
	}
	mark := e.up.len()

	r := e.okta.do("POST", "/Users", body).expect(t, "messy create", http.StatusCreated)
	if str(r.Body, "id") == "" {
		t.Fatalf("no id: %s", r.Raw)
	}
	if bad := refusals(e.up.since(mark)); len(bad) != 0 {
		t.Fatalf("Identity Center refused: %v", bad)
	}
	u, ok := e.storedUser(t, "cher@okta.local")
	if !ok {
		t.Fatal("user not in the emulator")
	}
	emails, _ := u.Attrs["emails"].([]any)
	if len(emails) != 1 || str(emails[0].(map[string]any), "value") != "cher@okta.local" {
		t.Fatalf("stored emails %v, want the primary one only", u.Attrs["emails"])
	}
	phones, _ := u.Attrs["phoneNumbers"].([]any)
	if len(phones) != 1 || str(phones[0].(map[string]any), "value") != "+1 555 0100" {
		t.Fatalf("stored phoneNumbers %v, want the primary one only", u.Attrs["phoneNumbers"])
	}
	if t0, has := u.Attrs["title"]; has && t0 == "" {
		t.Fatal("the empty title reached Identity Center")
	}
	if str(u.Attrs, "name.familyName") == "" || str(u.Attrs, "name.givenName") != "Cher" {
		t.Fatalf("stored name %v", u.Attrs["name"])
	}
}

// Okta's token is right but the bridge's Identity Center token is not (a
// rotated or expired AWS token, okta-scim-client.md §8 "401 (bad token or
// wrong tenant)"): Okta must see 502 naming the upstream token, not a 401
// that sends its admin to the wrong token, and the log must say the same.
func TestUpstreamTokenRefusedIs502(t *testing.T) {
	e := newEnvWith(t, envOptions{upstreamToken: "rotated-away-token"})
	for _, req := range []struct{ method, path string }{
		{"GET", "/Users?startIndex=1&count=2"},
		{"POST", "/Users"},
	} {
		var body any
		if req.method == "POST" {
			body = createBody("jane@okta.local", "Jane", "Doe", "00ujane0000000000001")
		}
		r := e.okta.do(req.method, req.path, body).expect(t, req.method+" with a refused upstream token", http.StatusBadGateway)
		if !strings.Contains(fmt.Sprint(r.Body["schemas"]), errorSchema) || !strings.Contains(str(r.Body, "detail"), "SCIM_BRIDGE_UPSTREAM_TOKEN") {
			t.Fatalf("%s %s: want a SCIM error naming the upstream token, got %s", req.method, req.path, r.Raw)
		}
	}
	if n := len(e.emu.Store().Users()); n != 0 {
		t.Fatalf("the emulator has %d users after refused calls", n)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"status":502`) || strings.Contains(logs, "rotated-away-token") {
		t.Errorf("the request log should record the 502 and never the token:\n%s", logs)
	}
}

// --names reject: a user without familyName gets a 400 naming the
// attribute, and nothing reaches Identity Center.
func TestNamesRejectNamesTheAttribute(t *testing.T) {
	e := newEnvWith(t, envOptions{names: identitycenter.NamesReject})
	mark := e.up.len()
	const body = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"cher@okta.local",
 "name":{"givenName":"Cher"},"displayName":"Cher","emails":[{"primary":true,"value":"cher@okta.local","type":"work"}],
 "externalId":"00ucher0000000000001","password":"pl4ceholder","active":true}`
	r := e.okta.do("POST", "/Users", body).expect(t, "create without familyName, --names reject", http.StatusBadRequest)
	if d := str(r.Body, "detail"); !strings.Contains(d, "name.familyName") {
		t.Fatalf("detail %q does not name name.familyName", d)
	}
	for _, c := range e.up.since(mark) {
		if c.Method != "GET" {
			t.Fatalf("a refused create reached Identity Center: %v", c)
		}
	}
	if n := len(e.emu.Store().Users()); n != 0 {
		t.Fatalf("the emulator has %d users", n)
	}
}
