// Package identitycenter is everything about the AWS IAM Identity Center
// side: the SCIM client (base-URL joining, auth, retries, cursor paging, error
// mapping), the translation of Okta's requests into the AWS dialect (rules in
// identitycenter/translate), member batching, and identitystore/ssoadmin reads.
//
// The inbound server (package scim) calls the Provisioner with plain SCIM
// values; it never needs to know an AWS limit.
package identitycenter

import (
	"context"
	"fmt"
	"time"
)

// Resource is a SCIM resource as JSON-decoded attributes, including "id",
// "meta" and "schemas" when returned by Identity Center.
type Resource = map[string]any

// PatchOp is one SCIM PATCH operation as Okta sent it (RFC 7644 §3.5.2).
// Value is the decoded JSON value, or nil when absent.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// Eq is one `attr eq "value"` term; a filter is a conjunction of terms, the
// only form Identity Center accepts (identity-center-scim.md §3 "Filters").
type Eq struct {
	Attr  string
	Value string
}

// ListQuery is an inbound list request as Okta sends it: startIndex/count
// paging and an optional eq-only filter.
type ListQuery struct {
	Filter     []Eq
	StartIndex int // 1-based, as Okta sends it
	Count      int // Okta always sends 100 (okta-scim-client.md §1.2)
}

// ListResult is one page for Okta.
type ListResult struct {
	TotalResults int
	StartIndex   int
	Resources    []Resource
}

// Users is what the inbound server needs for /Users.
type Users interface {
	CreateUser(ctx context.Context, attrs Resource) (Resource, error)
	GetUser(ctx context.Context, id string) (Resource, error)
	ReplaceUser(ctx context.Context, id string, attrs Resource) (Resource, error)
	PatchUser(ctx context.Context, id string, ops []PatchOp) (Resource, error)
	DeleteUser(ctx context.Context, id string) error
	ListUsers(ctx context.Context, q ListQuery) (ListResult, error)
}

// Groups is what the inbound server needs for /Groups. ReplaceGroup serves
// Okta's custom-app PUT, which Identity Center has no equivalent for.
type Groups interface {
	CreateGroup(ctx context.Context, attrs Resource) (Resource, error)
	GetGroup(ctx context.Context, id string) (Resource, error)
	ReplaceGroup(ctx context.Context, id string, attrs Resource) (Resource, error)
	PatchGroup(ctx context.Context, id string, ops []PatchOp) (Resource, error)
	DeleteGroup(ctx context.Context, id string) error
	ListGroups(ctx context.Context, q ListQuery) (ListResult, error)
}

// Error is a failure to hand back to Okta as a SCIM error (RFC 7644 §3.12).
// It is returned both for Identity Center's refusals (Upstream, with AWS's
// detail kept) and for the bridge's own checks.
type Error struct {
	Status   int    // HTTP status for Okta
	ScimType string // RFC 7644 scimType, "" when none fits
	Detail   string // human-readable; names the attribute and the rule
	// RetryAfter, when set on a 429, becomes Okta's Retry-After header.
	RetryAfter time.Duration
	// Upstream is true when Identity Center produced the error.
	Upstream bool
}

func (e *Error) Error() string {
	if e.Upstream {
		return fmt.Sprintf("identity center: %d: %s", e.Status, e.Detail)
	}
	return fmt.Sprintf("%d: %s", e.Status, e.Detail)
}
