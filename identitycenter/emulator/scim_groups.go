package emulator

import (
	"net/http"
	"strings"
)

// groupResource is a group as AWS returns it. §5: "GetGroup and ListGroups
// ALWAYS return "members": []." A lenient emulator lists the members.
func (e *Emulator) groupResource(g Group) map[string]any {
	members := []any{}
	if e.lenient(RuleMembersHidden) {
		ms, _ := e.store.Members(g.ID)
		for _, m := range ms {
			members = append(members, map[string]any{"value": m.UserID})
		}
	}
	out := map[string]any{
		"schemas":     []any{groupSchema},
		"id":          g.ID,
		"displayName": g.DisplayName,
		"members":     members,
		"meta":        meta("Group", g.Created, g.LastModified),
	}
	if g.ExternalID != "" {
		out["externalId"] = g.ExternalID
	}
	return out
}

// groupFields is a validated create (or lenient PUT) body.
type groupFields struct {
	displayName string
	externalID  string
	members     []string
}

func (e *Emulator) parseGroupBody(in map[string]any) (groupFields, *scimError) {
	var f groupFields
	for k, v := range in {
		switch strings.ToLower(k) {
		case "schemas", "id", "meta":
			continue
		case "displayname":
			if v == nil {
				continue
			}
			if err := e.checkGroupName(v); err != nil {
				return f, err
			}
			f.displayName, _ = v.(string)
		case "externalid":
			if v == nil {
				continue
			}
			if err := e.checkString(groupAttrExternalID, "externalId", v); err != nil {
				return f, err
			}
			f.externalID, _ = v.(string)
		case "members":
			ids, err := e.parseMembers(v, "members")
			if err != nil {
				return f, err
			}
			f.members = ids
		default:
			if e.lenient(RuleGroupAttributes) {
				continue
			}
			return f, badRequest(RuleGroupAttributes, "%s is not a supported group attribute.", k)
		}
	}
	// §5 CreateGroup: "displayName is required".
	if f.displayName == "" && !e.lenient(RuleGroupDisplayName) {
		return f, badRequest(RuleGroupDisplayName, "displayName is required.")
	}
	// §5 CreateGroup: "at most 100 members in the create request".
	if len(f.members) > maxMemberChanges && !e.lenient(RuleGroupCreateMax) {
		return f, badRequest(RuleGroupCreateMax, "a group can be created with at most %d members; %d were sent.", maxMemberChanges, len(f.members))
	}
	members, err := e.existingUsers(f.members)
	if err != nil {
		return f, err
	}
	f.members = members
	return f, nil
}

// maxMemberChanges: §5 "At most 100 membership changes per request." and
// CreateGroup "at most 100 members in the create request".
const maxMemberChanges = 100

// checkGroupName applies the string rules and the reserved names to a group
// displayName (§4 "Group displayName 1–1024"; "cannot be used as user or group names").
func (e *Emulator) checkGroupName(v any) *scimError {
	if err := e.checkString(groupAttrDisplayName, "displayName", v); err != nil {
		return err
	}
	if s, _ := v.(string); isReserved(s) && !e.lenient(RuleReservedNames) {
		return badRequest(RuleReservedNames, "group displayName %q is reserved.", s)
	}
	return nil
}

// parseMembers reads [{"value":"<user id>"}, …].
func (e *Emulator) parseMembers(v any, at string) ([]string, *scimError) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		if m, isObj := v.(map[string]any); isObj {
			list = []any{m} // a single member object, as some clients send
		} else {
			return nil, badRequest(RuleSchemaTypes, "%s must be an array of {\"value\": \"<user id>\"}.", at)
		}
	}
	ids := make([]string, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, badRequest(RuleSchemaTypes, "%s.%d must be an object.", at, i+1)
		}
		var id string
		for k, mv := range m {
			switch strings.ToLower(k) {
			case "value":
				id, _ = mv.(string)
			case "display":
				// §4: "display of … any multi-valued attribute" is unsupported.
				if !e.lenient(RuleMemberDisplay) {
					return nil, badRequest(RuleMemberDisplay, "%s.%d.display is not supported.", at, i+1)
				}
			default:
				if !e.lenient(RuleSchemaTypes) {
					return nil, badRequest(RuleSchemaTypes, "%s.%d.%s is not supported.", at, i+1, k)
				}
			}
		}
		if id == "" {
			return nil, badRequest(RuleSchemaTypes, "%s.%d.value must be a non-empty string.", at, i+1)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// existingUsers refuses ids that are not users. §5: "Members are users only:
// the identitystore MemberId union has only UserId." A lenient emulator
// drops them silently.
func (e *Emulator) existingUsers(ids []string) ([]string, *scimError) {
	out := ids[:0:0]
	for _, id := range ids {
		if _, err := e.store.User(id); err != nil {
			if e.lenient(RuleMembersUsersOnly) {
				continue
			}
			return nil, badRequest(RuleMembersUsersOnly, "member %q is not a user in this identity store.", id)
		}
		out = append(out, id)
	}
	return out, nil
}

func (e *Emulator) createGroup(w http.ResponseWriter, r *http.Request) *scimError {
	in, err := readObject(r)
	if err != nil {
		return err
	}
	f, err := e.parseGroupBody(in)
	if err != nil {
		return err
	}
	g, serr := e.store.CreateGroup(f.displayName, f.externalID, f.members)
	if serr != nil {
		// §5: "Group displayName and externalId must be unique."
		return storeError(serr, "Group", "", RuleGroupUnique)
	}
	writeJSON(w, e.createdStatus(), e.groupResource(g))
	return nil
}

func (e *Emulator) getGroup(w http.ResponseWriter, id string) *scimError {
	g, err := e.store.Group(id)
	if err != nil {
		return storeError(err, "Group", id, "")
	}
	writeJSON(w, http.StatusOK, e.groupResource(g))
	return nil
}

// deleteGroup: §2 "DELETE … HTTP/1.1 204, empty body; 404 if missing".
func (e *Emulator) deleteGroup(w http.ResponseWriter, id string) *scimError {
	return e.deleted(w, e.store.DeleteGroup(id), "Group", id)
}

// putGroupLenient is what a generic SCIM server does with PUT /Groups/{id}
// (replace name, external id and members); only a lenient emulator does it.
func (e *Emulator) putGroupLenient(w http.ResponseWriter, r *http.Request, id string) *scimError {
	in, err := readObject(r)
	if err != nil {
		return err
	}
	f, err := e.parseGroupBody(in)
	if err != nil {
		return err
	}
	current, serr := e.store.Members(id)
	if serr != nil {
		return storeError(serr, "Group", id, "")
	}
	c := GroupChange{DisplayName: &f.displayName, ExternalID: &f.externalID, Add: f.members}
	keep := map[string]bool{}
	for _, m := range f.members {
		keep[m] = true
	}
	for _, m := range current {
		if !keep[m.UserID] {
			c.Remove = append(c.Remove, m.UserID)
		}
	}
	g, serr := e.store.UpdateGroup(id, c)
	if serr != nil {
		return storeError(serr, "Group", id, RuleGroupUnique)
	}
	writeJSON(w, http.StatusOK, e.groupResource(g))
	return nil
}
