package logging

import (
	"fmt"
	"net/http"
	"sync/atomic"
)

// GetSampler keeps one request-log line in every N successful GETs. Writes
// (POST, PUT, PATCH, DELETE) and every answer ≥ 400 are always kept: those are
// what an operator searches for. Metrics count every request regardless.
type GetSampler struct {
	every uint64
	n     atomic.Uint64
}

// NewGetSampler keeps 1 in every successful GETs; 1 keeps all, 0 keeps none.
func NewGetSampler(every int) (*GetSampler, error) {
	if every < 0 {
		return nil, fmt.Errorf("log sampling of successful GETs: %d must not be negative", every)
	}
	return &GetSampler{every: uint64(every)}, nil
}

// Keep reports whether the line of a request with method and status is
// written; it has the shape of reqlog.Options.Keep. The first successful GET
// is always kept, then every Nth.
func (s *GetSampler) Keep(method string, status int) bool {
	if s == nil || (method != http.MethodGet && method != http.MethodHead) || status >= 400 {
		return true
	}
	switch s.every {
	case 0:
		return false
	case 1:
		return true
	}
	return (s.n.Add(1)-1)%s.every == 0
}
