package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for the token bucket.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestThrottleIsATokenBucket(t *testing.T) {
	e := newTestEmulator(t, Options{})
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	e.now = clock.now
	e.SetFaults(Faults{Rate: 2, Burst: 3, RetryAfter: 1500 * time.Millisecond})

	statuses := func(n int) []int {
		var out []int
		for range n {
			out = append(out, call(t, e, http.MethodGet, "/ServiceProviderConfig", nil).status)
		}
		return out
	}
	if got := statuses(4); got[0] != 200 || got[1] != 200 || got[2] != 200 || got[3] != 429 {
		t.Fatalf("burst of 3 then throttle: got %v", got)
	}
	r := call(t, e, http.MethodGet, "/ServiceProviderConfig", nil)
	mustStatus(t, r, http.StatusTooManyRequests)
	if ra := r.header.Get("Retry-After"); ra != "2" {
		t.Errorf("Retry-After %q, want \"2\" (1.5s rounded up)", ra)
	}
	if r.body["status"] != "429" || r.body["detail"] != "Rate exceeded" || r.header.Get(requestIDHeader) == "" {
		t.Errorf("429 body %s / request id %q not in AWS's error shape", r.raw, r.header.Get(requestIDHeader))
	}
	clock.advance(time.Second) // 2 requests/s refills two tokens
	if got := statuses(3); got[0] != 200 || got[1] != 200 || got[2] != 429 {
		t.Errorf("after 1s at 2/s: got %v, want [200 200 429]", got)
	}
	// No RetryAfter configured: no header (it is UNCONFIRMED for AWS).
	e.SetFaults(Faults{Rate: 1e-9, Burst: 1})
	statuses(1)
	if r := call(t, e, http.MethodGet, "/ServiceProviderConfig", nil); r.status != 429 || r.header.Get("Retry-After") != "" {
		t.Errorf("status %d Retry-After %q, want 429 and no header", r.status, r.header.Get("Retry-After"))
	}
	e.SetFaults(Faults{})
	if got := statuses(5); got[4] != 200 {
		t.Errorf("faults cleared but got %v", got)
	}
	st := e.Stats()
	if st[OpThrottled] != 4 || st["ServiceProviderConfig"] != 15 {
		t.Errorf("stats %v: want Throttled 4, ServiceProviderConfig 15", st)
	}
}

func TestThrottleOnAWSJSONIsA400ThrottlingException(t *testing.T) {
	e := newTestEmulator(t, Options{Faults: Faults{Rate: 1e-9, Burst: 1, RetryAfter: 3 * time.Second}})
	do := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", "AWSIdentityStore.ListUsers")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}
	do()
	rec := do()
	// identity-center-scim.md §7: HTTP 400, __type ThrottlingException, RetryAfterSeconds.
	body := rec.Body.String()
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, `"__type":"ThrottlingException"`) ||
		!strings.Contains(body, `"RetryAfterSeconds":3`) || !strings.Contains(body, "Rate exceeded") {
		t.Errorf("got %d %s", rec.Code, body)
	}
	if n := e.Stats()["identitystore.ListUsers"]; n != 2 {
		t.Errorf("identitystore.ListUsers counted %d, want 2", n)
	}
}

// faultSequence returns which of n requests got an injected 500.
func faultSequence(t *testing.T, seed uint64, n int) []bool {
	e := newTestEmulator(t, Options{Seed: seed, Faults: Faults{ErrorRate: 0.5}})
	out := make([]bool, n)
	for i := range out {
		r := call(t, e, http.MethodGet, "/ServiceProviderConfig", nil)
		switch r.status {
		case http.StatusInternalServerError:
			out[i] = true
			if r.body["status"] != "500" {
				t.Fatalf("500 body %s", r.raw)
			}
		case http.StatusOK:
		default:
			t.Fatalf("status %d", r.status)
		}
	}
	return out
}

func TestErrorRateIsRepeatableBySeed(t *testing.T) {
	a, b, c := faultSequence(t, 42, 200), faultSequence(t, 42, 200), faultSequence(t, 43, 200)
	faulted, differs := 0, false
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different fault at request %d", i)
		}
		if a[i] {
			faulted++
		}
		differs = differs || a[i] != c[i]
	}
	// 200 draws at p=0.5: 60..140 is far outside any plausible deviation.
	if faulted < 60 || faulted > 140 {
		t.Errorf("%d of 200 faulted at ErrorRate 0.5", faulted)
	}
	if !differs {
		t.Error("seeds 42 and 43 gave the same fault sequence")
	}
}

func TestDropClosesTheConnection(t *testing.T) {
	e := newTestEmulator(t, Options{Faults: Faults{DropRate: 1}})
	srv := httptest.NewServer(e)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/"+testTenant+"/scim/v2/ServiceProviderConfig", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := srv.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got status %d, want a dropped connection", resp.StatusCode)
	}
	e.SetFaults(Faults{})
	resp, err = srv.Client().Do(req)
	if err != nil {
		t.Fatalf("after clearing faults: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d after clearing faults", resp.StatusCode)
	}
	if st := e.Stats(); st[OpDropped] < 1 {
		t.Errorf("stats %v: no Dropped", st)
	}
}
