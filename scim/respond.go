package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

const (
	errorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"
	contentType = "application/scim+json"
	// defaultRetryAfter is sent on a 429 whose cause gave no wait. Okta
	// "will automatically retry … based on the number returned by …
	// Retry-After" (okta-scim-client.md §6); a Retry-After on AWS's own 429 is
	// UNCONFIRMED (identity-center-scim.md §7), so never leave it out.
	defaultRetryAfter = 30
)

// scimError is an RFC 7644 §3.12 error as sent to Okta.
type scimError struct {
	status     int
	scimType   string
	detail     string
	retryAfter int // seconds, 429 only
}

func (e *scimError) Error() string { return fmt.Sprintf("%d: %s", e.status, e.detail) }

// toSCIMError maps any error to the reply Okta gets. *identitycenter.Error
// keeps its status, scimType and detail; anything else is a 500 whose cause
// goes to the request log, not to Okta.
func toSCIMError(ctx context.Context, err error) *scimError {
	var se *scimError
	if errors.As(err, &se) {
		return se
	}
	var ie *identitycenter.Error
	if errors.As(err, &ie) {
		out := &scimError{status: ie.Status, scimType: ie.ScimType, detail: ie.Detail}
		if out.status < 400 || out.status > 599 {
			reqlog.SetError(ctx, err)
			out.status = http.StatusInternalServerError
		}
		if ie.Upstream && (ie.Status == http.StatusUnauthorized || ie.Status == http.StatusForbidden) {
			// Okta's token was accepted; a 401 here would send the admin to
			// the wrong token (okta-scim-client.md §8 lists AWS 401 "bad token
			// or wrong tenant"). It is the bridge's upstream credential. The
			// Client already maps its own 401/403 this way; this covers any
			// other backend, with the same words.
			out.status = http.StatusBadGateway
			out.scimType = ""
			out.detail = identitycenter.DetailTokenRejected + " (Identity Center answered " + strconv.Itoa(ie.Status) + ": " + ie.Detail + ")"
		}
		if out.detail == "" {
			out.detail = http.StatusText(out.status)
		}
		if out.status == http.StatusTooManyRequests {
			out.retryAfter = defaultRetryAfter
			if ie.RetryAfter > 0 {
				out.retryAfter = int(math.Ceil(ie.RetryAfter.Seconds()))
			}
		}
		return out
	}
	reqlog.SetError(ctx, err)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		// The request's own deadline (DefaultRequestTimeout) ran out, e.g.
		// waiting for an import snapshot that keeps walking: a 429 makes Okta
		// come back (okta-scim-client.md §6, 429 + Retry-After), a 5xx may
		// not ("5xx retries: UNCONFIRMED").
		return &scimError{status: http.StatusTooManyRequests, retryAfter: defaultRetryAfter,
			detail: "Identity Center did not answer within the bridge's request time limit; retry later"}
	case errors.Is(err, context.Canceled):
		return &scimError{status: http.StatusServiceUnavailable, detail: "the request was cancelled before it finished"}
	}
	return &scimError{status: http.StatusInternalServerError, detail: internalDetailID(reqlog.RequestID(ctx))}
}

func internalDetail(r *http.Request) string {
	return internalDetailID(reqlog.RequestID(r.Context()))
}

func internalDetailID(id string) string {
	return "internal error in scim-bridge; its request log has the cause under request_id " + id
}

// writeError sends err as a SCIM error and records its detail for the log.
func writeError(w http.ResponseWriter, entry *reqlog.Entry, se *scimError) {
	entry.SetDetail(se.detail)
	body := map[string]any{
		"schemas": []string{errorSchema},
		// RFC 7644 §3.12: status is a string; Okta's SPEC suite compares
		// status == "401" / "404" (okta-scim-client.md §9 steps 11, 12).
		"status": strconv.Itoa(se.status),
		"detail": se.detail,
	}
	if se.scimType != "" {
		body["scimType"] = se.scimType
	}
	raw, _ := json.Marshal(body) // a map of strings always marshals
	h := w.Header()
	h.Set("Content-Type", contentType)
	if se.status == http.StatusTooManyRequests && se.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(se.retryAfter))
	}
	h.Del("Etag")
	h.Del("Location")
	w.WriteHeader(se.status)
	_, _ = w.Write(raw)
}

// bufferedWriter holds elimity's reply so that finish can replace or amend it.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedWriter() *bufferedWriter { return &bufferedWriter{header: http.Header{}} }

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

// finish writes the reply: the resource handler's error if it failed;
// elimity's own refusal, with a detail that names what was wrong; or
// elimity's success body, list paging fixed.
func (h *handler) finish(w http.ResponseWriter, r *http.Request, entry *reqlog.Entry, ex *exchange, buf *bufferedWriter) {
	if ex.err != nil {
		writeError(w, entry, toSCIMError(r.Context(), ex.err))
		return
	}
	status := buf.status
	if status == 0 {
		status = http.StatusOK
	}
	if status >= 400 {
		var e struct {
			ScimType string `json:"scimType"`
			Detail   string `json:"detail"`
		}
		_ = json.Unmarshal(buf.body.Bytes(), &e)
		se := &scimError{status: status, scimType: e.ScimType, detail: e.Detail}
		if !ex.called {
			if d := h.explain(r, ex, se); d != "" {
				se.detail = d
			}
			// elimity answers 404 for a method a known path does not
			// support; RFC 9110 §15.5.6 says 405 with the methods it does.
			if status == http.StatusNotFound {
				if allow := h.allowed(r, ex); allow != "" {
					se.status = http.StatusMethodNotAllowed
					w.Header().Set("Allow", allow)
				}
			}
		}
		if se.detail == "" {
			se.detail = http.StatusText(status)
		}
		writeError(w, entry, se)
		return
	}
	body := buf.body.Bytes()
	if ex.list != nil {
		body = fixListPaging(body, ex.list)
	}
	for k, vs := range buf.header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fixListPaging sets itemsPerPage to the number of resources returned (RFC
// 7644 §3.4.2; elimity echoes the requested count) and startIndex to the
// Provisioner's. Both stay JSON integers (okta-scim-client.md §1.2 "MUST be
// JSON integers, not strings").
func fixListPaging(body []byte, li *listInfo) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return body
	}
	m["itemsPerPage"] = json.RawMessage(strconv.Itoa(li.items))
	if li.startIndex > 0 {
		m["startIndex"] = json.RawMessage(strconv.Itoa(li.startIndex))
	}
	// Re-assemble by hand: the values are elimity's compact JSON already, and
	// json.Marshal would re-compact every resource.
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out bytes.Buffer
	out.Grow(len(body) + 16)
	out.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			out.WriteByte(',')
		}
		key, _ := json.Marshal(k) // a string always marshals
		out.Write(key)
		out.WriteByte(':')
		out.Write(m[k])
	}
	out.WriteByte('}')
	return out.Bytes()
}
