package identitycenter

import (
	"net/http"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter/translate"
)

// okta-scim-client.md §2.1, with the multi-valued and empty values Okta
// mappings commonly produce (identity-center-scim.md §12.3).
const pvOktaCreate = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local",
 "name":{"givenName":"Test","familyName":"User","middleName":""},
 "emails":[{"value":"home@okta.local","type":"home"},{"primary":true,"value":"test.user@okta.local","type":"work","display":"work"}],
 "phoneNumbers":[{"value":"+1 555 0100","type":"work"},{"value":"+1 555 0101","type":"mobile"}],
 "addresses":[{"streetAddress":"1 Main St","locality":"Springfield","type":"work"}],
 "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","title":"",
 "groups":[],"password":"1mz050nq","active":true}`

func TestCreateUserTranslatesOktaBody(t *testing.T) {
	env := pvNew(t, ProvisionerConfig{})
	// Proof the translation matters: Identity Center refuses Okta's body as sent.
	if _, err := env.p.client.CreateUser(t.Context(), pvJSON(t, pvOktaCreate)); err == nil {
		t.Fatal("the emulator accepted Okta's raw body; this test proves nothing")
	}
	ctx, log := pvCtx()
	u, err := env.p.CreateUser(ctx, pvJSON(t, pvOktaCreate))
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	id, _ := u["id"].(string)
	if id == "" {
		t.Fatalf("reply has no id: %s", pvStr(u))
	}
	got := env.stored(t, id)
	if s := pvStr(got["emails"]); s != `[{"primary":true,"type":"work","value":"test.user@okta.local"}]` {
		t.Errorf("stored emails = %s", s)
	}
	if s := pvStr(got["phoneNumbers"]); s != `[{"type":"work","value":"+1 555 0100"}]` {
		t.Errorf("stored phoneNumbers = %s", s)
	}
	for _, k := range []string{"addresses", "password", "groups", "title"} {
		if _, ok := got[k]; ok {
			t.Errorf("stored user has %s: %s", k, pvStr(got[k]))
		}
	}
	if strings.Contains(pvStr(got), "1mz050nq") || strings.Contains(pvStr(log.Snapshot()), "1mz050nq") {
		t.Error("the password reached Identity Center or the request log")
	}
	pvHasRules(t, log, translate.RulePasswordDropped, translate.RuleGroupsDropped, translate.RuleEmailsSingle,
		translate.RulePhoneNumbersSingle, translate.RuleAddressIncomplete, translate.RuleEmptyDropped, translate.RuleDisplayDropped)
	rec := log.Snapshot()
	if rec.Subject["userName"] != "test.user@okta.local" || rec.Subject["id"] != id || rec.Subject["externalId"] != "00ujl29u0le5T6Aj10h7" {
		t.Errorf("subject = %v", rec.Subject)
	}
}

func TestCreateUserRefusedValueChangesNothing(t *testing.T) {
	env := pvNew(t, ProvisionerConfig{})
	ctx, _ := pvCtx()
	_, err := env.p.CreateUser(ctx, pvJSON(t, `{"userName":"a@x.io","displayName":"R&D <lead>","name":{"givenName":"A","familyName":"B"}}`))
	e := pvAsError(t, err)
	if e.Status != http.StatusBadRequest || e.ScimType != "invalidValue" || !strings.HasPrefix(e.Detail, "displayName: ") || e.Upstream {
		t.Errorf("error = %+v", e)
	}
	if n := env.emu.Stats()["CreateUser"]; n != 0 {
		t.Errorf("%d upstream CreateUser requests for a refused body", n)
	}
	if n := len(env.emu.Store().Users()); n != 0 {
		t.Errorf("%d users stored", n)
	}
}

func TestCreateUserNamePolicy(t *testing.T) {
	body := `{"userName":"jo.smith@x.io","emails":[{"value":"jo.smith@x.io"}]}`
	env := pvNew(t, ProvisionerConfig{Names: NamesReject})
	ctx, _ := pvCtx()
	_, err := env.p.CreateUser(ctx, pvJSON(t, body))
	if e := pvAsError(t, err); e.Status != 400 || !strings.HasPrefix(e.Detail, "name.givenName: ") {
		t.Errorf("reject policy: %+v", e)
	}

	env = pvNew(t, ProvisionerConfig{}) // NamesDerive is the default
	ctx, log := pvCtx()
	u, err := env.p.CreateUser(ctx, pvJSON(t, body))
	if err != nil {
		t.Fatalf("derive policy: %v", err)
	}
	got := env.stored(t, u["id"].(string))
	if pvStr(got["name"]) != `{"familyName":"smith","givenName":"jo"}` || got["displayName"] != "jo smith" {
		t.Errorf("stored name %s displayName %v", pvStr(got["name"]), got["displayName"])
	}
	pvHasRules(t, log, translate.RuleGivenNameDerived, translate.RuleFamilyNameDerived, translate.RuleDisplayNameDerived)
}

func TestCreateDuplicateIs409(t *testing.T) {
	// okta-scim-client.md §9 SPEC step 8: the same user again → 409.
	env := pvNew(t, ProvisionerConfig{})
	ctx, _ := pvCtx()
	body := `{"userName":"dup@x.io","displayName":"D U","name":{"givenName":"D","familyName":"U"},"emails":[{"primary":true,"value":"dup@x.io"}]}`
	if _, err := env.p.CreateUser(ctx, pvJSON(t, body)); err != nil {
		t.Fatal(err)
	}
	_, err := env.p.CreateUser(ctx, pvJSON(t, body))
	if e := pvAsError(t, err); e.Status != http.StatusConflict {
		t.Errorf("second create: %+v", e)
	}
}

// pvCreate makes a user through the Provisioner and returns its id.
func pvCreate(t *testing.T, env *pvEnv, userName string) string {
	t.Helper()
	ctx, _ := pvCtx()
	u, err := env.p.CreateUser(ctx, pvJSON(t, `{"userName":"`+userName+`","displayName":"Test User","name":{"givenName":"Test","familyName":"User"},
	 "emails":[{"primary":true,"value":"`+userName+`","type":"work"}],"active":true}`))
	if err != nil {
		t.Fatalf("create %s: %v", userName, err)
	}
	return u["id"].(string)
}

func TestReplaceUserEchoedPut(t *testing.T) {
	// okta-scim-client.md §1.4, §2.2: GET, then PUT the whole fetched object with changes;
	// §1.5/§1.6: the AIW app deactivates and reactivates with a PUT of active.
	env := pvNew(t, ProvisionerConfig{})
	id := pvCreate(t, env, "put@x.io")
	ctx, log := pvCtx()
	cur, err := env.p.GetUser(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	echo := pvJSON(t, pvStr(cur))
	echo["groups"] = []any{}
	echo["password"] = "s3cret"
	echo["title"] = "Manager"
	echo["active"] = false
	echo["emails"] = []any{map[string]any{"value": "put@x.io", "primary": true, "display": "put@x.io"}}
	if _, err := env.p.ReplaceUser(ctx, id, echo); err != nil {
		t.Fatalf("PUT deactivate: %v", err)
	}
	got := env.stored(t, id)
	if got["title"] != "Manager" || got["active"] != false {
		t.Errorf("after PUT: title %v active %v", got["title"], got["active"])
	}
	pvHasRules(t, log, translate.RuleReadOnlyStripped, translate.RuleGroupsDropped, translate.RulePasswordDropped, translate.RuleDisplayDropped)

	echo["active"] = true
	ctx, _ = pvCtx()
	if _, err := env.p.ReplaceUser(ctx, id, echo); err != nil {
		t.Fatalf("PUT reactivate: %v", err)
	}
	if got := env.stored(t, id); got["active"] != true {
		t.Errorf("after reactivate: active %v", got["active"])
	}
}

func TestPatchUserOktaDeactivateReactivate(t *testing.T) {
	// okta-scim-client.md §1.5, §1.6: {"op":"replace","value":{"active":false}}.
	env := pvNew(t, ProvisionerConfig{})
	id := pvCreate(t, env, "patch@x.io")
	for _, active := range []bool{false, true} {
		ctx, log := pvCtx()
		u, err := env.p.PatchUser(ctx, id, []PatchOp{{Op: "replace", Value: map[string]any{"active": active}}})
		if err != nil {
			t.Fatalf("active=%v: %v", active, err)
		}
		if u["active"] != active || env.stored(t, id)["active"] != active {
			t.Errorf("active=%v: reply %v stored %v", active, u["active"], env.stored(t, id)["active"])
		}
		pvHasRules(t, log, translate.RulePatchPathlessSplit)
	}
}

func TestPatchUserSeveralAttributesPathless(t *testing.T) {
	// identity-center-scim.md §12.18: a path-less PATCH touching several attributes is refused by AWS.
	env := pvNew(t, ProvisionerConfig{})
	id := pvCreate(t, env, "multi@x.io")
	ops := []PatchOp{{Op: "replace", Value: map[string]any{
		"id": id, "title": "Lead", "displayName": "Jo Smith", "name": map[string]any{"givenName": "Jo", "familyName": "Smith"},
	}}}
	if _, err := env.p.client.PatchUser(t.Context(), id, ops); err == nil {
		t.Fatal("the emulator accepted a multi-attribute path-less PATCH; this test proves nothing")
	}
	ctx, _ := pvCtx()
	if _, err := env.p.PatchUser(ctx, id, ops); err != nil {
		t.Fatalf("PatchUser: %v", err)
	}
	got := env.stored(t, id)
	if got["title"] != "Lead" || got["displayName"] != "Jo Smith" || pvStr(got["name"]) != `{"familyName":"Smith","givenName":"Jo"}` {
		t.Errorf("stored %s", pvStr(got))
	}
	if n := env.emu.Stats()["PatchUser"]; n != 2 { // the refused raw one above, then ours
		t.Errorf("%d upstream PatchUser requests, want 1 for ours", n-1)
	}
}

func TestPatchUserSplitsTwoOpsOnActive(t *testing.T) {
	// identity-center-scim.md §4 PatchUser: "no more than one op on userName or active in one request".
	env := pvNew(t, ProvisionerConfig{})
	id := pvCreate(t, env, "split@x.io")
	ops := []PatchOp{
		{Op: "replace", Path: "active", Value: false},
		{Op: "replace", Path: "userName", Value: "split2@x.io"},
		{Op: "replace", Path: "active", Value: true},
	}
	env.emu.ResetStats()
	ctx, log := pvCtx()
	u, err := env.p.PatchUser(ctx, id, ops)
	if err != nil {
		t.Fatalf("PatchUser: %v", err)
	}
	if n := env.emu.Stats()["PatchUser"]; n != 2 {
		t.Errorf("%d upstream PatchUser requests, want 2", n)
	}
	got := env.stored(t, id)
	if got["active"] != true || got["userName"] != "split2@x.io" || u["userName"] != "split2@x.io" {
		t.Errorf("stored active %v userName %v", got["active"], got["userName"])
	}
	pvHasRules(t, log, translate.RulePatchKeySplit)
}

func TestPatchUserPasswordOnlySendsNoPatch(t *testing.T) {
	// okta-scim-client.md §1.7 password sync; identity-center-scim.md §4: password unsupported.
	env := pvNew(t, ProvisionerConfig{})
	id := pvCreate(t, env, "pw@x.io")
	env.emu.ResetStats()
	ctx, log := pvCtx()
	u, err := env.p.PatchUser(ctx, id, []PatchOp{{Op: "replace", Value: map[string]any{"password": "hunter2"}}})
	if err != nil {
		t.Fatalf("PatchUser: %v", err)
	}
	if u["id"] != id || u["userName"] != "pw@x.io" {
		t.Errorf("reply %s", pvStr(u))
	}
	st := env.emu.Stats()
	if st["PatchUser"] != 0 || st["GetUser"] != 1 {
		t.Errorf("upstream stats %v, want no PatchUser and one GetUser", st)
	}
	pvHasRules(t, log, translate.RulePasswordDropped, translate.RulePatchNothingLeft)
	if strings.Contains(pvStr(log.Snapshot()), "hunter2") {
		t.Error("password in the request log")
	}
}

func TestPatchUserRefusedSendsNothing(t *testing.T) {
	env := pvNew(t, ProvisionerConfig{})
	id := pvCreate(t, env, "ref@x.io")
	cases := []struct {
		ops      []PatchOp
		scimType string
		prefix   string
	}{
		{[]PatchOp{{Op: "remove", Value: map[string]any{"title": "x"}}}, "noTarget", "path: "},
		{[]PatchOp{{Op: "replace", Path: "title", Value: "ok"}, {Op: "remove", Path: "active"}}, "mutability", "active: "},
		{[]PatchOp{{Op: "replace", Path: "roles", Value: []any{map[string]any{"value": "r"}}}}, "mutability", "roles: "},
		{[]PatchOp{{Op: "replace", Value: map[string]any{"nickName": "a:b"}}}, "invalidValue", "nickName: "},
	}
	env.emu.ResetStats()
	for _, c := range cases {
		ctx, _ := pvCtx()
		_, err := env.p.PatchUser(ctx, id, c.ops)
		e := pvAsError(t, err)
		if e.Status != 400 || e.ScimType != c.scimType || !strings.HasPrefix(e.Detail, c.prefix) {
			t.Errorf("%s: %+v", pvStr(c.ops), e)
		}
	}
	if n := env.emu.Stats().Requests(); n != 0 {
		t.Errorf("%d upstream requests for refused PATCHes", n)
	}
	if got := env.stored(t, id); got["title"] != nil {
		t.Errorf("a refused PATCH changed title to %v", got["title"])
	}
}

func TestGetAndDeleteUser(t *testing.T) {
	env := pvNew(t, ProvisionerConfig{})
	id := pvCreate(t, env, "del@x.io")
	ctx, _ := pvCtx()
	if err := env.p.DeleteUser(ctx, id); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err := env.p.GetUser(ctx, id)
	if e := pvAsError(t, err); e.Status != 404 {
		t.Errorf("GetUser after delete: %+v", e)
	}
}

func TestPatchUserEnterpriseEmailsAndClear(t *testing.T) {
	// Okta-style path-less values for the enterprise extension and emails,
	// plus an empty value meaning "clear" (identity-center-scim.md §4 Empty strings).
	env := pvNew(t, ProvisionerConfig{})
	id := pvCreate(t, env, "ent@x.io")
	ctx, _ := pvCtx()
	if _, err := env.p.PatchUser(ctx, id, []PatchOp{{Op: "replace", Path: "title", Value: "Old"}}); err != nil {
		t.Fatal(err)
	}
	ctx, log := pvCtx()
	_, err := env.p.PatchUser(ctx, id, []PatchOp{{Op: "replace", Value: map[string]any{
		translate.SchemaEnterprise: map[string]any{"department": "Eng", "manager": map[string]any{"value": "m-1", "displayName": "Boss"}},
		"emails":                   []any{map[string]any{"value": "ent@x.io", "display": "x"}, map[string]any{"value": "ent2@x.io", "primary": "true"}},
		"title":                    "",
	}}})
	if err != nil {
		t.Fatalf("PatchUser: %v", err)
	}
	got := env.stored(t, id)
	if s := pvStr(got[translate.SchemaEnterprise]); s != `{"department":"Eng","manager":{"value":"m-1"}}` {
		t.Errorf("stored enterprise %s", s)
	}
	if s := pvStr(got["emails"]); s != `[{"primary":true,"value":"ent2@x.io"}]` {
		t.Errorf("stored emails %s", s)
	}
	if _, ok := got["title"]; ok {
		t.Errorf("title not cleared: %v", got["title"])
	}
	pvHasRules(t, log, translate.RulePatchEmptyAsRemove, translate.RuleManagerDisplayNameDropped, translate.RuleEmailsSingle, translate.RuleBooleanCoerced)
}
