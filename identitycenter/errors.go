package identitycenter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DetailTokenRejected is the detail Okta sees when Identity Center answers 401
// or 403. identity-center-scim.md §12.2: the cause is "an invalid, expired or
// rotated token, or a wrong tenant id"; §1: a wrong tenant id also gets 401.
// The detail names the settings to check, because the admin reading it in
// Okta's task list is not the one who configured the bridge.
const DetailTokenRejected = "Identity Center rejected the bridge's upstream token: it is invalid, expired or rotated (check SCIM_BRIDGE_UPSTREAM_TOKEN), or the tenant id in SCIM_BRIDGE_UPSTREAM_URL is wrong"

// awsErrorBody is Identity Center's SCIM error body. identity-center-scim.md
// §6: "status is a STRING ("409"), not a number", extra keys "schema",
// "exceptionRequestId", "timeStamp", and no scimType. The AWS JSON-protocol
// keys (__type, message) are read too, in case a gateway answers that way.
type awsErrorBody struct {
	Status             json.RawMessage `json:"status"`
	Detail             string          `json:"detail"`
	ScimType           string          `json:"scimType"`
	ExceptionRequestID string          `json:"exceptionRequestId"`
	Type               string          `json:"__type"`
	Message            string          `json:"message"`
	MessageUpper       string          `json:"Message"`
}

// upstreamError turns a non-2xx answer from Identity Center into the error
// for Okta, keeping AWS's detail. The request id, useful to AWS support, is
// returned separately for the request log.
func upstreamError(status int, body []byte) (e *Error, requestID string) {
	detail, scimType, requestID := parseErrorBody(body)
	if detail == "" {
		detail = http.StatusText(status)
		if detail == "" {
			detail = "status " + strconv.Itoa(status)
		}
	}
	e = &Error{Status: status, ScimType: scimType, Detail: detail, Upstream: true}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		// Not passed on as 401: Okta would blame the credentials Okta holds
		// (its own token for the bridge), while the fault is the bridge's
		// token for AWS. A 502 says "the service behind me refused".
		e.Status = http.StatusBadGateway
		e.ScimType = ""
		e.Detail = fmt.Sprintf("%s (Identity Center answered %d: %s)", DetailTokenRejected, status, detail)
	case status == http.StatusConflict && e.ScimType == "":
		// RFC 7644 §3.12: 409 on create is "uniqueness".
		e.ScimType = "uniqueness"
	case status >= 500 || status < 400:
		// A 5xx that reached Okta would read as the bridge's own fault; a
		// 3xx (never sent by Identity Center) is not an answer at all.
		e.Status = http.StatusBadGateway
	}
	return e, requestID
}

// parseErrorBody reads AWS's error body; non-JSON bodies (a load balancer's
// HTML page, plain text) give a short, single-line excerpt instead.
func parseErrorBody(body []byte) (detail, scimType, requestID string) {
	var b awsErrorBody
	if err := json.Unmarshal(body, &b); err == nil {
		detail = b.Detail
		if detail == "" {
			detail = firstNonEmpty(b.Message, b.MessageUpper)
		}
		if detail == "" && b.Type != "" {
			detail = b.Type
		}
		return detail, b.ScimType, b.ExceptionRequestID
	}
	return excerpt(string(body), 200), "", ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// excerpt returns s on one line, cut at max bytes on a rune boundary.
func excerpt(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// exhaustedError is what Okta gets when retries did not succeed within the
// budget: a 429 with Retry-After, because Okta re-queues a job on 429 +
// Retry-After (okta-scim-client.md §6) and treats other failures as final.
// The detail names the real cause.
func exhaustedError(attempts int, lastCause string, retryAfter time.Duration) *Error {
	// Retry-After is sent in whole seconds; round up so Okta never comes
	// back early, and never ask for less than one second.
	retryAfter = (retryAfter + time.Second - 1).Truncate(time.Second)
	if retryAfter < time.Second {
		retryAfter = time.Second
	}
	return &Error{
		Status:     http.StatusTooManyRequests,
		Detail:     fmt.Sprintf("Identity Center did not complete the call after %d attempt(s) (last: %s); retry later", attempts, lastCause),
		RetryAfter: retryAfter,
		Upstream:   true,
	}
}

// decodeError is returned when a 2xx answer cannot be read.
func decodeError(what string, err error) *Error {
	return &Error{
		Status:   http.StatusBadGateway,
		Detail:   fmt.Sprintf("Identity Center returned an unreadable %s: %v", what, err),
		Upstream: true,
	}
}
