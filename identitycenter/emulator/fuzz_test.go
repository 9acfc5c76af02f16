package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzBadInputIsA4xxAndChangesNothing sends arbitrary bodies to every write
// endpoint: the answer is never a 5xx, and a refusal leaves the store as it
// was. Run longer with: go test -fuzz FuzzBadInput ./identitycenter/emulator/
func FuzzBadInputIsA4xxAndChangesNothing(f *testing.F) {
	for _, seed := range []string{
		`{"userName":"a@x","displayName":"A","name":{"givenName":"A","familyName":"A"}}`,
		`{"Operations":[{"op":"replace","path":"emails[type eq \"work\"].value","value":"b@x"}]}`,
		`{"Operations":[{"op":"add","path":"members","value":[{"value":"x"}]}]}`,
		`{"Operations":[{"op":"replace","value":{"name":{"givenName":"B"}}}]}`,
		`{"Operations":[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"}]}`,
		`{"displayName":"G","members":{"value":1}}`,
		`{"emails":[{"value":"a@x","primary":"yes"}],"addresses":[null]}`,
		`[]`, `null`, `{"Operations":null}`, `{"name":[]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e := newTestEmulator(t, Options{})
		uid := createUser(t, e, "fuzz@example.com")
		g := call(t, e, http.MethodPost, "/Groups", map[string]any{"displayName": "fuzz", "members": []any{map[string]any{"value": uid}}})
		mustStatus(t, g, http.StatusCreated)
		gid := g.body["id"].(string)
		before := snapshot(t, e)
		for _, req := range []struct{ method, path string }{
			{http.MethodPost, "/Users"}, {http.MethodPut, "/Users/" + uid}, {http.MethodPatch, "/Users/" + uid},
			{http.MethodPost, "/Groups"}, {http.MethodPatch, "/Groups/" + gid},
		} {
			r := httptest.NewRequest(req.method, "/"+testTenant+"/scim/v2"+req.path, strings.NewReader(body))
			r.Header.Set("Authorization", "Bearer "+testToken)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, r)
			switch {
			case rec.Code >= 500:
				t.Fatalf("%s %s with %q: %d %s", req.method, req.path, body, rec.Code, rec.Body)
			case rec.Code >= 400:
				if after := snapshot(t, e); after != before {
					t.Fatalf("%s %s with %q was refused (%d) but changed the store:\nbefore %s\nafter  %s", req.method, req.path, body, rec.Code, before, after)
				}
			default:
				before = snapshot(t, e)
			}
		}
	})
}

// snapshot renders the store's users, groups and memberships, without
// timestamps, so two snapshots compare equal when nothing changed.
func snapshot(t *testing.T, e *Emulator) string {
	t.Helper()
	type group struct {
		Name, Ext string
		Members   []string
	}
	var users []map[string]any
	for _, u := range e.Store().Users() {
		users = append(users, u.Attrs)
	}
	var groups []group
	for _, g := range e.Store().Groups() {
		ms, _ := e.Store().Members(g.ID)
		gr := group{Name: g.DisplayName, Ext: g.ExternalID}
		for _, m := range ms {
			gr.Members = append(gr.Members, m.UserID)
		}
		groups = append(groups, gr)
	}
	b, err := json.Marshal([]any{users, groups})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
