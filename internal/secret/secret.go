// Package secret holds the bearer tokens the bridge presents and accepts.
// Callers read a secret through Source.Value (or Tokens.Values) on every use
// and never keep the string, so a later reload (file change, SIGHUP) takes
// effect without changing any caller.
package secret

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
)

// Source yields the current value of one secret.
type Source interface {
	Value() string
}

// Static is a secret fixed at start-up (from the environment, or generated).
type Static string

// Value returns the secret.
func (s Static) Value() string { return string(s) }

// File is a secret read from a file (Kubernetes secret volume, Docker
// secret). Surrounding whitespace, including the trailing newline most
// editors add, is trimmed. Reload re-reads it; callers see the new value on
// their next Value call.
type File struct {
	path string
	mu   sync.RWMutex
	val  string
}

// ReadFile reads the secret at path. An empty file is an error: an empty
// bearer token is never meant.
func ReadFile(path string) (*File, error) {
	f := &File{path: path}
	if err := f.Reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// Reload re-reads the file. On error the previous value is kept.
func (f *File) Reload() error {
	b, err := os.ReadFile(f.path)
	if err != nil {
		return fmt.Errorf("read secret file: %w", err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return fmt.Errorf("secret file %s is empty", f.path)
	}
	f.mu.Lock()
	f.val = v
	f.mu.Unlock()
	return nil
}

// Path is the file the secret is read from.
func (f *File) Path() string { return f.path }

// Value returns the secret as last read.
func (f *File) Value() string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.val
}

// Tokens is a comma-separated list of accepted tokens read from a Source, so
// that a rotation can run with old and new token both valid.
type Tokens struct {
	src Source
}

// NewTokens splits src's value on commas on every call to Values.
func NewTokens(src Source) Tokens { return Tokens{src: src} }

// Values returns the accepted tokens: trimmed, empties dropped. A nil source
// accepts nothing.
func (t Tokens) Values() []string {
	if t.src == nil {
		return nil
	}
	return Split(t.src.Value())
}

// Split splits a comma-separated token list, trimming space and dropping
// empty entries (a trailing comma must not turn into an empty valid token).
func Split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Fingerprint identifies a secret in logs without revealing it: the first 8
// hex digits of its SHA-256 and its length. Two operators can compare
// fingerprints to tell whether they hold the same token.
func Fingerprint(v string) string {
	sum := sha256.Sum256([]byte(v))
	return fmt.Sprintf("sha256:%s… (%d chars)", hex.EncodeToString(sum[:4]), len(v))
}
