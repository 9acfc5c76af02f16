package e2e

import (
	"fmt"
	"net/http"
	"testing"
)

// The bridge's cost over talking to Identity Center directly, both over
// loopback HTTP into the same emulator. Compare the two as a ratio:
//
//	go test -run '^$' -bench . ./internal/e2e/
func BenchmarkGetUserDirect(b *testing.B) {
	e := newEnv(b)
	u := e.seedUser(b, "bench@example.com", "Bench", "User")
	direct := &oktaClient{t: b, base: e.upstream.URL + "/" + tenant + "/scim/v2", token: upstreamToken, http: e.upstream.Client()}
	benchGet(b, direct, "/Users/"+u.ID)
}

func BenchmarkGetUserThroughBridge(b *testing.B) {
	e := newEnv(b)
	u := e.seedUser(b, "bench@example.com", "Bench", "User")
	benchGet(b, e.okta, "/Users/"+u.ID)
}

func BenchmarkCreateUserThroughBridge(b *testing.B) {
	e := newEnv(b)
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprintf("bench%d@okta.local", i)
		if r := e.okta.do("POST", "/Users", createBody(name, "Bench", "User", fmt.Sprintf("00ubench%012d", i))); r.Status != http.StatusCreated {
			b.Fatalf("create: %d %s", r.Status, r.Raw)
		}
	}
}

func benchGet(b *testing.B, c *oktaClient, path string) {
	b.ResetTimer()
	for range b.N {
		if r := c.do("GET", path, nil); r.Status != http.StatusOK {
			b.Fatalf("GET %s: %d", path, r.Status)
		}
	}
}
