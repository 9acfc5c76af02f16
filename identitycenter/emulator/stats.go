package emulator

import (
	"strings"
	"sync"
)

// Pseudo-operations counted next to the real ones.
const (
	OpThrottled = "Throttled" // answered 429 (SCIM) or 400 ThrottlingException (AWS JSON)
	OpFaulted   = "Faulted"   // answered with an injected 500
	OpDropped   = "Dropped"   // connection dropped without a response
)

// Stats counts requests by operation: SCIM operations by the reference's
// names (CreateUser, GetUser, PutUser, PatchUser, DeleteUser, ListUsers,
// CreateGroup, GetGroup, PatchGroup, DeleteGroup, ListGroups,
// ServiceProviderConfig, ListSchemas, GetSchema, ListResourceTypes,
// Unsupported), AWS JSON calls as "identitystore.<Op>" / "ssoadmin.<Op>",
// plus Throttled, Faulted and Dropped. Every request is counted under its
// operation, whether or not a fault answered it.
type Stats map[string]int64

// Requests is the number of requests received: every operation, without
// the Throttled/Faulted/Dropped pseudo-operations.
func (s Stats) Requests() int64 {
	var n int64
	for op, c := range s {
		if op != OpThrottled && op != OpFaulted && op != OpDropped {
			n += c
		}
	}
	return n
}

type stats struct {
	mu     sync.Mutex
	counts map[string]int64
}

func (s *stats) add(op string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = map[string]int64{}
	}
	s.counts[op]++
}

// Stats returns a copy of the request counts since start or ResetStats.
func (e *Emulator) Stats() Stats {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	out := make(Stats, len(e.stats.counts))
	for k, v := range e.stats.counts {
		out[k] = v
	}
	return out
}

// ResetStats zeroes the request counts.
func (e *Emulator) ResetStats() {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	e.stats.counts = nil
}

// awsOperation names an AWS JSON call by its X-Amz-Target, e.g.
// "AWSIdentityStore.ListUsers" → "identitystore.ListUsers",
// "SWBExternalService.ListInstances" → "ssoadmin.ListInstances". A target the
// emulator does not serve is "Unsupported": the header is the client's to
// choose, and naming counts after it would let any client grow Stats without
// bound.
func awsOperation(target string) string {
	svc, op, _ := strings.Cut(target, ".")
	if _, ok := awsServices[svc].ops[op]; !ok {
		return "Unsupported"
	}
	switch svc {
	case identityStoreService:
		return "identitystore." + op
	case ssoAdminService:
		return "ssoadmin." + op
	}
	return "Unsupported"
}
