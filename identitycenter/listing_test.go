package identitycenter

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

// pvSeed puts n users straight into the emulator's store, in order.
func pvSeed(t *testing.T, env *pvEnv, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		name := fmt.Sprintf("user%05d@x.io", i)
		u, err := env.emu.Store().CreateUser(map[string]any{
			"userName": name, "displayName": "U " + name, "active": true,
			"name":   map[string]any{"givenName": "U", "familyName": name},
			"emails": []any{map[string]any{"value": name, "primary": true}},
		})
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		ids[i] = u.ID
	}
	return ids
}

// pvImport pages like Okta's import (okta-scim-client.md §1.2): startIndex
// += 100 while startIndex <= totalResults, and returns every id in order.
func pvImport(t *testing.T, env *pvEnv) []string {
	t.Helper()
	var ids []string
	total := -1
	for start := 1; total < 0 || start <= total; start += 100 {
		ctx, _ := pvCtx()
		res, err := env.p.ListUsers(ctx, ListQuery{StartIndex: start, Count: 100})
		if err != nil {
			t.Fatalf("page %d: %v", start, err)
		}
		if total >= 0 && res.TotalResults != total {
			t.Fatalf("page %d: totalResults changed from %d to %d", start, total, res.TotalResults)
		}
		total = res.TotalResults
		if res.StartIndex != start {
			t.Fatalf("page %d: startIndex %d", start, res.StartIndex)
		}
		for _, r := range res.Resources {
			ids = append(ids, r["id"].(string))
		}
		if len(res.Resources) == 0 {
			break
		}
	}
	return ids
}

func TestImportCostIsLinear(t *testing.T) {
	// identity-center-scim.md §3: AWS pages by cursor only and ignores startIndex;
	// importing n users must cost about n/100 upstream requests, not n².
	const n = 10_000
	// The seeded names are unique by construction; skipping the store's
	// O(n) uniqueness scan per insert keeps seeding 10,000 users fast.
	env := pvNewWith(t, ProvisionerConfig{}, map[emulator.Rule]bool{emulator.RuleUserUnique: true})
	want := pvSeed(t, env, n)
	env.emu.ResetStats()
	got := pvImport(t, env)
	if !slices.Equal(got, want) {
		t.Fatalf("import returned %d users, want all %d once each in store order", len(got), n)
	}
	lists := env.emu.Stats()["ListUsers"]
	t.Logf("import of %d users: %d Okta pages, %d upstream ListUsers requests (naive re-walk per page: %d)", n, n/100, lists, (n/100)*(n/100+1)/2)
	if lists > n/100+1 {
		t.Errorf("%d upstream ListUsers requests for %d users; want at most %d", lists, n, n/100+1)
	}
}

func TestImportTotalsExactAndOrderStable(t *testing.T) {
	env := pvNew(t, ProvisionerConfig{})
	want := pvSeed(t, env, 250)
	ctx, _ := pvCtx()
	first, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 1, Count: 100})
	if err != nil {
		t.Fatal(err)
	}
	if first.TotalResults != 250 || len(first.Resources) != 100 {
		t.Fatalf("first page: total %d, %d resources", first.TotalResults, len(first.Resources))
	}
	// Editing a served page does not corrupt the snapshot.
	first.Resources[0]["userName"] = "mangled"
	again0, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 1, Count: 100})
	if err != nil || again0.Resources[0]["userName"] == "mangled" {
		t.Errorf("a caller's edit reached the snapshot: %v", err)
	}
	// A user created mid-import does not shift the pages Okta is walking.
	pvSeed2 := func() {
		if _, err := env.emu.Store().CreateUser(map[string]any{"userName": "late@x.io", "displayName": "L", "name": map[string]any{"givenName": "L", "familyName": "L"}}); err != nil {
			t.Fatal(err)
		}
	}
	pvSeed2()
	last, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 201, Count: 100})
	if err != nil {
		t.Fatal(err)
	}
	if last.TotalResults != 250 || len(last.Resources) != 50 || last.Resources[49]["id"] != want[249] {
		t.Errorf("last page: total %d, %d resources", last.TotalResults, len(last.Resources))
	}
	// A new import (startIndex=1) sees today's directory.
	again, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 1, Count: 100})
	if err != nil {
		t.Fatal(err)
	}
	if again.TotalResults != 251 {
		t.Errorf("new import: total %d, want 251", again.TotalResults)
	}
	// Past the end: an empty page with the total.
	past, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 1000, Count: 100})
	if err != nil || past.TotalResults != 251 || len(past.Resources) != 0 {
		t.Errorf("past the end: %+v, %v", past, err)
	}
}

func TestImportSnapshotExpires(t *testing.T) {
	env := pvNew(t, ProvisionerConfig{ListCacheTTL: time.Minute})
	pvSeed(t, env, 150)
	clock := time.Now()
	env.p.lists.now = func() time.Time { return clock }
	ctx, _ := pvCtx()
	if _, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 1, Count: 100}); err != nil {
		t.Fatal(err)
	}
	env.emu.ResetStats()
	if _, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 101, Count: 100}); err != nil {
		t.Fatal(err)
	}
	if n := env.emu.Stats()["ListUsers"]; n != 0 {
		t.Errorf("page 2 within the TTL cost %d upstream requests", n)
	}
	clock = clock.Add(61 * time.Second)
	if _, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 101, Count: 100}); err != nil {
		t.Fatal(err)
	}
	if n := env.emu.Stats()["ListUsers"]; n != 2 {
		t.Errorf("page 2 after the TTL cost %d upstream requests, want a fresh walk of 2", n)
	}
}

func TestProbeIsOneRequest(t *testing.T) {
	// okta-scim-client.md §1.1: the probe is GET /Users?startIndex=1&count=2.
	env := pvNew(t, ProvisionerConfig{})
	ids := pvSeed(t, env, 300)
	env.emu.ResetStats()
	ctx, log := pvCtx()
	res, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 1, Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	if n := env.emu.Stats()["ListUsers"]; n != 1 {
		t.Errorf("probe cost %d upstream requests, want 1", n)
	}
	if len(res.Resources) != 2 || res.Resources[0]["id"] != ids[0] {
		t.Errorf("probe: %d resources", len(res.Resources))
	}
	if res.TotalResults <= 2 || res.TotalResults > 300 {
		t.Errorf("probe totalResults %d: want a lower bound above count", res.TotalResults)
	}
	if fb := log.Snapshot().Fallbacks; !slices.Contains(fb, FallbackTotalLowerBound) {
		t.Errorf("fallbacks %v lack %s", fb, FallbackTotalLowerBound)
	}

	// Small directory: one request and an exact total.
	small := pvNew(t, ProvisionerConfig{})
	pvSeed(t, small, 3)
	ctx, log = pvCtx()
	res, err = small.p.ListUsers(ctx, ListQuery{StartIndex: 1, Count: 1})
	if err != nil || res.TotalResults != 3 || len(res.Resources) != 1 || len(log.Snapshot().Fallbacks) != 0 {
		t.Errorf("small probe: %+v %v fallbacks %v", res, err, log.Snapshot().Fallbacks)
	}
}

func TestFilteredListIsOneUncachedRequest(t *testing.T) {
	// okta-scim-client.md §1.3: the create lookup is userName eq "…".
	env := pvNew(t, ProvisionerConfig{})
	pvSeed(t, env, 150)
	ctx, _ := pvCtx()
	// Warm a snapshot: the lookup must not be answered from it.
	if _, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 1, Count: 100}); err != nil {
		t.Fatal(err)
	}
	id := pvCreate(t, env, "new@x.io")
	env.emu.ResetStats()
	res, err := env.p.ListUsers(ctx, ListQuery{Filter: []Eq{{Attr: "username", Value: "new@x.io"}}, StartIndex: 1, Count: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalResults != 1 || res.Resources[0]["id"] != id {
		t.Errorf("lookup: %+v", res)
	}
	if n := env.emu.Stats()["ListUsers"]; n != 1 {
		t.Errorf("lookup cost %d upstream requests", n)
	}
	res, err = env.p.ListUsers(ctx, ListQuery{Filter: []Eq{{Attr: "externalId", Value: "nobody"}}, StartIndex: 1, Count: 100})
	if err != nil || res.TotalResults != 0 || len(res.Resources) != 0 {
		t.Errorf("miss: %+v %v", res, err)
	}
}

func TestFilterIdentityCenterCannotAnswer(t *testing.T) {
	// identity-center-scim.md §3 ListUsers filter combinations.
	env := pvNew(t, ProvisionerConfig{})
	env.emu.ResetStats()
	for _, f := range [][]Eq{
		{{Attr: "emails.value", Value: "a@x.io"}},
		{{Attr: "userName", Value: "a"}, {Attr: "externalId", Value: "b"}},
		{{Attr: "manager", Value: "m"}},
	} {
		ctx, _ := pvCtx()
		_, err := env.p.ListUsers(ctx, ListQuery{Filter: f, StartIndex: 1, Count: 100})
		e := pvAsError(t, err)
		if e.Status != http.StatusBadRequest || e.ScimType != "invalidFilter" || !strings.Contains(e.Detail, f[0].Attr) || !strings.Contains(e.Detail, "userName") {
			t.Errorf("%v: %+v", f, e)
		}
	}
	if n := env.emu.Stats().Requests(); n != 0 {
		t.Errorf("%d upstream requests for refused filters", n)
	}
}

func TestConcurrentImportPagesShareOneWalk(t *testing.T) {
	env := pvNew(t, ProvisionerConfig{})
	pvSeed(t, env, 500)
	env.emu.ResetStats()
	errs := make(chan error, 5)
	for i := range 5 {
		go func() {
			ctx, _ := pvCtx()
			_, err := env.p.ListUsers(ctx, ListQuery{StartIndex: 101 + 100*i, Count: 100})
			errs <- err
		}()
	}
	for range 5 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := env.emu.Stats()["ListUsers"]; n != 5 {
		t.Errorf("5 concurrent pages cost %d upstream requests, want one walk of 5", n)
	}
}

func TestFilterRefusalDetailIsCapped(t *testing.T) {
	// A filter of hundreds of terms is refused with a short detail that names
	// the first few attributes and counts the rest, not one that repeats all.
	env := pvNew(t, ProvisionerConfig{})
	f := make([]Eq, 500)
	for i := range f {
		f[i] = Eq{Attr: fmt.Sprintf("attribute%03d%s", i, strings.Repeat("x", 30)), Value: "v"}
	}
	f[1].Attr = strings.Repeat("L", 5000) // one very long name
	ctx, _ := pvCtx()
	_, err := env.p.ListUsers(ctx, ListQuery{Filter: f, StartIndex: 1, Count: 100})
	e := pvAsError(t, err)
	if e.Status != http.StatusBadRequest || e.ScimType != "invalidFilter" {
		t.Fatalf("%+v", e)
	}
	if len(e.Detail) > 1024 {
		t.Errorf("detail is %d bytes: %.200s…", len(e.Detail), e.Detail)
	}
	if !strings.Contains(e.Detail, f[0].Attr) || strings.Contains(e.Detail, f[499].Attr) || !strings.Contains(e.Detail, "and 497 more") ||
		!strings.Contains(e.Detail, "userName") {
		t.Errorf("detail should name the first attributes, count the rest and say what is accepted: %.600s", e.Detail)
	}
}
