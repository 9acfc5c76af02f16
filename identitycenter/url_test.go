package identitycenter

import (
	"strings"
	"testing"
)

const clTenant11 = "bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a" // identity-center-scim.md §1 example
const clTenant8 = "a1b2c3d4-0fc6-4232-a028-fea1a99ff77a"     // §1: 8-4-4-4-12 since Jan 2026

func TestJoinPathNeverDoubleOrMissingSlash(t *testing.T) {
	bases := []struct{ raw, want string }{
		{"https://scim.us-east-1.amazonaws.com/" + clTenant11 + "/scim/v2", "https://scim.us-east-1.amazonaws.com/" + clTenant11 + "/scim/v2"},
		{"https://scim.us-east-1.amazonaws.com/" + clTenant11 + "/scim/v2/", "https://scim.us-east-1.amazonaws.com/" + clTenant11 + "/scim/v2"},
		{"https://scim.us-east-1.amazonaws.com/" + clTenant11 + "/scim/v2//", "https://scim.us-east-1.amazonaws.com/" + clTenant11 + "/scim/v2"},
		{"  http://127.0.0.1:8080/t/scim/v2/ ", "http://127.0.0.1:8080/t/scim/v2"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
	}
	joins := []struct {
		elems []string
		want  string
	}{
		{[]string{"Users"}, "/Users"},
		{[]string{"Groups", "9067729b3d-94f1e0b3"}, "/Groups/9067729b3d-94f1e0b3"},
		{[]string{"Users", "a/../b"}, "/Users/a%2F..%2Fb"},
		{[]string{"Users", "a b"}, "/Users/a%20b"},
		{[]string{"ServiceProviderConfig"}, "/ServiceProviderConfig"},
	}
	for _, b := range bases {
		u, err := ParseBaseURL(b.raw)
		if err != nil {
			t.Fatalf("ParseBaseURL(%q): %v", b.raw, err)
		}
		if got := u.String(); got != b.want {
			t.Errorf("ParseBaseURL(%q) = %q, want %q", b.raw, got, b.want)
		}
		for _, j := range joins {
			got := joinPath(u, j.elems...).String()
			want := b.want + j.want
			if got != want {
				t.Errorf("join(%q, %q) = %q, want %q", b.raw, j.elems, got, want)
			}
			rest := strings.TrimPrefix(got, "https://")
			rest = strings.TrimPrefix(rest, "http://")
			if strings.Contains(rest, "//") || strings.Contains(got, "v2Users") || strings.Contains(got, "v2Groups") {
				t.Errorf("join(%q, %q) = %q: bad separator", b.raw, j.elems, got)
			}
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	cases := []struct {
		raw    string
		ok     bool
		reason string // substring of the error
	}{
		{"https://scim.us-east-1.amazonaws.com/" + clTenant11 + "/scim/v2", true, ""},
		{"https://scim.us-east-1.amazonaws.com/" + clTenant11 + "/scim/v2/", true, ""},
		{"https://scim.eu-central-1.amazonaws.com/" + clTenant8 + "/scim/v2", true, ""},
		{"https://scim.ap-southeast-2.api.aws/" + clTenant8 + "/scim/v2/", true, ""},
		{"https://SCIM.US-EAST-1.AMAZONAWS.COM/" + clTenant8 + "/scim/v2", true, ""},
		{"http://localhost:9999/anything/here/", true, ""},
		{"http://127.0.0.1:1/" + clTenant8 + "/scim/v2", true, ""},
		{"", false, "empty"},
		{"ftp://scim.us-east-1.amazonaws.com/" + clTenant8 + "/scim/v2", false, "scheme"},
		{"scim.us-east-1.amazonaws.com/" + clTenant8 + "/scim/v2", false, "scheme"},
		{"https:///x/scim/v2", false, "no host"},
		{"https://user:secret@localhost/scim/v2", false, "credentials"},
		{"https://localhost/scim/v2?x=1", false, "query"},
		{"https://scim.us-east-1.amazonaws.com/scim/v2", false, "tenant"},
		{"https://scim.us-east-1.amazonaws.com/" + clTenant8, false, "tenant"},
		{"https://scim.us-east-1.amazonaws.com/" + clTenant8 + "/scim/v2/Users", false, "tenant"},
		{"https://scim.us-east-1.amazonaws.com/abc1234-0fc6-4232-a028-fea1a99ff77a/scim/v2", false, "tenant"},      // 7-char prefix
		{"https://scim.us-east-1.amazonaws.com/abcdefghijkl-0fc6-4232-a028-fea1a99ff77a/scim/v2", false, "tenant"}, // 12-char prefix
		{"https://scim.us-east-1.amazonaws.com/d-1234567890/scim/v2", false, "tenant"},                             // identity store id, not tenant (§1)
	}
	for _, c := range cases {
		_, err := ParseBaseURL(c.raw)
		if c.ok && err != nil {
			t.Errorf("ParseBaseURL(%q): unexpected error %v", c.raw, err)
		}
		if !c.ok {
			if err == nil {
				t.Errorf("ParseBaseURL(%q): accepted, want an error about %s", c.raw, c.reason)
				continue
			}
			if !strings.Contains(err.Error(), c.reason) {
				t.Errorf("ParseBaseURL(%q) = %v, want it to mention %q", c.raw, err, c.reason)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("ParseBaseURL(%q) error leaks the password: %v", c.raw, err)
			}
		}
	}
}

func TestRegion(t *testing.T) {
	cases := []struct {
		raw    string
		region string
		ok     bool
	}{
		{"https://scim.us-east-1.amazonaws.com/" + clTenant11 + "/scim/v2", "us-east-1", true},
		{"https://scim.eu-west-3.amazonaws.com/" + clTenant8 + "/scim/v2/", "eu-west-3", true},
		{"https://scim.us-gov-west-1.amazonaws.com/" + clTenant8 + "/scim/v2", "us-gov-west-1", true},
		{"https://scim.ap-northeast-2.api.aws/" + clTenant8 + "/scim/v2", "ap-northeast-2", true},
		{"https://scim.cn-north-1.amazonaws.com.cn/" + clTenant8 + "/scim/v2", "cn-north-1", true},
		{"https://scim.us-east-1.amazonaws.com:443/" + clTenant8 + "/scim/v2", "us-east-1", true},
		{"http://127.0.0.1:8080/t/scim/v2", "", false},
		{"https://scim.example.com/t/scim/v2", "", false},
		{"https://evil.com/scim.us-east-1.amazonaws.com", "", false},
		{"https://scim.us-east-1.amazonaws.com.evil.com/t/scim/v2", "", false},
		{"::not a url", "", false},
	}
	for _, c := range cases {
		got, ok := Region(c.raw)
		if got != c.region || ok != c.ok {
			t.Errorf("Region(%q) = %q, %v; want %q, %v", c.raw, got, ok, c.region, c.ok)
		}
	}
}
