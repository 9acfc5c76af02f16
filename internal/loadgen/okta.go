package loadgen

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Dialect is the form the traffic's bodies take.
type Dialect int

const (
	// DialectOkta sends Okta's bytes as Okta sends them (okta-scim-client.md
	// §2): password and groups on create, PUT echoing the GET, member display,
	// the path-less two-key rename, filtered member removes, startIndex paging.
	DialectOkta Dialect = iota
	// DialectAWS sends the same operations in the form Identity Center
	// accepts (identity-center-scim.md §3–§5), so a run straight at the
	// emulator succeeds and can be compared with a run through the bridge.
	DialectAWS
)

func (d Dialect) String() string {
	if d == DialectAWS {
		return "aws"
	}
	return "okta"
}

// OktaTimeout is Okta's client timeout. okta-scim-client.md §6: "The timeout
// is 60 seconds if Okta doesn't receive anything from the socket after any
// SCIM request is made."
const OktaTimeout = 60 * time.Second

// Client sends requests with Okta's headers (okta-scim-client.md §3, §11
// "Headers to reproduce") to one SCIM base URL.
type Client struct {
	Base    string // e.g. http://127.0.0.1:8080/scim/v2, no trailing slash
	Token   string
	Dialect Dialect
	HTTP    *http.Client
}

// NewHTTPClient returns a client that keeps up to conns connections open to
// one host, as a pool of Okta workers would.
func NewHTTPClient(conns int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: OktaTimeout}
}

// Reply is one answer, decoded.
type Reply struct {
	Status     int
	Body       map[string]any // nil for an empty body
	Raw        []byte
	RetryAfter time.Duration // from Retry-After, 0 when absent
}

// RequestError is a request that got no usable answer, or an answer that
// is not what Okta needs. Kind groups errors in the report.
type RequestError struct {
	Kind   string // e.g. "transport", "timeout", "http 503", "bad reply"
	Status int    // 0 when there was no HTTP answer
	Detail string
	// RetryAfter is the server's Retry-After on a 429.
	RetryAfter time.Duration
}

func (e *RequestError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: %d %s", e.Kind, e.Status, e.Detail)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Detail)
}

// Do sends one request. body is sent verbatim as JSON bytes (nil: none).
// It returns a decoded reply for any HTTP answer, and an error only when
// there was none (transport failure, timeout) or its body was unreadable.
func (c *Client) Do(ctx context.Context, method, path string, body []byte) (Reply, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return Reply{}, &RequestError{Kind: "request", Detail: err.Error()}
	}
	req.Header.Set("Accept", "application/scim+json")
	req.Header.Set("Accept-Charset", "utf-8")
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	req.Header.Set("User-Agent", "Okta SCIM Client 1.0.0")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	// Set by hand, as Okta does; Go then leaves a gzip body to us.
	req.Header.Set("Accept-Encoding", "gzip,deflate")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Reply{}, transportError(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(resp.Body)
		if err != nil {
			return Reply{}, &RequestError{Kind: "bad reply", Status: resp.StatusCode, Detail: "gzip: " + err.Error()}
		}
		r = gz
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		// A reply cut mid-body is as bad as none: Okta cannot use it.
		return Reply{}, &RequestError{Kind: "truncated reply", Status: resp.StatusCode, Detail: err.Error()}
	}
	out := Reply{Status: resp.StatusCode, Raw: raw}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			out.RetryAfter = time.Duration(n) * time.Second
		}
	}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out.Body); err != nil {
			return out, &RequestError{Kind: "bad reply", Status: resp.StatusCode, Detail: "body is not a JSON object: " + err.Error()}
		}
	}
	return out, nil
}

func transportError(err error) *RequestError {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &RequestError{Kind: "timeout", Detail: err.Error()}
	}
	if errors.Is(err, context.Canceled) {
		return &RequestError{Kind: "cancelled", Detail: err.Error()}
	}
	return &RequestError{Kind: "transport", Detail: err.Error()}
}

// expect turns a reply with a status other than want into a RequestError.
func expect(r Reply, what string, want ...int) error {
	for _, s := range want {
		if r.Status == s {
			return nil
		}
	}
	detail, _ := r.Body["detail"].(string)
	if detail == "" {
		detail = string(r.Raw)
		if len(detail) > 200 {
			detail = detail[:200] + "…"
		}
	}
	return &RequestError{Kind: fmt.Sprintf("http %d", r.Status), Status: r.Status, Detail: what + ": " + detail, RetryAfter: r.RetryAfter}
}
