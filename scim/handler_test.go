package scim

import (
	"strings"
	"testing"
)

func TestBasePathWithAndWithoutSlashes(t *testing.T) {
	env := newEnv(t, Config{})
	env.users.add("jane@example.com")
	for _, p := range []string{
		"/scim/v2/Users",
		"/scim/v2/Users/",
		"/scim/v2//Users",   // Okta base URL pasted with a trailing slash
		"//scim//v2//Users", // every join doubled
	} {
		r := env.do(t, "GET", p+"?startIndex=1&count=2", "")
		if r.status != 200 {
			t.Errorf("GET %s: status %d, want 200; %s", p, r.status, r.raw)
			continue
		}
		if r.body["totalResults"] != float64(1) {
			t.Errorf("GET %s: totalResults = %v, want 1", p, r.body["totalResults"])
		}
	}
}

func TestOutsideBasePathIs404(t *testing.T) {
	env := newEnv(t, Config{})
	for _, p := range []string{"/Users", "/scim/v1/Users", "/scim/v2x/Users", "/metrics", "/"} {
		r := env.do(t, "GET", p, "")
		wantSCIMError(t, r, 404)
	}
	// The base URL itself, with or without a slash, is not a resource.
	for _, p := range []string{"/scim/v2", "/scim/v2/"} {
		r := env.do(t, "GET", p, "")
		wantSCIMError(t, r, 404)
		if !strings.Contains(detail(r), "/Users") {
			t.Errorf("GET %s: detail %q should point to /Users", p, detail(r))
		}
	}
	if calls := env.users.Calls(); len(calls) != 0 {
		t.Errorf("provisioner called: %v", calls)
	}
}

func TestUnknownEndpointAndMethod(t *testing.T) {
	env := newEnv(t, Config{})
	r := env.do(t, "GET", "/scim/v2/Widgets", "")
	wantSCIMError(t, r, 404)
	if !strings.Contains(detail(r), "/Widgets") {
		t.Errorf("detail %q does not name the path", detail(r))
	}
	// A method a known path does not support: 405 with the methods it does
	// (RFC 9110 §15.5.6), as a SCIM error.
	for path, allow := range map[string]string{
		"/scim/v2/Users":      "GET, POST",
		"/scim/v2/Groups/g-1": "GET, PUT, PATCH, DELETE",
		"/scim/v2/Users/u-1":  "GET, PUT, PATCH, DELETE",
	} {
		method := "DELETE"
		if strings.Count(path, "/") == 4 {
			method = "POST"
		}
		r = env.do(t, method, path, `{}`)
		wantSCIMError(t, r, 405)
		if got := r.header.Get("Allow"); got != allow {
			t.Errorf("%s %s: Allow = %q, want %q", method, path, got, allow)
		}
	}
}

func TestBearerAuth(t *testing.T) {
	env := newEnv(t, Config{Tokens: func() []string { return []string{"old-token", testToken} }})
	env.users.add("jane@example.com")

	for name, auth := range map[string]string{
		"missing":       "",
		"non-token":     "non-token", // SPEC step 11 sends exactly this
		"wrong":         "Bearer not-the-token",
		"prefix":        "Bearer " + testToken[:10],
		"longer":        "Bearer " + testToken + "x",
		"scheme only":   "Bearer",
		"empty bearer":  "Bearer ",
		"basic":         "Basic b2t0YTp0b2tlbg==",
		"token no type": testToken,
	} {
		hdr := []string{"Authorization", auth}
		if auth == "" {
			hdr = []string{"Authorization", ""}
		}
		r := env.do(t, "GET", "/scim/v2/Users?filter=userName%20eq%20%22jane%40example.com%22", "", hdr...)
		wantSCIMError(t, r, 401)
		if r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: no WWW-Authenticate header", name)
		}
	}
	if calls := env.users.Calls(); len(calls) != 0 {
		t.Fatalf("provisioner called without auth: %v", calls)
	}
	// Both tokens of a rotation work; the scheme is case-insensitive.
	for _, auth := range []string{"Bearer old-token", "Bearer " + testToken, "bearer " + testToken} {
		r := env.do(t, "GET", "/scim/v2/Users?startIndex=1&count=2", "", "Authorization", auth)
		if r.status != 200 {
			t.Errorf("%q: status %d, want 200", auth, r.status)
		}
	}
}

func TestTokensReadPerRequest(t *testing.T) {
	current := []string{"first"}
	env := newEnv(t, Config{Tokens: func() []string { return current }})
	if r := env.do(t, "GET", "/scim/v2/Users", "", "Authorization", "Bearer first"); r.status != 200 {
		t.Fatalf("status %d with the configured token", r.status)
	}
	current = []string{"second"}
	wantSCIMError(t, env.do(t, "GET", "/scim/v2/Users", "", "Authorization", "Bearer first"), 401)
	if r := env.do(t, "GET", "/scim/v2/Users", "", "Authorization", "Bearer second"); r.status != 200 {
		t.Fatalf("status %d after rotation", r.status)
	}
}

func TestEmptyTokenListRefusesEverything(t *testing.T) {
	for name, tokens := range map[string][]string{"nil": nil, "empty": {}, "blank": {""}, "blanks": {"", ""}} {
		env := newEnv(t, Config{Tokens: func() []string { return tokens }})
		for _, auth := range []string{"Bearer ", "Bearer", "", "Bearer x"} {
			r := env.do(t, "GET", "/scim/v2/Users", "", "Authorization", auth)
			if r.status != 401 {
				t.Errorf("%s tokens, auth %q: status %d, want 401", name, auth, r.status)
			}
		}
	}
}

func TestNewHandlerNeedsUsersAndTokens(t *testing.T) {
	if _, err := NewHandler(Config{Tokens: func() []string { return nil }}); err == nil {
		t.Error("no Users: want an error")
	}
	if _, err := NewHandler(Config{Users: newFakeUsers()}); err == nil {
		t.Error("no Tokens: want an error")
	}
}

func TestAuthorized(t *testing.T) {
	cases := []struct {
		header string
		tokens []string
		want   bool
	}{
		{"Bearer a", []string{"a"}, true},
		{"Bearer  a ", []string{"a"}, true},
		{"Bearer b", []string{"a", "b"}, true},
		{"Bearer c", []string{"a", "b"}, false},
		{"Bearer ", []string{""}, false},
		{"Bearer a", nil, false},
		{"Token a", []string{"a"}, false},
	}
	for _, c := range cases {
		if got := authorized(c.header, c.tokens); got != c.want {
			t.Errorf("authorized(%q, %q) = %v, want %v", c.header, c.tokens, got, c.want)
		}
	}
}

func TestGroupsDisabledAnswersSCIMError(t *testing.T) {
	env := newEnv(t, Config{})
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/scim/v2/Groups?startIndex=1&count=100", ""},
		{"GET", "/scim/v2/Groups?filter=displayName%20eq%20%22Eng%22", ""},
		{"GET", "/scim/v2/Groups/abc", ""},
		{"POST", "/scim/v2/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Eng","members":[]}`},
		{"PATCH", "/scim/v2/Groups/abc", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"abc","displayName":"Eng"}}]}`},
		{"DELETE", "/scim/v2/Groups/abc", ""},
	} {
		r := env.do(t, c.method, c.path, c.body)
		wantSCIMError(t, r, 501)
		if !strings.Contains(detail(r), "group") {
			t.Errorf("%s %s: detail %q does not say groups are off", c.method, c.path, detail(r))
		}
	}
}
