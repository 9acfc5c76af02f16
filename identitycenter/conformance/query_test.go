package conformance

import "testing"

func TestQueryString(t *testing.T) {
	for _, tc := range []struct {
		q    Query
		want string
	}{
		{Query{}, ""},
		// §3: the first page needs a bare cursor, which url.Values cannot express.
		{Query{Cursor: true}, "?cursor"},
		{Query{Cursor: true, Filter: Eq("members.value", "u-1")}, "?cursor&filter=members.value%20eq%20%22u-1%22"},
		// Cursor values may hold + / = (`[-a-zA-Z0-9+=/:_]*`): escaped so they survive.
		{Query{Cursor: true, CursorVal: "a+b/c=", Count: "1"}, "?cursor=a%2Bb%2Fc%3D&count=1"},
		{Query{Filter: Eq("userName", "x"), StartIndex: "2"}, "?filter=userName%20eq%20%22x%22&startIndex=2"},
	} {
		if got := tc.q.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestDeriveWrongTenant(t *testing.T) {
	for base, want := range map[string]string{
		"https://scim.us-east-1.amazonaws.com/bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a/scim/v2": "https://scim.us-east-1.amazonaws.com/00000000000-0000-0000-0000-000000000000/scim/v2",
		"http://127.0.0.1:1234/t1/scim/v2": "http://127.0.0.1:1234/00/scim/v2",
		"http://127.0.0.1:1234/00/scim/v2": "http://127.0.0.1:1234/11/scim/v2",
		"http://127.0.0.1:1234/scim":       "",
	} {
		if got := deriveWrongTenant(base); got != want {
			t.Errorf("deriveWrongTenant(%q) = %q, want %q", base, got, want)
		}
	}
}

func TestCasesWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Cases() {
		if c.Name == "" || c.Ref == "" || c.Run == nil {
			t.Errorf("case %q lacks a name, a reference or a body", c.Name)
		}
		if seen[c.Name] {
			t.Errorf("two cases named %q", c.Name)
		}
		seen[c.Name] = true
	}
}
