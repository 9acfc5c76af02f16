package emulator

import (
	"net/http"
	"time"
)

// userResource is the representation AWS returns: schemas, id, externalId,
// meta and the stored attributes.
func userResource(u User) map[string]any {
	out := make(map[string]any, len(u.Attrs)+3)
	for k, v := range u.Attrs {
		out[k] = v
	}
	schemas := []any{userSchema}
	if _, ok := u.Attrs[enterpriseSchema]; ok {
		schemas = append(schemas, enterpriseSchema)
	}
	out["schemas"] = schemas
	out["id"] = u.ID
	out["meta"] = meta("User", u.Created, u.LastModified)
	return out
}

func meta(resourceType string, created, modified time.Time) map[string]any {
	return map[string]any{
		"resourceType": resourceType,
		"created":      created.UTC().Format(time.RFC3339),
		"lastModified": modified.UTC().Format(time.RFC3339),
	}
}

// createdStatus: §2 "POST … 201 with the resource body".
func (e *Emulator) createdStatus() int {
	if e.lenient(RuleCreateStatus) {
		return http.StatusOK
	}
	return http.StatusCreated
}

func (e *Emulator) createUser(w http.ResponseWriter, r *http.Request) *scimError {
	in, err := readObject(r)
	if err != nil {
		return err
	}
	attrs, err := e.normalizeUser(in)
	if err != nil {
		return err
	}
	u, serr := e.store.CreateUser(attrs)
	if serr != nil {
		// §4 "Uniqueness → 409": userName, primary email, externalId.
		return storeError(serr, "User", "", RuleUserUnique)
	}
	writeJSON(w, e.createdStatus(), userResource(u))
	return nil
}

func (e *Emulator) getUser(w http.ResponseWriter, id string) *scimError {
	u, err := e.store.User(id)
	if err != nil {
		return storeError(err, "User", id, "")
	}
	writeJSON(w, http.StatusOK, userResource(u))
	return nil
}

// putUser replaces every attribute, with create's validation (§4 "Required on
// create (POST) and replace (PUT)").
func (e *Emulator) putUser(w http.ResponseWriter, r *http.Request, id string) *scimError {
	in, err := readObject(r)
	if err != nil {
		return err
	}
	attrs, err := e.normalizeUser(in)
	if err != nil {
		if _, gerr := e.store.User(id); gerr != nil {
			return storeError(gerr, "User", id, "")
		}
		return err
	}
	u, serr := e.store.UpdateUser(id, func(map[string]any) (map[string]any, error) { return attrs, nil })
	if serr != nil {
		return storeError(serr, "User", id, RuleUserUnique)
	}
	writeJSON(w, http.StatusOK, userResource(u))
	return nil
}

// patchUser applies the operations to a copy and validates the result inside
// Store.UpdateUser, so a refused patch changes nothing. PatchUser replies 200
// with the user (§2 "PutUser and PatchUser: clients accept 200").
func (e *Emulator) patchUser(w http.ResponseWriter, r *http.Request, id string) *scimError {
	in, err := readObject(r)
	if err != nil {
		return err
	}
	ops, err := e.parsePatch(in)
	if err != nil {
		return err
	}
	ops, err = e.checkUserPatch(ops)
	if err != nil {
		return err
	}
	u, serr := e.store.UpdateUser(id, func(attrs map[string]any) (map[string]any, error) {
		next, perr := e.applyUserPatch(attrs, ops)
		if perr != nil {
			return nil, perr
		}
		norm, verr := e.normalizeUser(next)
		if verr != nil {
			return nil, verr
		}
		return norm, nil
	})
	if serr != nil {
		return storeError(serr, "User", id, RuleUserUnique)
	}
	writeJSON(w, http.StatusOK, userResource(u))
	return nil
}

// deleteUser: §2 "DELETE … HTTP/1.1 204, empty body; 404 if missing".
func (e *Emulator) deleteUser(w http.ResponseWriter, id string) *scimError {
	return e.deleted(w, e.store.DeleteUser(id), "User", id)
}

func (e *Emulator) deleted(w http.ResponseWriter, err error, kind, id string) *scimError {
	if e.lenient(RuleDeleteStatus) {
		// A lenient server: 200 either way, missing or not.
		writeJSON(w, http.StatusOK, map[string]any{})
		return nil
	}
	if err != nil {
		return storeError(err, kind, id, "")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
