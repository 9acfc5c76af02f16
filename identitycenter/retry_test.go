package identitycenter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBackoffCap(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond, 3200 * time.Millisecond, 6400 * time.Millisecond, 10 * time.Second, 10 * time.Second}
	for i, w := range want {
		if got := p.backoffCap(i + 1); got != w {
			t.Errorf("backoffCap(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := p.backoffCap(1000); got != 10*time.Second {
		t.Errorf("backoffCap(1000) = %v: overflow", got)
	}
}

func TestJitterIsFullAndBounded(t *testing.T) {
	j := newJitter()
	const max = time.Second
	var lo, hi int
	for range 2000 {
		d := j(max)
		if d < 0 || d > max {
			t.Fatalf("jitter(%v) = %v out of [0, max]", max, d)
		}
		if d < max/4 {
			lo++
		}
		if d > 3*max/4 {
			hi++
		}
	}
	// Full jitter spreads over the whole range; each quarter should get
	// roughly 500 of 2000 draws, and certainly more than 100.
	if lo < 100 || hi < 100 {
		t.Errorf("jitter not spread over [0, max]: %d low, %d high of 2000", lo, hi)
	}
	if j(0) != 0 {
		t.Error("jitter(0) != 0")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
		{"99999999999999999", 24 * time.Hour, true},
	}
	for _, c := range cases {
		got, ok := parseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// clScript answers requests from a script of handlers, then with the last.
func clScript(t *testing.T, steps ...http.HandlerFunc) (*httptest.Server, func() int) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := n
		n++
		mu.Unlock()
		steps[min(i, len(steps)-1)](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

func clStatus(status int, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		clAWSError(w, status, http.StatusText(status))
	}
}

func clOK(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }
}

func TestRetry429WithoutRetryAfterBacksOffExponentially(t *testing.T) {
	srv, calls := clScript(t, clStatus(429), clStatus(429), clStatus(429), clOK(`{"id":"u1"}`))
	c, k := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	ctx, entry := clCtx()
	u, err := c.GetUser(ctx, "u1")
	if err != nil || u["id"] != "u1" {
		t.Fatalf("GetUser = %v, %v", u, err)
	}
	if calls() != 4 {
		t.Errorf("%d attempts, want 4", calls())
	}
	// Full jitter draws from [0, 200ms·2^(n-1)]; the test jitter picks the top.
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	if got := k.slept(); !reflect.DeepEqual(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	rec := clOnlyUpstream(t, entry)
	if rec.Attempts != 4 || rec.Status != 200 || !reflect.DeepEqual(rec.RetryCauses, []string{"429", "429", "429"}) || rec.RetryAfterWait != 0 {
		t.Errorf("reqlog = %+v", rec)
	}
	if rec.Duration != 1400*time.Millisecond {
		t.Errorf("recorded duration %v, want the 1.4s of waits on the injected clock", rec.Duration)
	}
}

func TestRetry429HonoursRetryAfterSecondsAndDate(t *testing.T) {
	date := clStart.Add(5 * time.Second).Format(http.TimeFormat)
	srv, calls := clScript(t, clStatus(429, "Retry-After", "3"), clStatus(429, "Retry-After", date), clOK(`{"id":"g1"}`))
	c, k := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	ctx, entry := clCtx()
	if _, err := c.GetGroup(ctx, "g1"); err != nil {
		t.Fatal(err)
	}
	// The date is 5 s after the clock's start; 3 s have passed when it is read.
	want := []time.Duration{3 * time.Second, 2 * time.Second}
	if got := k.slept(); !reflect.DeepEqual(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	rec := clOnlyUpstream(t, entry)
	if calls() != 3 || rec.Attempts != 3 || rec.RetryAfterWait != 5*time.Second {
		t.Errorf("calls %d, reqlog %+v", calls(), rec)
	}
}

func TestRetry5xxAndDroppedConnection(t *testing.T) {
	srv, calls := clScript(t,
		clStatus(500),
		func(w http.ResponseWriter, r *http.Request) { clDrop(t, w) },
		clStatus(503),
		clOK(`{"id":"u1","userName":"a"}`))
	c, k := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	ctx, entry := clCtx()
	u, err := c.PutUser(ctx, "u1", Resource{"userName": "a"})
	if err != nil || u["userName"] != "a" {
		t.Fatalf("PutUser = %v, %v", u, err)
	}
	if calls() != 4 || len(k.slept()) != 3 {
		t.Errorf("calls %d, waits %v", calls(), k.slept())
	}
	rec := clOnlyUpstream(t, entry)
	if !reflect.DeepEqual(rec.RetryCauses, []string{"5xx", "network", "5xx"}) || rec.Attempts != 4 || rec.Method != "PUT" || rec.Path != "/Users/u1" {
		t.Errorf("reqlog = %+v", rec)
	}
}

func TestRetryResendsTheBody(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv, _ := clScript(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		n := len(bodies)
		mu.Unlock()
		if n == 1 {
			clAWSError(w, 500, "x")
			return
		}
		w.WriteHeader(204)
	})
	c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	if err := c.PatchGroup(context.Background(), "g", []PatchOp{{Op: "replace", Path: "displayName", Value: "n"}}); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || bodies[0] == "" || bodies[0] != bodies[1] {
		t.Errorf("bodies = %q, want the same body twice", bodies)
	}
}

func TestBudgetExhaustedByRetryAfterIs429WithRetryAfter(t *testing.T) {
	srv, calls := clScript(t, clStatus(429, "Retry-After", "40"))
	c, k := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	ctx, entry := clCtx()
	_, err := c.GetUser(ctx, "u1")
	e := clAsError(t, err)
	if e.Status != 429 || e.RetryAfter != 40*time.Second {
		t.Errorf("error = %+v, want 429 with RetryAfter 40s", e)
	}
	if calls() != 1 || len(k.slept()) != 0 {
		t.Errorf("a wait past the 25s budget was taken: calls %d, waits %v", calls(), k.slept())
	}
	if rec := clOnlyUpstream(t, entry); rec.Status != 429 || rec.Err == "" {
		t.Errorf("reqlog = %+v", rec)
	}
}

func TestBudgetExhaustedBy5xxIs429NotServerError(t *testing.T) {
	srv, calls := clScript(t, clStatus(503))
	c, k := clNewClient(t, srv.URL, "tok", RetryPolicy{Budget: 3 * time.Second})
	ctx, entry := clCtx()
	err := c.DeleteUser(ctx, "u1")
	e := clAsError(t, err)
	if e.Status != 429 || e.RetryAfter < time.Second || e.RetryAfter%time.Second != 0 {
		t.Errorf("error = %+v, want 429 with a whole-second RetryAfter", e)
	}
	if !strings.Contains(e.Detail, "503") {
		t.Errorf("detail %q does not name the real cause", e.Detail)
	}
	var total time.Duration
	for _, w := range k.slept() {
		total += w
	}
	if total >= 3*time.Second {
		t.Errorf("waited %v, beyond the 3s budget", total)
	}
	// 200+400+800 = 1.4s fit; the next 1.6s would end at 3.0s, not before the deadline.
	if calls() != 4 {
		t.Errorf("%d attempts, want 4", calls())
	}
	if rec := clOnlyUpstream(t, entry); rec.Attempts != 4 || len(rec.RetryCauses) != 3 {
		t.Errorf("reqlog = %+v", rec)
	}
}

func TestMaxAttempts(t *testing.T) {
	srv, calls := clScript(t, func(w http.ResponseWriter, r *http.Request) { clDrop(t, w) })
	c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{MaxAttempts: 3})
	_, err := c.ListUsers(context.Background(), nil, "", 100)
	if e := clAsError(t, err); e.Status != 429 || !strings.Contains(e.Detail, "network") {
		t.Errorf("error = %+v", e)
	}
	if calls() != 3 {
		t.Errorf("%d attempts, want 3", calls())
	}
}

func TestCallerCancellationStopsRetrying(t *testing.T) {
	srv, calls := clScript(t, clStatus(500))
	c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	ctx, cancel := context.WithCancel(context.Background())
	c.sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	_, err := c.GetUser(ctx, "u1")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
	clAsError(t, err)
	if calls() != 1 {
		t.Errorf("%d attempts after cancel", calls())
	}
}

func TestNon429ClientErrorsAreNotRetried(t *testing.T) {
	srv, calls := clScript(t, clStatus(400))
	c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	_, err := c.PatchUser(context.Background(), "u1", []PatchOp{{Op: "replace", Path: "title", Value: "x"}})
	if e := clAsError(t, err); e.Status != 400 || !e.Upstream || e.Detail != "Bad Request" {
		t.Errorf("error = %+v", e)
	}
	if calls() != 1 {
		t.Errorf("%d attempts", calls())
	}
}
