package loadgen

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Retry is how the simulated Okta retries a failed task.
//
// okta-scim-client.md §6: on 429 with Retry-After, Okta "will automatically
// retry the remaining failed … jobs based on the number returned by …
// Retry-After header"; other failures stay in Dashboard → Tasks "until you
// resubmit the failed job" (5xx retries by Okta itself are UNCONFIRMED), so
// they are retried a bounded number of times, as an admin would.
type Retry struct {
	Attempts   int           // attempts per task for errors other than a 429 with Retry-After; default 4
	Throttled  int           // Retry-After waits per task before giving up; default 100
	AdminDelay time.Duration // pause before an admin's resubmission; default 50ms
	MaxWait    time.Duration // cap on one Retry-After wait; default 60s
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 4
	}
	if r.Throttled <= 0 {
		r.Throttled = 100
	}
	if r.AdminDelay <= 0 {
		r.AdminDelay = 50 * time.Millisecond
	}
	if r.MaxWait <= 0 {
		r.MaxWait = 60 * time.Second
	}
	return r
}

// Options configure one run against one target.
type Options struct {
	Plan        Plan
	Concurrency int // simultaneous Okta tasks, one connection each
	Retry       Retry
	// Upstream returns how many requests Identity Center has received so
	// far (emulator.Stats().Requests()); nil when unknown.
	Upstream func() int64
	// Phases limits the run to the named phases (nil: all). Names are
	// those of PhaseNames.
	Phases []string
}

// PhaseNames are the phases of a run, in order.
var PhaseNames = []string{"probe", "create", "update", "deactivate", "reactivate", "group push", "membership change", "import"}

// Result is one run.
type Result struct {
	Phases []*Phase
	// UserIDs and GroupIDs are the ids the target assigned, by index.
	UserIDs, GroupIDs []string
}

// Total merges the result's phases.
func (r *Result) Total() *Phase { return Total(r.Phases) }

// TasksFailed is the number of tasks that failed after every retry.
func (r *Result) TasksFailed() int { return r.Total().TasksFailed }

// run is the state of one Run.
type run struct {
	c     *Client
	plan  Plan
	ids   *ids
	retry Retry
	clock func() time.Time
}

// Run carries out the plan against c, phase by phase, and returns what each
// phase measured. It returns an error only for a bad plan or a cancelled
// ctx; failed requests and tasks are counted in the result.
func Run(ctx context.Context, c *Client, opts Options) (*Result, error) {
	if err := opts.Plan.Validate(); err != nil {
		return nil, err
	}
	if opts.Concurrency < 1 {
		return nil, fmt.Errorf("concurrency %d: want at least 1", opts.Concurrency)
	}
	r := &run{c: c, plan: opts.Plan, ids: newIDs(opts.Plan), retry: opts.Retry.withDefaults(), clock: time.Now}
	want := map[string]bool{}
	for _, n := range opts.Phases {
		want[n] = true
	}
	res := &Result{}
	for _, name := range PhaseNames {
		if len(want) > 0 && !want[name] {
			continue
		}
		tasks := r.tasks(name)
		if len(tasks) == 0 {
			continue
		}
		ph := r.phase(ctx, name, tasks, opts.Concurrency, opts.Upstream)
		res.Phases = append(res.Phases, ph)
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("run stopped in phase %s: %w", name, err)
		}
	}
	res.UserIDs = append([]string(nil), r.ids.users...)
	res.GroupIDs = append([]string(nil), r.ids.groups...)
	return res, nil
}

// task is one Okta lifecycle event.
type task func(ctx context.Context, rec *recorder) error

func (r *run) tasks(phase string) []task {
	p := r.plan
	var out []task
	switch phase {
	case "probe":
		out = append(out, r.probe)
	case "create", "update", "deactivate", "reactivate":
		for i := range p.Users {
			switch {
			case phase == "create":
				out = append(out, func(ctx context.Context, rec *recorder) error { return r.createUser(ctx, rec, i) })
			case phase == "update":
				out = append(out, func(ctx context.Context, rec *recorder) error { return r.updateUser(ctx, rec, i) })
			case phase == "deactivate" && p.Deactivated(i):
				out = append(out, func(ctx context.Context, rec *recorder) error { return r.setActive(ctx, rec, i, false) })
			case phase == "reactivate" && p.Reactivated(i):
				out = append(out, func(ctx context.Context, rec *recorder) error { return r.setActive(ctx, rec, i, true) })
			}
		}
	case "group push":
		for g := range p.Groups {
			out = append(out, func(ctx context.Context, rec *recorder) error { return r.pushGroup(ctx, rec, g) })
		}
	case "membership change":
		if p.Change > 0 {
			for g := range p.Groups {
				out = append(out, func(ctx context.Context, rec *recorder) error { return r.changeGroup(ctx, rec, g) })
			}
		}
	case "import":
		out = append(out, func(ctx context.Context, rec *recorder) error { return r.importAll(ctx, rec, "Users", p.Users) })
		if p.Groups > 0 {
			out = append(out, func(ctx context.Context, rec *recorder) error { return r.importAll(ctx, rec, "Groups", p.Groups) })
		}
	}
	return out
}

// phase runs tasks on `concurrency` workers and measures them.
func (r *run) phase(ctx context.Context, name string, tasks []task, concurrency int, upstream func() int64) *Phase {
	rec := newRecorder(name)
	var before int64
	if upstream != nil {
		before = upstream()
	}
	start := r.clock()
	queue := make(chan task)
	var wg sync.WaitGroup
	for range min(concurrency, len(tasks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range queue {
				retries, err := r.runTask(ctx, rec, t)
				rec.task(retries, err)
			}
		}()
	}
feed:
	for _, t := range tasks {
		select {
		case queue <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	rec.p.Wall = r.clock().Sub(start)
	if upstream != nil {
		rec.p.Upstream = upstream() - before
	}
	return rec.p
}

// runTask runs t until it succeeds or Okta would give up (see Retry), and
// returns the number of retries and the last error.
func (r *run) runTask(ctx context.Context, rec *recorder, t task) (int, error) {
	retries, throttled, attempts := 0, 0, 0
	for {
		err := t(ctx, rec)
		if err == nil || ctx.Err() != nil {
			return retries, err
		}
		var re *RequestError
		if errors.As(err, &re) && re.Kind == "skipped" {
			return retries, err // an earlier phase lost it; retrying cannot help
		}
		wait := r.retry.AdminDelay
		if errors.As(err, &re) && re.Status == 429 && re.RetryAfter > 0 && throttled < r.retry.Throttled {
			throttled++
			wait = min(re.RetryAfter, r.retry.MaxWait)
		} else {
			attempts++
			if attempts >= r.retry.Attempts {
				return retries, err
			}
		}
		retries++
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return retries, err
		}
	}
}
