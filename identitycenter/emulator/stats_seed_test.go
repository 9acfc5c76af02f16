package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestStatsCountEachOperation(t *testing.T) {
	e := newTestEmulator(t, Options{})
	id := createUser(t, e, "stats@example.com")
	call(t, e, http.MethodGet, "/Users/"+id, nil)
	call(t, e, http.MethodGet, "/Users/"+id, nil)
	call(t, e, http.MethodGet, "/Users?filter=userName%20eq%20%22stats%40example.com%22", nil)
	call(t, e, http.MethodPut, "/Groups/"+id, map[string]any{"displayName": "x"}) // refused, still counted
	call(t, e, http.MethodDelete, "/Users/"+id, nil)
	want := Stats{"CreateUser": 1, "GetUser": 2, "ListUsers": 1, "PutGroup": 1, "DeleteUser": 1}
	got := e.Stats()
	for op, n := range want {
		if got[op] != n {
			t.Errorf("%s = %d, want %d (all: %v)", op, got[op], n, got)
		}
	}
	if got.Requests() != 6 {
		t.Errorf("Requests() = %d, want 6", got.Requests())
	}
	e.ResetStats()
	if n := e.Stats().Requests(); n != 0 {
		t.Errorf("after ResetStats: %d", n)
	}
}

const validSeed = `{
  "users": [
    {"userName":"ann@example.com","displayName":"Ann","name":{"givenName":"Ann","familyName":"A"},
     "emails":[{"value":"ann@example.com","primary":true}]},
    {"userName":"bob@example.com","displayName":"Bob","name":{"givenName":"Bob","familyName":"B"}}
  ],
  "groups": [{"displayName":"Engineering","externalId":"eng","members":["ann@example.com","BOB@example.com"]}]
}`

func TestSeedLoadsUsersGroupsAndMembers(t *testing.T) {
	e := newTestEmulator(t, Options{})
	if err := e.Seed(strings.NewReader(validSeed)); err != nil {
		t.Fatal(err)
	}
	users, groups := e.Store().Users(), e.Store().Groups()
	if len(users) != 2 || len(groups) != 1 {
		t.Fatalf("%d users, %d groups", len(users), len(groups))
	}
	ms, _ := e.Store().Members(groups[0].ID)
	if len(ms) != 2 || groups[0].ExternalID != "eng" {
		t.Errorf("group %+v with %d members, want externalId eng and 2", groups[0], len(ms))
	}
	// Seeded users are served like created ones.
	r := call(t, e, http.MethodGet, "/Users/"+users[0].ID, nil)
	mustStatus(t, r, http.StatusOK)
	if r.body["userName"] != "ann@example.com" {
		t.Errorf("GET seeded user: %s", r.raw)
	}
}

func TestSeedIsValidatedAndAllOrNothing(t *testing.T) {
	for name, seed := range map[string]string{
		"two emails": `{"users":[{"userName":"a@x","displayName":"A","name":{"givenName":"A","familyName":"A"}},
			{"userName":"b@x","displayName":"B","name":{"givenName":"B","familyName":"B"},
			 "emails":[{"value":"b@x","primary":true},{"value":"c@x"}]}]}`,
		"duplicate": `{"users":[{"userName":"a@x","displayName":"A","name":{"givenName":"A","familyName":"A"}},
			{"userName":"A@x","displayName":"A","name":{"givenName":"A","familyName":"A"}}]}`,
		"unknown member": `{"users":[{"userName":"a@x","displayName":"A","name":{"givenName":"A","familyName":"A"}}],
			"groups":[{"displayName":"G","members":["nobody@x"]}]}`,
		"reserved group": `{"groups":[{"displayName":"AWSAdministrators"}]}`,
		"unknown key":    `{"users":[],"roles":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			e := newTestEmulator(t, Options{})
			if err := e.Seed(strings.NewReader(seed)); err == nil {
				t.Fatal("seed accepted")
			}
			if n, g := len(e.Store().Users()), len(e.Store().Groups()); n != 0 || g != 0 {
				t.Errorf("refused seed left %d users and %d groups", n, g)
			}
		})
	}
}

func TestNewRefusesImpossibleOptions(t *testing.T) {
	for name, o := range map[string]Options{
		"three tokens": {Tenant: testTenant, Tokens: []string{"a", "b", "c"}},
		"no token":     {Tenant: testTenant},
		"empty token":  {Tenant: testTenant, Tokens: []string{""}},
		"no tenant":    {Tokens: []string{"a"}},
		"slash tenant": {Tenant: "a/b", Tokens: []string{"a"}},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: New accepted %+v", name, o)
		}
	}
}

func TestEitherOfTwoTokensWorks(t *testing.T) {
	e := newTestEmulator(t, Options{Tokens: []string{"old-token", "new-token"}})
	base := "/" + testTenant + "/scim/v2/ServiceProviderConfig"
	for tok, want := range map[string]int{"old-token": 200, "new-token": 200, "other": 401, "": 401} {
		r := callAs(t, e, http.MethodGet, base, tok, nil)
		if r.status != want {
			t.Errorf("token %q: %d, want %d", tok, r.status, want)
		}
	}
	r := callAs(t, e, http.MethodGet, "/bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a/scim/v2/ServiceProviderConfig", "new-token", nil)
	if r.status != 401 || r.header.Get(RuleHeader) != string(RuleAuthTenant) {
		t.Errorf("wrong tenant: %d %s", r.status, r.header.Get(RuleHeader))
	}
}

// Clients choose the X-Amz-Target header: unknown targets must share one
// counter, or a stream of junk targets would grow Stats without bound.
func TestStatsDoNotGrowWithUnknownAWSTargets(t *testing.T) {
	e := newTestEmulator(t, Options{})
	for _, target := range []string{"AWSIdentityStore.Nope1", "AWSIdentityStore.Nope2", "Other.ListUsers", "junk", "AWSIdentityStore.ListUsers"} {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", target)
		e.ServeHTTP(httptest.NewRecorder(), req)
	}
	got := e.Stats()
	if len(got) != 2 || got["Unsupported"] != 4 || got["identitystore.ListUsers"] != 1 {
		t.Errorf("stats %v: want Unsupported 4 and identitystore.ListUsers 1, nothing else", got)
	}
}

// A seeded group stands for a create plus member PATCHes of ≤100, so it may
// be larger than one create allows: benchmarks seed groups of thousands.
func TestSeedGroupMayHaveMoreThan100Members(t *testing.T) {
	var users, names []string
	for i := range 150 {
		name := fmt.Sprintf("u%03d@example.com", i)
		names = append(names, `"`+name+`"`)
		users = append(users, fmt.Sprintf(`{"userName":%q,"displayName":"U","name":{"givenName":"U","familyName":"U"}}`, name))
	}
	seed := `{"users":[` + strings.Join(users, ",") + `],"groups":[{"displayName":"Big","members":[` + strings.Join(names, ",") + `]}]}`
	e := newTestEmulator(t, Options{})
	if err := e.Seed(strings.NewReader(seed)); err != nil {
		t.Fatalf("seed: %v", err)
	}
	groups := e.Store().Groups()
	if len(groups) != 1 {
		t.Fatalf("%d groups seeded", len(groups))
	}
	if ms, _ := e.Store().Members(groups[0].ID); len(ms) != 150 {
		t.Errorf("seeded group has %d members, want 150", len(ms))
	}
	// Through SCIM the same group could not be created in one request.
	r := call(t, e, http.MethodPost, "/Groups", map[string]any{"displayName": "Big2", "members": memberList(e.Store().Users())})
	mustStatus(t, r, http.StatusBadRequest)
}

func memberList(users []User) []any {
	out := make([]any, len(users))
	for i, u := range users {
		out[i] = map[string]any{"value": u.ID}
	}
	return out
}
