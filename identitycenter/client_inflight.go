package identitycenter

import (
	"context"
	"fmt"
)

// DefaultMaxInFlight caps concurrent requests to Identity Center when
// ClientConfig.MaxInFlight is 0. AWS publishes no SCIM rate quota
// (identity-center-scim.md §7: "No documented SCIM request-rate quota was
// found — UNCONFIRMED"), but 429s "at about 200 users / 200 groups with
// low-latency callers" are on record; a bounded pool keeps a burst from
// Okta from turning into a burst of throttles, and bounds the bridge's own
// sockets and memory whatever Okta's concurrency (okta-scim-client.md §6:
// "Okta's concurrency and request rate are not published").
const DefaultMaxInFlight = 32

// inflight is a counting semaphore over upstream attempts; nil is unlimited.
type inflight chan struct{}

func newInflight(n int) inflight {
	if n < 0 {
		return nil
	}
	if n == 0 {
		n = DefaultMaxInFlight
	}
	return make(inflight, n)
}

// acquire waits for a slot or for ctx to end.
func (s inflight) acquire(ctx context.Context) error {
	if s == nil {
		return nil
	}
	select {
	case s <- struct{}{}:
		return nil
	default:
	}
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for one of %d upstream request slots: %w", cap(s), ctx.Err())
	}
}

func (s inflight) release() {
	if s != nil {
		<-s
	}
}

// InFlight is how many upstream requests are being made now.
func (c *Client) InFlight() int { return len(c.slots) }
