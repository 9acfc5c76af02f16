package identitycenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestInFlightCapHoldsUnderABurst sends more concurrent requests than the
// cap allows: Identity Center never sees more than the cap at once, and
// every request still completes once slots free up.
func TestInFlightCapHoldsUnderABurst(t *testing.T) {
	const limit, calls = 3, 12
	var mu sync.Mutex
	cur, peak := 0, 0
	arrived := make(chan struct{}, calls)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cur++
		peak = max(peak, cur)
		over := cur > limit
		mu.Unlock()
		if over {
			t.Errorf("Identity Center saw %d concurrent requests; the cap is %d", cur, limit)
		}
		arrived <- struct{}{}
		<-release
		mu.Lock()
		cur--
		mu.Unlock()
		w.Header().Set("Content-Type", "application/scim+json")
		fmt.Fprintf(w, `{"id":%q,"userName":"u"}`, r.URL.Path)
	}))
	defer srv.Close()
	c, err := NewClient(ClientConfig{BaseURL: srv.URL + "/t/scim/v2", Token: func() string { return "tok" }, MaxInFlight: limit})
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Go(func() {
			if _, err := c.GetUser(t.Context(), fmt.Sprintf("u-%d", i)); err != nil {
				errs <- err
			}
		})
	}
	// The first `limit` requests arrive and hold their slots.
	for range limit {
		<-arrived
	}
	if got := c.InFlight(); got != limit {
		t.Errorf("InFlight() = %d with every slot held, want %d", got, limit)
	}
	// Let requests through one at a time; each release admits one more.
	for i := range calls {
		release <- struct{}{}
		if i+limit < calls {
			<-arrived
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a queued request failed: %v", err)
	}
	if peak != limit {
		t.Errorf("peak concurrency %d, want exactly the cap %d", peak, limit)
	}
	if got := c.InFlight(); got != 0 {
		t.Errorf("InFlight() = %d after every request finished", got)
	}
}

// TestInFlightWaitEndsWithTheRequest: a request queued behind a full pool
// gives up when its context ends, without reaching Identity Center.
func TestInFlightWaitEndsWithTheRequest(t *testing.T) {
	var mu sync.Mutex
	seen := 0
	hold := make(chan struct{})
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		seen++
		mu.Unlock()
		arrived <- struct{}{}
		<-hold
		_, _ = w.Write([]byte(`{"id":"a"}`))
	}))
	defer srv.Close()
	defer close(hold)
	c, err := NewClient(ClientConfig{BaseURL: srv.URL + "/t/scim/v2", Token: func() string { return "tok" }, MaxInFlight: 1})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = c.GetUser(context.WithoutCancel(t.Context()), "a") }()
	<-arrived

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = c.GetUser(ctx, "b")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("queued request with a cancelled context: %v, want context.Canceled", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen != 1 {
		t.Errorf("Identity Center saw %d requests, want only the one holding the slot", seen)
	}
}

func TestInFlightZeroMeansDefaultAndNegativeMeansUnlimited(t *testing.T) {
	if got := cap(newInflight(0)); got != DefaultMaxInFlight {
		t.Errorf("MaxInFlight 0 gives %d slots, want %d", got, DefaultMaxInFlight)
	}
	if s := newInflight(-1); s != nil {
		t.Errorf("MaxInFlight -1 gives a cap of %d, want none", cap(s))
	}
}
