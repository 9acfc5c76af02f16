package translate

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON: %v", err)
	}
	return m
}

func mustUser(t *testing.T, body string, opts Options) (map[string]any, []string) {
	t.Helper()
	out, rules, err := User(decode(t, body), opts)
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	return out, rules
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// okta-scim-client.md §2.1: Okta's documented create body.
const oktaCreate = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local",
 "name":{"givenName":"Test","familyName":"User"},
 "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
 "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7",
 "groups":[],"password":"1mz050nq","active":true}`

func TestUserOktaCreateBody(t *testing.T) {
	out, rules := mustUser(t, oktaCreate, Options{})
	want := decode(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local",
 "name":{"givenName":"Test","familyName":"User"},
 "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
 "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","active":true}`)
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got  %s\nwant %s", asJSON(out), asJSON(want))
	}
	// identity-center-scim.md §4 Unsupported: password; "groups cannot be set in CreateUser".
	for _, r := range []string{RulePasswordDropped, RuleGroupsDropped} {
		if !slices.Contains(rules, r) {
			t.Errorf("rules %v lack %s", rules, r)
		}
	}
	if strings.Contains(asJSON(out), "1mz050nq") {
		t.Error("password reached the upstream body")
	}
}

func TestUserMultiValuedKeepsPrimary(t *testing.T) {
	// identity-center-scim.md §4: "emails, addresses, phoneNumbers and roles take at most ONE value."
	out, rules := mustUser(t, `{"userName":"a@x.io","displayName":"A B","name":{"givenName":"A","familyName":"B"},
	 "emails":[{"value":"home@x.io","type":"home"},{"value":"work@x.io","type":"work","primary":"True","display":"Work"}],
	 "phoneNumbers":[{"value":"+1 555 0100","type":"work"},{"value":"+1 555 0101","type":"mobile"}],
	 "roles":[{"value":"dev"},{"value":"ops","primary":true}]}`, Options{})
	if got := asJSON(out["emails"]); got != `[{"primary":true,"type":"work","value":"work@x.io"}]` {
		t.Errorf("emails = %s", got)
	}
	if got := asJSON(out["phoneNumbers"]); got != `[{"type":"work","value":"+1 555 0100"}]` {
		t.Errorf("phoneNumbers = %s (want the first, no primary given)", got)
	}
	if got := asJSON(out["roles"]); got != `[{"primary":true,"value":"ops"}]` {
		t.Errorf("roles = %s", got)
	}
	for _, r := range []string{RuleEmailsSingle, RulePhoneNumbersSingle, RuleRolesSingle, RuleDisplayDropped, RuleBooleanCoerced} {
		if !slices.Contains(rules, r) {
			t.Errorf("rules %v lack %s", rules, r)
		}
	}
}

func TestUserEmailMarkedPrimary(t *testing.T) {
	// identity-center-scim.md §4: "If emails is sent, its single value must have primary: true."
	out, rules := mustUser(t, `{"userName":"a@x.io","displayName":"A B","name":{"givenName":"A","familyName":"B"},
	 "emails":[{"value":"a@x.io","primary":false}]}`, Options{})
	if got := asJSON(out["emails"]); got != `[{"primary":true,"value":"a@x.io"}]` {
		t.Errorf("emails = %s", got)
	}
	if !slices.Contains(rules, RuleEmailPrimary) {
		t.Errorf("rules %v lack %s", rules, RuleEmailPrimary)
	}
}

func TestUserEmptyStringsAbsent(t *testing.T) {
	// identity-center-scim.md §4 Empty strings: "An empty string "" is rejected."
	out, rules := mustUser(t, `{"userName":"a@x.io","displayName":"A B","title":"","nickName":null,
	 "name":{"givenName":"A","familyName":"B","middleName":""},
	 "emails":[{"value":"","type":"work"},{"value":"a@x.io","type":""}],
	 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"","manager":{"value":""}}}`, Options{})
	want := decode(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@x.io","displayName":"A B",
	 "name":{"givenName":"A","familyName":"B"},"emails":[{"value":"a@x.io","primary":true}]}`)
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got  %s\nwant %s", asJSON(out), asJSON(want))
	}
	if !slices.Contains(rules, RuleEmptyDropped) {
		t.Errorf("rules %v lack %s", rules, RuleEmptyDropped)
	}
	if strings.Contains(asJSON(out), `""`) {
		t.Errorf("an empty string reached the upstream body: %s", asJSON(out))
	}
}

func TestUserEchoedPutStripped(t *testing.T) {
	// okta-scim-client.md §2.2: the PUT echoes id, meta, groups, display and password.
	out, rules := mustUser(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:okta:custom"],
	 "id":"9067729b3d-94f1e0b3","meta":{"resourceType":"User","version":"W/1"},"groups":[{"value":"g1","display":"G"}],
	 "password":"secret","userName":"a@x.io","displayName":"A B","name":{"givenName":"A","familyName":"B"},
	 "emails":[{"value":"a@x.io","primary":true,"display":"a@x.io"}],"active":false,
	 "urn:okta:custom:attr":"x"}`, Options{})
	want := decode(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@x.io","displayName":"A B",
	 "name":{"givenName":"A","familyName":"B"},"emails":[{"value":"a@x.io","primary":true}],"active":false}`)
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got  %s\nwant %s", asJSON(out), asJSON(want))
	}
	for _, r := range []string{RuleReadOnlyStripped, RuleSchemasRebuilt, RuleGroupsDropped, RulePasswordDropped, RuleDisplayDropped, RuleUnknownDropped} {
		if !slices.Contains(rules, r) {
			t.Errorf("rules %v lack %s", rules, r)
		}
	}
}

func TestUserUnsupportedDropped(t *testing.T) {
	// identity-center-scim.md §4 Unsupported: "password, ims, photos, x509Certificates, entitlements".
	out, rules := mustUser(t, `{"userName":"a@x.io","displayName":"A B","name":{"givenName":"A","familyName":"B"},
	 "ims":[{"value":"a"}],"photos":[{"value":"https://p"}],"x509Certificates":[{"value":"MII"}],"entitlements":[{"value":"e"}]}`, Options{})
	for _, k := range []string{"ims", "photos", "x509Certificates", "entitlements"} {
		if _, ok := out[k]; ok {
			t.Errorf("%s was sent", k)
		}
	}
	if !slices.Contains(rules, RuleUnsupportedDropped) {
		t.Errorf("rules %v lack %s", rules, RuleUnsupportedDropped)
	}
}

func TestUserEnterprise(t *testing.T) {
	// identity-center-scim.md §4: enterprise "manager{value}"; "manager.displayName is not supported".
	out, rules := mustUser(t, `{"userName":"a@x.io","displayName":"A B","name":{"givenName":"A","familyName":"B"},
	 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"Department":"Eng","manager":{"value":"m1","displayName":"Boss","$ref":"../Users/m1"}},
	 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter":"CC1"}`, Options{})
	if got := asJSON(out[SchemaEnterprise]); got != `{"costCenter":"CC1","department":"Eng","manager":{"value":"m1"}}` {
		t.Errorf("enterprise = %s", got)
	}
	if got := asJSON(out["schemas"]); got != `["`+SchemaUser+`","`+SchemaEnterprise+`"]` {
		t.Errorf("schemas = %s", got)
	}
	for _, r := range []string{RuleManagerDisplayNameDropped, RuleNameCase} {
		if !slices.Contains(rules, r) {
			t.Errorf("rules %v lack %s", rules, r)
		}
	}
}

func TestUserAddresses(t *testing.T) {
	// identity-center-scim.md §4 Lifecycle: "Okta address updates need all five fields … If any is missing, the push fails."
	full := `{"streetAddress":"1 Main St","locality":"Springfield","region":"IL","postalCode":"62701","country":"US","type":"work"}`
	other := `{"streetAddress":"2 Side St","locality":"Shelbyville","region":"IL","postalCode":"62565","country":"US","type":"home"}`
	out, rules := mustUser(t, `{"userName":"a@x.io","displayName":"A B","name":{"givenName":"A","familyName":"B"},"addresses":[`+full+`,`+other+`]}`, Options{})
	if !slices.Contains(rules, RuleAddressesSingle) {
		t.Errorf("rules %v lack %s", rules, RuleAddressesSingle)
	}
	if got := asJSON(out["addresses"]); got != `[`+full+`]` && !reflect.DeepEqual(out["addresses"], []any{decode(t, full)}) {
		t.Errorf("complete address changed: %s", got)
	}
	for _, missing := range addressParts {
		addr := decode(t, full)
		addr[missing] = ""
		in := decode(t, `{"userName":"a@x.io","displayName":"A B","name":{"givenName":"A","familyName":"B"}}`)
		in["addresses"] = []any{addr}
		out, rules, err := User(in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := out["addresses"]; ok {
			t.Errorf("address without %s was sent", missing)
		}
		if !slices.Contains(rules, RuleAddressIncomplete) {
			t.Errorf("without %s: rules %v lack %s", missing, rules, RuleAddressIncomplete)
		}
	}
}

func TestUserNamesDerived(t *testing.T) {
	// identity-center-scim.md §4 Required: "userName, name.givenName, name.familyName, displayName"; §12.3.
	cases := []struct {
		body                   string
		given, family, display string
		derivedRules           []string
	}{
		{`{"userName":"jo@x.io","displayName":"Jo Ann Smith"}`, "Jo", "Smith", "Jo Ann Smith", []string{RuleGivenNameDerived, RuleFamilyNameDerived}},
		{`{"userName":"jo@x.io","name":{"givenName":"Jo","familyName":"Smith"}}`, "Jo", "Smith", "Jo Smith", []string{RuleDisplayNameDerived}},
		{`{"userName":"jo@x.io","name":{"formatted":"Dr Jo Smith"}}`, "Dr", "Smith", "Dr Jo Smith", []string{RuleGivenNameDerived, RuleFamilyNameDerived, RuleDisplayNameDerived}},
		{`{"userName":"jo.smith@x.io"}`, "jo", "smith", "jo smith", []string{RuleGivenNameDerived, RuleFamilyNameDerived, RuleDisplayNameDerived}},
		{`{"userName":"cher@x.io"}`, "cher", "cher", "cher cher", []string{RuleGivenNameDerived, RuleFamilyNameDerived, RuleDisplayNameDerived}},
		{`{"userName":"jo@x.io","displayName":"Cher","name":{"givenName":"","familyName":"Cher"}}`, "Cher", "Cher", "Cher", []string{RuleGivenNameDerived}},
	}
	for _, c := range cases {
		out, rules := mustUser(t, c.body, Options{})
		name, _ := out["name"].(map[string]any)
		if name["givenName"] != c.given || name["familyName"] != c.family || out["displayName"] != c.display {
			t.Errorf("%s: got given=%v family=%v display=%v", c.body, name["givenName"], name["familyName"], out["displayName"])
		}
		for _, r := range c.derivedRules {
			if !slices.Contains(rules, r) {
				t.Errorf("%s: rules %v lack %s", c.body, rules, r)
			}
		}
	}
}

func TestUserNamesRejected(t *testing.T) {
	cases := map[string]string{
		`{"userName":"jo@x.io","displayName":"Jo Smith","name":{"familyName":"Smith"}}`: "name.givenName",
		`{"userName":"jo@x.io","displayName":"Jo Smith","name":{"givenName":"Jo"}}`:     "name.familyName",
		`{"userName":"jo@x.io","name":{"givenName":"Jo","familyName":"Smith"}}`:         "displayName",
		`{"displayName":"Jo Smith","name":{"givenName":"Jo","familyName":"Smith"}}`:     "userName",
	}
	for body, attr := range cases {
		_, _, err := User(decode(t, body), Options{Names: NamesReject})
		var te *Error
		if !errors.As(err, &te) || te.Attribute != attr || te.ScimType != "invalidValue" || !strings.HasPrefix(te.Detail, attr+": ") {
			t.Errorf("%s: err = %v, want an invalidValue naming %s", body, err, attr)
		}
	}
}

func TestUserRefusedValues(t *testing.T) {
	base := func(mod string) string {
		return `{"userName":"a@x.io","displayName":"A B","name":{"givenName":"A","familyName":"B"}` + mod + `}`
	}
	cases := []struct{ body, attr, reason string }{
		// identity-center-scim.md §4 Lengths: "userName 1–128".
		{`{"userName":"` + strings.Repeat("a", 129) + `","displayName":"A B","name":{"givenName":"A","familyName":"B"}}`, "userName", "at most 128"},
		// §4 Lengths: most strings 1–1024.
		{base(`,"title":"` + strings.Repeat("t", 1025) + `"`), "title", "at most 1024"},
		// §4 Lengths: externalId 1–256.
		{base(`,"externalId":"` + strings.Repeat("e", 257) + `"`), "externalId", "at most 256"},
		// §4 Characters: userName has no spaces.
		{`{"userName":"a b@x.io","displayName":"A B","name":{"givenName":"A","familyName":"B"}}`, "userName", "no spaces"},
		{`{"userName":"a\tb","displayName":"A B","name":{"givenName":"A","familyName":"B"}}`, "userName", "U+0009"},
		// §4 Characters: "Do not use <>;:% in synced attributes."
		{base(`,"title":"R&D <lead>"`), "title", "<>;:%"},
		{`{"userName":"a@x.io","displayName":"A; B","name":{"givenName":"A","familyName":"B"}}`, "displayName", "<>;:%"},
		{`{"userName":"a@x.io","displayName":"A B","name":{"givenName":"A%","familyName":"B"}}`, "name.givenName", "<>;:%"},
		// §4 Characters: other strings allow only letters, marks, symbols, numbers, punctuation and some spaces.
		{base(`,"phoneNumbers":[{"value":"+1\u0007555"}]`), "phoneNumbers.value", "U+0007"},
		// §4 Uniqueness: reserved names.
		{`{"userName":"Administrator","displayName":"A B","name":{"givenName":"A","familyName":"B"}}`, "userName", "reserved"},
		{`{"userName":"awsadministrators","displayName":"A B","name":{"givenName":"A","familyName":"B"}}`, "userName", "reserved"},
		// Types.
		{base(`,"active":"maybe"`), "active", "boolean"},
		{base(`,"title":42`), "title", "string"},
	}
	for _, c := range cases {
		in := decode(t, c.body)
		before := asJSON(in)
		_, _, err := User(in, Options{})
		var te *Error
		if !errors.As(err, &te) {
			t.Errorf("%.60s: err = %v, want *Error", c.body, err)
			continue
		}
		if te.Attribute != c.attr || te.ScimType != "invalidValue" || !strings.HasPrefix(te.Detail, c.attr+": ") || !strings.Contains(te.Detail, c.reason) {
			t.Errorf("%.60s: got %+v, want attribute %s and %q", c.body, te, c.attr, c.reason)
		}
		if asJSON(in) != before {
			t.Errorf("%.60s: input was modified", c.body)
		}
	}
}

func TestUserAllowedCharacters(t *testing.T) {
	// identity-center-scim.md §4 Characters: other strings may hold spaces, no-break and ideographic spaces, accents.
	out, _ := mustUser(t, `{"userName":"zoë.o'brien+aws@x.io","displayName":"Zoë\u00a0O'Brien\u3000(R&D)","name":{"givenName":"Zoë","familyName":"O'Brien"},
	 "profileUrl":"https://x.io/u/zoe","phoneNumbers":[{"value":"tel:+1-555-0100"}]}`, Options{})
	if out["displayName"] != "Zoë\u00a0O'Brien\u3000(R&D)" || out["userName"] != "zoë.o'brien+aws@x.io" {
		t.Errorf("allowed values were changed: %s", asJSON(out))
	}
}

func TestUserBadSecondaryValueIgnored(t *testing.T) {
	// Only the kept value is checked: a dropped secondary email cannot fail the create.
	out, _ := mustUser(t, `{"userName":"a@x.io","displayName":"A B","name":{"givenName":"A","familyName":"B"},
	 "emails":[{"value":"a@x.io","primary":true},{"value":"bad\u0001@x.io"}]}`, Options{})
	if got := asJSON(out["emails"]); got != `[{"primary":true,"value":"a@x.io"}]` {
		t.Errorf("emails = %s", got)
	}
}

func TestUserOddCasing(t *testing.T) {
	// RFC 7643 §2.1: attribute names are case-insensitive; be liberal in what we accept.
	out, rules := mustUser(t, `{"UserName":"a@x.io","DISPLAYNAME":"A B","Name":{"GivenName":"A","familyname":"B"},
	 "Emails":{"Value":"a@x.io","Primary":"TRUE"},"Active":"true"}`, Options{})
	want := decode(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@x.io","displayName":"A B",
	 "name":{"givenName":"A","familyName":"B"},"emails":[{"value":"a@x.io","primary":true}],"active":true}`)
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got  %s\nwant %s", asJSON(out), asJSON(want))
	}
	for _, r := range []string{RuleNameCase, RuleBooleanCoerced} {
		if !slices.Contains(rules, r) {
			t.Errorf("rules %v lack %s", rules, r)
		}
	}
}

func TestUserOktaSpecSuiteBody(t *testing.T) {
	// okta-scim-client.md §9 SPEC step 6 body A passes with no rule needed but the schemas it already has.
	out, rules := mustUser(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"RunscopeA@atko.com","name":{"givenName":"Runscope123","familyName":"Abcdefghi123"},"emails":[{"primary":true,"value":"RunscopeA@atko.com","type":"work"}],"displayName":"Runscope123 Abcdefghi123","active":true}`, Options{})
	if len(rules) != 0 {
		t.Errorf("rules = %v, want none", rules)
	}
	if out["userName"] != "RunscopeA@atko.com" {
		t.Errorf("userName = %v", out["userName"])
	}
}

func TestUserRuleOrderIsStable(t *testing.T) {
	// The rules go on the request log line in the order applied; the same
	// body must give the same line every time, whatever Go's map order.
	body := `{"userName":"u@x.io","name":{"givenName":"U","familyName":"X"},"displayName":"U X",
	 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"","displayName":"Boss","ref":"x","Extra":1}},
	 "emails":[{"value":"a@x.io","primary":false,"Primary":true},{"value":"b@x.io","PRIMARY":"true","primary":false}]}`
	first, firstRules := mustUser(t, body, Options{})
	for range 50 {
		out, rules := mustUser(t, body, Options{})
		if !slices.Equal(rules, firstRules) || !reflect.DeepEqual(out, first) {
			t.Fatalf("run 1: %s %v\nlater: %s %v", asJSON(first), firstRules, asJSON(out), rules)
		}
	}
}
