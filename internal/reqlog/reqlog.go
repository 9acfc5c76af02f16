// Package reqlog carries what happened during one inbound request — the Okta
// operation, the subject, each upstream call and each translation rule applied
// — so that the request log line and the metrics are written from one record
// at the end of the request. Nothing here may hold a secret.
package reqlog

import (
	"context"
	"sync"
	"time"
)

// UpstreamCall is one logical call to Identity Center, after retries.
type UpstreamCall struct {
	Method   string        `json:"method"`
	Path     string        `json:"path"` // path below the upstream base URL, query included; never a token
	Status   int           `json:"status"`
	Attempts int           `json:"attempts"`
	Duration time.Duration `json:"duration"`
	// RetryCauses names why each retry happened: "429", "5xx", "network".
	RetryCauses []string `json:"retry_causes,omitempty"`
	// RetryAfterWait is the time spent waiting because of Retry-After.
	RetryAfterWait time.Duration `json:"retry_after_wait,omitempty"`
	Err            string        `json:"error,omitempty"`
}

// Entry is the record of one inbound request. Its methods are safe for
// concurrent use and are no-ops on a nil *Entry, so code below the HTTP layer
// can record unconditionally.
type Entry struct {
	mu sync.Mutex
	Record
}

// Record is the plain data of an Entry.
type Record struct {
	ID        string
	Operation string            // Okta lifecycle operation, e.g. "create_user"
	Subject   map[string]string // userName, externalId, id, displayName …
	Upstream  []UpstreamCall
	Rules     []string // translation rules applied, in order, deduplicated
	Fallbacks []string // degraded paths taken, e.g. "membership_via_scim_filter"
	Detail    string   // error detail returned to Okta, if any
}

type ctxKey struct{}

// NewContext returns ctx carrying e.
func NewContext(ctx context.Context, e *Entry) context.Context {
	return context.WithValue(ctx, ctxKey{}, e)
}

// From returns the entry carried by ctx, or nil.
func From(ctx context.Context) *Entry {
	e, _ := ctx.Value(ctxKey{}).(*Entry)
	return e
}

// SetOperation names the Okta lifecycle operation.
func (e *Entry) SetOperation(op string) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Operation = op
}

// SetSubject records one identifying attribute of the request's subject.
func (e *Entry) SetSubject(key, value string) {
	if e == nil || value == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.Subject == nil {
		e.Subject = map[string]string{}
	}
	e.Subject[key] = value
}

// Rule records that a named translation rule changed the request.
func (e *Entry) Rule(name string) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range e.Rules {
		if r == name {
			return
		}
	}
	e.Rules = append(e.Rules, name)
}

// Fallback records a degraded path taken for this request.
func (e *Entry) Fallback(name string) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, f := range e.Fallbacks {
		if f == name {
			return
		}
	}
	e.Fallbacks = append(e.Fallbacks, name)
}

// AddUpstream records one upstream call.
func (e *Entry) AddUpstream(c UpstreamCall) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Upstream = append(e.Upstream, c)
}

// SetDetail records the error detail returned to Okta.
func (e *Entry) SetDetail(d string) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Detail = d
}

// Snapshot returns a copy safe to read after the request.
func (e *Entry) Snapshot() Record {
	if e == nil {
		return Record{}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c := Record{ID: e.ID, Operation: e.Operation, Detail: e.Detail}
	c.Subject = make(map[string]string, len(e.Subject))
	for k, v := range e.Subject {
		c.Subject[k] = v
	}
	c.Upstream = append([]UpstreamCall(nil), e.Upstream...)
	c.Rules = append([]string(nil), e.Rules...)
	c.Fallbacks = append([]string(nil), e.Fallbacks...)
	return c
}
