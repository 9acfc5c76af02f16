package scim

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"go.uber.org/zap"
)

// FuzzBadInputNeverPanicsOr500s sends arbitrary bodies and filters. With a
// provisioner that never fails, any 5xx means bad input got past the checks.
func FuzzBadInputNeverPanicsOr500s(f *testing.F) {
	for _, s := range []struct{ body, filter string }{
		{oktaCreateBody, `userName eq "a"`},
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`, `userName eq "a" and externalId eq "b"`},
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"x\"]"}]}`, `emails[type eq "work" and value co "@"]`},
		{`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","emails":{"value":1}}`, `not(userName pr)`},
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"x"}]}`, `meta.lastModified gt "2011-05-13T04:42:34Z"`},
		{`null`, `)(`},
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[null,1,"x",{"op":5}]}`, `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"`},
	} {
		f.Add(s.body, s.filter)
	}
	users := newFakeUsers()
	id := users.add("jane@example.com")
	h, err := NewHandler(Config{Users: users, Groups: &fakeGroups{}, Tokens: func() []string { return []string{testToken} }, Logger: zap.NewNop()})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body, filter string) {
		for _, c := range []struct{ method, path string }{
			{"POST", "/scim/v2/Users"},
			{"PUT", "/scim/v2/Users/" + id},
			{"PATCH", "/scim/v2/Users/" + id},
			{"POST", "/scim/v2/Groups"},
			{"PATCH", "/scim/v2/Groups/g-1"},
			{"GET", "/scim/v2/Users?filter=" + url.QueryEscape(filter)},
			{"GET", "/scim/v2/Groups?filter=" + url.QueryEscape(filter)},
		} {
			req := httptest.NewRequest(c.method, c.path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testToken)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s %s with %q / %q: %d %s", c.method, c.path, body, filter, rec.Code, rec.Body)
			}
		}
	})
}
