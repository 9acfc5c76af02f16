package conformance

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
)

const (
	userSchema       = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupSchema      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	patchSchema      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	errorSchema      = "urn:ietf:params:scim:api:messages:2.0:Error"
	enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	bigGroupSize     = 101 // one more than every 100 limit in §3 and §5
	// detailBadRequest: §6 "The usual 400 detail is "Request is unparsable,
	// syntactically incorrect, or violates schema.""
	detailBadRequest = "Request is unparsable, syntactically incorrect, or violates schema."
)

// fixtures are resources several cases share: creating 101 users per case
// would cost hundreds of requests against a real account.
type fixtures struct {
	owner T // deletes them when it ends
	mu    sync.Mutex
	big   *bigGroup
	err   error
}

type bigGroup struct {
	groupID string
	userIDs []string // in creation order
}

func newFixtures(owner T) *fixtures { return &fixtures{owner: owner} }

// UserBody is a valid user with the four required attributes (§4 "Required")
// and one primary email, named under this Conn's prefix.
func (c *Conn) UserBody(tag string) map[string]any {
	c.seq++
	name := fmt.Sprintf("%s-%s-%d", c.prefix, tag, c.seq)
	return map[string]any{
		"schemas":     []any{userSchema},
		"userName":    name + "@example.com",
		"externalId":  name,
		"name":        map[string]any{"givenName": "Conformance", "familyName": "Case"},
		"displayName": "Conformance " + tag,
		"emails":      []any{map[string]any{"value": name + "@example.com", "type": "work", "primary": true}},
		"active":      true,
	}
}

// GroupBody is a valid group named under this Conn's prefix.
func (c *Conn) GroupBody(tag string, memberIDs ...string) map[string]any {
	c.seq++
	name := fmt.Sprintf("%s-%s-%d", c.prefix, tag, c.seq)
	g := map[string]any{"schemas": []any{groupSchema}, "displayName": name, "externalId": name}
	if len(memberIDs) > 0 {
		g["members"] = memberValues(memberIDs)
	}
	return g
}

func memberValues(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"value": id}
	}
	return out
}

// CreateUser creates body and returns the created resource; the case fails
// unless the endpoint answers 201 with an id.
func (c *Conn) CreateUser(body map[string]any) map[string]any {
	c.t.Helper()
	return c.create("/Users", body)
}

// CreateGroup creates body and returns the new group's id.
func (c *Conn) CreateGroup(body map[string]any) string {
	c.t.Helper()
	return c.create("/Groups", body)["id"].(string)
}

func (c *Conn) create(path string, body map[string]any) map[string]any {
	c.t.Helper()
	r := c.Do(http.MethodPost, path, body)
	res := r.JSON()
	if r.Status != http.StatusCreated || res == nil {
		c.t.Fatalf("setup: create failed, want 201 with the resource: %s", r)
	}
	if id, _ := res["id"].(string); id == "" {
		c.t.Fatalf("setup: created resource has no id: %s", r)
	}
	return res
}

// NewUser creates a valid user and returns its id.
func (c *Conn) NewUser(tag string) string {
	c.t.Helper()
	return c.CreateUser(c.UserBody(tag))["id"].(string)
}

// Patch sends a PatchOp message with ops.
func (c *Conn) Patch(path string, ops ...map[string]any) *Response {
	c.t.Helper()
	return c.Do(http.MethodPatch, path, map[string]any{"schemas": []any{patchSchema}, "Operations": ops})
}

// Op builds one PATCH operation; a nil value or "" path is left out.
func Op(op, path string, value any) map[string]any {
	m := map[string]any{}
	if op != "" {
		m["op"] = op
	}
	if path != "" {
		m["path"] = path
	}
	if value != nil {
		m["value"] = value
	}
	return m
}

// AddMembers adds users to a group in PATCHes of at most 100, the form shown
// working in production (§5 "Accepted PATCH forms", "batched at ≤100 values").
func (c *Conn) AddMembers(groupID string, userIDs ...string) {
	c.t.Helper()
	for chunk := range slices.Chunk(userIDs, 100) {
		r := c.Patch("/Groups/"+groupID, Op("add", "members", memberValues(chunk)))
		if !ok2xx(r) {
			c.t.Fatalf("setup: add members: %s", r)
		}
	}
}

// GroupsOf lists, with cursor paging, the ids of every group holding the user
// (§3: "GET /Groups?cursor&filter=members.value eq "<user-id>" … returns every
// group that contains the user").
func (c *Conn) GroupsOf(userID string) []string {
	c.t.Helper()
	return c.ListIDs("/Groups", Eq("members.value", userID))
}

// ListIDs pages through a filtered list with the cursor and returns the ids.
func (c *Conn) ListIDs(resource, filter string) []string {
	c.t.Helper()
	var ids []string
	q := Query{Cursor: true, Filter: filter}
	for page := 0; ; page++ {
		if page > 1000 {
			c.t.Fatalf("listing %s %q: more than 1000 pages; is nextCursor repeating?", resource, filter)
		}
		r := c.Do(http.MethodGet, resource+q.String(), nil)
		body := r.JSON()
		if r.Status != http.StatusOK || body == nil {
			c.t.Fatalf("listing %s %q: %s", resource, filter, r)
		}
		ids = append(ids, resourceIDs(body)...)
		next, _ := body["nextCursor"].(string)
		if next == "" {
			return ids
		}
		q.CursorVal = next
	}
}

// IsMember reports membership as the members filter sees it.
func (c *Conn) IsMember(groupID, userID string) bool {
	c.t.Helper()
	return slices.Contains(c.GroupsOf(userID), groupID)
}

// Get fetches /Users/{id} or /Groups/{id} and fails the case unless 200.
func (c *Conn) Get(path string) map[string]any {
	c.t.Helper()
	r := c.Do(http.MethodGet, path, nil)
	body := r.JSON()
	if r.Status != http.StatusOK || body == nil {
		c.t.Fatalf("GET %s: want 200 with the resource: %s", path, r)
	}
	return body
}

// BigGroup returns a group of 101 users and their ids, created once per Run
// (members added in PATCHes of ≤100) and deleted when the Run ends.
func (c *Conn) BigGroup() (groupID string, userIDs []string) {
	c.t.Helper()
	fx := c.fx
	fx.mu.Lock()
	defer fx.mu.Unlock()
	if fx.err != nil {
		c.t.Fatalf("shared 101-user group: %v", fx.err)
	}
	if fx.big != nil {
		return fx.big.groupID, fx.big.userIDs
	}
	// Build with a Conn whose creations are deleted when the owner ends.
	b := &Conn{t: &ownedT{T: c.t, owner: fx.owner}, ctx: c.ctx, target: c.target, client: c.client, prefix: NewPrefix(), fx: fx}
	ok := false
	defer func() {
		if !ok {
			fx.err = fmt.Errorf("setup failed in %s", c.t.Name())
		}
	}()
	users := make([]string, 0, bigGroupSize)
	for range bigGroupSize {
		users = append(users, b.NewUser("big"))
	}
	gid := b.CreateGroup(b.GroupBody("big"))
	b.AddMembers(gid, users...)
	fx.big = &bigGroup{groupID: gid, userIDs: users}
	ok = true
	return gid, users
}

// ownedT reports to the running case but registers cleanups on the owner.
type ownedT struct {
	T
	owner T
}

func (o *ownedT) Cleanup(f func()) { o.owner.Cleanup(f) }

// ok2xx reports a 2xx status.
func ok2xx(r *Response) bool { return r.Status >= 200 && r.Status < 300 }

// resourceIDs returns the ids in a list response's Resources.
func resourceIDs(body map[string]any) []string {
	res, _ := body["Resources"].([]any)
	ids := make([]string, 0, len(res))
	for _, x := range res {
		m, _ := x.(map[string]any)
		if id, _ := m["id"].(string); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

func userPath(id string) string  { return "/Users/" + url.PathEscape(id) }
func groupPath(id string) string { return "/Groups/" + url.PathEscape(id) }
