package emulator

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// AWS's error texts (identity-center-scim.md §6, §4 "Uniqueness → 409").
const (
	// §6: "The usual 400 detail is "Request is unparsable, syntactically incorrect, or violates schema.""
	detailBadRequest = "Request is unparsable, syntactically incorrect, or violates schema."
	// §4: "A duplicate gets 409 with "Refused to create a new, duplicate resource.""
	detailDuplicate = "Refused to create a new, duplicate resource."
	// §5 PATCH without path: the AWS text as logged in CloudTrail.
	detailPathless = `Current PATCH support allows omitting "path" attribute only for Add and Replace operations modifying a single attribute.`
)

// errorSchema is the SCIM error message URN.
const errorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

// RuleHeader names, on every refusal, the rule that refused the request, so
// a conformance case can tell which check fired. AWS sends no such header.
const RuleHeader = "X-Emulator-Rule"

// scimError is a refusal: HTTP status, AWS-style detail and the rule behind it.
type scimError struct {
	status int
	detail string
	rule   Rule // "" when no named rule applies (malformed JSON, not found)
}

func (e *scimError) Error() string {
	if e.rule == "" {
		return fmt.Sprintf("%d: %s", e.status, e.detail)
	}
	return fmt.Sprintf("%d (%s): %s", e.status, e.rule, e.detail)
}

// badRequest is a 400 with the usual AWS text and the specific reason after it.
func badRequest(rule Rule, format string, args ...any) *scimError {
	return &scimError{status: http.StatusBadRequest, rule: rule,
		detail: detailBadRequest + " " + fmt.Sprintf(format, args...)}
}

// validationError is a 400 worded as identitystore validation words it
// (identity-center-scim.md §4 "Characters": "1 validation error detected: Value at '…' failed to satisfy constraint: …").
func validationError(rule Rule, at, constraint string) *scimError {
	return &scimError{status: http.StatusBadRequest, rule: rule,
		detail: fmt.Sprintf("1 validation error detected: Value at '%s' failed to satisfy constraint: %s", at, constraint)}
}

func notFound(kind, id string) *scimError {
	return &scimError{status: http.StatusNotFound, detail: fmt.Sprintf("%s %s not found.", kind, id)}
}

// storeError maps the store's sentinel errors to SCIM refusals; conflict
// names the uniqueness rule of the resource type.
func storeError(err error, kind, id string, conflict Rule) *scimError {
	var se *scimError
	switch {
	case errors.As(err, &se):
		return se
	case errors.Is(err, ErrConflict):
		return &scimError{status: http.StatusConflict, detail: detailDuplicate, rule: conflict}
	case errors.Is(err, ErrNotFound):
		return notFound(kind, id)
	default:
		return &scimError{status: http.StatusInternalServerError, detail: "Internal server error."}
	}
}

// writeError writes AWS's error body. identity-center-scim.md §6 "Error body (real)":
// `schema` and `schemas`, `detail`, `status` as a STRING, `exceptionRequestId`,
// `timeStamp`, and no `scimType`. A lenient emulator (RuleErrorBody) writes a
// generic RFC 7644 body instead: numeric status and a scimType.
func (e *Emulator) writeError(w http.ResponseWriter, err *scimError) {
	if err.rule != "" {
		w.Header().Set(RuleHeader, string(err.rule))
	}
	var body map[string]any
	if e.lenient(RuleErrorBody) {
		body = map[string]any{
			"schemas":  []string{errorSchema},
			"detail":   err.detail,
			"status":   err.status,
			"scimType": "invalidValue",
		}
	} else {
		reqID := w.Header().Get(requestIDHeader)
		if reqID == "" {
			reqID = newRequestID()
		}
		body = map[string]any{
			"schema":             []string{errorSchema},
			"schemas":            []string{errorSchema},
			"detail":             err.detail,
			"status":             strconv.Itoa(err.status),
			"exceptionRequestId": reqID,
			"timeStamp":          e.now().UTC().Format("2006-01-02 15:04:05.000"),
		}
	}
	writeJSON(w, err.status, body)
}

// requestIDHeader: identity-center-scim.md §1 "Responses carry an x-amzn-RequestId header."
const requestIDHeader = "X-Amzn-Requestid"

// newRequestID returns a random UUID, as AWS request ids are.
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// writeJSON writes v with AWS's example Content-Type (§1 "The example Content-Type is application/json").
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
