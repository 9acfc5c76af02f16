// Package emulator is an in-memory AWS IAM Identity Center: its SCIM endpoint
// (/{tenant}/scim/v2/...) and the identitystore and ssoadmin JSON APIs the
// AWS SDK calls, over one store and one set of ids. It behaves as
// shared/reference/identity-center-scim.md describes, above all in what it
// refuses. Used by `serve` when no upstream is set, by tests and benchmarks.
package emulator

import (
	"net/http"
)

// Options configure an Emulator.
type Options struct {
	Tenant  string   // the tenant id in /{tenant}/scim/v2
	Tokens  []string // accepted bearer tokens; AWS allows at most two
	Lenient map[Rule]bool
}

// Emulator serves the SCIM endpoint and the AWS JSON APIs.
type Emulator struct {
	opts  Options
	store *Store
}

// New returns an empty emulator.
func New(opts Options) *Emulator {
	return &Emulator{opts: opts, store: NewStore()}
}

// Store gives tests direct access to the emulator's state.
func (e *Emulator) Store() *Store { return e.store }

// ServeHTTP routes AWS JSON protocol calls (they carry X-Amz-Target) to the
// identitystore/ssoadmin API and everything else to SCIM.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "" {
		e.serveAWSJSON(w, r)
		return
	}
	http.NotFound(w, r)
}
