package identitycenter

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

const clEmuTenant = "bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a"

// clEmulator starts the emulator and returns it with a client whose base URL
// carries the trailing slash the AWS console used to show (§9).
func clEmulator(t *testing.T, token string, p RetryPolicy, f emulator.Faults) (*emulator.Emulator, *Client, *clClock) {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Tenant: clEmuTenant, Tokens: []string{"right-token"}, Seed: 7, Faults: f})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, k := clNewClient(t, srv.URL+"/"+clEmuTenant+"/scim/v2/", token, p)
	return emu, c, k
}

func clUser(i int) Resource {
	return Resource{
		"schemas":     []any{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName":    fmt.Sprintf("user%02d@example.com", i),
		"externalId":  fmt.Sprintf("okta-%02d", i),
		"displayName": fmt.Sprintf("User %02d", i),
		"name":        map[string]any{"givenName": "User", "familyName": fmt.Sprintf("N%02d", i)},
		"emails":      []any{map[string]any{"value": fmt.Sprintf("user%02d@example.com", i), "type": "work", "primary": true}},
		"active":      true,
	}
}

func TestEmulatorRoundTrip(t *testing.T) {
	emu, c, _ := clEmulator(t, "right-token", RetryPolicy{}, emulator.Faults{})
	ctx := context.Background()
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	var ids []string
	for i := range 5 {
		u, err := c.CreateUser(ctx, clUser(i))
		if err != nil {
			t.Fatalf("CreateUser %d: %v", i, err)
		}
		id, _ := u["id"].(string)
		if id == "" || u["userName"] != clUser(i)["userName"] {
			t.Fatalf("created %v", u)
		}
		ids = append(ids, id)
	}

	// Cursor paging, two at a time, sees every user once.
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		p, err := c.ListUsers(ctx, nil, cursor, 2)
		if err != nil {
			t.Fatalf("ListUsers(cursor %q): %v", cursor, err)
		}
		for _, r := range p.Resources {
			seen = append(seen, r["id"].(string))
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	sort.Strings(seen)
	want := append([]string(nil), ids...)
	sort.Strings(want)
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("paged ids %v, want %v", seen, want)
	}

	p, err := c.ListUsers(ctx, []Eq{{Attr: "userName", Value: "user03@example.com"}}, "", 100)
	if err != nil || len(p.Resources) != 1 || p.Resources[0]["id"] != ids[3] {
		t.Fatalf("filter by userName = %+v, %v", p, err)
	}

	u, err := c.PatchUser(ctx, ids[1], []PatchOp{{Op: "replace", Path: "active", Value: false}})
	if err != nil || u["active"] != false {
		t.Fatalf("PatchUser = %v, %v", u, err)
	}
	repl := clUser(2)
	repl["title"] = "Engineer"
	u, err = c.PutUser(ctx, ids[2], repl)
	if err != nil || u["title"] != "Engineer" {
		t.Fatalf("PutUser = %v, %v", u, err)
	}

	g, err := c.CreateGroup(ctx, Resource{"schemas": []any{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "Engineers", "externalId": "okta-g1"})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	gid := g["id"].(string)
	if err := c.PatchGroup(ctx, gid, []PatchOp{{Op: "add", Path: "members", Value: []any{map[string]any{"value": ids[0]}, map[string]any{"value": ids[4]}}}}); err != nil {
		t.Fatalf("PatchGroup: %v", err)
	}
	if !emu.Store().IsMember(gid, ids[4]) {
		t.Error("PatchGroup add did not take effect")
	}
	gp, err := c.ListGroups(ctx, []Eq{{Attr: "members.value", Value: ids[4]}}, "", 100)
	if err != nil || len(gp.Resources) != 1 || gp.Resources[0]["id"] != gid {
		t.Errorf("groups of user = %+v, %v", gp, err)
	}
	if _, err := c.GetGroup(ctx, gid); err != nil {
		t.Errorf("GetGroup: %v", err)
	}

	if err := c.DeleteUser(ctx, ids[0]); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	if _, err := c.GetUser(ctx, ids[0]); clAsError(t, err).Status != 404 {
		t.Errorf("GetUser after delete: %v, want 404", err)
	}
	if err := c.DeleteGroup(ctx, gid); err != nil {
		t.Fatalf("DeleteGroup: %v", err)
	}
	if err := c.DeleteGroup(ctx, gid); clAsError(t, err).Status != 404 {
		t.Errorf("second DeleteGroup: %v, want 404", err)
	}
}

func TestEmulatorDuplicateCreateIs409(t *testing.T) {
	_, c, _ := clEmulator(t, "right-token", RetryPolicy{}, emulator.Faults{})
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, clUser(1)); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateUser(ctx, clUser(1))
	if e := clAsError(t, err); e.Status != 409 || !e.Upstream {
		t.Errorf("duplicate: %+v, want 409", e)
	}
	if _, err := c.CreateGroup(ctx, Resource{"displayName": "G"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateGroup(ctx, Resource{"displayName": "G"})
	if e := clAsError(t, err); e.Status != 409 {
		t.Errorf("duplicate group: %+v, want 409", e)
	}
}

func TestEmulatorWrongTokenIsBadGateway(t *testing.T) {
	_, c, _ := clEmulator(t, "stale-token", RetryPolicy{}, emulator.Faults{})
	_, err := c.ListUsers(context.Background(), nil, "", 10)
	if e := clAsError(t, err); e.Status != 502 || e.Detail[:len(DetailTokenRejected)] != DetailTokenRejected {
		t.Errorf("wrong token: %+v", e)
	}
	if err := c.Ping(context.Background()); clAsError(t, err).Status != 502 {
		t.Errorf("Ping with wrong token: %v", err)
	}
}

// Under injected 500s and dropped connections every create still ends with
// exactly one user per request: no duplicates, no losses.
func TestEmulatorFaultsCreateExactlyOnce(t *testing.T) {
	emu, c, k := clEmulator(t, "right-token", RetryPolicy{MaxAttempts: 20, Budget: time.Hour}, emulator.Faults{ErrorRate: 0.3, DropRate: 0.15})
	ctx := context.Background()
	const n = 30
	for i := range n {
		u, err := c.CreateUser(ctx, clUser(i))
		if err != nil {
			t.Fatalf("CreateUser %d: %v", i, err)
		}
		if u["externalId"] != clUser(i)["externalId"] {
			t.Fatalf("CreateUser %d returned %v", i, u)
		}
	}
	if got := len(emu.Store().Users()); got != n {
		t.Errorf("%d users in the store, want %d", got, n)
	}
	st := emu.Stats()
	if st[emulator.OpFaulted] == 0 || st[emulator.OpDropped] == 0 {
		t.Errorf("faults not exercised: %v", st)
	}
	if len(k.slept()) == 0 {
		t.Error("no retry waited")
	}
}

func TestEmulatorThrottleExhaustsTo429(t *testing.T) {
	emu, c, k := clEmulator(t, "right-token", RetryPolicy{}, emulator.Faults{})
	// Spend the one-request bucket, then every request is throttled: the
	// client's clock is injected, so no real refill happens while it waits.
	emu.SetFaults(emulator.Faults{Rate: 0.001, Burst: 1, RetryAfter: 2 * time.Second})
	ctx, entry := clCtx()
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("first request: %v", err)
	}
	_, err := c.GetUser(ctx, "whatever")
	e := clAsError(t, err)
	if e.Status != 429 || e.RetryAfter != 2*time.Second {
		t.Errorf("throttled call: %+v, want 429 with RetryAfter 2s", e)
	}
	rec := entry.Snapshot().Upstream[1]
	if rec.Attempts != 8 || rec.RetryAfterWait != 14*time.Second || len(k.slept()) != 7 {
		t.Errorf("reqlog %+v, waits %v: want 8 attempts with 7 Retry-After waits of 2s", rec, k.slept())
	}
	if st := emu.Stats(); st[emulator.OpThrottled] != 8 {
		t.Errorf("emulator throttled %d requests, want 8", st[emulator.OpThrottled])
	}
}
