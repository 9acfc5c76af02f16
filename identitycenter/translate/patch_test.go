package translate

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func decodeOps(t *testing.T, s string) []Op {
	t.Helper()
	var ops []Op
	if err := json.Unmarshal([]byte(s), &ops); err != nil {
		t.Fatalf("bad test JSON: %v", err)
	}
	return ops
}

func mustPatch(t *testing.T, ops string) ([][]Op, []string) {
	t.Helper()
	b, rules, err := Patch(decodeOps(t, ops))
	if err != nil {
		t.Fatalf("Patch: %v", err)
	}
	return b, rules
}

func TestPatchOktaDeactivate(t *testing.T) {
	// okta-scim-client.md §1.5: OIN deactivation; identity-center-scim.md §5 PATCH without path.
	b, rules := mustPatch(t, `[{"op":"replace","value":{"active":false}}]`)
	if got := asJSON(b); got != `[[{"op":"replace","path":"active","value":false}]]` {
		t.Errorf("batches = %s", got)
	}
	if !slices.Contains(rules, RulePatchPathlessSplit) {
		t.Errorf("rules %v lack %s", rules, RulePatchPathlessSplit)
	}
}

func TestPatchPathlessSeveralAttributes(t *testing.T) {
	// identity-center-scim.md §12.18: "split such an op into one op per attribute".
	b, rules := mustPatch(t, `[{"op":"replace","value":{"id":"u1","title":"Boss","name":{"givenName":"Jo","middleName":""},
	 "emails":[{"value":"a@x.io","display":"a"},{"value":"b@x.io"}],"password":"pw",
	 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","manager":{"value":"m1","displayName":"M"}}}}]`)
	want := `[[{"op":"replace","path":"emails","value":[{"primary":true,"value":"a@x.io"}]},` +
		`{"op":"remove","path":"name.middleName"},{"op":"replace","path":"name.givenName","value":"Jo"},` +
		`{"op":"replace","path":"title","value":"Boss"},` +
		`{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Eng"},` +
		`{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"m1"}}]]`
	if got := asJSON(b); !sameOps(t, got, want) {
		t.Errorf("batches = %s\nwant      %s", got, want)
	}
	for _, r := range []string{RulePatchPathlessSplit, RulePatchIDDropped, RulePasswordDropped, RuleEmailsSingle, RuleEmailPrimary, RuleDisplayDropped, RuleManagerDisplayNameDropped, RulePatchEmptyAsRemove} {
		if !slices.Contains(rules, r) {
			t.Errorf("rules %v lack %s", rules, r)
		}
	}
	if strings.Contains(asJSON(b), "pw") {
		t.Error("password reached the upstream PATCH")
	}
}

// sameOps compares two batch lists ignoring op order inside a batch.
func sameOps(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w [][]any
	_ = json.Unmarshal([]byte(got), &g)
	_ = json.Unmarshal([]byte(want), &w)
	if len(g) != len(w) {
		return false
	}
	for i := range g {
		if len(g[i]) != len(w[i]) {
			return false
		}
		for _, op := range w[i] {
			if !slices.ContainsFunc(g[i], func(x any) bool { return asJSON(x) == asJSON(op) }) {
				return false
			}
		}
	}
	return true
}

func TestPatchSplitsActiveAndUserName(t *testing.T) {
	// identity-center-scim.md §4 PatchUser: "no more than one op on userName or active in one request".
	b, rules := mustPatch(t, `[{"op":"replace","path":"active","value":false},{"op":"replace","path":"title","value":"T"},
	 {"op":"Replace","path":"Active","value":"True"},{"op":"replace","path":"userName","value":"a@x.io"},{"op":"replace","path":"userName","value":"b@x.io"}]`)
	want := `[[{"op":"replace","path":"active","value":false},{"op":"replace","path":"title","value":"T"}],` +
		`[{"op":"replace","path":"active","value":true},{"op":"replace","path":"userName","value":"a@x.io"}],` +
		`[{"op":"replace","path":"userName","value":"b@x.io"}]]`
	if got := asJSON(b); got != want {
		t.Errorf("batches = %s\nwant      %s", got, want)
	}
	for _, r := range []string{RulePatchKeySplit, RulePatchOpCase, RuleNameCase, RuleBooleanCoerced} {
		if !slices.Contains(rules, r) {
			t.Errorf("rules %v lack %s", rules, r)
		}
	}
}

func TestPatchNothingLeft(t *testing.T) {
	// okta-scim-client.md §1.7: password sync by PATCH; identity-center-scim.md §4: password unsupported.
	b, rules := mustPatch(t, `[{"op":"replace","value":{"password":"hunter2"}}]`)
	if len(b) != 0 {
		t.Errorf("batches = %s, want none", asJSON(b))
	}
	for _, r := range []string{RulePasswordDropped, RulePatchNothingLeft} {
		if !slices.Contains(rules, r) {
			t.Errorf("rules %v lack %s", rules, r)
		}
	}
}

func TestPatchAddToMultiBecomesReplace(t *testing.T) {
	// identity-center-scim.md §4: "emails, addresses, phoneNumbers and roles take at most ONE value."
	b, rules := mustPatch(t, `[{"op":"add","path":"phoneNumbers","value":[{"value":"+1 555","type":"work"}]}]`)
	if got := asJSON(b); got != `[[{"op":"replace","path":"phoneNumbers","value":[{"type":"work","value":"+1 555"}]}]]` {
		t.Errorf("batches = %s", got)
	}
	if !slices.Contains(rules, RulePatchAddAsReplace) {
		t.Errorf("rules %v lack %s", rules, RulePatchAddAsReplace)
	}
}

func TestPatchFilteredPath(t *testing.T) {
	// identity-center-scim.md §4 PatchUser: "path filters use eq only."
	// identity-center-scim.md §4 "at most ONE value": the filtered replace
	// becomes a replace of the one value (patch_filter.go).
	b, rules := mustPatch(t, `[{"op":"replace","path":"emails[type EQ \"work\"].value","value":"new@x.io"}]`)
	if got := asJSON(b); got != `[[{"op":"replace","path":"emails","value":[{"primary":true,"type":"work","value":"new@x.io"}]}]]` {
		t.Errorf("batches = %s", got)
	}
	if !slices.Contains(rules, RulePatchFilterAsReplace) {
		t.Errorf("rules %v lack %s", rules, RulePatchFilterAsReplace)
	}
	b, rules = mustPatch(t, `[{"op":"replace","path":"emails[type eq \"work\"].display","value":"x"}]`)
	if len(b) != 0 || !slices.Contains(rules, RuleDisplayDropped) {
		t.Errorf("display patch: batches %s rules %v", asJSON(b), rules)
	}
}

func TestPatchRefused(t *testing.T) {
	cases := []struct{ ops, attr, scimType, reason string }{
		// identity-center-scim.md §4 PatchUser: "path is required for remove."
		{`[{"op":"remove","value":{"title":"x"}}]`, "path", "noTarget", "requires a path"},
		// §4 PatchUser: "no remove of userName or active".
		{`[{"op":"remove","path":"active"}]`, "active", "mutability", "cannot be removed"},
		{`[{"op":"remove","path":"userName"}]`, "userName", "mutability", "cannot be removed"},
		{`[{"op":"remove","path":"name.givenName"}]`, "name.givenName", "mutability", "cannot be removed"},
		// §4 PatchUser: only the listed attributes can be modified (roles is not).
		{`[{"op":"replace","path":"roles","value":[{"value":"r"}]}]`, "roles", "mutability", "PATCH"},
		{`[{"op":"replace","value":{"roles":[{"value":"r"}]}}]`, "roles", "mutability", "PATCH"},
		{`[{"op":"replace","path":"id","value":"x"}]`, "id", "mutability", "read-only"},
		{`[{"op":"replace","path":"favouriteColour","value":"x"}]`, "favouriteColour", "invalidPath", "attribute"},
		// §4 PatchUser: "path filters use eq only."
		{`[{"op":"replace","path":"emails[type co \"wo\"].value","value":"x@x.io"}]`, `emails[type co "wo"].value`, "invalidFilter", "eq"},
		{`[{"op":"replace","path":"emails[type eq \"work\" or type eq \"home\"].value","value":"x@x.io"}]`, `emails[type eq "work" or type eq "home"].value`, "invalidFilter", "eq"},
		// A remove's filter reaches Identity Center: one eq term (UNCONFIRMED whether and is taken).
		{`[{"op":"remove","path":"emails[type eq \"work\" and primary eq true]"}]`, `emails[type eq "work" and primary eq true]`, "invalidFilter", "one eq term"},
		{`[{"op":"replace","path":"emails[type eq \"work\" and primary eq true].value","value":""}]`, `emails[type eq "work" and primary eq true].value`, "invalidFilter", "one eq term"},
		// Values get the create rules: §4 Characters, Empty strings.
		{`[{"op":"replace","value":{"displayName":"a<b"}}]`, "displayName", "invalidValue", "<>;:%"},
		{`[{"op":"replace","path":"userName","value":""}]`, "userName", "invalidValue", "must not be empty"},
		{`[{"op":"replace","path":"userName","value":"Administrator"}]`, "userName", "invalidValue", "reserved"},
		{`[{"op":"replace","value":{"active":"nope"}}]`, "active", "invalidValue", "boolean"},
		{`[{"op":"replace","value":"x"}]`, "value", "invalidSyntax", "object"},
		{`[{"op":"move","path":"title","value":"x"}]`, "op", "invalidSyntax", "add, replace or remove"},
	}
	for _, c := range cases {
		b, _, err := Patch(decodeOps(t, c.ops))
		var te *Error
		if !errors.As(err, &te) {
			t.Errorf("%s: err = %v, batches %s; want *Error", c.ops, err, asJSON(b))
			continue
		}
		if te.Attribute != c.attr || te.ScimType != c.scimType || !strings.HasPrefix(te.Detail, c.attr+": ") || !strings.Contains(te.Detail, c.reason) {
			t.Errorf("%s: got %+v; want %s %s %q", c.ops, te, c.attr, c.scimType, c.reason)
		}
		if b != nil {
			t.Errorf("%s: batches returned with an error", c.ops)
		}
	}
}

func TestPatchRefusalSendsNothing(t *testing.T) {
	// A bad op anywhere means no upstream request at all: never a half-applied change.
	b, _, err := Patch(decodeOps(t, `[{"op":"replace","path":"title","value":"ok"},{"op":"replace","path":"nickName","value":"bad%"}]`))
	if err == nil || b != nil {
		t.Errorf("got %s, %v; want an error and no batches", asJSON(b), err)
	}
}

func TestRefusalQuotesOddAttributeNames(t *testing.T) {
	// A detail reads "<attribute>: why"; an empty or odd name is quoted so
	// the detail never starts with ": " and carries no raw control character.
	for ops, want := range map[string]string{
		`[{"op":"replace","value":{"":1}}]`:                 `"": `,
		`[{"op":"replace","value":{"a\nb":1}}]`:             `"a\nb": `,
		`[{"op":"replace","path":" title: x","value":"y"}]`: `" title: x": `,
		`[{"op":"replace","path":"colour","value":"y"}]`:    `colour: `,
	} {
		_, _, err := Patch(decodeOps(t, ops))
		var te *Error
		if !errors.As(err, &te) || !strings.HasPrefix(te.Detail, want) || strings.ContainsAny(te.Detail, "\n\x00") {
			t.Errorf("%s: detail %q, want it to start with %q", ops, err, want)
		}
	}
}
