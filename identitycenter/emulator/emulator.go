// Package emulator is an in-memory AWS IAM Identity Center: its SCIM endpoint
// (/{tenant}/scim/v2/...) and the identitystore and ssoadmin JSON APIs the
// AWS SDK calls, over one store and one set of ids. It behaves as
// shared/reference/identity-center-scim.md describes, above all in what it
// refuses. Used by `serve` when no upstream is set, by tests and benchmarks.
package emulator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure an Emulator.
type Options struct {
	Tenant string   // the tenant id in /{tenant}/scim/v2
	Tokens []string // accepted bearer tokens; AWS allows at most two
	// Lenient switches single rules off, so a test can prove that the case
	// tagged with the rule fails against an emulator without it.
	Lenient map[Rule]bool
	// Seed seeds the fault-injection randomness, so runs are repeatable.
	Seed uint64
	// Faults are the faults injected from the start; see SetFaults.
	Faults Faults
}

// Emulator serves the SCIM endpoint and the AWS JSON APIs.
type Emulator struct {
	opts  Options
	store *Store
	now   func() time.Time // the clock for the fault token bucket

	faultMu sync.Mutex
	faults  Faults
	bucket  tokenBucket
	rng     *rand.Rand

	stats stats
}

// New returns an empty emulator. It refuses options AWS could not have: no
// tenant, no token, or more than two tokens.
func New(opts Options) (*Emulator, error) {
	if opts.Tenant == "" || strings.ContainsAny(opts.Tenant, "/?#") {
		return nil, fmt.Errorf("emulator: tenant %q: must be a non-empty path segment", opts.Tenant)
	}
	if len(opts.Tokens) == 0 {
		return nil, errors.New("emulator: at least one bearer token is required")
	}
	// identity-center-scim.md §8: "At most 2 access tokens exist at a time per directory."
	if len(opts.Tokens) > 2 {
		return nil, fmt.Errorf("emulator: %d tokens given: Identity Center allows at most two", len(opts.Tokens))
	}
	for i, t := range opts.Tokens {
		if t == "" {
			return nil, fmt.Errorf("emulator: token %d is empty", i+1)
		}
	}
	lenient := make(map[Rule]bool, len(opts.Lenient))
	for r, on := range opts.Lenient {
		lenient[r] = on
	}
	opts.Lenient = lenient
	opts.Tokens = append([]string(nil), opts.Tokens...)

	store := NewStore()
	store.skipUserUnique = lenient[RuleUserUnique]
	store.skipGroupUnique = lenient[RuleGroupUnique]
	e := &Emulator{
		opts:  opts,
		store: store,
		now:   time.Now,
		rng:   rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
	}
	e.SetFaults(opts.Faults)
	return e, nil
}

// Store gives tests direct access to the emulator's state.
func (e *Emulator) Store() *Store { return e.store }

// Tenant is the tenant id the SCIM endpoint answers to.
func (e *Emulator) Tenant() string { return e.opts.Tenant }

// lenient reports whether rule r is switched off.
func (e *Emulator) lenient(r Rule) bool { return e.opts.Lenient[r] }

// ServeHTTP counts the request, injects any configured fault, then routes AWS
// JSON protocol calls (they carry X-Amz-Target) to the identitystore/ssoadmin
// API and everything else to SCIM.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	awsJSON := r.Header.Get("X-Amz-Target") != ""
	if awsJSON {
		e.stats.add(awsOperation(r.Header.Get("X-Amz-Target")))
	} else {
		e.stats.add(scimOperation(r.Method, r.URL.Path))
	}
	if e.injectFault(w, r, awsJSON) {
		return
	}
	if awsJSON {
		e.serveAWSJSON(w, r)
		return
	}
	e.serveSCIM(w, r)
}
