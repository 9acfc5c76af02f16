package emulator

import (
	"net/http"
	"strings"
)

// groupPatchAttrs: §5 "Only displayName, members and externalId can be changed."
var groupPatchAttrs = []attrDef{groupAttrDisplayName, groupAttrExternalID, {name: "members", kind: kindMulti}}

// patchGroup checks every operation, builds one atomic GroupChange and applies
// it with Store.UpdateGroup, so a refused patch changes nothing. It replies
// 204 with no body: §2 "The exact PATCH status is UNCONFIRMED (likely 204,
// no body)"; clients must accept 200 and 204 alike.
func (e *Emulator) patchGroup(w http.ResponseWriter, r *http.Request, id string) *scimError {
	if _, err := e.store.Group(id); err != nil {
		return storeError(err, "Group", id, "")
	}
	in, err := readObject(r)
	if err != nil {
		return err
	}
	ops, err := e.parsePatch(in)
	if err != nil {
		return err
	}
	c, err := e.groupChange(id, ops)
	if err != nil {
		return err
	}
	if _, serr := e.store.UpdateGroup(id, c); serr != nil {
		return storeError(serr, "Group", id, RuleGroupUnique)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// groupChange turns checked operations into one change.
func (e *Emulator) groupChange(id string, ops []patchOp) (GroupChange, *scimError) {
	var c GroupChange
	var expanded []patchOp
	for _, op := range ops {
		if op.hasPath {
			expanded = append(expanded, op)
			continue
		}
		// §5 "PATCH without path is accepted only for add or replace of a
		// single attribute." Every key counts, `id` included: the strict reading.
		exp, err := e.expandPathless(op)
		if err != nil {
			return c, err
		}
		expanded = append(expanded, exp...)
	}
	changes := 0
	for _, op := range expanded {
		pp, err := e.parsePatchPath(op.path, groupPatchAttrs)
		if err != nil {
			return c, err
		}
		switch pp.attr {
		case "displayName", "externalId":
			if pp.filter != nil || pp.sub != "" {
				return c, badRequest(RuleSchemaTypes, "path %q is not a valid attribute path.", op.path)
			}
			if op.op == "remove" {
				if pp.attr == "displayName" && !e.lenient(RuleGroupDisplayName) {
					return c, badRequest(RuleGroupDisplayName, "displayName is required and cannot be removed.")
				}
				empty := ""
				c.ExternalID = &empty
				continue
			}
			var serr *scimError
			if pp.attr == "displayName" {
				serr = e.checkGroupName(op.value)
			} else {
				serr = e.checkString(groupAttrExternalID, "externalId", op.value)
			}
			if serr != nil {
				return c, serr
			}
			s, _ := op.value.(string)
			if pp.attr == "displayName" {
				c.DisplayName = &s
			} else {
				c.ExternalID = &s
			}
		case "members":
			n, err := e.memberOp(id, op, pp, &c)
			if err != nil {
				return c, err
			}
			changes += n
		default:
			if e.lenient(RuleGroupPatchAttrs) {
				continue
			}
			return c, badRequest(RuleGroupPatchAttrs, "%s cannot be changed; only displayName, members and externalId can.", op.path)
		}
	}
	// §5: "At most 100 membership changes per request."
	if changes > maxMemberChanges && !e.lenient(RuleGroupPatchMax) {
		return c, badRequest(RuleGroupPatchMax, "%d membership changes; at most %d are allowed per request.", changes, maxMemberChanges)
	}
	add, err := e.existingUsers(c.Add)
	if err != nil {
		return c, err
	}
	c.Add = add
	return c, nil
}

// memberOp adds one members operation to the change and returns how many
// membership changes it makes.
func (e *Emulator) memberOp(groupID string, op patchOp, pp patchPath, c *GroupChange) (int, *scimError) {
	if pp.filter != nil {
		// §5: remove with `members[value eq "<id>"]` "appears in no source:
		// UNCONFIRMED" — refused, the safe reading.
		if !e.lenient(RuleNoFilteredRemove) {
			return 0, badRequest(RuleNoFilteredRemove, "path %q: filtered member paths are not supported; send remove with path members and a value.", op.path)
		}
		if op.op != "remove" || !strings.EqualFold(pp.filter.attr, "value") {
			return 0, badRequest(RuleSchemaTypes, "path %q is not supported.", op.path)
		}
		c.Remove = append(c.Remove, pp.filter.value)
		return 1, nil
	}
	if pp.sub != "" {
		return 0, badRequest(RuleSchemaTypes, "path %q is not a valid attribute path.", op.path)
	}
	ids, err := e.parseMembers(op.value, "members")
	if err != nil {
		return 0, err
	}
	switch op.op {
	case "add":
		c.Add = append(c.Add, ids...)
	case "remove":
		if len(ids) == 0 {
			// §5: ""remove all" is not supported."
			if !e.lenient(RuleNoRemoveAll) {
				return 0, badRequest(RuleNoRemoveAll, "removing all members is not supported; list the members to remove.")
			}
			return e.removeAll(groupID, c)
		}
		c.Remove = append(c.Remove, ids...)
	case "replace":
		// §5: "replace on members is not supported."
		if !e.lenient(RuleNoMembersReplace) {
			return 0, badRequest(RuleNoMembersReplace, "replace on members is not supported; use add and remove.")
		}
		n, err := e.removeAll(groupID, c)
		if err != nil {
			return 0, err
		}
		c.Add = append(c.Add, ids...)
		return n + len(ids), nil
	}
	return len(ids), nil
}

// removeAll (lenient emulators only) removes every current member.
func (e *Emulator) removeAll(groupID string, c *GroupChange) (int, *scimError) {
	ms, err := e.store.Members(groupID)
	if err != nil {
		return 0, storeError(err, "Group", groupID, "")
	}
	for _, m := range ms {
		c.Remove = append(c.Remove, m.UserID)
	}
	return len(ms), nil
}
