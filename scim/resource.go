package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	elimity "github.com/elimity-com/scim"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// errHandled tells the elimity server the call failed; the real error is in
// the exchange and finish writes it (elimity would turn a 429 into a 500).
var errHandled = errors.New("scim: error recorded in the exchange")

// maxIDLen bounds ids accepted in the URL; Identity Center ids are UUIDs,
// optionally with a short prefix.
const maxIDLen = 128

// resourceHandler is the elimity ResourceHandler for one endpoint. elimity
// has already validated the body or filter when a method is called.
type resourceHandler struct {
	kind   kind
	be     backend
	schema attrSchema // the endpoint's core schema, built once (filter.go)
}

var _ elimity.ResourceHandler = (*resourceHandler)(nil)

func (h *resourceHandler) Create(r *http.Request, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	ex := exchangeFrom(r.Context())
	ex.called = true
	res := h.resource(attrs)
	h.subject(r.Context(), res)
	out, err := h.be.create(r.Context(), res)
	return ex.result(out, err, true)
}

func (h *resourceHandler) Get(r *http.Request, id string) (elimity.Resource, error) {
	ex := exchangeFrom(r.Context())
	ex.called = true
	if err := h.checkID(id); err != nil {
		return ex.fail(err)
	}
	out, err := h.be.get(r.Context(), id)
	return ex.result(out, err, true)
}

func (h *resourceHandler) GetAll(r *http.Request, params elimity.ListRequestParams) (elimity.Page, error) {
	ex := exchangeFrom(r.Context())
	ex.called = true
	q := identitycenter.ListQuery{StartIndex: params.StartIndex, Count: params.Count}
	if params.FilterValidator != nil {
		terms, err := eqTerms(params.FilterValidator.GetFilter(), h.schema)
		if err != nil {
			ex.err = err
			return elimity.Page{}, errHandled
		}
		q.Filter = terms
		entry := reqlog.From(r.Context())
		for _, t := range terms {
			entry.SetSubject(t.Attr, t.Value)
		}
	}
	res, err := h.be.list(r.Context(), q)
	if err != nil {
		ex.err = err
		return elimity.Page{}, errHandled
	}
	// An empty result is "[]", not null: okta-scim-client.md §1.3 shows the
	// not-found reply with "Resources":[].
	page := elimity.Page{TotalResults: res.TotalResults, Resources: make([]elimity.Resource, 0, len(res.Resources))}
	for _, rr := range res.Resources {
		er, err := toElimity(rr)
		if err != nil {
			ex.err = err
			return elimity.Page{}, errHandled
		}
		page.Resources = append(page.Resources, er)
	}
	ex.list = &listInfo{items: len(page.Resources), startIndex: res.StartIndex}
	return page, nil
}

func (h *resourceHandler) Replace(r *http.Request, id string, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	ex := exchangeFrom(r.Context())
	ex.called = true
	if err := h.checkID(id); err != nil {
		return ex.fail(err)
	}
	res := h.resource(attrs)
	h.subject(r.Context(), res)
	// okta-scim-client.md §1.5: AIW apps deactivate with "PUT /Users/{id} with
	// the full user and "active": false".
	if active, ok := res["active"].(bool); ok && !active && h.kind == userKind {
		reqlog.From(r.Context()).SetOperation(OpDeactivateUser)
	}
	out, err := h.be.replace(r.Context(), id, res)
	return ex.result(out, err, true)
}

func (h *resourceHandler) Patch(r *http.Request, id string, ops []elimity.PatchOperation) (elimity.Resource, error) {
	ex := exchangeFrom(r.Context())
	ex.called = true
	if err := h.checkID(id); err != nil {
		return ex.fail(err)
	}
	raws, err := rawPatchOps(ex.body)
	if err != nil || len(raws) != len(ops) {
		// elimity accepted the body, so this cannot happen; refuse rather than guess.
		return ex.fail(&scimError{status: http.StatusBadRequest, scimType: "invalidSyntax", detail: "could not read the PATCH operations"})
	}
	out := make([]identitycenter.PatchOp, len(ops))
	for i, op := range ops {
		out[i] = identitycenter.PatchOp{Op: strings.ToLower(op.Op), Path: raws[i].path, Value: op.Value}
		// elimity turns "value":[] into a nil slice; a full push that empties
		// a group (okta-scim-client.md §1.11 "value":[]) must stay an empty
		// array, not look like an absent value.
		if v, ok := op.Value.([]any); ok && len(v) == 0 && raws[i].emptyArray {
			out[i].Value = []any{}
		}
	}
	reqlog.From(r.Context()).SetOperation(patchOperation(h.kind, out))
	res, perr := h.be.patch(r.Context(), id, out)
	// okta-scim-client.md §1.5: "Reply: 200 with the user, or 204 with no body."
	return ex.result(res, perr, false)
}

func (h *resourceHandler) Delete(r *http.Request, id string) error {
	ex := exchangeFrom(r.Context())
	ex.called = true
	if err := h.checkID(id); err != nil {
		ex.err = err
		return errHandled
	}
	if err := h.be.remove(r.Context(), id); err != nil {
		ex.err = err
		return errHandled
	}
	return nil
}

// resource turns elimity's validated attributes into the Resource handed to
// the Provisioner: a SCIM body again, with "schemas" (elimity drops it).
func (h *resourceHandler) resource(attrs elimity.ResourceAttributes) identitycenter.Resource {
	res := make(identitycenter.Resource, len(attrs)+1)
	schemas := []any{h.schema.id}
	for k, v := range attrs {
		res[k] = v
		if strings.HasPrefix(k, "urn:") {
			schemas = append(schemas, k)
		}
	}
	res["schemas"] = schemas
	return res
}

// subject records who the request is about; never a password.
func (h *resourceHandler) subject(ctx context.Context, res identitycenter.Resource) {
	e := reqlog.From(ctx)
	for _, k := range []string{"userName", "externalId", "displayName"} {
		if k == "displayName" && h.kind == userKind {
			continue
		}
		if s, ok := res[k].(string); ok {
			e.SetSubject(k, s)
		}
	}
}

// checkID refuses ids that no resource can have, before any upstream call
// (ServeHTTP has checked the URL's id already; elimity's is the same one).
func (h *resourceHandler) checkID(id string) error {
	if !validID(id) {
		return badID(h.kind, id)
	}
	return nil
}

// patchOperation names a PATCH by what it does (okta-scim-client.md §2.3).
func patchOperation(k kind, ops []identitycenter.PatchOp) string {
	if k == groupKind {
		members, other := 0, 0
		for _, op := range ops {
			if strings.HasPrefix(strings.ToLower(op.Path), "members") {
				members++
			} else {
				other++
			}
		}
		switch {
		case members > 0 && other == 0:
			return OpUpdateMembers
		case members == 0 && onlyKeys(ops, "displayName", "id"):
			return OpRenameGroup
		}
		return OpPatchGroup
	}
	// §1.5/§1.6: {"op":"replace","value":{"active":false|true}}.
	var active *bool
	for _, op := range ops {
		if op.Op == "remove" {
			return OpPatchUser
		}
		var v any
		switch {
		case strings.EqualFold(op.Path, "active"):
			v = op.Value
		case op.Path == "":
			m, ok := op.Value.(map[string]any)
			if !ok || len(m) != 1 {
				return OpPatchUser
			}
			for key, val := range m {
				if !strings.EqualFold(key, "active") {
					return OpPatchUser
				}
				v = val
			}
		default:
			return OpPatchUser
		}
		b, ok := v.(bool)
		if !ok {
			return OpPatchUser
		}
		active = &b
	}
	switch {
	case active == nil:
		return OpPatchUser
	case *active:
		return OpReactivateUser
	default:
		return OpDeactivateUser
	}
}

// onlyKeys reports whether every op is path-less (or on one of keys) and
// touches only keys.
func onlyKeys(ops []identitycenter.PatchOp, keys ...string) bool {
	in := func(s string) bool {
		for _, k := range keys {
			if strings.EqualFold(k, s) {
				return true
			}
		}
		return false
	}
	for _, op := range ops {
		if op.Op == "remove" {
			return false
		}
		if op.Path != "" {
			if !in(op.Path) {
				return false
			}
			continue
		}
		m, ok := op.Value.(map[string]any)
		if !ok {
			return false
		}
		for k := range m {
			if !in(k) {
				return false
			}
		}
	}
	return true
}

type rawOp struct {
	path       string
	emptyArray bool
}

// rawPatchOps reads each operation's "path" exactly as Okta sent it (elimity
// hands back only the parsed form) and whether its value was [].
func rawPatchOps(body []byte) ([]rawOp, error) {
	var req struct {
		Operations []struct {
			Path  string          `json:"path"`
			Value json.RawMessage `json:"value"`
		} `json:"Operations"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, err
	}
	out := make([]rawOp, len(req.Operations))
	for i, op := range req.Operations {
		v := bytes.TrimSpace(op.Value)
		out[i] = rawOp{
			path:       strings.TrimSpace(op.Path),
			emptyArray: len(v) >= 2 && v[0] == '[' && len(bytes.TrimSpace(v[1:len(v)-1])) == 0,
		}
	}
	return out, nil
}
