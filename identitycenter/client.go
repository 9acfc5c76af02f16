package identitycenter

import (
	"context"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ClientConfig configures a Client.
type ClientConfig struct {
	BaseURL    string        // the Identity Center SCIM endpoint as the operator pasted it: with or without trailing slash
	Token      func() string // read on every attempt, so a rotated token is picked up without restart
	HTTPClient *http.Client  // nil → NewHTTPClient(), with the policy's AttemptTimeout
	Retry      RetryPolicy   // zero value → defaults
	// MaxInFlight caps concurrent upstream requests (attempts, reconcile
	// lookups and read-backs alike): 0 → DefaultMaxInFlight, <0 → no cap.
	MaxInFlight int
}

// Client speaks Identity Center's SCIM dialect. Bodies are already
// translated by the caller; the client joins URLs, authenticates, retries
// within a budget, pages with the cursor and maps errors. Safe for
// concurrent use.
type Client struct {
	base  *url.URL
	token func() string
	http  *http.Client
	retry RetryPolicy
	slots inflight // caps concurrent upstream requests (client_inflight.go)

	// Injectable for tests; set by NewClient.
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(max time.Duration) time.Duration // uniform in [0, max]
}

// Page is one page of a cursor-paged list.
type Page struct {
	Resources  []Resource
	NextCursor string // "" on the last page
}

// NewClient validates cfg and returns a client.
func NewClient(cfg ClientConfig) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.Token == nil {
		return nil, errors.New("identity center client: no token source")
	}
	retry := cfg.Retry.withDefaults()
	hc := cfg.HTTPClient
	if hc == nil {
		hc = newHTTPClient(retry.AttemptTimeout)
	}
	return &Client{
		base:   base,
		token:  cfg.Token,
		http:   hc,
		retry:  retry,
		slots:  newInflight(cfg.MaxInFlight),
		now:    time.Now,
		sleep:  sleepCtx,
		jitter: newJitter(),
	}, nil
}

// BaseURL returns the normalised endpoint (no trailing slash).
func (c *Client) BaseURL() string { return c.base.String() }

// newJitter returns a full-jitter source private to one client, seeded from
// the OS so replicas do not retry in step.
func newJitter() func(time.Duration) time.Duration {
	var seed [32]byte
	_, _ = crand.Read(seed[:]) // never fails on supported platforms
	var mu sync.Mutex
	r := rand.New(rand.NewChaCha8(seed))
	return func(max time.Duration) time.Duration {
		if max <= 0 {
			return 0
		}
		mu.Lock()
		defer mu.Unlock()
		return time.Duration(r.Int64N(int64(max) + 1))
	}
}

// CreateUser POSTs a user. It is never retried blindly: after an ambiguous
// failure (timeout, network error, 5xx) the user is looked up by userName
// and returned when it is the one just sent (same userName and externalId).
// A 409 on the first attempt is a genuine duplicate and is returned as 409.
func (c *Client) CreateUser(ctx context.Context, user Resource) (Resource, error) {
	userName, _ := user["userName"].(string)
	externalID, _ := user["externalId"].(string)
	var reconcile func(context.Context, time.Time) (Resource, bool, error)
	if userName != "" { // without userName AWS refuses the POST (§4), so nothing can have been created
		reconcile = c.lookupCreated("Users", Eq{Attr: "userName", Value: userName}, func(r Resource) bool {
			got, _ := r["userName"].(string)
			gotExt, _ := r["externalId"].(string)
			// userName uniqueness in Identity Center is treated as
			// case-insensitive (UNCONFIRMED): EqualFold matches either way.
			return strings.EqualFold(got, userName) && gotExt == externalID
		})
	}
	return c.create(ctx, "Users", "user", user, reconcile)
}

// CreateGroup POSTs a group with the same safety as CreateUser, looked up by
// displayName.
func (c *Client) CreateGroup(ctx context.Context, group Resource) (Resource, error) {
	name, _ := group["displayName"].(string)
	externalID, _ := group["externalId"].(string)
	var reconcile func(context.Context, time.Time) (Resource, bool, error)
	if name != "" {
		reconcile = c.lookupCreated("Groups", Eq{Attr: "displayName", Value: name}, func(r Resource) bool {
			got, _ := r["displayName"].(string)
			gotExt, _ := r["externalId"].(string)
			return strings.EqualFold(got, name) && gotExt == externalID
		})
	}
	return c.create(ctx, "Groups", "group", group, reconcile)
}

func (c *Client) create(ctx context.Context, collection, what string, res Resource, reconcile func(context.Context, time.Time) (Resource, bool, error)) (Resource, error) {
	body, err := encode(what, res)
	if err != nil {
		return nil, err
	}
	out, err := c.do(ctx, &call{method: http.MethodPost, path: []string{collection}, body: body, kind: kindCreate, reconcile: reconcile})
	if err != nil {
		return nil, err
	}
	if out.found != nil {
		return out.found, nil
	}
	return decodeResource(what, out.resp.body)
}

// lookupCreated returns a reconcile function: list collection by term and
// return the first resource that match accepts. The lookup spends the
// create's remaining budget.
func (c *Client) lookupCreated(collection string, term Eq, match func(Resource) bool) func(context.Context, time.Time) (Resource, bool, error) {
	return func(ctx context.Context, deadline time.Time) (Resource, bool, error) {
		// The term is unique in Identity Center (§4 "Uniqueness"), so one
		// small page holds every candidate.
		p, err := c.list(ctx, deadline, collection, []Eq{term}, "", 10)
		if err != nil {
			return nil, false, fmt.Errorf("look up %s after an unanswered create: %w", collection, err)
		}
		for _, r := range p.Resources {
			if match(r) {
				return r, true, nil
			}
		}
		return nil, false, nil
	}
}

// GetUser reads one user; a missing user is a 404 *Error.
func (c *Client) GetUser(ctx context.Context, id string) (Resource, error) {
	return c.get(ctx, "Users", "user", id)
}

// GetGroup reads one group. identity-center-scim.md §5: "members" is always
// empty in the answer.
func (c *Client) GetGroup(ctx context.Context, id string) (Resource, error) {
	return c.get(ctx, "Groups", "group", id)
}

func (c *Client) get(ctx context.Context, collection, what, id string) (Resource, error) {
	if err := checkID(what, id); err != nil {
		return nil, err
	}
	out, err := c.do(ctx, &call{method: http.MethodGet, path: []string{collection, id}})
	if err != nil {
		return nil, err
	}
	return decodeResource(what, out.resp.body)
}

// PutUser replaces a user. Identity Center has no PUT for groups (§2).
func (c *Client) PutUser(ctx context.Context, id string, user Resource) (Resource, error) {
	if err := checkID("user", id); err != nil {
		return nil, err
	}
	body, err := encode("user", user)
	if err != nil {
		return nil, err
	}
	out, err := c.do(ctx, &call{method: http.MethodPut, path: []string{"Users", id}, body: body})
	if err != nil {
		return nil, err
	}
	return c.resourceOrGet(ctx, out, "Users", "user", id)
}

// PatchUser applies ops and returns the user, reading it back when Identity
// Center answers without a body (§2: the exact PATCH status is UNCONFIRMED,
// likely 204).
func (c *Client) PatchUser(ctx context.Context, id string, ops []PatchOp) (Resource, error) {
	if err := checkID("user", id); err != nil {
		return nil, err
	}
	out, err := c.patch(ctx, "Users", id, ops)
	if err != nil {
		return nil, err
	}
	return c.resourceOrGet(ctx, out, "Users", "user", id)
}

// PatchGroup applies ops to a group; 200 and 204 are both success (§2).
func (c *Client) PatchGroup(ctx context.Context, id string, ops []PatchOp) error {
	if err := checkID("group", id); err != nil {
		return err
	}
	_, err := c.patch(ctx, "Groups", id, ops)
	return err
}

// patchBody is RFC 7644 §3.5.2's PatchOp message.
type patchBody struct {
	Schemas    []string  `json:"schemas"`
	Operations []PatchOp `json:"Operations"`
}

func (c *Client) patch(ctx context.Context, collection, id string, ops []PatchOp) (outcome, error) {
	if len(ops) == 0 {
		return outcome{}, &Error{Status: http.StatusBadRequest, ScimType: "invalidSyntax", Detail: "PATCH with no operations"}
	}
	body, err := json.Marshal(patchBody{Schemas: []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, Operations: ops})
	if err != nil {
		return outcome{}, &Error{Status: http.StatusBadRequest, ScimType: "invalidValue", Detail: "PATCH operations cannot be encoded as JSON: " + err.Error()}
	}
	return c.do(ctx, &call{method: http.MethodPatch, path: []string{collection, id}, body: body})
}

// resourceOrGet returns the resource in a 2xx body, or GETs it when the body
// is empty (204).
func (c *Client) resourceOrGet(ctx context.Context, out outcome, collection, what, id string) (Resource, error) {
	if out.resp != nil && len(strings.TrimSpace(string(out.resp.body))) > 0 {
		return decodeResource(what, out.resp.body)
	}
	return c.get(ctx, collection, what, id)
}

// DeleteUser deletes a user. A 404 after an earlier attempt that got no
// answer means that attempt deleted it, and is success.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	return c.delete(ctx, "Users", "user", id)
}

// DeleteGroup deletes a group, as DeleteUser.
func (c *Client) DeleteGroup(ctx context.Context, id string) error {
	return c.delete(ctx, "Groups", "group", id)
}

func (c *Client) delete(ctx context.Context, collection, what, id string) error {
	if err := checkID(what, id); err != nil {
		return err
	}
	_, err := c.do(ctx, &call{method: http.MethodDelete, path: []string{collection, id}, goneIsDone: true})
	return err
}

// ListUsers returns one page. cursor "" asks for the first page and is sent
// as a bare `?cursor`; count is clamped to 1–100 (≤0 means 100).
func (c *Client) ListUsers(ctx context.Context, filter []Eq, cursor string, count int) (Page, error) {
	return c.list(ctx, time.Time{}, "Users", filter, cursor, count)
}

// ListGroups returns one page, as ListUsers.
func (c *Client) ListGroups(ctx context.Context, filter []Eq, cursor string, count int) (Page, error) {
	return c.list(ctx, time.Time{}, "Groups", filter, cursor, count)
}

func (c *Client) list(ctx context.Context, deadline time.Time, collection string, filter []Eq, cursor string, count int) (Page, error) {
	q, err := listQuery(filter, cursor, count)
	if err != nil {
		return Page{}, err
	}
	out, err := c.do(ctx, &call{method: http.MethodGet, path: []string{collection}, query: q, deadline: deadline})
	if err != nil {
		return Page{}, err
	}
	// identity-center-scim.md §3: in cursor mode the keys are itemsPerPage
	// and nextCursor; "The last page has no nextCursor".
	var body struct {
		Resources  []Resource `json:"Resources"`
		NextCursor string     `json:"nextCursor"`
	}
	if err := json.Unmarshal(out.resp.body, &body); err != nil {
		return Page{}, decodeError(collection+" page", err)
	}
	if body.NextCursor != "" && body.NextCursor == cursor {
		// A cursor that does not move would page forever.
		return Page{}, &Error{Status: http.StatusBadGateway, Detail: "Identity Center returned the same list cursor it was sent", Upstream: true}
	}
	if body.Resources == nil {
		body.Resources = []Resource{}
	}
	return Page{Resources: body.Resources, NextCursor: body.NextCursor}, nil
}

// Ping makes one GET /ServiceProviderConfig attempt, for /readyz.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.do(ctx, &call{method: http.MethodGet, path: []string{"ServiceProviderConfig"}, kind: kindOnce})
	return err
}

// filterAttr is the attribute syntax sent in a filter: a name with at most
// two dotted parts (userName, members.value), nothing that could change the
// expression.
var filterAttr = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)?$`)

// listQuery builds the raw query string by hand. identity-center-scim.md §3:
// "The first page needs a bare cursor parameter with no value… Go url.Values
// drops empty values, so build this query string by hand"; "Following pages
// send cursor=<nextCursor>"; "count is 1–100, default 100".
func listQuery(filter []Eq, cursor string, count int) (string, error) {
	var b strings.Builder
	b.WriteString("cursor")
	if cursor != "" {
		b.WriteString("=")
		b.WriteString(queryEscape(cursor))
	}
	if count <= 0 || count > 100 {
		count = 100
	}
	b.WriteString("&count=")
	b.WriteString(strconv.Itoa(count))
	if len(filter) > 0 {
		expr, err := filterExpr(filter)
		if err != nil {
			return "", err
		}
		b.WriteString("&filter=")
		b.WriteString(queryEscape(expr))
	}
	return b.String(), nil
}

// filterExpr renders terms as `attr eq "value"` joined with " and ", the only
// form Identity Center accepts (§3: "Only eq is supported, and it can only be
// combined with and").
func filterExpr(filter []Eq) (string, error) {
	parts := make([]string, 0, len(filter))
	for _, t := range filter {
		if !filterAttr.MatchString(t.Attr) {
			return "", &Error{Status: http.StatusBadRequest, ScimType: "invalidFilter", Detail: fmt.Sprintf("filter attribute %q is not a plain attribute name", t.Attr)}
		}
		v := strings.ReplaceAll(t.Value, `\`, `\\`)
		v = strings.ReplaceAll(v, `"`, `\"`)
		parts = append(parts, t.Attr+` eq "`+v+`"`)
	}
	return strings.Join(parts, " and "), nil
}

// queryEscape escapes a query value with spaces as %20: "+" for space is a
// form-encoding convention a server need not honour, %20 is read the same
// everywhere, and a literal "+" (valid in cursors, §3) becomes %2B.
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// checkID refuses ids that cannot name one resource: empty (that would be
// the collection) or a dot segment (which a server may resolve upwards).
func checkID(what, id string) error {
	if id == "" || id == "." || id == ".." {
		return &Error{Status: http.StatusNotFound, Detail: fmt.Sprintf("no %s with id %q", what, id)}
	}
	return nil
}

func encode(what string, res Resource) ([]byte, error) {
	b, err := json.Marshal(res)
	if err != nil {
		return nil, &Error{Status: http.StatusBadRequest, ScimType: "invalidValue", Detail: fmt.Sprintf("%s cannot be encoded as JSON: %v", what, err)}
	}
	return b, nil
}

func decodeResource(what string, body []byte) (Resource, error) {
	var r Resource
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, decodeError(what, err)
	}
	if r == nil {
		return nil, decodeError(what, errors.New("empty body"))
	}
	return r, nil
}
