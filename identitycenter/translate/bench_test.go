package translate

import (
	"encoding/json"
	"testing"
)

// BenchmarkUser measures translating Okta's create body; compare against
// BenchmarkPatchDeactivate as a ratio, never as an absolute budget.
func BenchmarkUser(b *testing.B) {
	in := decodeB(b, oktaCreate)
	for b.Loop() {
		if _, _, err := User(in, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPatchDeactivate(b *testing.B) {
	ops := []Op{{Op: "replace", Value: map[string]any{"active": false}}}
	for b.Loop() {
		if _, _, err := Patch(ops); err != nil {
			b.Fatal(err)
		}
	}
}

func decodeB(b *testing.B, s string) map[string]any {
	b.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		b.Fatal(err)
	}
	return m
}
