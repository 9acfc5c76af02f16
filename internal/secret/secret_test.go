package secret

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitDropsEmptyAndTrims(t *testing.T) {
	got := Split(" new-token , old-token,,")
	want := []string{"new-token", "old-token"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Split = %q, want %q", got, want)
	}
	if got := Split(" , "); len(got) != 0 {
		t.Fatalf("Split of blanks = %q, want none", got)
	}
}

func TestFileTrimsAndReloads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("first\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	toks := NewTokens(f)
	if got := f.Value(); got != "first" {
		t.Fatalf("Value = %q, want first (newline trimmed)", got)
	}
	if err := os.WriteFile(path, []byte("second,first\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := toks.Values(); !reflect.DeepEqual(got, []string{"second", "first"}) {
		t.Fatalf("Tokens after reload = %q", got)
	}
	// A reload that fails keeps the last good value.
	if err := os.WriteFile(path, []byte("  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.Reload(); err == nil {
		t.Fatal("reload of an empty file succeeded")
	}
	if got := f.Value(); got != "second,first" {
		t.Fatalf("Value after failed reload = %q", got)
	}
}

func TestReadFileErrors(t *testing.T) {
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("missing file accepted")
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(empty); err == nil {
		t.Fatal("empty file accepted")
	}
}

func TestFingerprintHidesValue(t *testing.T) {
	tok := "s3cr3t-token-value-that-must-not-leak"
	fp := Fingerprint(tok)
	if strings.Contains(fp, tok) || strings.Contains(fp, tok[:8]) {
		t.Fatalf("fingerprint %q reveals the token", fp)
	}
	if fp != Fingerprint(tok) || fp == Fingerprint(tok+"x") {
		t.Fatalf("fingerprint is not a stable identifier: %q", fp)
	}
}

func TestGenerateIsRandom(t *testing.T) {
	a, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate()
	if a == b || len(a) != 43 || strings.ContainsAny(a, ",\n ") {
		t.Fatalf("Generate = %q, %q", a, b)
	}
}

func TestNilTokensAcceptNothing(t *testing.T) {
	if got := (Tokens{}).Values(); len(got) != 0 {
		t.Fatalf("zero Tokens = %q", got)
	}
}
