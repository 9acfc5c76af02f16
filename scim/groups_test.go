package scim

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// fakeGroups records what reaches identitycenter.Groups (handler-mapping
// tests only).
type fakeGroups struct {
	mu   sync.Mutex
	last any
}

func (f *fakeGroups) got(v any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = v
}

func (f *fakeGroups) Last() any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func group(id string) identitycenter.Resource {
	return identitycenter.Resource{"id": id, "displayName": "Test SCIMv2", "meta": map[string]any{"resourceType": "Group"}}
}

func (f *fakeGroups) CreateGroup(_ context.Context, a identitycenter.Resource) (identitycenter.Resource, error) {
	f.got(a)
	return group("g-1"), nil
}
func (f *fakeGroups) GetGroup(_ context.Context, id string) (identitycenter.Resource, error) {
	f.got(id)
	return group(id), nil
}
func (f *fakeGroups) ReplaceGroup(_ context.Context, id string, a identitycenter.Resource) (identitycenter.Resource, error) {
	f.got(a)
	return group(id), nil
}
func (f *fakeGroups) PatchGroup(_ context.Context, id string, ops []identitycenter.PatchOp) (identitycenter.Resource, error) {
	f.got(ops)
	return nil, nil
}
func (f *fakeGroups) DeleteGroup(_ context.Context, id string) error {
	f.got(id)
	return nil
}
func (f *fakeGroups) ListGroups(_ context.Context, q identitycenter.ListQuery) (identitycenter.ListResult, error) {
	f.got(q)
	return identitycenter.ListResult{TotalResults: 1, StartIndex: 1, Resources: []identitycenter.Resource{group("g-1")}}, nil
}

// TestGroupPushShapes sends okta-scim-client.md §1.8–§1.12 bodies.
func TestGroupPushShapes(t *testing.T) {
	g := &fakeGroups{}
	env := newEnv(t, Config{Groups: g})
	const patch = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":`

	r := env.do(t, "GET", "/scim/v2/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100", "")
	wantPage(t, r, 1, 1, 1)
	if q := g.Last().(identitycenter.ListQuery); !reflect.DeepEqual(q.Filter, []identitycenter.Eq{{Attr: "displayName", Value: "Test SCIMv2"}}) {
		t.Errorf("filter = %+v", q.Filter)
	}

	r = env.do(t, "POST", "/scim/v2/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}`)
	if r.status != 201 || r.body["id"] != "g-1" {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}

	cases := []struct {
		body string
		want []identitycenter.PatchOp
		op   string
	}{
		{patch + `[{"op":"remove","path":"members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"},{"op":"add","path":"members","value":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]}]}`,
			[]identitycenter.PatchOp{
				{Op: "remove", Path: `members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]`},
				{Op: "add", Path: "members", Value: []any{map[string]any{"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"}}},
			}, OpUpdateMembers},
		{patch + `[{"op":"replace","value":{"id":"g-1","displayName":"Test SCIMv2"}}]}`,
			[]identitycenter.PatchOp{{Op: "replace", Value: map[string]any{"displayName": "Test SCIMv2"}}}, OpRenameGroup},
		{patch + `[{"op":"replace","path":"members","value":[]}]}`,
			[]identitycenter.PatchOp{{Op: "replace", Path: "members", Value: []any{}}}, OpUpdateMembers},
	}
	for _, c := range cases {
		r := env.do(t, "PATCH", "/scim/v2/Groups/g-1", c.body)
		if r.status != 204 {
			t.Fatalf("%s: %d %s", c.body, r.status, r.raw)
		}
		if got := g.Last().([]identitycenter.PatchOp); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", c.body, got, c.want)
		}
		lines := env.log.lines(t)
		if op := lines[len(lines)-1]["operation"]; op != c.op {
			t.Errorf("%s: operation %v, want %s", c.body, op, c.op)
		}
	}

	r = env.do(t, "PUT", "/scim/v2/Groups/g-1", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[{"value":"u-1","display":"a@b.c"}]}`)
	if r.status != 200 {
		t.Fatalf("PUT: %d %s", r.status, r.raw)
	}
	if a := g.Last().(identitycenter.Resource); a["displayName"] != "Test SCIMv2" || len(a["members"].([]any)) != 1 {
		t.Errorf("PUT attrs = %v", a)
	}
	if r := env.do(t, "DELETE", "/scim/v2/Groups/g-1", ""); r.status != 204 || r.raw != "" {
		t.Errorf("DELETE: %d %q", r.status, r.raw)
	}
	// A group without displayName never reaches the Provisioner.
	before := g.Last()
	wantSCIMError(t, env.do(t, "POST", "/scim/v2/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"members":[]}`), 400)
	if !reflect.DeepEqual(g.Last(), before) {
		t.Error("invalid group reached the provisioner")
	}
}
