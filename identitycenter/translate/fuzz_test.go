package translate_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/identitycenter/translate"
)

// The fuzz targets hold translate to its contract on any input: it never
// panics, never modifies its input, answers the same twice, and what it
// returns without an error is accepted by the Identity Center emulator, which
// refuses what AWS refuses (identity-center-scim.md §4). A refusal comes back
// as a *translate.Error naming the attribute, never as something else.
//
// Run: go test -run '^$' -fuzz '^FuzzUser$' -fuzztime 3m ./identitycenter/translate/
// (and FuzzPatch). Interesting inputs are kept in testdata/fuzz/.

const (
	fuzzTenant = "t-fuzz"
	fuzzToken  = "emulator-token-for-fuzzing"
)

// Okta's real user bodies (okta-scim-client.md §2.1, §2.2, §2.3, §9) and the
// odd shapes the rules exist for.
var userSeeds = []string{
	// §2.1 POST /Users, as documented.
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}`,
	// §2.2 PUT echo: id, meta, groups, emails[].display, the 2018 password and en_US locale.
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"9067729b3d-94f1e0b3-c394-48d5-8ab1-2c122a167074","userName":"test.user@okta.local","name":{"givenName":"Changed","familyName":"User","formatted":"Changed User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work","display":"test.user@okta.local"}],"displayName":"Test User","locale":"en_US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":false,"meta":{"resourceType":"User","created":"2026-01-02T03:04:05Z","lastModified":"2026-01-02T03:04:05Z"}}`,
	// §2.1 "Other attributes appear when mapped": title and the enterprise department.
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"jane@example.com","name":{"givenName":"Jane","familyName":"Doe"},"title":"Engineer","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D","manager":{"value":"9067729b3d-1","displayName":"Boss"}},"active":true}`,
	// §9 SPEC suite create.
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Runscope1234Test@atko.com","name":{"givenName":"Given","familyName":"Family"},"emails":[{"primary":true,"value":"Runscope1234Test@atko.com","type":"work"}],"displayName":"Given Family","active":true}`,
	// Several values, a primary that is a string, an incomplete address.
	`{"userName":"a@b.c","emails":[{"value":"x@b.c","type":"home"},{"value":"a@b.c","primary":"true"}],"phoneNumbers":[{"value":"+1 555","type":"work"},{"value":"+2"}],"addresses":[{"streetAddress":"1 Main","locality":"X"}],"active":"False"}`,
	// Nothing but a userName: every name part derived.
	`{"userName":"jo.smith@example.com"}`,
	// Case, URN-qualified core attributes, empties and unknown extensions.
	`{"USERNAME":"u1","urn:ietf:params:scim:schemas:core:2.0:User:displayName":"","name":{"givenName":null},"urn:okta:custom:1.0:user":{"x":1},"nickName":"  ","roles":[{"value":"admin"}],"x509Certificates":[{"value":"MII"}]}`,
	// Values Identity Center refuses.
	`{"userName":"Administrator","displayName":"a<b"}`,
	`{"userName":"has space","name":{"givenName":"A","familyName":"B"},"displayName":"A B"}`,
	`{"userName":"u","externalId":1,"emails":"a@b.c","manager":"x"}`,
	`{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}`,
	`{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager":"9067729b3d-1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter":"\u0000"}`,
}

var patchSeeds = []string{
	// §1.5/§1.6 deactivate and reactivate.
	`[{"op":"replace","value":{"active":false}}]`,
	`[{"op":"replace","value":{"active":true}}]`,
	// §1.7 password sync (probable shape).
	`[{"op":"replace","value":{"password":"1mz050nq"}}]`,
	// Path-less profile update of several attributes, with Okta's id.
	`[{"op":"replace","value":{"id":"9067729b3d-1","userName":"new@example.com","name":{"givenName":"N","familyName":"F"},"active":false,"emails":[{"value":"new@example.com","primary":true,"type":"work"}]}}]`,
	// Pathed ops the way generic SCIM clients send them.
	`[{"op":"Replace","path":"name.givenName","value":"G"},{"op":"add","path":"title","value":"T"},{"op":"remove","path":"nickName"}]`,
	`[{"op":"replace","path":"emails[type eq \"work\"].value","value":"w@example.com"},{"op":"add","path":"phoneNumbers","value":[{"value":"+1","type":"work"}]}]`,
	// Filters that match nothing on patchBase, and a merge of two ops.
	`[{"op":"replace","path":"emails[type eq \"home\"].value","value":"h@example.com"},{"op":"add","path":"phoneNumbers[type eq \"mobile\" and primary eq true]","value":{"value":"+2"}}]`,
	`[{"op":"add","path":"addresses[type eq \"work\"].streetAddress","value":"1 Main"},{"op":"add","path":"addresses[type eq \"work\"].locality","value":"L"},{"op":"add","path":"addresses[type eq \"work\"].region","value":"R"},{"op":"add","path":"addresses[type eq \"work\"].postalCode","value":"P"},{"op":"add","path":"addresses[type eq \"work\"].country","value":"US"}]`,
	`[{"op":"replace","value":{"":1}}]`,
	`[{"op":"remove","path":"emails[type eq \"work\" and primary eq true]"},{"op":"remove","path":"phoneNumbers[type eq \"home\"]"}]`,
	`[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"9067729b3d-2"},{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"department":"D","costCenter":""}}]`,
	`[{"op":"replace","path":"active","value":false},{"op":"replace","path":"active","value":true},{"op":"replace","path":"userName","value":"x@y.z"},{"op":"replace","path":"userName","value":"x2@y.z"}]`,
	// Refusals.
	`[{"op":"remove","path":"userName"}]`,
	`[{"op":"remove"}]`,
	`[{"op":"move","path":"title","value":"x"}]`,
	`[{"op":"replace","path":"emails[type sw \"w\"].value","value":"x"}]`,
	`[{"op":"replace","path":"roles","value":[{"value":"r"}]}]`,
	`[{"op":"replace","path":"displayName","value":""}]`,
	`[{"op":"add","path":"addresses","value":[{"streetAddress":"1","locality":"L","region":"R","postalCode":"P","country":"US"}]}]`,
}

// emu is a fresh emulator per input, so one input's user never collides
// with the next (uniqueness is tested elsewhere).
func newEmu(t *testing.T) *emulator.Emulator {
	t.Helper()
	e, err := emulator.New(emulator.Options{Tenant: fuzzTenant, Tokens: []string{fuzzToken}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func emuDo(e *emulator.Emulator, method, path string, body any) *httptest.ResponseRecorder {
	raw, _ := json.Marshal(body)
	req := httptest.NewRequest(method, "/"+fuzzTenant+"/scim/v2"+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+fuzzToken)
	req.Header.Set("Content-Type", "application/scim+json")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

// decodeBoth decodes s as Go's default decoder does and with UseNumber, the
// two forms a caller may hand to translate.
func decodeBoth(s string) []any {
	var plain any
	if json.Unmarshal([]byte(s), &plain) != nil {
		return nil
	}
	var num any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	_ = d.Decode(&num)
	return []any{plain, num}
}

// checkRefusal: a refusal is a *translate.Error with a detail that names the
// attribute and a scimType RFC 7644 §3.12 defines.
func checkRefusal(t *testing.T, err error) {
	t.Helper()
	var te *translate.Error
	if !errors.As(err, &te) {
		t.Fatalf("refusal is %T %v, want *translate.Error", err, err)
	}
	switch te.ScimType {
	case "invalidValue", "invalidPath", "mutability", "noTarget", "invalidFilter", "invalidSyntax":
	default:
		t.Fatalf("refusal %q has scimType %q", te.Detail, te.ScimType)
	}
	// The name is quoted when it would not read plainly ({"":1} gives
	// `"": …`), so a detail never starts with ": ".
	label := te.Attribute + ": "
	if !strings.HasPrefix(te.Detail, label) {
		label = strconv.Quote(te.Attribute) + ": "
	}
	if !strings.HasPrefix(te.Detail, label) || strings.HasPrefix(te.Detail, ": ") || len(strings.TrimSpace(strings.TrimPrefix(te.Detail, label))) < 10 {
		t.Fatalf("refusal detail %q does not start with its attribute %q and say why", te.Detail, te.Attribute)
	}
}

func FuzzUser(f *testing.F) {
	for _, s := range userSeeds {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, body string, reject bool) {
		for _, v := range decodeBoth(body) {
			in, ok := v.(map[string]any)
			if !ok {
				return
			}
			before, _ := json.Marshal(in)
			opts := translate.Options{Names: translate.NamesDerive}
			if reject {
				opts.Names = translate.NamesReject
			}
			out, rules, err := translate.User(in, opts)
			if after, _ := json.Marshal(in); !bytes.Equal(before, after) {
				t.Fatalf("User modified its input:\nbefore %s\nafter  %s", before, after)
			}
			out2, rules2, err2 := translate.User(in, opts)
			// Rules are compared in order: they reach the log line in it.
			if !reflect.DeepEqual(out, out2) || !slices.Equal(rules, rules2) || (err == nil) != (err2 == nil) {
				t.Fatalf("User is not deterministic: %v %v %v / %v %v %v", out, rules, err, out2, rules2, err2)
			}
			if err != nil {
				checkRefusal(t, err)
				continue
			}
			// What translate lets through, Identity Center must accept, both
			// as a create and as a replace of that user.
			e := newEmu(t)
			rec := emuDo(e, http.MethodPost, "/Users", out)
			if rec.Code != http.StatusCreated {
				sent, _ := json.Marshal(out)
				t.Fatalf("emulator refused translated create: %d %s %s\nin:  %s\nout: %s\nrules: %v", rec.Code, rec.Header().Get(emulator.RuleHeader), rec.Body, before, sent, rules)
			}
			var created map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &created)
			id, _ := created["id"].(string)
			if rec := emuDo(e, http.MethodPut, "/Users/"+id, out); rec.Code != http.StatusOK {
				sent, _ := json.Marshal(out)
				t.Fatalf("emulator refused translated replace: %d %s %s\nout: %s", rec.Code, rec.Header().Get(emulator.RuleHeader), rec.Body, sent)
			}
		}
	})
}

// patchBase is the user each fuzzed PATCH applies to: Okta's create body,
// translated, with every multi-valued attribute present.
const patchBase = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"base@example.com","name":{"givenName":"Base","familyName":"User"},"displayName":"Base User","emails":[{"value":"base@example.com","type":"work","primary":true}],"phoneNumbers":[{"value":"+1 555 0100","type":"work"}],"title":"T","active":true}`

func FuzzPatch(f *testing.F) {
	for _, s := range patchSeeds {
		f.Add(s)
	}
	var base map[string]any
	if err := json.Unmarshal([]byte(patchBase), &base); err != nil {
		f.Fatal(err)
	}
	baseBody, _, err := translate.User(base, translate.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, ops string) {
		for _, v := range decodeBoth(ops) {
			list, ok := v.([]any)
			if !ok {
				return
			}
			in := make([]translate.Op, 0, len(list))
			for _, x := range list {
				m, _ := x.(map[string]any)
				op, _ := m["op"].(string)
				path, _ := m["path"].(string)
				in = append(in, translate.Op{Op: op, Path: path, Value: m["value"]})
			}
			before, _ := json.Marshal(in)
			batches, rules, err := translate.Patch(in)
			if after, _ := json.Marshal(in); !bytes.Equal(before, after) {
				t.Fatalf("Patch modified its input:\nbefore %s\nafter  %s", before, after)
			}
			if err != nil {
				if batches != nil {
					t.Fatalf("Patch returned batches with its refusal %v", err)
				}
				checkRefusal(t, err)
				continue
			}
			e := newEmu(t)
			rec := emuDo(e, http.MethodPost, "/Users", baseBody)
			if rec.Code != http.StatusCreated {
				t.Fatalf("seeding the base user: %d %s", rec.Code, rec.Body)
			}
			var created map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &created)
			id, _ := created["id"].(string)
			for i, b := range batches {
				if len(b) == 0 {
					t.Fatalf("batch %d is empty", i)
				}
				body := map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": b}
				rec := emuDo(e, http.MethodPatch, "/Users/"+id, body)
				if rec.Code != http.StatusOK && rec.Code != http.StatusNoContent {
					sent, _ := json.Marshal(b)
					t.Fatalf("emulator refused translated batch %d/%d: %d %s %s\nin:  %s\nout: %s\nrules: %v", i+1, len(batches), rec.Code, rec.Header().Get(emulator.RuleHeader), rec.Body, before, sent, rules)
				}
			}
		}
	})
}
