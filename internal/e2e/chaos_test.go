package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/internal/loadgen"
)

// chaosFaults is an Identity Center having a bad day: throttling with
// Retry-After, 500s, latency, connections dropped before handling, and
// replies lost after the change was made.
var chaosFaults = loadgen.UpstreamOptions{
	Faults: emulator.Faults{
		Rate:       80, // requests/s, under what the load offers
		Burst:      5,
		RetryAfter: time.Second,
		ErrorRate:  0.05,
		Latency:    time.Millisecond,
		DropRate:   0.03,
	},
	LostReplyRate: 0.03,
	Seed:          7,
}

// TestChaos replays Okta's traffic (create, update, deactivate, reactivate,
// group push, membership change, import) through the bridge into an
// emulator injecting every fault, with Okta's retries modelled honestly
// (loadgen.Retry), and then requires the emulator's state to equal the
// intended state exactly: no user or membership lost, none duplicated, none
// half-applied. The large-size run is `scim-bridge-load -chaos`.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos run takes tens of seconds")
	}
	// serve's retry policy: the bridge should absorb most faults itself.
	t.Run("serve retry policy", func(t *testing.T) { chaosRun(t, identitycenter.RetryPolicy{}, 80, chaosFaults) })
	// No upstream retries: every fault reaches Okta as a 429 or 5xx, a lost
	// reply included, and Okta's own task retries (lookup first, then link
	// or create) must still converge on the intended state.
	t.Run("faults reach Okta", func(t *testing.T) {
		// Throttling off here: each throttle costs Okta a whole second of
		// Retry-After, and the subtest above covers it.
		faults := chaosFaults
		faults.Faults.Rate = 0
		chaosRun(t, identitycenter.RetryPolicy{MaxAttempts: 1}, 60, faults)
	})
}

func chaosRun(t *testing.T, policy identitycenter.RetryPolicy, users int, faults loadgen.UpstreamOptions) {
	up, err := loadgen.StartUpstream(faults)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	const conns = 16
	bridge, err := loadgen.BridgeTarget(up, conns, loadgen.BridgeOptions{Retry: policy})
	if err != nil {
		t.Fatal(err)
	}
	defer bridge.Close()
	plan := loadgen.Plan{Users: users, Groups: 6, Members: 20, Change: 4}
	if !bridge.Groups {
		t.Log("the bridge does not serve /Groups yet: users only")
		plan.Groups = 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := loadgen.Run(ctx, bridge.Client, loadgen.Options{Plan: plan, Concurrency: conns, Upstream: up.Requests})
	if err != nil {
		t.Fatal(err)
	}
	total := res.Total()
	stats := up.Emu.Stats()
	t.Logf("%d Okta requests, %d task retries, errors seen by Okta %v; upstream %d requests: throttled %d, 500 %d, dropped %d, replies lost %d",
		total.Requests, total.TaskRetries, total.Errors, stats.Requests(),
		stats[emulator.OpThrottled], stats[emulator.OpFaulted], stats[emulator.OpDropped], up.LostReplies.Load())

	for _, p := range res.Phases {
		t.Logf("  %s: %d requests in %s, errors %v", p.Name, p.Requests, p.Wall.Round(time.Millisecond), p.Errors)
	}
	// The faults must really have happened, or this test proves nothing.
	for _, op := range []string{emulator.OpThrottled, emulator.OpFaulted, emulator.OpDropped} {
		if stats[op] == 0 && (op != emulator.OpThrottled || faults.Faults.Rate > 0) {
			t.Errorf("the emulator injected no %s fault", op)
		}
	}
	if up.LostReplies.Load() == 0 {
		t.Error("no reply was lost after the change was made")
	}
	if policy.MaxAttempts == 1 && total.TaskRetries == 0 {
		t.Error("no fault reached Okta although the bridge made one attempt per call")
	}
	if total.TasksFailed != 0 {
		t.Errorf("%d Okta tasks still failed after Okta's retries: %v", total.TasksFailed, total.Failures)
	}
	if err := loadgen.Verify(up.Emu.Store(), plan); err != nil {
		t.Fatal(err)
	}
}
