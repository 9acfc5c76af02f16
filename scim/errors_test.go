package scim

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

func TestFiltersOtherThanEqAndAreRefused(t *testing.T) {
	env := newEnv(t, Config{})
	for filter, want := range map[string]string{
		`userName sw "a"`:                     `"sw"`,
		`userName eq "a" or userName eq "b"`:  `"or"`,
		`not (userName eq "a")`:               "not",
		`emails[type eq "work"]`:              "value path",
		`userName pr`:                         `"pr"`,
		`active eq true`:                      "quoted string",
		`userName eq`:                         "does not parse",
		`userName eq "a" and`:                 "does not parse",
		`nosuchattr eq "x"`:                   `"nosuchattr"`,
		`name.nosuch eq "x"`:                  `name.nosuch`,
		`userName eq "a" and title co "Eng"`:  `"co"`,
		`(userName eq "a") or (title eq "b")`: `"or"`,
	} {
		r := env.do(t, "GET", "/scim/v2/Users?filter="+url.QueryEscape(filter), "")
		wantSCIMError(t, r, 400)
		if r.body["scimType"] != "invalidFilter" {
			t.Errorf("%s: scimType %v", filter, r.body["scimType"])
		}
		if !strings.Contains(detail(r), want) {
			t.Errorf("%s: detail %q does not mention %s", filter, detail(r), want)
		}
	}
	if calls := env.users.Calls(); len(calls) != 0 {
		t.Errorf("refused filters reached the provisioner: %v", calls)
	}
}

func TestBadBodiesAreClear400s(t *testing.T) {
	env := newEnv(t, Config{})
	id := env.users.add("jane@example.com")
	const user = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]`
	const patch = `"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`
	cases := []struct {
		method, path, body, want string
	}{
		{"POST", "/scim/v2/Users", `{"userName":`, "not valid JSON"},
		{"POST", "/scim/v2/Users", ``, "empty"},
		{"POST", "/scim/v2/Users", `[1,2]`, "JSON object"},
		{"POST", "/scim/v2/Users", `{"userName":"a"}`, `"schemas"`},
		{"POST", "/scim/v2/Users", `{` + user + `,"active":true}`, `"userName" is required`},
		{"POST", "/scim/v2/Users", `{` + user + `,"userName":"a","active":"False"}`, `"active" must be a JSON boolean`},
		{"POST", "/scim/v2/Users", `{` + user + `,"userName":"a","emails":"a@b.c"}`, `"emails" must be an array`},
		{"POST", "/scim/v2/Users", `{` + user + `,"userName":"a","emails":[{"value":"a@b.c","primary":"yes"}]}`, `"emails.primary"`},
		{"POST", "/scim/v2/Users", `{` + user + `,"userName":"a","name":"Jane"}`, `"name" must be an object`},
		{"POST", "/scim/v2/Users", `{` + user + `,"userName":"a","UserName":"b"}`, "twice"},
		{"POST", "/scim/v2/Users", `{` + user + `,"userName":42}`, `"userName" must be a JSON string`},
		{"POST", "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":7}}`, `department`},
		{"PUT", "/scim/v2/Users/" + id, `{` + user + `,"userName":"a","active":1}`, `"active"`},
		{"PATCH", "/scim/v2/Users/" + id, `{"Operations":[{"op":"replace","value":{"active":false}}]}`, `"schemas"`},
		{"PATCH", "/scim/v2/Users/" + id, `{` + patch + `,"Operations":[]}`, `"Operations"`},
		{"PATCH", "/scim/v2/Users/" + id, `{` + patch + `,"Operations":[{"op":"frobnicate","path":"active","value":false}]}`, "add, remove or replace"},
		{"PATCH", "/scim/v2/Users/" + id, `{` + patch + `,"Operations":[{"op":"remove"}]}`, "remove needs"},
		{"PATCH", "/scim/v2/Users/" + id, `{` + patch + `,"Operations":[{"op":"replace","value":false}]}`, "must be an object"},
		{"PATCH", "/scim/v2/Users/" + id, `{` + patch + `,"Operations":[{"op":"replace","value":{"active":"False"}}]}`, `"active" must be a JSON boolean`},
		{"PATCH", "/scim/v2/Users/" + id, `{` + patch + `,"Operations":[{"op":"replace","path":"nosuch","value":1}]}`, `"nosuch"`},
		{"PATCH", "/scim/v2/Users/" + id, `{` + patch + `,"Operations":[{"op":"replace","path":"active]","value":1}]}`, "not a valid SCIM path"},
		{"PATCH", "/scim/v2/Users/" + id, `{` + patch + `,"Operations":[{"op":"replace","value":{"active":true}},{"op":"replace","value":{"nosuch":1}}]}`, "operation 2"},
		{"GET", "/scim/v2/Users?count=abc", "", "count"},
	}
	for _, c := range cases {
		r := env.do(t, c.method, c.path, c.body)
		wantSCIMError(t, r, 400)
		if !strings.Contains(detail(r), c.want) {
			t.Errorf("%s %s %s: detail %q does not contain %s", c.method, c.path, c.body, detail(r), c.want)
		}
	}
	if calls := env.users.Calls(); len(calls) != 0 {
		t.Errorf("bad input reached the provisioner: %v", calls)
	}
}

func TestBodyTooLarge(t *testing.T) {
	env := newEnv(t, Config{})
	big := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"` + strings.Repeat("a", maxBodyBytes) + `"}`
	wantSCIMError(t, env.do(t, "POST", "/scim/v2/Users", big), 413)
	if calls := env.users.Calls(); len(calls) != 0 {
		t.Errorf("provisioner called: %v", calls)
	}
}

func TestUpstreamErrorsMapToSCIM(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		status     int
		scimType   string
		retryAfter string
		detailHas  string
		detailNot  string
	}{
		{"throttled with wait", &identitycenter.Error{Status: 429, Detail: "Rate exceeded", RetryAfter: 2500 * time.Millisecond, Upstream: true}, 429, "", "3", "Rate exceeded", ""},
		{"throttled no wait", &identitycenter.Error{Status: 429, Detail: "Rate exceeded", Upstream: true}, 429, "", "30", "Rate exceeded", ""},
		{"validation", &identitycenter.Error{Status: 400, ScimType: "invalidValue", Detail: "emails: Identity Center takes one value", Upstream: false}, 400, "invalidValue", "", "emails", ""},
		{"wrapped", fmt.Errorf("create: %w", &identitycenter.Error{Status: 409, ScimType: "uniqueness", Detail: "duplicate"}), 409, "uniqueness", "", "duplicate", ""},
		{"upstream auth", &identitycenter.Error{Status: 401, Detail: "Unauthorized", Upstream: true}, 502, "", "", "upstream token", ""},
		{"upstream 500", &identitycenter.Error{Status: 500, Detail: "InternalServerException", Upstream: true}, 500, "", "", "InternalServerException", ""},
		{"bad status", &identitycenter.Error{Status: 200, Detail: "odd"}, 500, "", "", "odd", ""},
		{"plain error", errors.New("dial tcp 10.0.0.1:443: secret-host-detail"), 500, "", "", "request_id", "secret-host-detail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t, Config{})
			id := env.users.add("jane@example.com")
			env.users.fail = c.err
			for _, req := range []struct{ method, path, body string }{
				{"GET", "/scim/v2/Users/" + id, ""},
				{"GET", "/scim/v2/Users?startIndex=1&count=100", ""},
				{"POST", "/scim/v2/Users", oktaCreateBody},
				{"PATCH", "/scim/v2/Users/" + id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`},
				{"DELETE", "/scim/v2/Users/" + id, ""},
			} {
				r := env.do(t, req.method, req.path, req.body)
				wantSCIMError(t, r, c.status)
				if got, _ := r.body["scimType"].(string); got != c.scimType {
					t.Errorf("%s %s: scimType %q, want %q", req.method, req.path, got, c.scimType)
				}
				if got := r.header.Get("Retry-After"); got != c.retryAfter {
					t.Errorf("%s %s: Retry-After %q, want %q", req.method, req.path, got, c.retryAfter)
				}
				if !strings.Contains(detail(r), c.detailHas) {
					t.Errorf("%s %s: detail %q lacks %q", req.method, req.path, detail(r), c.detailHas)
				}
				if c.detailNot != "" && strings.Contains(r.raw, c.detailNot) {
					t.Errorf("%s %s: internal error leaked to Okta: %s", req.method, req.path, r.raw)
				}
			}
			if c.detailNot != "" && !strings.Contains(env.log.String(), c.detailNot) {
				t.Errorf("internal error missing from the request log")
			}
		})
	}
}

func TestRequestIDInDetailMatchesHeader(t *testing.T) {
	env := newEnv(t, Config{})
	env.users.fail = errors.New("boom")
	r := env.do(t, "GET", "/scim/v2/Users?startIndex=1&count=2", "")
	wantSCIMError(t, r, 500)
	id := r.header.Get("X-Request-Id")
	if id == "" || !strings.Contains(detail(r), id) {
		t.Errorf("detail %q should carry the request id %q", detail(r), id)
	}
}

type panickyUsers struct{ *fakeUsers }

func (panickyUsers) GetUser(context.Context, string) (identitycenter.Resource, error) {
	panic("provisioner bug")
}

func TestPanicBecomesSCIM500(t *testing.T) {
	env := newEnv(t, Config{Users: panickyUsers{newFakeUsers()}})
	r := env.do(t, "GET", "/scim/v2/Users/abc", "")
	wantSCIMError(t, r, 500)
	if strings.Contains(r.raw, "provisioner bug") {
		t.Errorf("panic value leaked to Okta: %s", r.raw)
	}
	if !strings.Contains(env.log.String(), "provisioner bug") {
		t.Error("panic missing from the request log")
	}
	// The server still serves.
	if r := env.do(t, "GET", "/scim/v2/Users?startIndex=1&count=2", ""); r.status != 200 {
		t.Errorf("after a panic: %d", r.status)
	}
}
