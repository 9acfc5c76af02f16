package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Input constraints of the identitystore and sso-admin models.
var (
	// identity-center-scim.md §10: "IdentityStoreId format: d-[0-9a-f]{10} or a UUID, at most 36 characters."
	awsIdentityStoreIDPattern = regexp.MustCompile(`^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	// identity-center-scim.md §10: "Both use the ResourceId format ([0-9a-f]{10}-|)UUID."
	awsResourceIDPattern = regexp.MustCompile(`^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$`)
	// identity-center-scim.md §10: "NextToken ≤65535 chars, [-a-zA-Z0-9+=/:_]*".
	awsNextTokenPattern = regexp.MustCompile(`^[-a-zA-Z0-9+=/:_]*$`)
)

const (
	awsMaxNextTokenLen = 65535
	// identity-center-scim.md §10: "MaxResults 1–100". The default when
	// MaxResults is absent is not documented (UNCONFIRMED); 100 is the cap, and
	// the emulator pages past it either way, so a client must follow NextToken.
	awsMaxPageSize     = 100
	awsDefaultPageSize = awsMaxPageSize
)

// awsPageToken is what an opaque NextToken carries: which list it continues
// (operation and scope, e.g. the group id) and the creation sequence of the
// last item returned. Continuing after a sequence number, not an offset,
// means items created or deleted between pages are neither skipped nor
// repeated.
type awsPageToken struct {
	op    string
	scope string
	after uint64
}

// encode returns the token as standard base64, whose alphabet lies inside the
// NextToken pattern.
func (t awsPageToken) encode() string {
	raw := strings.Join([]string{"v1", t.op, t.scope, strconv.FormatUint(t.after, 10)}, "\x00")
	return base64.StdEncoding.EncodeToString([]byte(raw))
}

// awsPageRequest is the validated MaxResults/NextToken of a list call.
type awsPageRequest struct {
	limit int
	after uint64
}

// awsCheckPage validates MaxResults and NextToken for the list op over scope.
func awsCheckPage(v *awsValidationErrors, op, scope string, maxResults *int32, nextToken *string) (awsPageRequest, *awsError) {
	p := awsPageRequest{limit: awsDefaultPageSize}
	if maxResults != nil {
		switch n := *maxResults; {
		case n < 1:
			v.add("Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
		case n > awsMaxPageSize:
			v.add("Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d", n, awsMaxPageSize)
		default:
			p.limit = int(n)
		}
	}
	if nextToken == nil {
		return p, nil
	}
	tok := *nextToken
	switch {
	case len(tok) < 1 || len(tok) > awsMaxNextTokenLen:
		v.add("Value at 'nextToken' failed to satisfy constraint: Member must have length between 1 and %d", awsMaxNextTokenLen)
		return p, nil
	case !awsNextTokenPattern.MatchString(tok):
		v.add("Value at 'nextToken' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", awsNextTokenPattern)
		return p, nil
	}
	after, err := awsDecodeToken(tok, op, scope)
	if err != nil {
		return p, awsValidation(fmt.Sprintf("Invalid NextToken: %v", err))
	}
	p.after = after
	return p, nil
}

func awsDecodeToken(tok, op, scope string) (uint64, error) {
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		return 0, fmt.Errorf("not issued by this service")
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 4 || parts[0] != "v1" {
		return 0, fmt.Errorf("not issued by this service")
	}
	if parts[1] != op || parts[2] != scope {
		return 0, fmt.Errorf("issued for another request (%s)", parts[1])
	}
	after, err := strconv.ParseUint(parts[3], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not issued by this service")
	}
	return after, nil
}

// awsNextToken returns the token continuing after last, or nil on the last page
// (identitystore, like SCIM cursor mode, omits NextToken at the end).
func awsNextToken(op, scope string, last uint64, more bool) *string {
	if !more {
		return nil
	}
	s := awsPageToken{op: op, scope: scope, after: last}.encode()
	return &s
}

// awsCheckResourceID validates a UserId/GroupId/MemberId value named field.
func awsCheckResourceID(v *awsValidationErrors, field string, id *string) {
	switch {
	case id == nil:
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	case len(*id) < 1 || len(*id) > 47:
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length between 1 and 47", awsClip(*id), field)
	case !awsResourceIDPattern.MatchString(*id):
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", awsClip(*id), field, awsResourceIDPattern)
	}
}

// awsCheckIdentityStoreID validates the IdentityStoreId format.
func awsCheckIdentityStoreID(v *awsValidationErrors, id *string) {
	switch {
	case id == nil:
		v.add("Value null at 'identityStoreId' failed to satisfy constraint: Member must not be null")
	case len(*id) < 1 || len(*id) > 36:
		v.add("Value '%s' at 'identityStoreId' failed to satisfy constraint: Member must have length between 1 and 36", awsClip(*id))
	case !awsIdentityStoreIDPattern.MatchString(*id):
		v.add("Value '%s' at 'identityStoreId' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", awsClip(*id), awsIdentityStoreIDPattern)
	}
}

// awsClip shortens an echoed value so an error message stays readable.
func awsClip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// awsListInput is the part of the request every identitystore list call
// shares; each call embeds it next to its own members.
type awsListInput struct {
	IdentityStoreId *string
	MaxResults      *int32
	NextToken       *string
}

// awsList runs what every list call does in the same order: validate the
// identity store id, then the call's own members (check), then
// MaxResults/NextToken for the list op over scope, then that the store is
// this one; fetch the page; shape each item. It answers the items under the
// call's output member name (key, e.g. "Users") and a NextToken unless this
// is the last page.
func awsList[T, S any](e *Emulator, op, key string, in awsListInput, scope string,
	check func(v *awsValidationErrors),
	fetch func(pg awsPageRequest) (page[T], *awsError),
	shape func(storeID string, item T) S,
) (any, *awsError) {
	scope = awsDeref(in.IdentityStoreId) + "/" + scope
	var pg awsPageRequest
	if aerr := e.awsCheckInput(in.IdentityStoreId, func(v *awsValidationErrors) *awsError {
		if check != nil {
			check(v)
		}
		var tokErr *awsError
		pg, tokErr = awsCheckPage(v, op, scope, in.MaxResults, in.NextToken)
		return tokErr
	}); aerr != nil {
		return nil, aerr
	}
	p, aerr := fetch(pg)
	if aerr != nil {
		return nil, aerr
	}
	out := make([]S, len(p.Items))
	for i, item := range p.Items {
		out[i] = shape(*in.IdentityStoreId, item)
	}
	return awsListOutput[S]{key: key, items: out, next: awsNextToken(op, scope, p.LastSeq, p.More)}, nil
}

// awsListOutput is a list call's answer: {"<key>": [...], "NextToken": "..."},
// NextToken omitted on the last page.
type awsListOutput[S any] struct {
	key   string
	items []S
	next  *string
}

func (o awsListOutput[S]) MarshalJSON() ([]byte, error) {
	m := map[string]any{o.key: o.items}
	if o.next != nil {
		m["NextToken"] = *o.next
	}
	return json.Marshal(m)
}

// awsStorePage turns a store page read's error into the AWS error for the
// resource (kind, id) the list is scoped to.
func awsStorePage[T any](p page[T], err error, kind, id string) (page[T], *awsError) {
	if err != nil {
		return p, awsStoreError(err, kind, id)
	}
	return p, nil
}
