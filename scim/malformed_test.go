package scim

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

// malformedEnv is the real stack over HTTP: handler → Provisioner → Client →
// emulator, so net/http's own limits and the emulator's request counts are
// both in play.
type malformedEnv struct {
	srv  *httptest.Server
	emu  *emulator.Emulator
	uid  string
	gid  string
	seen emulator.Stats
}

func newMalformedEnv(t *testing.T) *malformedEnv {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Tenant: "t-1", Tokens: []string{upstreamToken}})
	if err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(emu)
	t.Cleanup(up.Close)
	client, err := identitycenter.NewClient(identitycenter.ClientConfig{BaseURL: up.URL + "/t-1/scim/v2", Token: func() string { return upstreamToken }})
	if err != nil {
		t.Fatal(err)
	}
	p := identitycenter.NewProvisioner(identitycenter.ProvisionerConfig{Client: client})
	h, err := NewHandler(Config{Users: p, Groups: p, Tokens: func() []string { return []string{testToken} }, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	env := &malformedEnv{srv: httptest.NewServer(h), emu: emu}
	t.Cleanup(env.srv.Close)
	u, err := emu.Store().CreateUser(map[string]any{
		"userName": "jane@example.com", "displayName": "Jane Doe", "active": true,
		"name":   map[string]any{"givenName": "Jane", "familyName": "Doe"},
		"emails": []any{map[string]any{"value": "jane@example.com", "type": "work", "primary": true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := emu.Store().CreateGroup("Engineering", "", []string{u.ID})
	if err != nil {
		t.Fatal(err)
	}
	env.uid, env.gid = u.ID, g.ID
	return env
}

type malformed struct {
	name         string
	method, path string // {uid} and {gid} are the seeded user's and group's ids
	body         string
	contentType  string            // "" → Okta's application/scim+json; charset=utf-8; "-" → none
	header       map[string]string // extra headers
	chunked      bool              // send the body without Content-Length
	status       int
	detail       string // a substring the detail must hold
}

const (
	userSchemaJSON  = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]`
	groupSchemaJSON = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]`
	patchSchemaJSON = `"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`
)

func nested(depth int) string {
	return `{` + userSchemaJSON + `,"userName":"deep@example.com","name":` + strings.Repeat(`{"a":`, depth) + `1` + strings.Repeat(`}`, depth) + `}`
}

var malformedCases = []malformed{
	// Bad JSON.
	{name: "truncated JSON", method: "POST", path: "/Users", body: `{"userName":`, status: 400, detail: "not valid JSON"},
	{name: "not an object", method: "POST", path: "/Users", body: `[{"userName":"a"}]`, status: 400, detail: "JSON object"},
	{name: "null body", method: "PUT", path: "/Users/{uid}", body: `null`, status: 400, detail: "JSON object"},
	{name: "empty create", method: "POST", path: "/Users", body: ``, status: 400, detail: "empty"},
	{name: "trailing garbage", method: "POST", path: "/Users", body: `{` + userSchemaJSON + `,"userName":"a@b.c"} {"x":1}`, status: 400, detail: "JSON"},
	{name: "single quotes", method: "POST", path: "/Groups", body: `{'displayName':'x'}`, status: 400, detail: "not valid JSON"},
	{name: "invalid UTF-8", method: "POST", path: "/Users", body: "{" + userSchemaJSON + ",\"userName\":\"a\xff\xfe@b.c\"}", status: 400, detail: "UTF-8"},
	{name: "truncated PATCH", method: "PATCH", path: "/Users/{uid}", body: `{` + patchSchemaJSON + `,"Operations":[{"op":"replace"`, status: 400, detail: "not valid JSON"},
	{name: "PATCH without Operations", method: "PATCH", path: "/Groups/{gid}", body: `{` + patchSchemaJSON + `}`, status: 400, detail: "Operations"},
	{name: "PATCH op not an object", method: "PATCH", path: "/Users/{uid}", body: `{` + patchSchemaJSON + `,"Operations":[1]}`, status: 400, detail: "operation 1"},
	{name: "PATCH unknown op", method: "PATCH", path: "/Users/{uid}", body: `{` + patchSchemaJSON + `,"Operations":[{"op":"move","path":"title","value":"x"}]}`, status: 400, detail: "move"},
	{name: "bare string body", method: "POST", path: "/Users", body: `"jane@example.com"`, status: 400, detail: "JSON object"},
	{name: "array PUT body", method: "PUT", path: "/Groups/{gid}", body: `[]`, status: 400, detail: "JSON object"},
	{name: "number PATCH body", method: "PATCH", path: "/Users/{uid}", body: `42`, status: 400, detail: "JSON object"},
	{name: "PATCH Operations an object", method: "PATCH", path: "/Users/{uid}", body: `{` + patchSchemaJSON + `,"Operations":{"op":"replace","value":{"active":false}}}`, status: 400, detail: "Operations"},
	{name: "PATCH Operations a string", method: "PATCH", path: "/Groups/{gid}", body: `{` + patchSchemaJSON + `,"Operations":"replace"}`, status: 400, detail: "Operations"},
	{name: "PATCH Operations null", method: "PATCH", path: "/Groups/{gid}", body: `{` + patchSchemaJSON + `,"Operations":null}`, status: 400, detail: "Operations"},
	{name: "wrong JSON type", method: "PUT", path: "/Users/{uid}", body: `{` + userSchemaJSON + `,"userName":"jane@example.com","active":"maybe"}`, status: 400, detail: "active"},

	// Wrong content type: Okta sends application/scim+json (okta-scim-client.md §3).
	{name: "form post", method: "POST", path: "/Users", body: `userName=a`, contentType: "application/x-www-form-urlencoded", status: 415, detail: "application/scim+json"},
	{name: "text/plain JSON", method: "POST", path: "/Users", body: `{` + userSchemaJSON + `,"userName":"a@b.c"}`, contentType: "text/plain", status: 415, detail: "text/plain"},
	{name: "XML", method: "PUT", path: "/Users/{uid}", body: `<user/>`, contentType: "application/xml", status: 415, detail: "application/xml"},
	{name: "Latin-1 charset", method: "PATCH", path: "/Users/{uid}", body: `{` + patchSchemaJSON + `,"Operations":[{"op":"replace","value":{"active":false}}]}`, contentType: "application/scim+json; charset=iso-8859-1", status: 415, detail: "UTF-8"},
	{name: "unparsable content type", method: "POST", path: "/Groups", body: `{` + groupSchemaJSON + `,"displayName":"x"}`, contentType: "application/json; ;;", status: 415, detail: "Content-Type"},

	// Huge bodies: announced, and streamed without a length.
	{name: "huge body", method: "POST", path: "/Users", body: `{` + userSchemaJSON + `,"userName":"` + strings.Repeat("a", DefaultMaxBodyBytes) + `"}`, status: 413, detail: "larger than"},
	{name: "huge chunked body", method: "PUT", path: "/Groups/{gid}", body: `{` + groupSchemaJSON + `,"displayName":"` + strings.Repeat("b", DefaultMaxBodyBytes) + `"}`, chunked: true, status: 413, detail: "larger than"},

	// Deep nesting.
	{name: "deep object", method: "POST", path: "/Users", body: nested(DefaultMaxJSONDepth + 1), status: 400, detail: "levels deep"},
	{name: "very deep arrays", method: "PATCH", path: "/Groups/{gid}", body: `{` + patchSchemaJSON + `,"Operations":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`, status: 400, detail: "levels deep"},

	// Unknown schemas.
	{name: "unknown core schema", method: "POST", path: "/Users", body: `{"schemas":["urn:example:params:scim:schemas:core:2.0:Person"],"userName":"a@b.c"}`, status: 400, detail: "schemas"},
	{name: "group schema on /Users", method: "POST", path: "/Users", body: `{` + groupSchemaJSON + `,"displayName":"x"}`, status: 400, detail: "schemas"},
	{name: "no schemas", method: "PUT", path: "/Users/{uid}", body: `{"userName":"jane@example.com"}`, status: 400, detail: "schemas"},
	{name: "PATCH with a resource schema", method: "PATCH", path: "/Users/{uid}", body: `{` + userSchemaJSON + `,"Operations":[{"op":"replace","value":{"active":false}}]}`, status: 400, detail: "PatchOp"},

	// Invalid filters: Identity Center takes eq and and only (identity-center-scim.md §3).
	{name: "filter does not parse", method: "GET", path: "/Users?filter=" + pathEscape(`userName eq`), status: 400, detail: "does not parse"},
	{name: "filter with brackets", method: "GET", path: "/Users?filter=" + pathEscape(`)(`), status: 400, detail: "does not parse"},
	{name: "filter operator", method: "GET", path: "/Users?filter=" + pathEscape(`userName sw "j"`), status: 400, detail: `"sw"`},
	{name: "filter or", method: "GET", path: "/Groups?filter=" + pathEscape(`displayName eq "a" or displayName eq "b"`), status: 400, detail: `"or"`},
	{name: "filter unknown attribute", method: "GET", path: "/Users?filter=" + pathEscape(`nosuch eq "x"`), status: 400, detail: `"nosuch"`},
	{name: "filter value path", method: "GET", path: "/Users?filter=" + pathEscape(`emails[value eq "a"]`), status: 400, detail: "value path"},
	{name: "filter non-string value", method: "GET", path: "/Users?filter=" + pathEscape(`userName eq 5`), status: 400, detail: "quoted string"},
	{name: "huge filter", method: "GET", path: "/Users?filter=" + pathEscape(strings.Repeat(`userName eq "a" and `, 2000)+`userName eq "a"`), status: 431, detail: "headers"},

	// Path traversal and hostile ids: refused before an upstream URL is built.
	{name: "dot-dot id", method: "GET", path: "/Users/..", status: 404, detail: "no User with id"},
	{name: "traversal", method: "GET", path: "/Users/../../../etc/passwd", status: 404, detail: "no User with id"},
	{name: "encoded traversal", method: "GET", path: "/Users/%2e%2e%2f%2e%2e%2fGroups", status: 404, detail: "no User with id"},
	{name: "encoded traversal upper", method: "DELETE", path: "/Groups/..%2F..%2F..%2Fadmin", status: 404, detail: "no Group with id"},
	{name: "encoded slash", method: "PUT", path: "/Users/{uid}%2Fextra", body: `{` + userSchemaJSON + `,"userName":"jane@example.com"}`, status: 404, detail: "no User with id"},
	{name: "id with a slash", method: "PATCH", path: "/Groups/{gid}/members", body: `{` + patchSchemaJSON + `,"Operations":[{"op":"replace","value":{"displayName":"x"}}]}`, status: 404, detail: "no Group with id"},
	{name: "id with a quote", method: "GET", path: `/Users/a%22%20or%20%221%22=%221`, status: 404, detail: "no User with id"},
	{name: "id with an apostrophe", method: "DELETE", path: `/Users/a'b`, status: 404, detail: "no User with id"},
	{name: "id with NUL", method: "GET", path: "/Groups/abc%00def", status: 404, detail: "no Group with id"},
	{name: "id with CRLF", method: "GET", path: "/Users/abc%0d%0aX-Injected:%201", status: 404, detail: "no User with id"},
	{name: "id with a query", method: "GET", path: "/Users/abc%3Ffilter=x", status: 404, detail: "no User with id"},
	{name: "id with non-ASCII", method: "GET", path: "/Users/%C3%A9t%C3%A9", status: 404, detail: "no User with id"},
	{name: "id with invalid UTF-8", method: "GET", path: "/Users/%ff%fe", status: 404, detail: "no User with id"},
	{name: "id too long", method: "GET", path: "/Users/" + strings.Repeat("a", 200), status: 404, detail: "no User with id"},

	// Methods and targets Okta never uses (okta-scim-client.md §1): refused,
	// never passed upstream: 405 with an Allow header (elimity's 404 for a
	// method it has no route for, corrected); the detail names the method
	// and the path.
	{name: "POST to a user", method: "POST", path: "/Users/{uid}", body: `{` + userSchemaJSON + `,"userName":"x@example.com"}`, status: 405, detail: "method POST is not supported"},
	{name: "POST to a group", method: "POST", path: "/Groups/{gid}", body: `{` + groupSchemaJSON + `,"displayName":"x"}`, status: 405, detail: "method POST is not supported"},
	{name: "PUT to the collection", method: "PUT", path: "/Users", body: `{` + userSchemaJSON + `,"userName":"x@example.com"}`, status: 405, detail: "method PUT is not supported"},
	{name: "PATCH the collection", method: "PATCH", path: "/Groups", body: `{` + patchSchemaJSON + `,"Operations":[{"op":"replace","value":{"displayName":"x"}}]}`, status: 405, detail: "method PATCH is not supported"},
	{name: "DELETE the collection", method: "DELETE", path: "/Users", status: 405, detail: "method DELETE is not supported"},
	{name: "OPTIONS on users", method: "OPTIONS", path: "/Users", status: 405, detail: "method OPTIONS is not supported"},
	{name: "TRACE on a user", method: "TRACE", path: "/Users/{uid}", status: 405, detail: "method TRACE is not supported"},
	{name: "WebDAV verb", method: "PROPFIND", path: "/Groups/{gid}", status: 405, detail: "method PROPFIND is not supported"},

	// Oversized headers.
	{name: "huge header", method: "GET", path: "/Users?startIndex=1&count=2", header: map[string]string{"X-Padding": strings.Repeat("p", DefaultMaxHeaderBytes)}, status: 431, detail: "headers"},
	{name: "many headers", method: "GET", path: "/Users/{uid}", header: manyHeaders(600, 60), status: 431, detail: "headers"},
	{name: "huge header on a write", method: "POST", path: "/Users", body: `{` + userSchemaJSON + `,"userName":"a@b.c"}`, header: map[string]string{"Cookie": strings.Repeat("c=1; ", DefaultMaxHeaderBytes/5)}, status: 431, detail: "headers"},
}

func pathEscape(s string) string {
	return strings.NewReplacer(" ", "%20", `"`, "%22", "[", "%5B", "]", "%5D", "(", "%28", ")", "%29").Replace(s)
}

func manyHeaders(n, size int) map[string]string {
	h := make(map[string]string, n)
	for i := range n {
		h[fmt.Sprintf("X-H%d", i)] = strings.Repeat("v", size)
	}
	return h
}

// TestMalformedRequestsAreRefusedBeforeIdentityCenter: each bad request gets
// a SCIM 4xx with a detail that says what was wrong, never a 5xx, a panic or
// an upstream call, and Identity Center is unchanged.
func TestMalformedRequestsAreRefusedBeforeIdentityCenter(t *testing.T) {
	env := newMalformedEnv(t)
	before := snapshot(env.emu)
	for _, c := range malformedCases {
		t.Run(c.name, func(t *testing.T) {
			calls := env.emu.Stats().Requests()
			r := env.send(t, c)
			if r.status != c.status {
				t.Fatalf("status %d, want %d; body %s", r.status, c.status, r.raw)
			}
			wantSCIMError(t, r, c.status)
			if ct := r.header.Get("Content-Type"); ct != contentType {
				t.Errorf("Content-Type %q, want %s", ct, contentType)
			}
			if d := detail(r); !strings.Contains(d, c.detail) {
				t.Errorf("detail %q does not mention %q", d, c.detail)
			}
			if n := env.emu.Stats().Requests() - calls; n != 0 {
				t.Errorf("%d upstream request(s) for a malformed request: %v", n, env.emu.Stats())
			}
		})
	}
	if after := snapshot(env.emu); after != before {
		t.Errorf("Identity Center changed:\nbefore %s\nafter  %s", before, after)
	}
	// The bridge still serves a good request after all that.
	if r := env.send(t, malformed{method: "GET", path: "/Users/{uid}"}); r.status != http.StatusOK {
		t.Fatalf("GET after the malformed requests: %d %s", r.status, r.raw)
	}
}

func (env *malformedEnv) send(t *testing.T, c malformed) reply {
	t.Helper()
	path := strings.NewReplacer("{uid}", env.uid, "{gid}", env.gid).Replace(c.path)
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
		if c.chunked {
			body = io.MultiReader(body) // hides the length: sent chunked
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), c.method, env.srv.URL+BasePath+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/scim+json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	switch c.contentType {
	case "":
		if c.body != "" {
			req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
		}
	case "-":
	default:
		req.Header.Set("Content-Type", c.contentType)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	// The raw path keeps encoded and dot segments exactly as written.
	req.URL.Opaque = "//" + req.URL.Host + BasePath + strings.SplitN(path, "?", 2)[0]
	return sendReply(t, env.srv.Client(), req)
}

// TestHeadOnSCIMPathsIsSane: Okta never sends HEAD (okta-scim-client.md §1).
// A HEAD gets a 4xx, never a 5xx, makes no upstream call and changes
// nothing in Identity Center.
func TestHeadOnSCIMPathsIsSane(t *testing.T) {
	env := newMalformedEnv(t)
	before := snapshot(env.emu)
	for _, path := range []string{"/Users", "/Users/{uid}", "/Groups", "/Groups/{gid}", "/Users/..%2F..", "/Nope"} {
		t.Run(path, func(t *testing.T) {
			path := strings.NewReplacer("{uid}", env.uid, "{gid}", env.gid).Replace(path)
			calls := env.emu.Stats().Requests()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodHead, env.srv.URL+BasePath+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := env.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Errorf("HEAD %s: status %d, want a 4xx", path, resp.StatusCode)
			}
			if n := env.emu.Stats().Requests() - calls; n != 0 {
				t.Errorf("HEAD %s: %d upstream request(s)", path, n)
			}
		})
	}
	if after := snapshot(env.emu); after != before {
		t.Errorf("Identity Center changed:\nbefore %s\nafter  %s", before, after)
	}
}
