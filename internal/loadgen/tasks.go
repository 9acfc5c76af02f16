package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// do sends one request, records its latency and outcome, and checks the
// status against want.
func (r *run) do(ctx context.Context, rec *recorder, method, path string, body []byte, what string, want ...int) (Reply, error) {
	start := r.clock()
	rep, err := r.c.Do(ctx, method, path, body)
	if err == nil {
		err = expect(rep, what, want...)
	}
	rec.request(r.clock().Sub(start), err)
	return rep, err
}

// badReply is an answer with the right status that Okta could not use.
func badReply(what, detail string) error {
	return &RequestError{Kind: "bad reply", Detail: what + ": " + detail}
}

func firstID(rep Reply) (string, bool) {
	if rep.Status != http.StatusOK {
		return "", false
	}
	res, _ := rep.Body["Resources"].([]any)
	if len(res) == 0 {
		return "", false
	}
	obj, _ := res[0].(map[string]any)
	id, _ := obj["id"].(string)
	return id, id != ""
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// probe is §1.1: "GET {base}/Users?startIndex=1&count=2".
func (r *run) probe(ctx context.Context, rec *recorder) error {
	_, err := r.do(ctx, rec, "GET", "/Users?startIndex=1&count=2", nil, "probe", http.StatusOK)
	return err
}

// createUser is §1.3: filter lookup; not found → POST; found → link, which
// is GET then PUT of the app profile. A retried task whose POST went through
// finds the user and links, as Okta would.
func (r *run) createUser(ctx context.Context, rec *recorder, i int) error {
	rep, err := r.do(ctx, rec, "GET", lookupUserPath(i), nil, "lookup user", http.StatusOK, http.StatusNotFound)
	if err != nil {
		return err
	}
	if id, found := firstID(rep); found {
		r.ids.setUser(i, id)
		return r.putUser(ctx, rec, i, id, "Load "+familyName(i), true)
	}
	rep, err = r.do(ctx, rec, "POST", "/Users", createUserBody(r.c.Dialect, i), "create user", http.StatusCreated)
	if err != nil {
		return err
	}
	id := str(rep.Body, "id")
	if id == "" || str(rep.Body, "userName") != UserName(i) {
		// §1.3: "An empty body is a failure: Create new user returned empty user".
		return badReply("create user", fmt.Sprintf("id %q userName %q", id, str(rep.Body, "userName")))
	}
	r.ids.setUser(i, id)
	return nil
}

// putUser is §1.4: GET by id, then PUT of the fetched object with the
// changed attributes overwritten.
func (r *run) putUser(ctx context.Context, rec *recorder, i int, id, displayName string, active bool) error {
	rep, err := r.do(ctx, rec, "GET", "/Users/"+url.PathEscape(id), nil, "get user", http.StatusOK)
	if err != nil {
		return err
	}
	rep, err = r.do(ctx, rec, "PUT", "/Users/"+url.PathEscape(id), putUserBody(r.c.Dialect, i, rep.Body, displayName, active), "put user", http.StatusOK)
	if err != nil {
		return err
	}
	if got := str(rep.Body, "displayName"); got != displayName {
		return badReply("put user", fmt.Sprintf("displayName %q, want %q", got, displayName))
	}
	return nil
}

func (r *run) updateUser(ctx context.Context, rec *recorder, i int) error {
	id := r.ids.user(i)
	if id == "" {
		return &RequestError{Kind: "skipped", Detail: fmt.Sprintf("user %d was never created", i)}
	}
	return r.putUser(ctx, rec, i, id, updatedDisplayName(i), true)
}

// setActive is §1.5 (deactivate) and §1.6 (reactivate): one path-less PATCH.
func (r *run) setActive(ctx context.Context, rec *recorder, i int, active bool) error {
	id := r.ids.user(i)
	if id == "" {
		return &RequestError{Kind: "skipped", Detail: fmt.Sprintf("user %d was never created", i)}
	}
	rep, err := r.do(ctx, rec, "PATCH", "/Users/"+url.PathEscape(id), activeBody(active), "set active", http.StatusOK, http.StatusNoContent)
	if err != nil {
		return err
	}
	if rep.Status == http.StatusOK {
		if got, ok := rep.Body["active"].(bool); !ok || got != active {
			return badReply("set active", fmt.Sprintf("active %v, want %v", rep.Body["active"], active))
		}
	}
	return nil
}

// pushGroup is §1.8 and §11 step 5: lookup, create empty, PATCH add the
// members, GET the group, then the redundant rename PATCH.
func (r *run) pushGroup(ctx context.Context, rec *recorder, g int) error {
	rep, err := r.do(ctx, rec, "GET", lookupGroupPath(g), nil, "lookup group", http.StatusOK, http.StatusNotFound)
	if err != nil {
		return err
	}
	id, found := firstID(rep)
	if !found {
		rep, err = r.do(ctx, rec, "POST", "/Groups", createGroupBody(g), "create group", http.StatusCreated)
		if err != nil {
			return err
		}
		if id = str(rep.Body, "id"); id == "" || str(rep.Body, "displayName") != GroupName(g) {
			return badReply("create group", fmt.Sprintf("id %q displayName %q", id, str(rep.Body, "displayName")))
		}
	}
	r.ids.setGroup(g, id)
	return r.patchMembers(ctx, rec, g, id, nil, r.plan.initialMembers(g))
}

// changeGroup is §1.10: removes as filtered paths and one add, in one
// PATCH, followed by GET and the rename (§1.9: "The group name update
// operation is triggered each time there's a group membership update").
func (r *run) changeGroup(ctx context.Context, rec *recorder, g int) error {
	id := r.ids.group(g)
	if id == "" {
		return &RequestError{Kind: "skipped", Detail: fmt.Sprintf("group %d was never created", g)}
	}
	remove, add := r.plan.change(g)
	return r.patchMembers(ctx, rec, g, id, remove, add)
}

func (r *run) patchMembers(ctx context.Context, rec *recorder, g int, id string, remove, add []int) error {
	var missing []int
	for _, u := range append(append([]int(nil), remove...), add...) {
		if r.ids.user(u) == "" {
			missing = append(missing, u)
		}
	}
	if len(missing) > 0 {
		return &RequestError{Kind: "skipped", Detail: fmt.Sprintf("group %d: users %v were never created", g, missing)}
	}
	path := "/Groups/" + url.PathEscape(id)
	if len(remove)+len(add) > 0 {
		if _, err := r.do(ctx, rec, "PATCH", path, membersBody(r.c.Dialect, remove, add, r.ids.user), "patch members", http.StatusOK, http.StatusNoContent); err != nil {
			return err
		}
	}
	rep, err := r.do(ctx, rec, "GET", path, nil, "get group", http.StatusOK)
	if err != nil {
		return err
	}
	if got := str(rep.Body, "displayName"); got != GroupName(g) {
		return badReply("get group", fmt.Sprintf("displayName %q, want %q", got, GroupName(g)))
	}
	_, err = r.do(ctx, rec, "PATCH", path, renameBody(r.c.Dialect, g, id), "rename group", http.StatusOK, http.StatusNoContent)
	return err
}

// importAll is §1.2: GET /{endpoint}?startIndex=1&count=100, then
// startIndex += 100 while there is more. In AWS's dialect the same import
// uses the cursor (identity-center-scim.md §3: "ListUsers does not support
// startIndex"). It checks that every resource came back exactly once.
func (r *run) importAll(ctx context.Context, rec *recorder, endpoint string, want int) error {
	seen := map[string]bool{}
	total := -1
	cursor, first := "", true
	for start := 1; ; start += 100 {
		var path string
		if r.c.Dialect == DialectAWS {
			path = "/" + endpoint + "?count=100&cursor"
			if !first {
				path += "=" + url.QueryEscape(cursor)
			}
		} else {
			path = fmt.Sprintf("/%s?startIndex=%d&count=100", endpoint, start)
		}
		first = false
		rep, err := r.do(ctx, rec, "GET", path, nil, "import "+endpoint, http.StatusOK)
		if err != nil {
			return err
		}
		res, _ := rep.Body["Resources"].([]any)
		for _, x := range res {
			obj, _ := x.(map[string]any)
			id := str(obj, "id")
			if id == "" || seen[id] {
				return badReply("import "+endpoint, fmt.Sprintf("id %q missing or repeated at startIndex %d", id, start))
			}
			seen[id] = true
		}
		if tr, ok := rep.Body["totalResults"].(float64); ok {
			total = int(tr)
		}
		if r.c.Dialect == DialectAWS {
			cursor = str(rep.Body, "nextCursor")
			if cursor == "" {
				break
			}
			continue
		}
		if len(res) == 0 || start+100 > total {
			break
		}
	}
	if len(seen) != want {
		return badReply("import "+endpoint, fmt.Sprintf("read %d distinct, want %d (totalResults %d)", len(seen), want, total))
	}
	return nil
}
