package admin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newAdmin(t *testing.T, ping func(context.Context) error, clock *fakeClock) http.Handler {
	t.Helper()
	reg, err := NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(Config{Registry: reg, Ping: ping, ReadyTTL: 5 * time.Second, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func TestHealthzDoesNotTouchUpstream(t *testing.T) {
	var pings atomic.Int32
	h := newAdmin(t, func(context.Context) error { pings.Add(1); return errors.New("down") }, &fakeClock{})
	if code, _ := get(t, h, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz = %d", code)
	}
	if pings.Load() != 0 {
		t.Fatal("/healthz pinged the upstream")
	}
}

func TestReadyzFollowsUpstreamAndCaches(t *testing.T) {
	var pings atomic.Int32
	var down atomic.Bool
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	h := newAdmin(t, func(context.Context) error {
		pings.Add(1)
		if down.Load() {
			return errors.New("identity center: 401: token invalid, expired or rotated, or wrong tenant")
		}
		return nil
	}, clock)

	// A probe storm inside one TTL costs one upstream call.
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, body := get(t, h, "/readyz"); code != http.StatusOK {
				t.Errorf("/readyz = %d %s", code, body)
			}
		}()
	}
	wg.Wait()
	if n := pings.Load(); n != 1 {
		t.Fatalf("50 probes made %d upstream calls, want 1", n)
	}

	// The upstream fails; the cached "ready" holds until the TTL runs out.
	down.Store(true)
	clock.Add(4 * time.Second)
	if code, _ := get(t, h, "/readyz"); code != http.StatusOK {
		t.Fatalf("inside TTL: %d, want cached 200", code)
	}
	clock.Add(2 * time.Second)
	code, body := get(t, h, "/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "401") {
		t.Fatalf("after TTL with upstream down: %d %s", code, body)
	}
	var parsed map[string]string
	if err := json.Unmarshal([]byte(body), &parsed); err != nil || parsed["status"] != "not ready" {
		t.Fatalf("body %q: %v", body, err)
	}
	if n := pings.Load(); n != 2 {
		t.Fatalf("pings = %d, want 2", n)
	}

	// Recovery is seen after the next TTL.
	down.Store(false)
	clock.Add(6 * time.Second)
	if code, _ := get(t, h, "/readyz"); code != http.StatusOK {
		t.Fatalf("after recovery: %d", code)
	}
}

func TestMetricsServesOwnRegistry(t *testing.T) {
	h := newAdmin(t, func(context.Context) error { return nil }, &fakeClock{})
	code, body := get(t, h, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{"scim_bridge_build_info{", "go_goroutines", "process_start_time_seconds"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestRegistriesAreIndependent(t *testing.T) {
	// Two registries in one process (two test servers, two replicas in one
	// test) must not collide, which a global registry would.
	if _, err := NewRegistry(); err != nil {
		t.Fatal(err)
	}
	if _, err := NewRegistry(); err != nil {
		t.Fatalf("second registry: %v", err)
	}
}

func TestAdminRefusesWrites(t *testing.T) {
	h := newAdmin(t, func(context.Context) error { return nil }, &fakeClock{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/readyz", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST /readyz = %d", rec.Code)
	}
	if code, _ := get(t, h, "/scim/v2/Users"); code != http.StatusNotFound {
		t.Fatalf("admin listener serves SCIM paths: %d", code)
	}
}
