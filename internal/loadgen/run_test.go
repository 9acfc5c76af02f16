package loadgen

import (
	"context"
	"testing"
)

// smallPlan has every phase, groups included when the target serves them.
func smallPlan(groups bool) Plan {
	p := Plan{Users: 30, Groups: 3, Members: 8, Change: 2}
	if !groups {
		p.Groups = 0
	}
	return p
}

func runAndVerify(t *testing.T, target func(*Upstream) (*Target, error)) {
	t.Helper()
	up, err := StartUpstream(UpstreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	tg, err := target(up)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	plan := smallPlan(tg.Groups)
	res, err := Run(context.Background(), tg.Client, Options{Plan: plan, Concurrency: 4, Upstream: up.Requests})
	if err != nil {
		t.Fatal(err)
	}
	tot := res.Total()
	if tot.TasksFailed != 0 || tot.ErrorCount() != 0 {
		t.Fatalf("%s: %d tasks failed, errors %v: %v", tg.Name, tot.TasksFailed, tot.Errors, tot.Failures)
	}
	if err := Verify(up.Emu.Store(), plan); err != nil {
		t.Fatalf("%s: %v", tg.Name, err)
	}
	if tot.UpstreamPerRequest() <= 0 {
		t.Fatalf("%s: upstream per request %v", tg.Name, tot.UpstreamPerRequest())
	}
}

func TestRunBridge(t *testing.T) {
	runAndVerify(t, func(up *Upstream) (*Target, error) { return BridgeTarget(up, 4, BridgeOptions{}) })
}

func TestRunDirect(t *testing.T) {
	runAndVerify(t, func(up *Upstream) (*Target, error) { return DirectTarget(up, 4), nil })
}

func TestRunProxy(t *testing.T) {
	runAndVerify(t, func(up *Upstream) (*Target, error) { return ProxyTarget(up, 4) })
}
