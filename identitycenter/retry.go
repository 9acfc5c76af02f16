package identitycenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// RetryPolicy bounds how the client retries one logical call.
type RetryPolicy struct {
	MaxAttempts    int           // default 8
	BaseDelay      time.Duration // default 200ms; exponential backoff with full jitter
	MaxDelay       time.Duration // default 10s
	Budget         time.Duration // default 25s: wall time for one logical call incl. retries and Retry-After waits, well under Okta's 60 s timeout
	AttemptTimeout time.Duration // default 10s per attempt
}

// DefaultRetryBudget is one logical call's wall time, retries and waits
// included. The inbound server's per-request limit (scim.DefaultRequestTimeout)
// must exceed it and stay below Okta's 60 s.
const DefaultRetryBudget = 25 * time.Second

// Defaults. okta-scim-client.md §6: "The timeout is 60 seconds if Okta
// doesn't receive anything from the socket after any SCIM request is made."
// One Okta request may make several upstream calls (lookup, create, member
// batches), so one call gets well under half of that.
const (
	defaultMaxAttempts    = 8
	defaultBaseDelay      = 200 * time.Millisecond
	defaultMaxDelay       = 10 * time.Second
	defaultAttemptTimeout = 10 * time.Second
)

// withDefaults fills zero (or negative) fields.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = defaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = defaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = defaultMaxDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	if p.Budget <= 0 {
		p.Budget = DefaultRetryBudget
	}
	if p.AttemptTimeout <= 0 {
		p.AttemptTimeout = defaultAttemptTimeout
	}
	return p
}

// backoffCap is the upper bound of the full-jitter delay after the n-th
// failed attempt (n ≥ 1): min(MaxDelay, BaseDelay·2^(n-1)).
func (p RetryPolicy) backoffCap(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n; i++ {
		if d >= p.MaxDelay/2 {
			return p.MaxDelay
		}
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3). identity-center-scim.md §7: a Retry-After on SCIM 429 is
// UNCONFIRMED, so it is honoured when present and backoff is used otherwise.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Cap absurd values before multiplying so they cannot overflow; the
		// budget check turns anything this long into a 429 for Okta anyway.
		const maxSecs = int64(24 * time.Hour / time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// retryCause classifies a failed attempt for reqlog.UpstreamCall.RetryCauses,
// or "" when the answer is final.
func retryCause(status int, err error) string {
	switch {
	case err != nil:
		return "network"
	case status == http.StatusTooManyRequests:
		return "429"
	case status >= 500:
		return "5xx"
	}
	return ""
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// callKind says how a failed attempt may be retried.
type callKind int

const (
	// kindIdempotent: GET, PUT, PATCH, DELETE — what we send is idempotent,
	// so 429, 5xx and network errors are retried as they are.
	kindIdempotent callKind = iota
	// kindCreate: POST. identity-center-scim.md §12.4: a blind retry of a
	// create that was applied gets 409 "Refused to create a new, duplicate
	// resource". 429 means nothing was applied and is retried; after a 5xx
	// or network error the resource is looked up before any retry.
	kindCreate
	// kindOnce: a single attempt (readiness probe).
	kindOnce
)

// call is one logical upstream call.
type call struct {
	method string
	path   []string // segments below the base URL, unescaped
	query  string   // raw query, built by hand (see listQuery)
	body   []byte
	kind   callKind
	// deadline, when set, is shared with an enclosing call (a create's
	// lookup spends the create's budget); zero means now + Budget.
	deadline time.Time
	// reconcile, for kindCreate, looks for the resource an ambiguous attempt
	// may have created; ok is true when it is the one just sent.
	reconcile func(ctx context.Context, deadline time.Time) (found Resource, ok bool, err error)
	// goneIsDone, for DELETE: a 404 after an ambiguous attempt means that
	// attempt deleted the resource.
	goneIsDone bool
}

// logPath is the path below the base URL as recorded in reqlog, query
// included. It never holds the token, which travels only in a header.
func (rc *call) logPath() string {
	var b strings.Builder
	for _, s := range rc.path {
		b.WriteString("/")
		b.WriteString(url.PathEscape(s))
	}
	if rc.query != "" {
		b.WriteString("?")
		b.WriteString(rc.query)
	}
	return b.String()
}

// outcome is the successful end of a call: a 2xx answer, or the resource an
// ambiguous create turned out to have created, or a confirmed delete.
type outcome struct {
	resp  *response
	found Resource
}

// do runs rc with retries inside its budget and records one
// reqlog.UpstreamCall for it.
func (c *Client) do(ctx context.Context, rc *call) (outcome, error) {
	start := c.now()
	deadline := rc.deadline
	if deadline.IsZero() {
		deadline = start.Add(c.retry.Budget)
	}
	// A caller's own deadline (the inbound request's) also bounds the
	// budget, so running out of it still ends as a 429 with Retry-After.
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	rec := reqlog.UpstreamCall{Method: rc.method, Path: rc.logPath()}
	out, reqID, err := c.loop(ctx, rc, deadline, &rec)
	rec.Duration = c.now().Sub(start)
	if err != nil {
		rec.Err = err.Error()
		if reqID != "" {
			rec.Err += " (x-amzn-RequestId " + reqID + ")"
		}
	}
	reqlog.From(ctx).AddUpstream(rec)
	return out, err
}

func (c *Client) loop(ctx context.Context, rc *call, deadline time.Time, rec *reqlog.UpstreamCall) (outcome, string, error) {
	ambiguous := false // an attempt may have been applied without our knowing
	last := "none"
	for attempt := 1; ; attempt++ {
		timeout := min(c.retry.AttemptTimeout, deadline.Sub(c.now()))
		if timeout <= 0 {
			return outcome{}, "", exhaustedError(attempt-1, last, c.retry.backoffCap(attempt))
		}
		tok := c.token()
		if tok == "" {
			return outcome{}, "", &Error{Status: http.StatusBadGateway, Detail: "the bridge has no Identity Center token configured"}
		}
		rec.Attempts = attempt
		resp, err := c.send(ctx, rc, tok, timeout)
		if err != nil && ctx.Err() != nil {
			return outcome{}, "", cancelledError(ctx)
		}
		status := 0
		if resp != nil {
			status = resp.status
		}
		rec.Status = status
		cause := retryCause(status, err)

		if cause == "" { // a final answer
			if status >= 200 && status < 300 {
				return outcome{resp: resp}, "", nil
			}
			if status == http.StatusNotFound && rc.goneIsDone && ambiguous {
				reqlog.From(ctx).Fallback("delete_confirmed_by_404_after_ambiguous_attempt")
				return outcome{resp: resp}, "", nil
			}
			if status == http.StatusConflict && rc.kind == kindCreate && ambiguous && rc.reconcile != nil {
				// Our earlier attempt created it; this 409 is about ourselves.
				found, ok, lerr := rc.reconcile(ctx, deadline)
				if lerr != nil {
					return outcome{}, "", lerr
				}
				if ok {
					reqlog.From(ctx).Fallback("create_confirmed_by_lookup")
					return outcome{found: found}, "", nil
				}
			}
			// identity-center-scim.md §1: "Responses carry an
			// x-amzn-RequestId header"; the body's exceptionRequestId (§6)
			// is the fallback.
			e, reqID := upstreamError(status, resp.body)
			if h := resp.header.Get("x-amzn-RequestId"); h != "" {
				reqID = h
			}
			return outcome{}, reqID, e
		}

		last = describeFailure(resp, err)
		var ra time.Duration
		hasRA := false
		if status == http.StatusTooManyRequests {
			ra, hasRA = parseRetryAfter(resp.header.Get("Retry-After"), c.now())
		}
		if rc.kind == kindOnce {
			return outcome{}, "", onceError(resp, err, ra)
		}
		if cause != "429" {
			ambiguous = true
		}
		wait := c.jitter(c.retry.backoffCap(attempt))
		if hasRA && ra > 0 {
			// Exactly as asked; "Retry-After: 0" still backs off.
			wait = ra
		}
		if attempt >= c.retry.MaxAttempts || !c.now().Add(wait).Before(deadline) {
			return outcome{}, "", exhaustedError(attempt, last, wait)
		}
		rec.RetryCauses = append(rec.RetryCauses, cause)
		if hasRA && ra > 0 {
			rec.RetryAfterWait += wait
		}
		if err := c.sleep(ctx, wait); err != nil {
			return outcome{}, "", cancelledError(ctx)
		}
		if cause != "429" && rc.kind == kindCreate && rc.reconcile != nil {
			found, ok, lerr := rc.reconcile(ctx, deadline)
			if lerr != nil {
				return outcome{}, "", lerr
			}
			if ok {
				reqlog.From(ctx).Fallback("create_confirmed_by_lookup")
				return outcome{found: found}, "", nil
			}
		}
	}
}

// describeFailure names a failed attempt for the error detail and log.
func describeFailure(resp *response, err error) string {
	if err != nil {
		return "network error: " + err.Error()
	}
	detail, _, _ := parseErrorBody(resp.body)
	if detail == "" {
		return strconv.Itoa(resp.status) + " " + http.StatusText(resp.status)
	}
	return strconv.Itoa(resp.status) + " " + excerpt(detail, 120)
}

// onceError maps a failed single attempt.
func onceError(resp *response, err error, ra time.Duration) *Error {
	switch {
	case err != nil:
		return &Error{Status: http.StatusBadGateway, Detail: "Identity Center unreachable: " + err.Error(), Upstream: true}
	case resp.status == http.StatusTooManyRequests:
		return &Error{Status: http.StatusTooManyRequests, Detail: "Identity Center is throttling the bridge", RetryAfter: max(ra, time.Second), Upstream: true}
	}
	e, _ := upstreamError(resp.status, resp.body)
	return e
}

// cancelledError is returned when the caller's context ends first. A
// deadline is reported like an exhausted budget so Okta re-queues the job;
// a cancellation means Okta has gone and nobody reads the answer.
func cancelledError(ctx context.Context) error {
	e := &Error{Status: http.StatusServiceUnavailable, Detail: "request cancelled before Identity Center answered", Upstream: true}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		e = &Error{Status: http.StatusTooManyRequests, Detail: "out of time waiting for Identity Center; retry later", RetryAfter: time.Second, Upstream: true}
	}
	return fmt.Errorf("%w: %w", e, ctx.Err())
}
