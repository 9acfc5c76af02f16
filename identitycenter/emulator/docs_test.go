package emulator

import (
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestDocsSeedExampleWorks seeds the example of docs/emulator.md as printed,
// so the documented format stays one that works.
func TestDocsSeedExampleWorks(t *testing.T) {
	doc, err := os.ReadFile("../../docs/emulator.md")
	if err != nil {
		t.Fatalf("reading the docs: %v", err)
	}
	_, rest, ok := strings.Cut(string(doc), "### Seed file")
	if !ok {
		t.Fatal(`docs/emulator.md has no "### Seed file" section`)
	}
	_, rest, ok = strings.Cut(rest, "```json\n")
	example, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("the Seed file section has no ```json example")
	}
	e := newTestEmulator(t, Options{})
	if err := e.Seed(strings.NewReader(example)); err != nil {
		t.Fatalf("the documented seed example is refused: %v", err)
	}
	users, groups := e.Store().Users(), e.Store().Groups()
	if len(users) != 2 || len(groups) != 1 {
		t.Fatalf("seeded %d users and %d groups, want 2 and 1", len(users), len(groups))
	}
	if ms, _ := e.Store().Members(groups[0].ID); len(ms) != 2 {
		t.Errorf("the example group has %d members, want 2", len(ms))
	}
	r := call(t, e, http.MethodGet, `/Users?filter=userName%20eq%20%22ann%40example.com%22`, nil)
	if mustStatus(t, r, http.StatusOK); r.body["totalResults"] != 1.0 {
		t.Errorf("seeded user not found by userName: %s", r.raw)
	}
}
