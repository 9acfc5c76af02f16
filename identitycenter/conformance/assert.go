package conformance

import (
	"net/http"
	"slices"
)

// ExpectStatus fails the case unless r has one of the statuses; it reports
// whether it did.
func (c *Conn) ExpectStatus(r *Response, why string, want ...int) bool {
	c.t.Helper()
	if slices.Contains(want, r.Status) {
		return true
	}
	c.t.Errorf("%s: want status %v: %s", why, want, r)
	return false
}

// Refused fails the case unless the endpoint answered 400 ValidationException
// (§6: "400 ValidationException — unparsable, violates schema, or unsupported operation").
func (c *Conn) Refused(r *Response, why string) bool {
	c.t.Helper()
	return c.ExpectStatus(r, why, http.StatusBadRequest)
}

// RefusedAny fails the case if the endpoint did not refuse the request with
// a 4xx: for unsupported operations whose exact status the reference does not
// give. 401 and 429 do not count (they are about auth and rate), nor does any
// 5xx: §6 lists no 501, and a 5xx is a fault, not a refusal.
func (c *Conn) RefusedAny(r *Response, why string) bool {
	c.t.Helper()
	if r.Status >= 400 && r.Status < 500 && r.Status != http.StatusUnauthorized && r.Status != http.StatusTooManyRequests {
		return true
	}
	c.t.Errorf("%s: want a 4xx refusal: %s", why, r)
	return false
}

// PatchOK fails the case unless a PATCH succeeded. The exact PATCH status is
// UNCONFIRMED (§2: "PatchGroup: clients accept 200 or 204"; "likely 204, no
// body"), so both are accepted.
func (c *Conn) PatchOK(r *Response, why string) bool {
	c.t.Helper()
	return c.ExpectStatus(r, why, http.StatusOK, http.StatusNoContent)
}

// NoUserNamed fails the case if a user with userName exists (a refused create
// must change nothing).
func (c *Conn) NoUserNamed(userName string) {
	c.t.Helper()
	if ids := c.ListIDs("/Users", Eq("userName", userName)); len(ids) != 0 {
		c.t.Errorf("a refused create left user %q behind (ids %v)", userName, ids)
	}
}

// NoGroupNamed fails the case if a group with displayName exists.
func (c *Conn) NoGroupNamed(displayName string) {
	c.t.Helper()
	if ids := c.ListIDs("/Groups", Eq("displayName", displayName)); len(ids) != 0 {
		c.t.Errorf("a refused create left group %q behind (ids %v)", displayName, ids)
	}
}

// str reads a string attribute at a dotted path of a decoded resource.
func str(m map[string]any, keys ...string) string {
	var cur any = m
	for _, k := range keys {
		mm, _ := cur.(map[string]any)
		cur = mm[k]
	}
	s, _ := cur.(string)
	return s
}
