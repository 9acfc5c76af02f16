package identitycenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/scim-bridge/scim-bridge/identitycenter/translate"
	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

var _ Groups = (*Provisioner)(nil)

// WithMemberReader returns a copy of p that reads group membership with r
// (nil → SCIMMembers), for callers that built p without
// ProvisionerConfig.Members. Both copies share the list cache.
func (p *Provisioner) WithMemberReader(r MemberReader) *Provisioner {
	if r == nil {
		r = SCIMMembers{Client: p.client}
	}
	c := *p
	c.members = r
	return &c
}

// CreateGroup serves Okta's push (okta-scim-client.md §1.8): POST with the
// first 100 members (identity-center-scim.md §5 CreateGroup "at most 100
// members in the create request"), then the rest as PATCH adds of ≤100. The
// 201 body is the group as created, with the members Okta sent.
func (p *Provisioner) CreateGroup(ctx context.Context, attrs Resource) (Resource, error) {
	body, rules, err := translate.Group(attrs)
	applied(ctx, rules)
	if err != nil {
		return nil, badRequest(err)
	}
	e := reqlog.From(ctx)
	e.SetSubject("displayName", body.DisplayName)
	e.SetSubject("externalId", body.ExternalID)
	first := body.Members[:min(len(body.Members), translate.MaxMemberChanges)]
	rest := body.Members[len(first):]
	res := Resource{"schemas": []any{translate.SchemaGroup}, "displayName": body.DisplayName, "members": memberValues(first)}
	if body.ExternalID != "" {
		res["externalId"] = body.ExternalID
	}
	created, err := p.client.CreateGroup(ctx, res)
	if err != nil {
		if missing := p.missingUsers(ctx, err, adds(first)); len(missing) > 0 {
			return nil, unknownMembersError(missing, nil, plan{}, nil)
		}
		return nil, fmt.Errorf("create group: %w", duplicateGroupHint(err, body.DisplayName))
	}
	id := str(created["id"])
	e.SetSubject("id", id)
	if len(rest) > 0 {
		e.Rule(translate.RuleCreateMembersBatched)
		pl := plan{
			groupID: id,
			changes: adds(rest),
			already: fmt.Sprintf("group %q was created (id %s) with the first %d of %d members", body.DisplayName, id, len(first), len(body.Members)),
			// A refused member undoes the whole push: the group did not
			// exist before this request.
			rollback: func(ctx context.Context) error { return p.client.DeleteGroup(ctx, id) },
			// okta-scim-client.md §1.8: a push starts with the displayName
			// lookup, which finds the group ("Link group"); the member push
			// that follows is diffed against what is already there.
			retryHint: "Okta's next push finds the group by displayName and sends its members; the bridge then sends only the missing ones",
		}
		if err := p.apply(ctx, pl); err != nil {
			return nil, fmt.Errorf("create group: %w", err)
		}
	}
	created["members"] = memberValues(body.Members)
	return created, nil
}

// duplicateGroupHint tells Okta's admin what to do about a 409 on create.
// identity-center-scim.md §12.4: the group "already exists", often made by
// hand before SCIM; "Operator: find it with … get-group-id, then delete it
// or link to it".
func duplicateGroupHint(err error, name string) error {
	var e *Error
	if !errors.As(err, &e) || !e.Upstream || e.Status != http.StatusConflict {
		return err
	}
	c := *e
	c.Detail = fmt.Sprintf("%s A group with displayName %q (or the same externalId) already exists in Identity Center: link it in Okta's Push Groups tab, or delete or rename it there, then push again.", e.Detail, name)
	return &c
}

// GetGroup reads one group. identity-center-scim.md §5: its "members" is
// always empty; Okta's AWS app expects exactly that.
func (p *Provisioner) GetGroup(ctx context.Context, id string) (Resource, error) {
	reqlog.From(ctx).SetSubject("id", id)
	res, err := p.client.GetGroup(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get group: %w", err)
	}
	reqlog.From(ctx).SetSubject("displayName", str(res["displayName"]))
	return res, nil
}

// PatchGroup serves Okta's group PATCHes: member adds and filtered removes
// (okta-scim-client.md §1.10), full pushes (§1.11, replace of members, as a
// diff), renames (§1.9, skipped when unchanged). It answers 204.
func (p *Provisioner) PatchGroup(ctx context.Context, id string, ops []PatchOp) (Resource, error) {
	reqlog.From(ctx).SetSubject("id", id)
	in := make([]translate.Op, len(ops))
	for i, op := range ops {
		in[i] = translate.Op(op)
	}
	gp, rules, err := translate.GroupPatchOps(in)
	applied(ctx, rules)
	if err != nil {
		return nil, badRequest(err)
	}
	if err := p.update(ctx, id, gp, nil); err != nil {
		return nil, fmt.Errorf("patch group: %w", err)
	}
	return nil, nil
}

// ReplaceGroup serves the custom app's PUT (okta-scim-client.md §1.10 "AIW
// apps send PUT /Groups/{id} … replacing the whole member list").
// identity-center-scim.md §2: there is no PutGroup, so it becomes a rename
// (when the name changed) plus a member diff. externalId is set when sent
// and otherwise kept; members absent from the body are kept.
func (p *Provisioner) ReplaceGroup(ctx context.Context, id string, attrs Resource) (Resource, error) {
	reqlog.From(ctx).SetSubject("id", id)
	body, rules, err := translate.Group(attrs)
	applied(ctx, rules)
	if err != nil {
		return nil, badRequest(err)
	}
	reqlog.From(ctx).Rule(translate.RuleGroupPutAsPatch)
	gp := translate.GroupPatch{DisplayName: &body.DisplayName}
	if body.ExternalID != "" {
		gp.ExternalID = &body.ExternalID
	}
	if body.HasMembers {
		gp.Members = []translate.MemberStep{{Action: translate.MembersReplace, IDs: body.Members}}
	} else {
		reqlog.From(ctx).Rule(translate.RuleGroupPutMembersKept)
	}
	var cur Resource
	if err := p.update(ctx, id, gp, &cur); err != nil {
		return nil, fmt.Errorf("replace group: %w", err)
	}
	cur["displayName"] = body.DisplayName
	if body.ExternalID != "" {
		cur["externalId"] = body.ExternalID
	}
	if body.HasMembers {
		cur["members"] = memberValues(body.Members)
	}
	return cur, nil
}

// update applies a translated group change: attribute ops compared with the
// group as it is, member steps resolved against its members when needed,
// then sent in batches. cur, when set, receives the group as read.
func (p *Provisioner) update(ctx context.Context, id string, gp translate.GroupPatch, cur *Resource) error {
	pl := plan{groupID: id}
	if gp.HasAttributes() || cur != nil {
		// One GET tells whether the name really changes (okta-scim-client.md
		// §1.9: the rename is re-sent "each time there's a group membership
		// update"), answers 404 for a missing group before any write, and
		// gives the values a rollback restores.
		old, err := p.client.GetGroup(ctx, id)
		if err != nil {
			return err
		}
		if cur != nil {
			*cur = old
		}
		skipUnchanged(ctx, &gp, old)
		pl.head = translate.AttributeOps(gp)
		pl.undoHead = restoreOps(gp, old)
	}
	// The current members are needed to diff a replace, and for more than
	// one batch: then a failure part-way must be undoable and a retry must
	// send only what is missing.
	known := gp.ReplacesMembers() || gp.MemberIDs() > translate.MaxMemberChanges
	var current []string
	if known {
		var err error
		if current, err = p.members.GroupMembers(ctx, id); err != nil {
			return err
		}
	}
	changes, rules := translate.ResolveMembers(gp.Members, current, known)
	applied(ctx, rules)
	pl.changes = changes
	if len(pl.head) == 0 && len(pl.changes) == 0 {
		return nil
	}
	err := p.apply(ctx, pl)
	if err == nil || known || len(changes) == 0 || !refusedChange(err) {
		return err
	}
	// Whether Identity Center refuses an add of a member (or a remove of a
	// non-member), and with 400 or 409, is UNCONFIRMED (identity-center-scim.md
	// §5 documents neither); the emulator takes both as no-ops. Safe either
	// way: re-read the members and resend only the real changes, once, and
	// only if some change was in effect already.
	current, rerr := p.members.GroupMembers(ctx, id)
	if rerr != nil {
		return err
	}
	changes, rules = translate.ResolveMembers(gp.Members, current, true)
	if len(changes) == len(pl.changes) {
		return err // every change was real: the refusal is about something else
	}
	applied(ctx, rules)
	pl.changes = changes
	if len(pl.head) == 0 && len(pl.changes) == 0 {
		return nil
	}
	return p.apply(ctx, pl)
}

// refusedChange reports whether Identity Center refused a single-batch PATCH
// in a way a no-op membership change could explain: 400 (no unknown user,
// apply checked) or 409.
func refusedChange(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Upstream && (e.Status == http.StatusConflict || e.Status == http.StatusBadRequest)
}

// skipUnchanged drops attribute changes that change nothing.
func skipUnchanged(ctx context.Context, gp *translate.GroupPatch, old Resource) {
	if gp.DisplayName != nil && *gp.DisplayName == str(old["displayName"]) {
		gp.DisplayName = nil
		reqlog.From(ctx).Rule(translate.RuleRenameUnchanged)
	}
	if gp.ExternalID != nil && *gp.ExternalID == str(old["externalId"]) {
		gp.ExternalID = nil
	}
	if gp.RemoveExternalID && str(old["externalId"]) == "" {
		gp.RemoveExternalID = false
	}
}

// restoreOps are the ops that put back what AttributeOps(gp) changes.
func restoreOps(gp translate.GroupPatch, old Resource) []translate.Op {
	var undo translate.GroupPatch
	if gp.DisplayName != nil {
		name := str(old["displayName"])
		undo.DisplayName = &name
	}
	if gp.ExternalID != nil || gp.RemoveExternalID {
		if ext := str(old["externalId"]); ext != "" {
			undo.ExternalID = &ext
		} else {
			undo.RemoveExternalID = true
		}
	}
	return translate.AttributeOps(undo)
}

// DeleteGroup serves "Unlink pushed group → Delete the group in the target
// app" (okta-scim-client.md §1.12): DELETE, 204.
func (p *Provisioner) DeleteGroup(ctx context.Context, id string) error {
	reqlog.From(ctx).SetSubject("id", id)
	if err := p.client.DeleteGroup(ctx, id); err != nil {
		return fmt.Errorf("delete group: %w", err)
	}
	return nil
}

// ListGroups serves Okta's displayName lookup (okta-scim-client.md §1.8) and
// group import (§1.2) with the shared lister: cursor walks, one snapshot per
// import, exact totalResults.
func (p *Provisioner) ListGroups(ctx context.Context, q ListQuery) (ListResult, error) {
	return p.lists.list(ctx, groupSource(p.client), q)
}

// groupSource: identity-center-scim.md §3 "ListGroups filter combinations:
// displayName; externalId; id and member[s]; member[s] and id"; "id alone is
// valid"; the production form `members.value eq "<user-id>"`.
func groupSource(c *Client) listSource {
	return listSource{
		Kind:  "Groups",
		Fetch: c.ListGroups,
		Filters: [][]string{
			{"displayName"}, {"externalId"}, {"id"}, {"members.value"}, {"id", "members.value"},
		},
	}
}

func memberValues(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"value": id}
	}
	return out
}

func adds(ids []string) []translate.MemberChange {
	out := make([]translate.MemberChange, len(ids))
	for i, id := range ids {
		out[i] = translate.MemberChange{Add: true, ID: id}
	}
	return out
}
