package scim

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// stuckUsers never answers a list: it waits for the request's context, as
// the Provisioner does while an import snapshot is still walking.
type stuckUsers struct {
	*fakeUsers
	left chan time.Duration // time left before the deadline, as the backend saw it
}

func (s stuckUsers) ListUsers(ctx context.Context, _ identitycenter.ListQuery) (identitycenter.ListResult, error) {
	left := time.Duration(-1)
	if d, ok := ctx.Deadline(); ok {
		left = time.Until(d)
	}
	s.left <- left
	<-ctx.Done()
	return identitycenter.ListResult{}, fmt.Errorf("list Users: waiting for the import snapshot: %w", ctx.Err())
}

// An Okta request never outlives the bridge's request time limit: the
// backend sees a deadline no later than RequestTimeout, and when it runs
// out Okta gets a 429 with Retry-After (re-queued), not a 5xx or a hang.
func TestRequestTimeoutAnswers429(t *testing.T) {
	const limit = 200 * time.Millisecond
	stuck := stuckUsers{newFakeUsers(), make(chan time.Duration, 1)}
	env := newEnv(t, Config{Users: stuck, RequestTimeout: limit})
	r := env.do(t, "GET", "/scim/v2/Users?startIndex=1&count=100", "")
	wantSCIMError(t, r, http.StatusTooManyRequests)
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After = %q, want whole seconds ≥ 1", r.header.Get("Retry-After"))
	}
	if left := <-stuck.left; left < 0 || left > limit {
		t.Errorf("the backend had %v before its deadline (-1: none), want at most the %v limit", left, limit)
	}
}

// The default limit leaves Okta's 60 s (okta-scim-client.md §6) room for
// the network and for writing the answer, and exceeds one upstream call's
// retry budget, so a single slow call still ends as its own clear 429.
func TestDefaultRequestTimeoutFitsOkta(t *testing.T) {
	budget := identitycenter.DefaultRetryBudget
	if DefaultRequestTimeout >= 60*time.Second-10*time.Second || DefaultRequestTimeout <= budget {
		t.Errorf("DefaultRequestTimeout = %s, want between the %s call budget and 50 s", DefaultRequestTimeout, budget)
	}
}

// The same through the real Provisioner and client, against an upstream
// that accepts the connection and never answers.
func TestRequestTimeoutWithHangingUpstream(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(up.Close)
	client, err := identitycenter.NewClient(identitycenter.ClientConfig{
		BaseURL: up.URL + "/t-1/scim/v2", Token: func() string { return "upstream-token" },
	})
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, Config{
		Users:          identitycenter.NewProvisioner(identitycenter.ProvisionerConfig{Client: client}),
		RequestTimeout: 300 * time.Millisecond,
	})
	for _, path := range []string{
		"/scim/v2/Users/9067729b-3d-0001",
		`/scim/v2/Users?filter=userName%20eq%20%22a@example.com%22&startIndex=1&count=100`,
	} {
		r := env.do(t, "GET", path, "")
		wantSCIMError(t, r, http.StatusTooManyRequests)
		if r.header.Get("Retry-After") == "" {
			t.Errorf("GET %s: 429 without Retry-After", path)
		}
	}
}
