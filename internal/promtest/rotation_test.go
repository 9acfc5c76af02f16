package promtest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// stream sends Okta's probe through the bridge without pause, with whatever
// token Okta currently holds, and remembers every failure.
type stream struct {
	o      *okta
	token  atomic.Value // string
	mu     sync.Mutex
	counts map[string]int
	fails  []string
	cancel context.CancelFunc
	done   chan struct{}
}

func startStream(t *testing.T, o *okta, token, path string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &stream{o: o, counts: map[string]int{}, cancel: cancel, done: make(chan struct{})}
	s.token.Store(token)
	go func() {
		defer close(s.done)
		for ctx.Err() == nil {
			tok := s.token.Load().(string)
			req, _ := http.NewRequestWithContext(ctx, "GET", o.base+path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := o.client.Do(req)
			if ctx.Err() != nil {
				return
			}
			s.mu.Lock()
			switch {
			case err != nil:
				s.fails = append(s.fails, err.Error())
			case resp.StatusCode != http.StatusOK:
				s.fails = append(s.fails, fmt.Sprintf("%d with the %s token", resp.StatusCode, label(tok)))
			default:
				s.counts[tok]++
			}
			s.mu.Unlock()
			if resp != nil {
				resp.Body.Close()
			}
		}
	}()
	t.Cleanup(s.stop)
	return s
}

func label(tok string) string {
	switch tok {
	case oktaTokenOld:
		return "old"
	case oktaTokenNew:
		return "new"
	}
	return "other"
}

func (s *stream) use(tok string) { s.token.Store(tok) }

func (s *stream) count(tok string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[tok]
}

// atLeast waits until n more requests with tok have succeeded.
func (s *stream) atLeast(t *testing.T, tok string, n int) {
	t.Helper()
	target := s.count(tok) + n
	waitFor(t, fmt.Sprintf("%d more successful requests with the %s token", n, label(tok)), func() bool { return s.count(tok) >= target })
}

func (s *stream) stop() {
	s.cancel()
	<-s.done
}

func (s *stream) failures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.fails...)
}

// status is the bridge's answer to Okta's probe with token.
func status(t *testing.T, o *okta, token string) int {
	t.Helper()
	code, _ := o.do(t, "GET", "/Users?startIndex=1&count=2", token, nil)
	return code
}

// Okta moves from the old to the new inbound token while requests keep
// flowing: the token file gains the new token, Okta switches, the old one
// is removed. No request fails.
func TestInboundTokenRotationWithoutAFailedRequest(t *testing.T) {
	up := newUpstream(t, upstreamTokenA)
	f := newFiles(t, upstreamTokenA, "2099-01-01", oktaTokenOld)
	b := startBridge(t, f.env(t, up))
	o := newOkta(b.Base, oktaTokenOld)
	if got := status(t, o, oktaTokenNew); got != http.StatusUnauthorized {
		t.Fatalf("new token before rotation = %d, want 401", got)
	}
	s := startStream(t, o, oktaTokenOld, "/Users?startIndex=1&count=2")
	s.atLeast(t, oktaTokenOld, 5)

	// Step 1: the file holds both tokens; the bridge accepts both.
	writeFile(t, f.inbound, oktaTokenNew+","+oktaTokenOld)
	waitFor(t, "the new token to be accepted", func() bool { return status(t, o, oktaTokenNew) == http.StatusOK })
	s.atLeast(t, oktaTokenOld, 5)

	// Step 2: Okta is given the new token.
	s.use(oktaTokenNew)
	s.atLeast(t, oktaTokenNew, 5)
	if got := status(t, o, oktaTokenOld); got != http.StatusOK {
		t.Fatalf("old token during the overlap = %d, want 200", got)
	}

	// Step 3: the old token is removed; it is refused from then on.
	writeFile(t, f.inbound, oktaTokenNew)
	waitFor(t, "the old token to be refused", func() bool { return status(t, o, oktaTokenOld) == http.StatusUnauthorized })
	s.atLeast(t, oktaTokenNew, 5)
	s.stop()

	if fails := s.failures(); len(fails) > 0 {
		t.Fatalf("%d requests failed during the rotation: %v", len(fails), fails[:min(len(fails), 10)])
	}
	m := b.metrics(t)
	if v, _ := sample(t, m, `scim_bridge_token_reloads_total{result="success",token="inbound"}`); v != 2 {
		t.Errorf("inbound reloads = %v, want 2", v)
	}
	if v, _ := sample(t, m, `scim_bridge_token_reloads_total{result="error",token="inbound"}`); v != 0 {
		t.Errorf("inbound reload errors = %v, want 0", v)
	}
}

// The Identity Center token is rotated as AWS documents it: a second token
// is generated, the bridge is given it, then the old one is deleted
// (identity-center-scim.md §8: "To rotate: create a new token, update the
// IdP, then delete the old one"). Requests that reach Identity Center keep
// succeeding, and the expiry gauge follows the new token's expiry.
func TestUpstreamTokenRotationWithoutAFailedRequest(t *testing.T) {
	// §8: "At most 2 access tokens exist at a time per directory."
	up := newUpstream(t, upstreamTokenA, upstreamTokenB)
	oldExpiry, newExpiry := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 1, 15, 0, 0, 0, 0, time.UTC)
	f := newFiles(t, upstreamTokenA, oldExpiry.Format(time.DateOnly), oktaTokenOld)
	b := startBridge(t, f.env(t, up))
	o := newOkta(b.Base, oktaTokenOld)
	// An import page: every request is a call to Identity Center.
	s := startStream(t, o, oktaTokenOld, "/Users?startIndex=1&count=100")
	s.atLeast(t, oktaTokenOld, 5)

	writeFile(t, f.expires, newExpiry.Format(time.DateOnly))
	writeFile(t, f.upstream, upstreamTokenB)
	waitFor(t, "the new expiry on /metrics", func() bool {
		v, _ := sample(t, b.metrics(t), "scim_bridge_upstream_token_expiry_timestamp_seconds")
		return v == float64(newExpiry.Unix())
	})
	waitFor(t, "the new token to be in use", func() bool {
		return strings.Contains(b.stdout.String(), `"token file reloaded","token":"upstream","path":"`+f.upstream+`"`)
	})
	s.atLeast(t, oktaTokenOld, 5)
	up.Revoke(upstreamTokenA) // the old token is deleted in the console
	s.atLeast(t, oktaTokenOld, 10)
	s.stop()
	if fails := s.failures(); len(fails) > 0 {
		t.Fatalf("%d requests failed during the rotation: %v", len(fails), fails[:min(len(fails), 10)])
	}
	if v, _ := sample(t, b.metrics(t), `scim_bridge_upstream_requests_total{code="401",operation="ListUsers"}`); v != 0 {
		t.Errorf("%v upstream 401s after the rotation", v)
	}
}

// SIGHUP reloads the token files at once, without waiting for a poll.
func TestSIGHUPReloadsTokens(t *testing.T) {
	up := newUpstream(t, upstreamTokenA)
	f := newFiles(t, upstreamTokenA, "2099-01-01", oktaTokenOld)
	env := f.env(t, up)
	env["SCIM_BRIDGE_SECRET_POLL_INTERVAL"] = "1h" // only the signal can reload
	b := startBridge(t, env)
	o := newOkta(b.Base, oktaTokenOld)

	writeFile(t, f.inbound, oktaTokenNew)
	if got := status(t, o, oktaTokenOld); got != http.StatusOK {
		t.Fatalf("old token before SIGHUP = %d, want 200 (no reload yet)", got)
	}
	b.signal(t, syscall.SIGHUP)
	waitFor(t, "the new token to be accepted after SIGHUP", func() bool { return status(t, o, oktaTokenNew) == http.StatusOK })
	if got := status(t, o, oktaTokenOld); got != http.StatusUnauthorized {
		t.Fatalf("old token after SIGHUP = %d, want 401", got)
	}
	m := b.metrics(t)
	if v, _ := sample(t, m, `scim_bridge_token_reloads_total{result="success",token="inbound"}`); v != 1 {
		t.Errorf("inbound reloads = %v, want 1", v)
	}
	if !strings.Contains(b.stdout.String(), "SIGHUP: reloading token files") {
		t.Error("no SIGHUP line in the log")
	}
}
