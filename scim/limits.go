package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Defaults for Limits. Okta's largest request is a group PUT with every
// member (okta-scim-client.md §1.10 "PUT /Groups/{id} … replacing the whole
// member list"): 4 MiB holds tens of thousands of {value, display} entries.
// Okta's bodies nest four levels at most (a PATCH op's value holding a
// list of objects, §2.3); 32 leaves room for any honest client.
const (
	DefaultMaxBodyBytes   = 4 << 20
	DefaultMaxHeaderBytes = 32 << 10
	DefaultMaxJSONDepth   = 32
)

// Limits bound what one request may carry before it is parsed. Each refusal
// is a SCIM error with a detail naming the limit, sent before any upstream
// call.
type Limits struct {
	// MaxBodyBytes caps the request body: 413 above it. 0 → DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxHeaderBytes caps the request line plus headers: 431 above it.
	// 0 → DefaultMaxHeaderBytes. http.Server.MaxHeaderBytes must be larger,
	// or net/http answers first with a plain-text 431.
	MaxHeaderBytes int
	// MaxJSONDepth caps how deeply arrays and objects nest: 400 above it.
	// 0 → DefaultMaxJSONDepth.
	MaxJSONDepth int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if l.MaxJSONDepth <= 0 {
		l.MaxJSONDepth = DefaultMaxJSONDepth
	}
	return l
}

// checkHeaders refuses a request whose request line and headers together
// exceed the limit, counted as net/http counts them for MaxHeaderBytes.
func (l Limits) checkHeaders(r *http.Request) *scimError {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // ": " and CRLF
		}
	}
	if n <= l.MaxHeaderBytes {
		return nil
	}
	return &scimError{status: http.StatusRequestHeaderFieldsTooLarge,
		detail: fmt.Sprintf("the request line and headers are %d bytes; scim-bridge accepts at most %d", n, l.MaxHeaderBytes)}
}

// checkContentLength refuses a declared body over the limit before reading
// a byte of it; a body without Content-Length is capped while it is read.
func (l Limits) checkContentLength(r *http.Request) *scimError {
	if r.ContentLength > l.MaxBodyBytes {
		return l.tooLarge()
	}
	return nil
}

func (l Limits) tooLarge() *scimError {
	return &scimError{status: http.StatusRequestEntityTooLarge,
		detail: fmt.Sprintf("request body is larger than %d bytes, the most scim-bridge accepts", l.MaxBodyBytes)}
}

// checkContentType accepts what Okta sends, application/scim+json for SCIM
// 2.0 and application/json for SCIM 1.1 apps, both with charset=utf-8
// (okta-scim-client.md §3), and a body with no Content-Type at all. Anything
// else (a form post, XML, text) is refused with 415 rather than guessed at.
func checkContentType(r *http.Request, body []byte) *scimError {
	ct := r.Header.Get("Content-Type")
	if ct == "" || len(body) == 0 {
		return nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && (mt == contentType || mt == "application/json") {
		if cs, ok := params["charset"]; !ok || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8") {
			return nil
		}
	}
	return &scimError{status: http.StatusUnsupportedMediaType,
		detail: fmt.Sprintf("Content-Type %q is not accepted: send the body as application/scim+json (or application/json), UTF-8", capString(ct, 100))}
}

// checkDepth refuses JSON nested deeper than the limit. It only counts
// brackets outside strings; whether the JSON is valid is left to the parser.
func (l Limits) checkDepth(body []byte) *scimError {
	depth, inString, escaped := 0, false, false
	for _, c := range body {
		switch {
		case escaped:
			escaped = false
		case inString:
			switch c {
			case '\\':
				escaped = true
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > l.MaxJSONDepth {
				return &scimError{status: http.StatusBadRequest, scimType: "invalidSyntax",
					detail: fmt.Sprintf("the JSON body nests arrays and objects more than %d levels deep; no SCIM resource needs that many", l.MaxJSONDepth)}
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// validID reports whether id can be an Identity Center id. Real ids are
// `([0-9a-f]{10}-|)UUID` (identity-center-scim.md §10 "Id equivalence"), so
// letters, digits, '-' and '_' are all any id needs; anything else (a dot
// segment, a slash, a quote, a control character, an encoded traversal
// that arrives decoded) is refused before an upstream URL is built from it.
// The format itself is not enforced, so a store with another id scheme
// still works and Okta's SPEC suite gets AWS's own 404 for its made-up id.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// idError refuses an id in the URL that validID rejects, as a 404: no
// resource of kind k can have it.
func idError(k kind, id string) *scimError {
	if id == "" || validID(id) {
		return nil // "" is the collection itself
	}
	return badID(k, id)
}

// badID is the 404 for an id no resource of kind k can have.
func badID(k kind, id string) *scimError {
	return &scimError{status: http.StatusNotFound,
		detail: fmt.Sprintf("no %s with id %q: an id holds only letters, digits, '-' and '_', at most %d characters", strings.TrimSuffix(k.endpoint(), "s"), capString(strings.ToValidUTF8(id, "?"), 64), maxIDLen)}
}

// readBody reads the whole body once, within the size limit, so that
// elimity and the error explainer see the same bytes; then checks its
// Content-Type and nesting.
func (l Limits) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if se := l.checkContentLength(r); se != nil {
		return nil, se
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, l.tooLarge()
		}
		return nil, &scimError{status: http.StatusBadRequest, scimType: "invalidSyntax", detail: "could not read the request body: " + err.Error()}
	}
	if se := checkContentType(r, body); se != nil {
		return nil, se
	}
	if se := l.checkDepth(body); se != nil {
		return nil, se
	}
	if se := checkJSON(body); se != nil {
		return nil, se
	}
	return body, nil
}

// checkJSON refuses what encoding/json would otherwise accept quietly: bytes
// after the first value (the decoder stops reading there) and invalid UTF-8
// (it becomes U+FFFD, so a name would be stored altered). An empty body is
// left to the handler, whose detail says what the operation needs.
func checkJSON(body []byte) *scimError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if !utf8.Valid(body) {
		return &scimError{status: http.StatusBadRequest, scimType: "invalidSyntax",
			detail: "the request body is not valid UTF-8; SCIM bodies are JSON, which is UTF-8 (RFC 8259 §8.1)"}
	}
	if json.Valid(body) { // one pass; trailing bytes make it false
		return nil
	}
	var v json.RawMessage
	err := json.Unmarshal(body, &v) // only to say where and why
	if err == nil {
		err = errors.New("unexpected bytes after the JSON value")
	}
	return &scimError{status: http.StatusBadRequest, scimType: "invalidSyntax",
		detail: "the request body is not valid JSON: " + err.Error()}
}
