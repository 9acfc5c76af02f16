// Package secret holds the bearer tokens the bridge presents and accepts.
// Callers read a secret through Source.Value (or Tokens.Values) on every use
// and never keep the string, so a later reload (file change, SIGHUP) takes
// effect without changing any caller.
package secret

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
// editors add, is trimmed. Reload re-reads it; Refresh re-reads it only when
// its content changed. Callers see the new value on their next Value call.
type File struct {
	path  string
	check func(string) error // extra validation of a new value; may be nil
	mu    sync.RWMutex
	val   string
	seen  [sha256.Size]byte // hash of the content last read, good or bad
	// seenErr is why the content with hash seen was refused (nil: in use).
	seenErr error
	// readErr is set while the file cannot be read, so that a missing file
	// is reported once, not on every poll.
	readErr error
}

// ReadFile reads the secret at path. An empty file is an error: an empty
// bearer token is never meant.
func ReadFile(path string) (*File, error) {
	return ReadFileWith(path, nil)
}

// ReadFileWith is ReadFile with a check every value must pass, at start and
// on every reload (e.g. CheckInbound).
func ReadFileWith(path string, check func(string) error) (*File, error) {
	f := &File{path: path, check: check}
	if err := f.Reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// Reload re-reads the file. On error the previous value is kept.
func (f *File) Reload() error {
	_, err := f.load(true)
	return err
}

// Refresh re-reads the file and applies it if its content changed since the
// last read. changed is true when the content was new, whether or not it was
// valid: a bad file is reported once, not on every poll. On error the
// previous value is kept.
func (f *File) Refresh() (changed bool, err error) {
	return f.load(false)
}

func (f *File) load(force bool) (bool, error) {
	b, err := os.ReadFile(f.path)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		changed := force || f.readErr == nil
		f.readErr = fmt.Errorf("read secret file: %w", err)
		return changed, f.readErr
	}
	// A file that comes back after being unreadable is news even when its
	// content is what it was: the watcher then reports it usable again.
	cameBack := f.readErr != nil
	f.readErr = nil
	sum := sha256.Sum256(b)
	if !force && sum == f.seen {
		return cameBack, f.seenErr
	}
	f.seen = sum
	f.seenErr = f.accept(strings.TrimSpace(string(b)))
	return true, f.seenErr
}

// accept validates v and makes it the value; on error the value is kept.
// f.mu is held.
func (f *File) accept(v string) error {
	if v == "" {
		return fmt.Errorf("secret file %s is empty", f.path)
	}
	if f.check != nil {
		if err := f.check(v); err != nil {
			return fmt.Errorf("secret file %s: %w", f.path, err)
		}
	}
	f.val = v
	return nil
}

// Err is why the file's current content is not in use (unreadable, empty,
// refused by the check), or nil when Value is what the file holds. It is
// the state as of the last Reload or Refresh.
func (f *File) Err() error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.readErr != nil {
		return f.readErr
	}
	return f.seenErr
}

// Path is the file the secret is read from.
func (f *File) Path() string { return f.path }

// Value returns the secret as last read.
func (f *File) Value() string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.val
}

// MaxInboundTokens is how many tokens Okta may present at once: the one in
// use and its successor during a rotation (the same limit Identity Center
// sets on its own tokens, identity-center-scim.md §8: "At most 2 access
// tokens exist at a time per directory").
const MaxInboundTokens = 2

// CheckInbound accepts a comma-separated list of one or two tokens.
func CheckInbound(v string) error {
	switch n := len(Split(v)); {
	case n == 0:
		return errors.New("holds no token (only commas and spaces)")
	case n > MaxInboundTokens:
		return fmt.Errorf("holds %d tokens; at most %d are accepted at once (the current one and its successor)", n, MaxInboundTokens)
	}
	return nil
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
