package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

const (
	testTenant = "a1b2c3d4e5f-0123-4567-89ab-0123456789ab"
	testToken  = "token-one"
)

func newTestEmulator(t testing.TB, opts Options) *Emulator {
	t.Helper()
	if opts.Tenant == "" {
		opts.Tenant = testTenant
	}
	if opts.Tokens == nil {
		opts.Tokens = []string{testToken}
	}
	e, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// reply is one decoded response.
type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// call sends one SCIM request in-process; path is relative to /{tenant}/scim/v2.
func call(t testing.TB, h http.Handler, method, path string, body any) reply {
	t.Helper()
	return callAs(t, h, method, "/"+testTenant+"/scim/v2"+path, testToken, body)
}

func callAs(t testing.TB, h http.Handler, method, fullPath, token string, body any) reply {
	t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, fullPath, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/scim+json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	out := reply{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	if len(out.raw) > 0 {
		if err := json.Unmarshal(out.raw, &out.body); err != nil {
			t.Fatalf("%s %s: response is not a JSON object: %v: %s", method, fullPath, err, out.raw)
		}
	}
	return out
}

func mustStatus(t testing.TB, r reply, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body %s", r.status, want, r.raw)
	}
}

// user returns a minimal valid SCIM user.
func user(name string) map[string]any {
	return map[string]any{
		"schemas":     []any{userSchema},
		"userName":    name,
		"displayName": "User " + name,
		"name":        map[string]any{"givenName": "Given", "familyName": "Family"},
		"emails":      []any{map[string]any{"value": name + "@example.com", "type": "work", "primary": true}},
		"active":      true,
	}
}

func createUser(t testing.TB, h http.Handler, name string) string {
	t.Helper()
	r := call(t, h, http.MethodPost, "/Users", user(name))
	mustStatus(t, r, http.StatusCreated)
	return r.body["id"].(string)
}
