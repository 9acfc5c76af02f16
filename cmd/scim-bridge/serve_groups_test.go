package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// In emulator mode serve reads membership through the AWS SDK against the
// emulator's identitystore API: a full push of 150 members over Okta's
// SCIM becomes identitystore reads and ≤100-change PATCHes.
func TestServeGroupsUseIdentityStore(t *testing.T) {
	r := startServe(t, loopback, map[string]string{"SCIM_BRIDGE_TOKEN": "okta-groups-token-0123456789abcdef"})
	if !strings.Contains(r.stdout.String(), "group membership read with the identitystore API") {
		t.Fatalf("no start-up line about the identitystore reader:\n%s", r.stdout)
	}
	emu := r.b.upstream.emu
	var ids []string
	for i := range 150 {
		name := fmt.Sprintf("g%03d@example.com", i)
		u, err := emu.Store().CreateUser(map[string]any{
			"userName": name, "displayName": name, "active": true,
			"name":   map[string]any{"givenName": "G", "familyName": name},
			"emails": []any{map[string]any{"value": name, "primary": true}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	base := "http://" + r.b.OktaAddr() + "/scim/v2"
	send := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer okta-groups-token-0123456789abcdef")
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return resp.StatusCode, out
	}
	members := func(list []string) string {
		parts := make([]string, len(list))
		for i, id := range list {
			parts[i] = fmt.Sprintf(`{"value":%q,"display":"u%d"}`, id, i)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	status, g := send("POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Serve Push","members":`+members(ids[:120])+`}`)
	gid, _ := g["id"].(string)
	if status != http.StatusCreated || gid == "" {
		t.Fatalf("POST /Groups: %d %v", status, g)
	}
	emu.ResetStats()
	status, _ = send("PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"members","value":`+members(ids[30:150])+`}]}`)
	if status != http.StatusNoContent && status != http.StatusOK {
		t.Fatalf("full push: %d", status)
	}
	ms, _ := emu.Store().Members(gid)
	if len(ms) != 120 || !emu.Store().IsMember(gid, ids[149]) || emu.Store().IsMember(gid, ids[0]) {
		t.Fatalf("after the push the group has %d members", len(ms))
	}
	s := emu.Stats()
	// 120 current members: two identitystore pages, each read once.
	if s["identitystore.ListGroupMemberships"] != 2 || s["PatchGroup"] != 1 || s["ListUsers"] != 0 {
		t.Fatalf("upstream calls %v: want identitystore reads and one PATCH", s)
	}
	if strings.Contains(r.stdout.String(), "membership_via_scim_filter") {
		t.Fatal("a request fell back to the SCIM filter with the identitystore API available")
	}
	if status, _ := send("DELETE", "/Groups/"+gid, ""); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d", status)
	}
}

// With a real upstream whose host names no AWS region, the bridge says at
// start-up that membership is read with the SCIM filter.
func TestServeGroupsWarnWithoutIdentityStore(t *testing.T) {
	r := startServe(t, loopback, map[string]string{
		"SCIM_BRIDGE_TOKEN":          "okta-groups-token-0123456789abcdef",
		"SCIM_BRIDGE_UPSTREAM_URL":   "http://127.0.0.1:9/9a6b4c2d-1e3f-4a5b-8c7d-0e1f2a3b4c5d/scim/v2",
		"SCIM_BRIDGE_UPSTREAM_TOKEN": "aws-upstream-token-0123456789abcdef",
	})
	logs := r.stdout.String()
	if !strings.Contains(logs, `"level":"warn"`) || !strings.Contains(logs, "SCIM groups.value filter") || !strings.Contains(logs, "membership_via_scim_filter") {
		t.Fatalf("no start-up WARN about the SCIM membership fallback:\n%s", logs)
	}
}

func TestServeRefusesBadIdentityStoreID(t *testing.T) {
	err := serveWith(t.Context(), append(loopback, "--identity-store-id", "store-1"), func(string) string { return "" }, io.Discard, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "identity-store-id") {
		t.Fatalf("err = %v", err)
	}
}
