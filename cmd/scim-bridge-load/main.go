// Command scim-bridge-load replays Okta's SCIM traffic at scale, in-process
// on loopback, against three targets in one run — the emulator directly, a
// bare httputil.ReverseProxy in front of it, and the bridge in front of it —
// and prints throughput, latency percentiles, upstream requests per Okta
// request, errors by kind, peak memory, and the bridge's overhead as ratios.
// With -chaos it runs the bridge against a faulty emulator and checks that
// the emulator ends in exactly the state the traffic intended.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/internal/loadgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "scim-bridge-load: %v\n", err)
		os.Exit(1)
	}
}

// settings are the command's flags.
type settings struct {
	plan        loadgen.Plan
	concurrency int
	memConns    int
	targets     []string
	latency     time.Duration
	chaos       bool
	seed        uint64
	rounds      int
	child       string // upstream URL when running as the bridge child
	maxInFlight int
	cpuProfile  string
}

func parse(args []string, stderr io.Writer) (*settings, error) {
	fs := flag.NewFlagSet("scim-bridge-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	s := &settings{}
	fs.IntVar(&s.plan.Users, "users", 2000, "users created, updated, deactivated (every 3rd) and reactivated (every 6th)")
	fs.IntVar(&s.plan.Groups, "groups", 20, "groups pushed (0 = users only)")
	fs.IntVar(&s.plan.Members, "members", 50, "members per pushed group (K)")
	fs.IntVar(&s.plan.Change, "change", 5, "members each group swaps in the membership-change phase")
	fs.IntVar(&s.concurrency, "concurrency", 50, "simultaneous Okta tasks, one connection each")
	fs.IntVar(&s.memConns, "memory-conns", 200, "concurrency of the peak-memory runs (0 = skip them)")
	targets := fs.String("targets", "direct,proxy,bridge", "targets to run, in order: direct, proxy, bridge")
	fs.DurationVar(&s.latency, "latency", 0, "latency the emulator adds to every request (a stand-in for the network to AWS)")
	fs.BoolVar(&s.chaos, "chaos", false, "run the bridge only, against an emulator that throttles, fails, adds latency, drops connections and loses replies; then check its state")
	fs.Uint64Var(&s.seed, "seed", 1, "seed of the fault randomness")
	fs.IntVar(&s.maxInFlight, "max-upstream-in-flight", 0, "the bridge's cap on concurrent upstream requests, as serve's flag (0 = serve's default, -1 = none)")
	fs.StringVar(&s.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run (generator, targets, emulator) to this file")
	fs.BoolVar(new(bool), childFlag[1:], false, "internal: run only the bridge, for the peak-memory figure")
	fs.StringVar(&s.child, "upstream-url", "", "internal: the emulator the bridge child talks to")
	fs.IntVar(&s.rounds, "rounds", 3, "rounds of direct, proxy, bridge, interleaved; ratios are the median over rounds (a shared machine is noisy)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := s.plan.Validate(); err != nil {
		return nil, err
	}
	if s.concurrency < 1 || s.memConns < 0 || s.rounds < 1 {
		return nil, fmt.Errorf("-concurrency and -rounds must be ≥ 1, -memory-conns ≥ 0")
	}
	for _, t := range strings.Split(*targets, ",") {
		t = strings.TrimSpace(t)
		if !slices.Contains([]string{"direct", "proxy", "bridge"}, t) {
			return nil, fmt.Errorf("-targets: unknown target %q (want direct, proxy, bridge)", t)
		}
		s.targets = append(s.targets, t)
	}
	if s.chaos {
		s.targets = []string{"bridge"}
		s.rounds = 1
	}
	return s, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	s, err := parse(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if s.child != "" {
		return runChild(ctx, s.child, s.maxInFlight, stdout)
	}
	if s.cpuProfile != "" {
		f, err := os.Create(s.cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(stdout, "plan: %d users, %d groups × %d members (%d swapped), concurrency %d, emulator latency %s, chaos %v\n",
		s.plan.Users, s.plan.Groups, s.plan.Members, s.plan.Change, s.concurrency, s.latency, s.chaos)

	// totals[target][round]
	totals := map[string][]*loadgen.Phase{}
	var failed []string
	for round := range s.rounds {
		w := stdout
		if round > 0 {
			w = io.Discard // the tables of round 1 are enough; later rounds feed the ratios
		}
		for _, name := range s.targets {
			out, err := s.runTarget(ctx, name, s.concurrency, w)
			if err != nil {
				return err
			}
			totals[name] = append(totals[name], out.total)
			if out.err != nil {
				failed = append(failed, fmt.Sprintf("%s, round %d: %v", name, round+1, out.err))
			}
		}
	}
	if b, ok := totals["bridge"]; ok && len(totals) > 1 {
		fmt.Fprintf(stdout, "\nbridge overhead, same traffic, same run (%d rounds; median of per-round ratios)\n", s.rounds)
		for _, den := range []string{"proxy", "direct"} {
			if d, ok := totals[den]; ok {
				loadgen.WriteRatios(stdout, "bridge", den, b, d)
			}
		}
	}
	if s.memConns > 0 && !s.chaos {
		fmt.Fprintf(stdout, "\npeak memory at %d concurrent Okta connections (whole process: generator + target + emulator)\n", s.memConns)
		peaks := map[string]loadgen.Memory{}
		for _, name := range []string{"direct", "bridge"} {
			out, err := s.runTarget(ctx, name, s.memConns, io.Discard)
			if err != nil {
				return err
			}
			peaks[name] = out.mem
			loadgen.WriteMemory(stdout, name, out.mem)
			if out.err != nil {
				failed = append(failed, fmt.Sprintf("%s at %d connections: %v", name, s.memConns, out.err))
			}
		}
		d, b := peaks["direct"], peaks["bridge"]
		fmt.Fprintf(stdout, "bridge's share (bridge run − direct run): heap in use %s, runtime total %s\n",
			loadgen.MiB(sub(b.HeapInuse, d.HeapInuse)), loadgen.MiB(sub(b.Total, d.Total)))
		rss, hwm, err := s.runChild(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "bridge alone, in its own process: peak RSS %s\n", loadgen.MiB(max(rss, hwm)))
	}
	if len(failed) > 0 {
		return fmt.Errorf("the run did not end in the intended state:\n%s", strings.Join(failed, "\n"))
	}
	return nil
}

func sub(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}

// runChild runs the plan at memConns connections against a bridge in a
// child process and returns the child's peak RSS and VmHWM.
func (s *settings) runChild(ctx context.Context) (rss, hwm uint64, err error) {
	up, err := loadgen.StartUpstream(loadgen.UpstreamOptions{Faults: emulator.Faults{Latency: s.latency}})
	if err != nil {
		return 0, 0, err
	}
	defer up.Close()
	c, err := startChild(up, s.maxInFlight)
	if err != nil {
		return 0, 0, err
	}
	client := &loadgen.Client{Base: c.base, Token: loadgen.OktaToken, Dialect: loadgen.DialectOkta, HTTP: loadgen.NewHTTPClient(s.memConns)}
	res, runErr := loadgen.Run(ctx, client, loadgen.Options{Plan: s.plan, Concurrency: s.memConns, Upstream: up.Requests})
	rss, hwm, err = c.finish()
	if runErr != nil {
		return 0, 0, runErr
	}
	if err != nil {
		return 0, 0, fmt.Errorf("bridge child: %w", err)
	}
	if t := res.Total(); t.TasksFailed > 0 {
		return 0, 0, fmt.Errorf("bridge child: %d tasks failed: %v", t.TasksFailed, t.Failures)
	}
	if err := loadgen.Verify(up.Emu.Store(), s.plan); err != nil {
		return 0, 0, fmt.Errorf("bridge child: %w", err)
	}
	return rss, hwm, nil
}

// outcome is one target's run.
type outcome struct {
	total *loadgen.Phase
	mem   loadgen.Memory
	err   error // the state check, or failed tasks
}

// runTarget runs the plan against a fresh emulator behind target name.
func (s *settings) runTarget(ctx context.Context, name string, conns int, stdout io.Writer) (outcome, error) {
	opts := loadgen.UpstreamOptions{Faults: emulator.Faults{Latency: s.latency}, Seed: s.seed}
	if s.chaos {
		opts = chaosOptions(s.latency, s.seed)
	}
	up, err := loadgen.StartUpstream(opts)
	if err != nil {
		return outcome{}, err
	}
	defer up.Close()
	var tg *loadgen.Target
	switch name {
	case "direct":
		tg = loadgen.DirectTarget(up, conns)
	case "proxy":
		tg, err = loadgen.ProxyTarget(up, conns)
	case "bridge":
		tg, err = loadgen.BridgeTarget(up, conns, loadgen.BridgeOptions{MaxInFlight: s.maxInFlight})
	}
	if err != nil {
		return outcome{}, err
	}
	defer tg.Close()
	plan := s.plan
	if !tg.Groups {
		fmt.Fprintf(stdout, "note: %s does not serve /Groups: users only\n", name)
		plan.Groups = 0
	}
	mem := loadgen.StartMemSampler(20 * time.Millisecond)
	res, err := loadgen.Run(ctx, tg.Client, loadgen.Options{Plan: plan, Concurrency: conns, Upstream: up.Requests})
	peak := mem.Stop()
	if err != nil {
		return outcome{}, err
	}
	total := res.Total()
	loadgen.WritePhases(stdout, fmt.Sprintf("%s (%s dialect), %d connections", name, tg.Client.Dialect, conns), res.Phases)
	if s.chaos {
		st := up.Emu.Stats()
		fmt.Fprintf(stdout, "faults injected: throttled %d, 500 %d, dropped %d, replies lost after the change %d\n",
			st[emulator.OpThrottled], st[emulator.OpFaulted], st[emulator.OpDropped], up.LostReplies.Load())
	}
	out := outcome{total: total, mem: peak}
	out.err = loadgen.Verify(up.Emu.Store(), plan)
	if out.err == nil && total.TasksFailed > 0 {
		out.err = fmt.Errorf("%d tasks failed", total.TasksFailed)
	}
	if out.err == nil {
		fmt.Fprintf(stdout, "state check: the emulator holds exactly the intended %d users and %d groups\n", plan.Users, plan.Groups)
	} else {
		fmt.Fprintf(stdout, "state check FAILED: %v\n", out.err)
	}
	return out, nil
}

// chaosOptions is an Identity Center having a bad day (the same kinds of
// fault as internal/e2e's CI chaos test, at large size).
func chaosOptions(latency time.Duration, seed uint64) loadgen.UpstreamOptions {
	return loadgen.UpstreamOptions{
		Faults: emulator.Faults{
			Rate: 200, Burst: 20, RetryAfter: time.Second,
			ErrorRate: 0.05, Latency: max(latency, time.Millisecond), DropRate: 0.03,
		},
		LostReplyRate: 0.03,
		Seed:          seed,
	}
}
