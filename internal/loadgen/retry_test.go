package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// scriptServer answers the n-th request with statuses[n] (the last one
// repeats) and counts requests.
func scriptServer(t *testing.T, retryAfter string, statuses ...int) (*Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		st := statuses[min(i, len(statuses)-1)]
		if st == http.StatusTooManyRequests && retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(st)
		_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`))
	}))
	t.Cleanup(srv.Close)
	return &Client{Base: srv.URL, Token: "t", HTTP: srv.Client()}, &n
}

func probeOnce(t *testing.T, c *Client, r Retry) *Phase {
	t.Helper()
	res, err := Run(context.Background(), c, Options{Plan: Plan{Users: 1}, Concurrency: 1, Retry: r, Phases: []string{"probe"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Phases) != 1 {
		t.Fatalf("%d phases, want the probe alone", len(res.Phases))
	}
	return res.Phases[0]
}

// okta-scim-client.md §6: on a 429 with Retry-After Okta waits and retries;
// those waits do not use up the bounded retries kept for other failures.
func TestRetryWaitsOutThrottling(t *testing.T) {
	c, n := scriptServer(t, "1", 429, 429, 429, 429, 200)
	p := probeOnce(t, c, Retry{Attempts: 2, MaxWait: time.Millisecond})
	if p.TasksFailed != 0 || n.Load() != 5 || p.TaskRetries != 4 {
		t.Fatalf("failed %d, requests %d, retries %d: want success after 4 throttled attempts", p.TasksFailed, n.Load(), p.TaskRetries)
	}
	if p.Errors["http 429"] != 4 {
		t.Fatalf("errors %v, want 4 × http 429", p.Errors)
	}
}

// Other failures are resubmitted a bounded number of times, as an admin would.
func TestRetryBoundedOnServerErrors(t *testing.T) {
	c, n := scriptServer(t, "", 503)
	p := probeOnce(t, c, Retry{Attempts: 3, AdminDelay: time.Millisecond})
	if p.TasksFailed != 1 || n.Load() != 3 || len(p.Failures) != 1 {
		t.Fatalf("failed %d, requests %d, failures %v: want one task failed after 3 attempts", p.TasksFailed, n.Load(), p.Failures)
	}
	// A 429 without Retry-After is an ordinary failure too.
	c, n = scriptServer(t, "", 429)
	if p := probeOnce(t, c, Retry{Attempts: 2, AdminDelay: time.Millisecond}); p.TasksFailed != 1 || n.Load() != 2 {
		t.Fatalf("429 without Retry-After: failed %d after %d requests, want 1 after 2", p.TasksFailed, n.Load())
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{50: 50 * time.Millisecond, 95: 95 * time.Millisecond, 99: 99 * time.Millisecond, 100: 100 * time.Millisecond} {
		if got := percentile(ds, q); got != want {
			t.Errorf("p%v = %v, want %v", q, got, want)
		}
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("p99 of one sample = %v", got)
	}
}
