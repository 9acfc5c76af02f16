package translate_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter/translate"
)

// applyToEmulator creates base in a fresh emulator, sends the translated
// batches as Identity Center PATCHes and returns the stored user.
func applyToEmulator(t *testing.T, base string, ops []translate.Op) map[string]any {
	t.Helper()
	var in map[string]any
	if err := json.Unmarshal([]byte(base), &in); err != nil {
		t.Fatal(err)
	}
	body, _, err := translate.User(in, translate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := newEmu(t)
	rec := emuDo(e, http.MethodPost, "/Users", body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var created map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &created)
	id, _ := created["id"].(string)
	batches, rules, err := translate.Patch(ops)
	if err != nil {
		t.Fatalf("Patch: %v", err)
	}
	for _, b := range batches {
		rec := emuDo(e, http.MethodPatch, "/Users/"+id, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": b})
		if rec.Code != http.StatusOK && rec.Code != http.StatusNoContent {
			sent, _ := json.Marshal(b)
			t.Fatalf("Identity Center refused %s (rules %v): %d %s", sent, rules, rec.Code, rec.Body)
		}
	}
	rec = emuDo(e, http.MethodGet, "/Users/"+id, nil)
	var got map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	return got
}

const workEmailUser = `{"userName":"jane@example.com","name":{"givenName":"Jane","familyName":"Doe"},"displayName":"Jane Doe",
 "emails":[{"value":"jane@example.com","type":"work","primary":true}],"phoneNumbers":[{"value":"+1 555 0100","type":"work"}]}`

func TestPatchFilterMatchingNothingSetsTheOneValue(t *testing.T) {
	// identity-center-scim.md §4 "at most ONE value": a replace through a
	// filter that matches no email must not become a second email (a 400
	// from Identity Center); the user's one email becomes the one asked for.
	got := applyToEmulator(t, workEmailUser, []translate.Op{
		{Op: "replace", Path: `emails[type eq "home"].value`, Value: "jane@home.example"},
		{Op: "add", Path: `phoneNumbers[type eq "mobile"]`, Value: map[string]any{"value": "+1 555 0199"}},
	})
	emails, _ := got["emails"].([]any)
	phones, _ := got["phoneNumbers"].([]any)
	if len(emails) != 1 || len(phones) != 1 {
		t.Fatalf("want one email and one phone, got %v / %v", got["emails"], got["phoneNumbers"])
	}
	e, _ := emails[0].(map[string]any)
	p, _ := phones[0].(map[string]any)
	if e["value"] != "jane@home.example" || e["type"] != "home" || e["primary"] != true || p["value"] != "+1 555 0199" || p["type"] != "mobile" {
		t.Errorf("email %v, phone %v", e, p)
	}
}

func TestPatchFilterMatchingKeepsWhatIdentityCenterWouldStore(t *testing.T) {
	// Entra-style ops on the value the filter matches end as a direct
	// filtered PATCH would: same type, new value, still primary.
	got := applyToEmulator(t, workEmailUser, []translate.Op{
		{Op: "replace", Path: `emails[type eq "work"].value`, Value: "jane.doe@example.com"},
		{Op: "replace", Path: `emails[type eq "work"].primary`, Value: true},
	})
	if s, _ := json.Marshal(got["emails"]); string(s) != `[{"primary":true,"type":"work","value":"jane.doe@example.com"}]` {
		t.Errorf("emails = %s", s)
	}
}

func TestPatchFilterWithoutTheValueIsRefused(t *testing.T) {
	// Changing only the type (or one address part) needs the current value,
	// which the bridge does not read: a clear 400 naming the form to send.
	for _, ops := range [][]translate.Op{
		{{Op: "replace", Path: `emails[type eq "work"].type`, Value: "home"}},
		{{Op: "replace", Path: `addresses[type eq "work"].locality`, Value: "Paris"}},
		{{Op: "replace", Path: `emails[type eq "work"].value`, Value: "a@x.io"}, {Op: "replace", Path: `emails[type eq "home"].value`, Value: "b@x.io"}},
	} {
		b, _, err := translate.Patch(ops)
		var te *translate.Error
		if !errors.As(err, &te) || b != nil || te.ScimType != "invalidPath" || !strings.Contains(te.Detail, "ONE value") {
			t.Errorf("%v: got %v %v", ops, b, err)
		}
	}
}
