package scim

import (
	"context"
	"net/http"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// backend is identitycenter.Users or identitycenter.Groups under one set of
// names, so one resource handler serves both endpoints.
type backend interface {
	create(ctx context.Context, attrs identitycenter.Resource) (identitycenter.Resource, error)
	get(ctx context.Context, id string) (identitycenter.Resource, error)
	replace(ctx context.Context, id string, attrs identitycenter.Resource) (identitycenter.Resource, error)
	patch(ctx context.Context, id string, ops []identitycenter.PatchOp) (identitycenter.Resource, error)
	remove(ctx context.Context, id string) error
	list(ctx context.Context, q identitycenter.ListQuery) (identitycenter.ListResult, error)
}

type userBackend struct{ u identitycenter.Users }

func (b userBackend) create(ctx context.Context, a identitycenter.Resource) (identitycenter.Resource, error) {
	return b.u.CreateUser(ctx, a)
}
func (b userBackend) get(ctx context.Context, id string) (identitycenter.Resource, error) {
	return b.u.GetUser(ctx, id)
}
func (b userBackend) replace(ctx context.Context, id string, a identitycenter.Resource) (identitycenter.Resource, error) {
	return b.u.ReplaceUser(ctx, id, a)
}
func (b userBackend) patch(ctx context.Context, id string, ops []identitycenter.PatchOp) (identitycenter.Resource, error) {
	return b.u.PatchUser(ctx, id, ops)
}
func (b userBackend) remove(ctx context.Context, id string) error { return b.u.DeleteUser(ctx, id) }
func (b userBackend) list(ctx context.Context, q identitycenter.ListQuery) (identitycenter.ListResult, error) {
	return b.u.ListUsers(ctx, q)
}

type groupBackend struct{ g identitycenter.Groups }

func (b groupBackend) create(ctx context.Context, a identitycenter.Resource) (identitycenter.Resource, error) {
	return b.g.CreateGroup(ctx, a)
}
func (b groupBackend) get(ctx context.Context, id string) (identitycenter.Resource, error) {
	return b.g.GetGroup(ctx, id)
}
func (b groupBackend) replace(ctx context.Context, id string, a identitycenter.Resource) (identitycenter.Resource, error) {
	return b.g.ReplaceGroup(ctx, id, a)
}
func (b groupBackend) patch(ctx context.Context, id string, ops []identitycenter.PatchOp) (identitycenter.Resource, error) {
	return b.g.PatchGroup(ctx, id, ops)
}
func (b groupBackend) remove(ctx context.Context, id string) error { return b.g.DeleteGroup(ctx, id) }
func (b groupBackend) list(ctx context.Context, q identitycenter.ListQuery) (identitycenter.ListResult, error) {
	return b.g.ListGroups(ctx, q)
}

// disabledGroups answers every /Groups request while Config.Groups is nil.
type disabledGroups struct{}

func errGroupsDisabled() error {
	return &identitycenter.Error{
		Status: http.StatusNotImplemented,
		Detail: "group provisioning is not enabled in this scim-bridge: turn off Push Groups and Import Groups in Okta, or run a bridge with group support",
	}
}

func (disabledGroups) create(context.Context, identitycenter.Resource) (identitycenter.Resource, error) {
	return nil, errGroupsDisabled()
}
func (disabledGroups) get(context.Context, string) (identitycenter.Resource, error) {
	return nil, errGroupsDisabled()
}
func (disabledGroups) replace(context.Context, string, identitycenter.Resource) (identitycenter.Resource, error) {
	return nil, errGroupsDisabled()
}
func (disabledGroups) patch(context.Context, string, []identitycenter.PatchOp) (identitycenter.Resource, error) {
	return nil, errGroupsDisabled()
}
func (disabledGroups) remove(context.Context, string) error { return errGroupsDisabled() }
func (disabledGroups) list(context.Context, identitycenter.ListQuery) (identitycenter.ListResult, error) {
	return identitycenter.ListResult{}, errGroupsDisabled()
}
