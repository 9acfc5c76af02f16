package scim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"
)

func TestDepthIgnoresBracketsInStrings(t *testing.T) {
	l := Limits{}.withDefaults()
	deep := strings.Repeat("[", l.MaxJSONDepth)
	for body, ok := range map[string]bool{
		// Brackets inside strings, escaped quotes and all, are text.
		`{"displayName":"` + strings.Repeat("[{", 100) + `"}`:           true,
		`{"a":"\"` + strings.Repeat("{", 100) + `\\"}`:                  true,
		deep + strings.Repeat("]", l.MaxJSONDepth):                      true,
		deep + "[" + strings.Repeat("]", l.MaxJSONDepth+1):              false,
		`{"a":"x\\"}` + strings.Repeat("{", l.MaxJSONDepth+1):           false,
		`{"a":` + strings.Repeat(`{"b":`, l.MaxJSONDepth) + `1` + "}}}": false,
	} {
		if got := l.checkDepth([]byte(body)) == nil; got != ok {
			t.Errorf("checkDepth(%.60q…) accepted=%v, want %v", body, got, ok)
		}
	}
}

func TestValidIDs(t *testing.T) {
	for id, ok := range map[string]bool{
		"9067729b3d-94f1e0b3-c394-48d5-8ab1-2c122a167074": true, // identity-center-scim.md §10
		"d468e4d8-c051-4d4c-9a5d-6a2e1f2a3b4c":            true,
		"010101001010101011001010101011":                  true, // Okta's SPEC suite's unknown id
		"g_1":                                             true,
		"":                                                false,
		"..":                                              false,
		"a.b":                                             false,
		"a/b":                                             false,
		`a"b`:                                             false,
		"a b":                                             false,
		"a\x00":                                           false,
		"é":                                               false,
		strings.Repeat("a", maxIDLen):                     true,
		strings.Repeat("a", maxIDLen+1):                   false,
	} {
		if validID(id) != ok {
			t.Errorf("validID(%q) = %v, want %v", id, !ok, ok)
		}
	}
}

func TestContentTypes(t *testing.T) {
	for ct, ok := range map[string]bool{
		"":                                     true, // absent: the body is read as JSON
		"application/scim+json":                true,
		"application/scim+json; charset=utf-8": true, // Okta, SCIM 2.0 (okta-scim-client.md §3)
		"application/json; charset=utf-8":      true, // Okta, SCIM 1.1
		"Application/SCIM+JSON; charset=UTF-8": true,
		"application/json; charset=utf-16":     false,
		"text/plain":                           false,
		"application/x-www-form-urlencoded":    false,
		"multipart/form-data; boundary=x":      false,
		"application/jsonp":                    false,
		"garbage;;":                            false,
	} {
		r := httptest.NewRequest(http.MethodPost, "/scim/v2/Users", nil)
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if got := checkContentType(r, []byte(`{}`)) == nil; got != ok {
			t.Errorf("Content-Type %q accepted=%v, want %v", ct, got, ok)
		}
	}
}

func TestConfiguredBodyLimit(t *testing.T) {
	env := newEnv(t, Config{Limits: Limits{MaxBodyBytes: 300}})
	small := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com"}`
	if r := env.do(t, "POST", "/scim/v2/Users", small); r.status != http.StatusCreated {
		t.Fatalf("a body under the limit: %d %s", r.status, r.raw)
	}
	big := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com","title":"` + strings.Repeat("t", 300) + `"}`
	r := env.do(t, "POST", "/scim/v2/Users", big)
	wantSCIMError(t, r, http.StatusRequestEntityTooLarge)
	if !strings.Contains(detail(r), "300 bytes") {
		t.Errorf("detail %q does not name the limit", detail(r))
	}
	if calls := env.users.Calls(); len(calls) != 1 {
		t.Errorf("calls %v: the oversized body reached the provisioner", calls)
	}
}

// BenchmarkLimitChecks is the cost of the checks on Okta's create body;
// compare with BenchmarkReplaceThroughHandler as a ratio.
func BenchmarkLimitChecks(b *testing.B) {
	l := Limits{}.withDefaults()
	body := []byte(oktaCreateBody)
	r := httptest.NewRequest(http.MethodPost, "/scim/v2/Users", nil)
	r.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	r.Header.Set("Authorization", "Bearer "+testToken)
	for b.Loop() {
		if l.checkHeaders(r) != nil || checkContentType(r, body) != nil || l.checkDepth(body) != nil || checkJSON(body) != nil {
			b.Fatal("Okta's create body refused")
		}
	}
}

// BenchmarkReplaceThroughHandler is a whole PUT of Okta's body through the
// handler (auth, limits, elimity, the request log) to an in-memory backend:
// the denominator for BenchmarkLimitChecks.
func BenchmarkReplaceThroughHandler(b *testing.B) {
	f := newFakeUsers()
	id := f.add("test.user@okta.local")
	h, err := NewHandler(Config{Users: f, Tokens: func() []string { return []string{testToken} }, Logger: zap.NewNop()})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPut, "/scim/v2/Users/"+id, strings.NewReader(oktaCreateBody))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}
