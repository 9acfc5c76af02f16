package e2e

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/runscope"
)

// groupsScript checks natively what the SPEC suite's "Verify Groups
// endpoint" JavaScript asserts: when totalResults ≥ 1, Resources is an array.
func groupsScript(_ runscope.Step, _ int, body []byte) []string {
	var doc struct {
		TotalResults *int            `json:"totalResults"`
		Resources    json.RawMessage `json:"Resources"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return []string{"script: response is not JSON: " + err.Error()}
	}
	if doc.TotalResults != nil && *doc.TotalResults >= 1 && !strings.HasPrefix(strings.TrimSpace(string(doc.Resources)), "[") {
		return []string{"script: totalResults ≥ 1 but Resources is not an array"}
	}
	return nil
}

// Okta's published SPEC suite (okta-scim-client.md §9), unmodified, over
// loopback HTTP against the bridge. Every required step must pass; optional
// steps are reported.
func TestOktaSPECSuite(t *testing.T) {
	suite, err := runscope.OktaSPECSuite()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	// Precondition [OKTA-PREP]: at least one user must already exist.
	seeded := e.seedUser(t, "seed.user@example.com", "Seed", "User")

	vars := runscope.InitialVariables(rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
	vars["SCIMBaseURL"] = e.bridge.URL + "/scim/v2"
	vars["auth"] = "Bearer " + oktaToken
	runner := &runscope.Runner{Client: e.bridge.Client(), Vars: vars, Script: groupsScript}
	rep, err := runner.Run(context.Background(), suite)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
	if len(rep.Steps) != 12 {
		t.Fatalf("ran %d request steps, the suite has 12", len(rep.Steps))
	}
	if failed := rep.RequiredFailures(); len(failed) > 0 {
		t.Fatalf("%d required step(s) failed:\n%s", len(failed), rep)
	}

	// What the suite did is in Identity Center: the seeded user was read
	// (step 1 saved its id), one user was created, the duplicate was not.
	if vars["ISVUserid"] != seeded.ID {
		t.Fatalf("step 1 read user %q, want the seeded %q", vars["ISVUserid"], seeded.ID)
	}
	u, ok := e.storedUser(t, vars["randomUsername"])
	if !ok || u.ID != vars["idUserOne"] {
		t.Fatalf("created user %s not in the emulator under id %s", vars["randomUsername"], vars["idUserOne"])
	}
	if n := len(e.emu.Store().Users()); n != 2 {
		t.Fatalf("emulator holds %d users, want seeded + created = 2", n)
	}
}
