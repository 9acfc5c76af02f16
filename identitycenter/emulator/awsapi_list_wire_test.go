package emulator

import (
	"net/http"
	"testing"
)

// Every list call answers its items under the operation's own member name,
// an empty list as [] (never null), and NextToken only while there is more.
func TestAWSListWireShape(t *testing.T) {
	h := newAWSHarness(t, Options{})
	u := h.mustUser(t, scimUser(1))
	h.mustUser(t, scimUser(2))
	store := `"IdentityStoreId":"` + h.store.IdentityStoreID() + `"`
	for _, tc := range []struct {
		op, body, key string
		items         int
		more          bool
	}{
		{"ListGroups", `{` + store + `}`, "Groups", 0, false},
		{"ListUsers", `{` + store + `,"MaxResults":1}`, "Users", 1, true},
		{"ListUsers", `{` + store + `}`, "Users", 2, false},
		{"ListGroupMembershipsForMember", `{` + store + `,"MemberId":{"UserId":"` + u.ID + `"}}`, "GroupMemberships", 0, false},
	} {
		status, body, _ := h.rawCall(t, "AWSIdentityStore."+tc.op, awsJSONContentType, "identitystore", tc.body)
		if status != http.StatusOK {
			t.Fatalf("%s %s: %d %v", tc.op, tc.body, status, body)
		}
		items, ok := body[tc.key].([]any)
		if !ok || len(items) != tc.items {
			t.Errorf("%s %s: %s = %#v, want a list of %d", tc.op, tc.body, tc.key, body[tc.key], tc.items)
		}
		if tok, present := body["NextToken"]; present != tc.more || (present && tok == "") {
			t.Errorf("%s %s: NextToken %v (present %v), want present %v", tc.op, tc.body, tok, present, tc.more)
		}
		if len(body) != 1+map[bool]int{true: 1}[tc.more] {
			t.Errorf("%s: unexpected members in %v", tc.op, body)
		}
	}
}
