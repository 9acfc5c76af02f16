package runscope

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

const miniSuite = `{"version":"1.0","name":"mini","steps":[
 {"step_type":"request","note":"Required Test: list","method":"GET",
  "url":"{{SCIMBaseURL}}/Users?filter=userName eq \"{{randomEmail}}\"",
  "headers":{"Authorization":["{{auth}}"]},
  "assertions":[
   {"comparison":"equal_number","source":"response_status","value":"200"},
   {"comparison":"is_a_number","source":"response_json","value":null,"property":"totalResults"},
   {"comparison":"has_value","source":"response_json","value":"urn:ietf:params:scim:api:messages:2.0:ListResponse","property":"schemas"},
   {"comparison":"not_empty","source":"response_json","value":null,"property":"Resources[0].active"}],
  "variables":[{"source":"response_json","name":"firstID","property":"Resources[0].id"}]},
 {"step_type":"pause","duration":5},
 {"step_type":"request","note":"Optional Test: get","method":"GET","url":"{{SCIMBaseURL}}/Users/{{firstID}}",
  "headers":{"Authorization":["{{auth}}"]},
  "assertions":[{"comparison":"equal","source":"response_json","value":"{{firstID}}","property":"id"},
   {"comparison":"equal","source":"response_json","value":"false","property":"active"}],
  "scripts":["assert(1)"]}
]}`

// listServer answers like a SCIM server; strings=true makes it send
// totalResults as a string, the mistake Okta's is_a_number catches.
func listServer(t *testing.T, asStrings bool) (*httptest.Server, *[]string) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.URL.RequestURI())
		if r.Header.Get("Authorization") != "Bearer t0k" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var total any = 1
		if asStrings {
			total = "1"
		}
		if r.URL.Path == "/scim/v2/Users" {
			json.NewEncoder(w).Encode(map[string]any{
				"schemas":      []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"},
				"totalResults": total,
				"Resources":    []any{map[string]any{"id": "u-1", "active": false}},
			})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": strings.TrimPrefix(r.URL.Path, "/scim/v2/Users/"), "active": false})
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func runMini(t *testing.T, srv *httptest.Server) (Report, map[string]string) {
	t.Helper()
	suite, err := Load(strings.NewReader(miniSuite))
	if err != nil {
		t.Fatal(err)
	}
	vars := InitialVariables(rand.New(rand.NewPCG(1, 2)))
	vars["SCIMBaseURL"] = srv.URL + "/scim/v2"
	vars["auth"] = "Bearer t0k"
	r := &Runner{Client: srv.Client(), Vars: vars}
	rep, err := r.Run(context.Background(), suite)
	if err != nil {
		t.Fatal(err)
	}
	return rep, vars
}

func TestRunnerPassesAConformingServer(t *testing.T) {
	srv, seen := listServer(t, false)
	rep, vars := runMini(t, srv)
	if f := rep.RequiredFailures(); len(f) != 0 {
		t.Fatalf("required failures:\n%s", rep)
	}
	if len(rep.Steps) != 2 || !rep.Steps[1].Passed() || rep.PausesSkipped != 1 {
		t.Fatalf("report:\n%s", rep)
	}
	if vars["firstID"] != "u-1" {
		t.Fatalf("extracted firstID = %q", vars["firstID"])
	}
	// The filter went out percent-encoded, as Runscope sends it.
	want := `/scim/v2/Users?filter=userName%20eq%20%22` + vars["randomEmail"] + `%22`
	if (*seen)[0] != want {
		t.Fatalf("request URI %q, want %q", (*seen)[0], want)
	}
	if (*seen)[1] != "/scim/v2/Users/u-1" {
		t.Fatalf("variable not substituted: %q", (*seen)[1])
	}
	if got := rep.Steps[1].NotRun; len(got) != 1 {
		t.Fatalf("script not reported as not run: %v", got)
	}
}

func TestRunnerCatchesStringNumbers(t *testing.T) {
	srv, _ := listServer(t, true)
	rep, _ := runMini(t, srv)
	f := rep.RequiredFailures()
	if len(f) != 1 || !strings.Contains(strings.Join(f[0].Failures, "\n"), "totalResults is_a_number") {
		t.Fatalf("string totalResults not caught:\n%s", rep)
	}
}

func TestRunnerReportsUndefinedVariables(t *testing.T) {
	suite, _ := Load(strings.NewReader(miniSuite))
	rep, err := (&Runner{Vars: map[string]string{}}).Run(context.Background(), suite)
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.RequiredFailures(); len(f) != 1 || !strings.Contains(f[0].Failures[0], "SCIMBaseURL") {
		t.Fatalf("undefined variable not named:\n%s", rep)
	}
}

func TestCompare(t *testing.T) {
	num := func(s string) observed { return observed{json.Number(s), true} }
	cases := []struct {
		cmp  string
		got  observed
		want string
		ok   bool
	}{
		{"equal", observed{true, true}, "true", true},
		{"equal", observed{"401", true}, "401", true},
		{"equal", num("401"), "401", true}, // status as number or string both pass
		{"equal", observed{nil, false}, "", false},
		{"equal_number", num("0"), "0", true},
		{"equal_number", observed{"0", true}, "0", true},
		{"equal_number", num("1"), "0", false},
		{"not_empty", observed{false, true}, "", true},
		{"not_empty", observed{"", true}, "", false},
		{"not_empty", observed{[]any{}, true}, "", false},
		{"not_empty", observed{nil, false}, "", false},
		{"is_a_number", num("3"), "", true},
		{"is_a_number", observed{"3", true}, "", false},
		{"has_value", observed{[]any{"a", "b"}, true}, "b", true},
		{"has_value", observed{[]any{"a", "bc"}, true}, "b", false},
		{"contains", observed{[]any{"urn:x:User"}, true}, "urn:x:User", true},
		{"contains", observed{"hello", true}, "ell", true},
		{"is_less_than", observed{599, true}, "600", true},
		{"is_less_than", observed{600, true}, "600", false},
		{"frobnicate", observed{1, true}, "1", false},
	}
	for _, c := range cases {
		why := compare(c.cmp, c.got, c.want)
		if (why == "") != c.ok {
			t.Errorf("compare(%s, %v, %q) = %q, want ok=%v", c.cmp, c.got, c.want, why, c.ok)
		}
	}
}

func TestLookup(t *testing.T) {
	var doc any
	json.Unmarshal([]byte(`{"Resources":[{"name":{"familyName":"X"},"emails":[{"value":"a@b"}]}]}`), &doc)
	if v, ok := lookup(doc, "Resources[0].name.familyName"); !ok || v != "X" {
		t.Fatalf("got %v %v", v, ok)
	}
	if v, ok := lookup(doc, "Resources[0].emails[0].value"); !ok || v != "a@b" {
		t.Fatalf("got %v %v", v, ok)
	}
	for _, p := range []string{"Resources[1].name", "Resources[0].nope", "Resources[x]", "Resources.name"} {
		if _, ok := lookup(doc, p); ok {
			t.Errorf("%s found", p)
		}
	}
}

func TestInitialVariablesMatchTheScript(t *testing.T) {
	v := InitialVariables(rand.New(rand.NewPCG(7, 8)))
	if !regexp.MustCompile(`^Runscope\d{3}$`).MatchString(v["randomGivenName"]) ||
		!regexp.MustCompile(`^[A-Z][a-z]{8}\d{3}$`).MatchString(v["randomFamilyName"]) {
		t.Fatalf("names %q %q", v["randomGivenName"], v["randomFamilyName"])
	}
	if v["randomEmail"] != v["randomGivenName"]+v["randomFamilyName"]+"@atko.com" || v["randomUsername"] != v["randomEmail"] ||
		v["randomUsernameCaps"] != strings.ToUpper(v["randomEmail"]) {
		t.Fatalf("email vars %v", v)
	}
}

func TestEncodeURL(t *testing.T) {
	got := encodeURL(`http://h/scim/v2/Users?filter=userName eq "a+b@c"&count=1%20`)
	want := `http://h/scim/v2/Users?filter=userName%20eq%20%22a+b@c%22&count=1%20`
	if got != want {
		t.Fatalf("got %s", got)
	}
}

func TestLoadRefusesUnknownStep(t *testing.T) {
	if _, err := Load(strings.NewReader(`{"steps":[{"step_type":"subtest"}]}`)); err == nil {
		t.Fatal("unknown step type accepted")
	}
	if _, err := Load(strings.NewReader(`{"steps":[]}`)); err == nil {
		t.Fatal("empty suite accepted")
	}
}
