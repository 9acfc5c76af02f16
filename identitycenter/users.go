package identitycenter

import (
	"context"
	"errors"
	"fmt"

	"github.com/scim-bridge/scim-bridge/identitycenter/translate"
	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// CreateUser translates Okta's POST /Users body and creates the user. The
// answer is what Identity Center returned.
func (p *Provisioner) CreateUser(ctx context.Context, attrs Resource) (Resource, error) {
	subject(ctx, attrs)
	body, rules, err := translate.User(attrs, translate.Options{Names: p.names})
	applied(ctx, rules)
	if err != nil {
		return nil, badRequest(err)
	}
	u, err := p.client.CreateUser(ctx, body)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	reqlog.From(ctx).SetSubject("id", str(u["id"]))
	return u, nil
}

// GetUser reads one user.
func (p *Provisioner) GetUser(ctx context.Context, id string) (Resource, error) {
	reqlog.From(ctx).SetSubject("id", id)
	u, err := p.client.GetUser(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get user: %w", err)
	}
	reqlog.From(ctx).SetSubject("userName", str(u["userName"]))
	return u, nil
}

// ReplaceUser serves Okta's profile push: GET then a PUT echoing the whole
// user (okta-scim-client.md §1.4, §2.2), and the AIW app's deactivate and
// reactivate, a PUT with "active" (§1.5, §1.6). The echoed id, meta, groups,
// password and display values are stripped by translate.User; the id in the
// URL wins over any id in the body.
func (p *Provisioner) ReplaceUser(ctx context.Context, id string, attrs Resource) (Resource, error) {
	reqlog.From(ctx).SetSubject("id", id)
	subject(ctx, attrs)
	body, rules, err := translate.User(attrs, translate.Options{Names: p.names})
	applied(ctx, rules)
	if err != nil {
		return nil, badRequest(err)
	}
	u, err := p.client.PutUser(ctx, id, body)
	if err != nil {
		return nil, fmt.Errorf("replace user: %w", err)
	}
	return u, nil
}

// PatchUser translates Okta's PATCH (path-less object values, password sync,
// deactivate/reactivate) and sends it as one or more upstream PATCHes in
// order. When nothing is left to send (e.g. only a password), the user is
// read and returned unchanged.
func (p *Provisioner) PatchUser(ctx context.Context, id string, ops []PatchOp) (Resource, error) {
	reqlog.From(ctx).SetSubject("id", id)
	in := make([]translate.Op, len(ops))
	for i, op := range ops {
		in[i] = translate.Op(op)
	}
	batches, rules, err := translate.Patch(in)
	applied(ctx, rules)
	if err != nil {
		return nil, badRequest(err)
	}
	if len(batches) == 0 {
		return p.GetUser(ctx, id)
	}
	var u Resource
	for i, b := range batches {
		up := make([]PatchOp, len(b))
		for j, op := range b {
			up[j] = PatchOp(op)
		}
		u, err = p.client.PatchUser(ctx, id, up)
		if err != nil {
			return nil, fmt.Errorf("patch user: %w", partial(err, i, len(batches)))
		}
	}
	reqlog.From(ctx).SetSubject("userName", str(u["userName"]))
	return u, nil
}

// partial says, on a failure after some upstream PATCHes went through, how
// many did: the ops are replaces, so Okta's retry of the whole PATCH
// converges on the intended state.
func partial(err error, done, total int) error {
	var e *Error
	if done == 0 || !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Detail = fmt.Sprintf("%s (the PATCH was sent as %d requests because Identity Center allows one op on userName or active per request; the first %d succeeded)", e.Detail, total, done)
	return &c
}

// DeleteUser deletes one user. Okta never sends it (okta-scim-client.md §1.12);
// it is here for completeness and operators.
func (p *Provisioner) DeleteUser(ctx context.Context, id string) error {
	reqlog.From(ctx).SetSubject("id", id)
	if err := p.client.DeleteUser(ctx, id); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	return nil
}

// ListUsers serves Okta's lists: the create lookup (userName eq), the
// credential probe and the import (listing.go).
func (p *Provisioner) ListUsers(ctx context.Context, q ListQuery) (ListResult, error) {
	return p.lists.list(ctx, userSource(p.client), q)
}

// userSource: identity-center-scim.md §3 "ListUsers filter combinations:
// userName; externalId; groups.value; id and manager; manager and id";
// "id alone is valid".
func userSource(c *Client) listSource {
	return listSource{
		Kind:  "Users",
		Fetch: c.ListUsers,
		Filters: [][]string{
			{"userName"}, {"externalId"}, {"groups.value"}, {"id"}, {"id", "manager"},
		},
	}
}

func subject(ctx context.Context, attrs Resource) {
	e := reqlog.From(ctx)
	e.SetSubject("userName", str(attrs["userName"]))
	e.SetSubject("externalId", str(attrs["externalId"]))
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
