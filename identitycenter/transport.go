package identitycenter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// maxResponseBytes bounds what one answer may hold. A full page of 100 users
// is a few hundred KB; more means something other than Identity Center.
const maxResponseBytes = 16 << 20

// NewHTTPClient returns the client used when ClientConfig.HTTPClient is nil:
// connections reused across requests (many Okta requests run at once, all to
// one host), bounded dial/TLS/header waits so a dead peer fails an attempt
// rather than the whole budget. The per-attempt deadline comes from the
// request context, so the client itself has no Timeout.
func NewHTTPClient() *http.Client {
	return newHTTPClient(defaultAttemptTimeout)
}

func newHTTPClient(attemptTimeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          128,
			MaxIdleConnsPerHost:   64, // one upstream host; sized for Okta's parallel jobs
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: attemptTimeout,
			ExpectContinueTimeout: time.Second,
		},
		// Identity Center never redirects; following one could send the
		// token elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// response is one HTTP answer, read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// send makes one attempt of c: a fresh request (body re-readable from bytes),
// the token read now so a rotated one is used, the whole body read before
// the attempt's deadline ends.
func (c *Client) send(ctx context.Context, rc *call, token string, timeout time.Duration) (*response, error) {
	// Wait for a slot before the attempt's own deadline starts.
	if err := c.slots.acquire(ctx); err != nil {
		return nil, fmt.Errorf("%s %s: %w", rc.method, rc.logPath(), err)
	}
	defer c.slots.release()
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	u := joinPath(c.base, rc.path...)
	u.RawQuery = rc.query
	var body io.Reader
	if rc.body != nil {
		body = bytes.NewReader(rc.body) // NewRequest sets GetBody from it
	}
	req, err := http.NewRequestWithContext(actx, rc.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build %s request: %w", rc.method, err)
	}
	// Mirror what Okta's own AWS app sends (okta-scim-client.md §3), which
	// Identity Center accepts today.
	req.Header.Set("Accept", "application/scim+json")
	if rc.body != nil {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	req.Header.Set("User-Agent", "scim-bridge")
	// identity-center-scim.md §1: "Auth: oauthbearertoken only, sent as
	// Authorization: Bearer <token>".
	req.Header.Set("Authorization", "Bearer "+token)

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", rc.method, rc.logPath(), scrubURLError(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", rc.method, rc.logPath(), err)
	}
	if len(b) > maxResponseBytes {
		return nil, fmt.Errorf("%s %s: response larger than %d bytes", rc.method, rc.logPath(), maxResponseBytes)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// scrubURLError drops the URL from a *url.Error: the message already names
// the method and path, and the full URL adds nothing for the operator.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}
