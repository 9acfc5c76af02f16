package emulator

import (
	"errors"
	"fmt"
	"testing"
)

func storeUser(name, email, ext string) map[string]any {
	u := map[string]any{"userName": name}
	if email != "" {
		u["emails"] = []any{map[string]any{"value": email, "primary": true}}
	}
	if ext != "" {
		u["externalId"] = ext
	}
	return u
}

// A unique key is freed when its holder changes it or is deleted, and held
// again by whoever takes it: the index must follow every write.
func TestStoreUniqueKeysFollowWrites(t *testing.T) {
	s := NewStore()
	a, err := s.CreateUser(storeUser("a@x.io", "a@x.io", "ext-a"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dup := range []map[string]any{
		storeUser("A@X.IO", "", ""),       // userName, case-insensitively
		storeUser("b@x.io", "a@x.io", ""), // primary email
		storeUser("c@x.io", "", "ext-a"),  // externalId
	} {
		if _, err := s.CreateUser(dup); !errors.Is(err, ErrConflict) {
			t.Fatalf("CreateUser(%v) = %v, want ErrConflict", dup, err)
		}
	}
	// Renaming a frees "a@x.io" for a new user, and takes "z@x.io".
	if _, err := s.UpdateUser(a.ID, func(map[string]any) (map[string]any, error) {
		return storeUser("z@x.io", "z@x.io", "ext-z"), nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(storeUser("a@x.io", "a@x.io", "ext-a")); err != nil {
		t.Fatalf("old keys still held after rename: %v", err)
	}
	if _, err := s.CreateUser(storeUser("z@x.io", "", "")); !errors.Is(err, ErrConflict) {
		t.Fatalf("new userName not held after rename: %v", err)
	}
	// Updating a user with its own keys is not a conflict with itself.
	if _, err := s.UpdateUser(a.ID, func(m map[string]any) (map[string]any, error) { return m, nil }); err != nil {
		t.Fatalf("self-update conflicted: %v", err)
	}
	if err := s.DeleteUser(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(storeUser("z@x.io", "z@x.io", "ext-z")); err != nil {
		t.Fatalf("keys still held after delete: %v", err)
	}

	g, err := s.CreateGroup("Admins-1", "gext", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateGroup("admins-1", "", nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("group displayName duplicate = %v, want ErrConflict", err)
	}
	name := "Renamed"
	if _, err := s.UpdateGroup(g.ID, GroupChange{DisplayName: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateGroup("Admins-1", "", nil); err != nil {
		t.Fatalf("old group name still held after rename: %v", err)
	}
	if err := s.DeleteGroup(g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateGroup("Renamed", "gext", nil); err != nil {
		t.Fatalf("group keys still held after delete: %v", err)
	}
}

// Creating n users costs O(n) with the index; the benchmark makes a
// regression to a per-insert scan visible as a growing ns/op.
func BenchmarkStoreCreateUser(b *testing.B) {
	s := NewStore()
	for i := 0; b.Loop(); i++ {
		if _, err := s.CreateUser(storeUser(fmt.Sprintf("u%d@x.io", i), fmt.Sprintf("u%d@x.io", i), fmt.Sprintf("e%d", i))); err != nil {
			b.Fatal(err)
		}
	}
}
