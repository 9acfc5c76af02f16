package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Conn is a tiny raw HTTP helper bound to one case: it sends requests to the
// target, fails the case on transport errors, and deletes in Cleanup every
// resource a POST created, so the suite leaves nothing behind.
type Conn struct {
	t      T
	ctx    context.Context // the case's context: requests end with it
	target Target
	client *http.Client
	prefix string // scimbridge-conf-<random>: every name the case creates starts with it
	seq    int
	fx     *fixtures
}

// NewConn returns a Conn for running one case on its own (as the lenient
// emulator tests do); shared fixtures are then owned by t.
func NewConn(t T, target Target) *Conn {
	return newConn(t, target.normalised(), newFixtures(t))
}

func newConn(t T, target Target, fx *fixtures) *Conn {
	client := target.Client
	if client == nil {
		client = &http.Client{Timeout: 60 * time.Second}
	}
	ctx := context.Background()
	if tc, ok := t.(interface{ Context() context.Context }); ok {
		ctx = tc.Context() // *testing.T: cancelled when the case ends
	}
	return &Conn{t: t, ctx: ctx, target: target, client: client, prefix: NewPrefix(), fx: fx}
}

// NewPrefix returns a fresh "scimbridge-conf-<8 hex>" prefix.
func NewPrefix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "scimbridge-conf-" + hex.EncodeToString(b)
}

// Target is the endpoint this Conn talks to.
func (c *Conn) Target() Target { return c.target }

// Prefix is the unique prefix of every name this Conn creates.
func (c *Conn) Prefix() string { return c.prefix }

// Response is one HTTP exchange.
type Response struct {
	Method, URL string
	Status      int
	Header      http.Header
	Body        []byte
}

// JSON decodes the body as an object; nil if it is not one.
func (r *Response) JSON() map[string]any {
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		return nil
	}
	return m
}

// String summarises the exchange for failure messages.
func (r *Response) String() string {
	body := string(r.Body)
	if len(body) > 400 {
		body = body[:400] + "…"
	}
	// The emulator names the rule behind each refusal; AWS sends no such header.
	if rule := r.Header.Get("X-Emulator-Rule"); rule != "" {
		body += " [emulator rule " + rule + "]"
	}
	return fmt.Sprintf("%s %s → %d %s", r.Method, r.URL, r.Status, body)
}

// Do sends method path (relative to BaseURL, with any query already built by
// Query) with an optional JSON body, authenticated with the target's token.
func (c *Conn) Do(method, path string, body any) *Response {
	c.t.Helper()
	return c.DoURL(method, c.target.BaseURL+path, "Bearer "+c.target.Token, body)
}

// DoURL sends to an absolute URL with the given Authorization header value
// ("" sends none).
func (c *Conn) DoURL(method, rawURL, authorization string, body any) *Response {
	c.t.Helper()
	r, err := c.send(method, rawURL, authorization, body)
	if err != nil {
		c.t.Fatalf("%v", err)
		return nil
	}
	if method == http.MethodPost && r.Status >= 200 && r.Status < 300 {
		c.trackCreated(rawURL, r)
	}
	return r
}

// maxAttempts bounds retries of a throttled request.
const maxAttempts = 6

// send performs one exchange. A 429 from the target under test is retried
// with exponential backoff, as sync tools do (identity-center-scim.md §7:
// "What sync tools do: retry 429 and 5xx with backoff"): a large run against
// a real account must not fail on throttling. A 429 is never retried from
// ThrottledURL, whose 429 is the behaviour under test.
func (c *Conn) send(method, rawURL, authorization string, body any) (*Response, error) {
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s body: %w", method, redact(rawURL), err)
		}
		payload = b
	}
	retry := c.target.ThrottledURL == "" || !strings.HasPrefix(rawURL, c.target.ThrottledURL)
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		r, err := c.sendOnce(method, rawURL, authorization, payload)
		if err != nil || r.Status != http.StatusTooManyRequests || !retry || attempt == maxAttempts {
			return r, err
		}
		c.t.Logf("throttled (429), retrying in %v: %s %s", backoff, method, redact(rawURL))
		select {
		case <-time.After(backoff):
		case <-c.ctx.Done():
			return nil, fmt.Errorf("%s %s: throttled, and the case ended while waiting: %w", method, redact(rawURL), c.ctx.Err())
		}
		backoff *= 2
	}
}

func (c *Conn) sendOnce(method, rawURL, authorization string, payload []byte) (*Response, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(c.ctx, method, rawURL, rd)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, redact(rawURL), err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if payload != nil {
		// identity-center-scim.md §1: "The example Content-Type is application/json."
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, redact(rawURL), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", method, redact(rawURL), err)
	}
	return &Response{Method: method, URL: redact(rawURL), Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// redact keeps failure messages short: the path below the tenant only.
func redact(rawURL string) string {
	if i := strings.Index(rawURL, "/scim/v2"); i >= 0 {
		return rawURL[i:]
	}
	return rawURL
}

// trackCreated schedules the deletion of whatever a successful POST to
// /Users or /Groups created, even when the case expected a refusal.
func (c *Conn) trackCreated(rawURL string, r *Response) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return
	}
	var kind string
	switch {
	case strings.HasSuffix(u.Path, "/scim/v2/Users"):
		kind = "/Users/"
	case strings.HasSuffix(u.Path, "/scim/v2/Groups"):
		kind = "/Groups/"
	default:
		return
	}
	id, _ := r.JSON()["id"].(string)
	if id == "" {
		return
	}
	base := strings.TrimSuffix(u.Scheme+"://"+u.Host+u.Path, strings.TrimSuffix(kind, "/"))
	c.cleanupOn(c.t, base+kind+url.PathEscape(id))
}

func (c *Conn) cleanupOn(owner T, resourceURL string) {
	auth := "Bearer " + c.target.Token
	if o, ok := owner.(*ownedT); ok {
		owner = o.owner // report where the cleanup runs, not to a finished case
	}
	cc := *c
	cc.t = owner // a throttled cleanup logs to the owner, which is still running
	// *testing.T cancels its context before cleanups run; deletion must still happen.
	cc.ctx = context.WithoutCancel(c.ctx)
	owner.Cleanup(func() {
		r, err := cc.send(http.MethodDelete, resourceURL, auth, nil)
		switch {
		case err != nil:
			owner.Errorf("cleanup: %v", err)
		case r.Status != http.StatusNoContent && r.Status != http.StatusNotFound:
			owner.Errorf("cleanup: could not delete what the suite created: %s", r)
		}
	})
}

// Query builds a query string by hand. Go's url.Values drops a key with an
// empty value, but cursor mode needs a bare "cursor" (identity-center-scim.md
// §3: "The first page needs a bare cursor parameter with no value").
type Query struct {
	Cursor     bool   // send a cursor parameter
	CursorVal  string // its value; "" sends the bare key
	Filter     string
	Count      string
	StartIndex string
}

// String is "?…" or "" when empty.
func (q Query) String() string {
	var parts []string
	if q.Cursor {
		if q.CursorVal == "" {
			parts = append(parts, "cursor")
		} else {
			parts = append(parts, "cursor="+escape(q.CursorVal))
		}
	}
	if q.Filter != "" {
		parts = append(parts, "filter="+escape(q.Filter))
	}
	if q.Count != "" {
		parts = append(parts, "count="+escape(q.Count))
	}
	if q.StartIndex != "" {
		parts = append(parts, "startIndex="+escape(q.StartIndex))
	}
	if len(parts) == 0 {
		return ""
	}
	return "?" + strings.Join(parts, "&")
}

// escape percent-encodes a query value, spaces as %20 rather than "+", and
// "+", "/" and "=" of cursor values (`[-a-zA-Z0-9+=/:_]*`) so they survive.
func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// Eq renders `attr eq "value"` (identity-center-scim.md §3: `<filterAttribute> eq "<filterValue>"`).
func Eq(attr, value string) string {
	return fmt.Sprintf("%s eq %q", attr, value)
}
