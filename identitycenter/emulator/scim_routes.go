package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// scimRoute is a parsed /{tenant}/scim/v2/{resource}[/{id}] path.
type scimRoute struct {
	tenant   string
	resource string // "Users", "Groups", "ServiceProviderConfig", …
	id       string // "" for the collection
	extra    bool   // more segments than resource/id
}

// parseSCIMPath splits the path. Empty segments (`//Users`, a trailing `/`)
// do not match: whether AWS normalises them is UNCONFIRMED
// (identity-center-scim.md §9 "Whether AWS normalises // is UNCONFIRMED"), so
// the emulator refuses them, which is safe whichever way AWS behaves.
func parseSCIMPath(p string) (scimRoute, bool) {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(segs) < 4 || segs[1] != "scim" || segs[2] != "v2" {
		return scimRoute{}, false
	}
	for _, s := range segs {
		if s == "" {
			return scimRoute{}, false
		}
	}
	rt := scimRoute{tenant: segs[0], resource: segs[3]}
	if len(segs) > 4 {
		rt.id = segs[4]
	}
	rt.extra = len(segs) > 5
	return rt, true
}

// scimOperation names the request as the reference's operation list does
// (§2 "Supported operations, complete list"), for Stats.
func scimOperation(method, p string) string {
	rt, ok := parseSCIMPath(p)
	if !ok || rt.extra {
		return "Unsupported"
	}
	coll := rt.id == ""
	switch rt.resource {
	case "Users", "Groups":
		kind := strings.TrimSuffix(rt.resource, "s")
		switch {
		case coll && method == http.MethodPost:
			return "Create" + kind
		case coll && method == http.MethodGet:
			return "List" + rt.resource
		case !coll && method == http.MethodGet:
			return "Get" + kind
		case !coll && method == http.MethodPut:
			return "Put" + kind
		case !coll && method == http.MethodPatch:
			return "Patch" + kind
		case !coll && method == http.MethodDelete:
			return "Delete" + kind
		}
	case "ServiceProviderConfig":
		if coll {
			return "ServiceProviderConfig"
		}
	case "Schemas":
		if coll {
			return "ListSchemas"
		}
		return "GetSchema"
	case "ResourceTypes":
		if coll {
			return "ListResourceTypes"
		}
	}
	return "Unsupported"
}

// serveSCIM authenticates and routes one SCIM request.
func (e *Emulator) serveSCIM(w http.ResponseWriter, r *http.Request) {
	if !e.lenient(RuleRequestIDHd) {
		w.Header().Set(requestIDHeader, newRequestID())
	}
	rt, ok := parseSCIMPath(r.URL.Path)
	if !ok {
		e.writeError(w, &scimError{status: http.StatusNotFound, detail: "No such endpoint."})
		return
	}
	if err := e.checkAuth(r, rt.tenant); err != nil {
		e.writeError(w, err)
		return
	}
	if err := e.route(w, r, rt); err != nil {
		e.writeError(w, err)
	}
}

// route dispatches by resource and method. Handlers write their success
// response themselves and return refusals.
func (e *Emulator) route(w http.ResponseWriter, r *http.Request, rt scimRoute) *scimError {
	if rt.extra {
		return &scimError{status: http.StatusNotFound, detail: "No such endpoint."}
	}
	switch rt.resource {
	case "Users":
		return e.routeUsers(w, r, rt.id)
	case "Groups":
		return e.routeGroups(w, r, rt.id)
	case "ServiceProviderConfig", "Schemas", "ResourceTypes":
		return e.routeDiscovery(w, r, rt)
	case "Me", "Bulk", "Search", ".search":
		// §2: "/Me, /Bulk, /Search any none — unsupported".
		if e.lenient(RuleNoBulkMeSearch) {
			return &scimError{status: http.StatusNotImplemented, detail: "Not implemented."}
		}
		return &scimError{status: http.StatusNotFound, rule: RuleNoBulkMeSearch, detail: "No such endpoint: /" + rt.resource + " is not supported."}
	}
	return &scimError{status: http.StatusNotFound, detail: "No such endpoint."}
}

func (e *Emulator) routeUsers(w http.ResponseWriter, r *http.Request, id string) *scimError {
	switch {
	case id == "" && r.Method == http.MethodPost:
		return e.createUser(w, r)
	case id == "" && r.Method == http.MethodGet:
		return e.listUsers(w, r)
	case id == ".search":
		return e.route(w, r, scimRoute{resource: ".search"})
	case id != "" && r.Method == http.MethodGet:
		return e.getUser(w, id)
	case id != "" && r.Method == http.MethodPut:
		return e.putUser(w, r, id)
	case id != "" && r.Method == http.MethodPatch:
		return e.patchUser(w, r, id)
	case id != "" && r.Method == http.MethodDelete:
		return e.deleteUser(w, id)
	}
	return unsupportedMethod(r)
}

func (e *Emulator) routeGroups(w http.ResponseWriter, r *http.Request, id string) *scimError {
	switch {
	case id == "" && r.Method == http.MethodPost:
		return e.createGroup(w, r)
	case id == "" && r.Method == http.MethodGet:
		return e.listGroups(w, r)
	case id == ".search":
		return e.route(w, r, scimRoute{resource: ".search"})
	case id != "" && r.Method == http.MethodGet:
		return e.getGroup(w, id)
	case id != "" && r.Method == http.MethodPut:
		// §2: "/Groups/{id} PUT none — no PutGroup; unsupported".
		if e.lenient(RuleNoGroupPut) {
			return e.putGroupLenient(w, r, id)
		}
		return badRequest(RuleNoGroupPut, "PUT is not supported on /Groups/{id}; use PATCH.")
	case id != "" && r.Method == http.MethodPatch:
		return e.patchGroup(w, r, id)
	case id != "" && r.Method == http.MethodDelete:
		return e.deleteGroup(w, id)
	}
	return unsupportedMethod(r)
}

// unsupportedMethod: §6 "400 ValidationException: unparsable, violates
// schema, or unsupported operation".
func unsupportedMethod(r *http.Request) *scimError {
	return badRequest("", "%s is not supported on %s.", r.Method, r.URL.Path)
}

// maxBody bounds request bodies; AWS's own limit is not documented.
const maxBody = 1 << 20

// readObject decodes a JSON object body, keeping numbers exact.
func readObject(r *http.Request) (map[string]any, *scimError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, badRequest("", "reading body: %v", err)
	}
	if len(body) > maxBody {
		return nil, badRequest("", "body larger than %d bytes.", maxBody)
	}
	return decodeObject(body)
}

func decodeObject(body []byte) (map[string]any, *scimError) {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badRequest("", "invalid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, badRequest("", "invalid JSON: data after the object.")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("", "the body must be a JSON object, not %s.", jsonKind(v))
	}
	return m, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
