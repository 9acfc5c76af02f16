package secret

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

type reloads struct {
	mu  sync.Mutex
	got []string // "name:ok" or "name:error"
	ch  chan struct{}
}

func newReloads() *reloads { return &reloads{ch: make(chan struct{}, 16)} }

func (r *reloads) record(name string, err error) {
	r.mu.Lock()
	res := "ok"
	if err != nil {
		res = "error"
	}
	r.got = append(r.got, name+":"+res)
	r.mu.Unlock()
	r.ch <- struct{}{}
}

func (r *reloads) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

func write(t *testing.T, path, v string) {
	t.Helper()
	// Write-and-rename, as Kubernetes and editors do, so a poll never sees
	// a half-written file.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(v), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestPollReloadsOnlyWhatChanged(t *testing.T) {
	dir := t.TempDir()
	inPath, upPath := filepath.Join(dir, "inbound"), filepath.Join(dir, "upstream")
	write(t, inPath, "okta-old\n")
	write(t, upPath, "aws-1\n")
	in, err := ReadFileWith(inPath, CheckInbound)
	if err != nil {
		t.Fatal(err)
	}
	up, err := ReadFile(upPath)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.DebugLevel)
	rl := newReloads()
	var changedUp [][]*File
	w := NewWatcher(WatcherConfig{Logger: zap.New(core), Reloaded: rl.record},
		Watched{Name: "inbound", Files: []*File{in}},
		Watched{Name: "upstream", Files: []*File{up, nil}, Changed: func(c []*File) { changedUp = append(changedUp, c) }},
	)

	w.Poll()
	if got := rl.take(); len(got) != 0 {
		t.Fatalf("unchanged files reloaded: %v", got)
	}

	// Rotation step 1: new token added next to the old one.
	write(t, inPath, "okta-new,okta-old\n")
	w.Poll()
	if got := rl.take(); !reflect.DeepEqual(got, []string{"inbound:ok"}) {
		t.Fatalf("reloads = %v", got)
	}
	if got := NewTokens(in).Values(); !reflect.DeepEqual(got, []string{"okta-new", "okta-old"}) {
		t.Fatalf("tokens = %v", got)
	}

	// A third token is refused; the pair stays; the error is reported once.
	write(t, inPath, "a,b,c")
	w.Poll()
	w.Poll()
	if got := rl.take(); !reflect.DeepEqual(got, []string{"inbound:error"}) {
		t.Fatalf("reloads after a bad file = %v, want one error", got)
	}
	if got := NewTokens(in).Values(); !reflect.DeepEqual(got, []string{"okta-new", "okta-old"}) {
		t.Fatalf("tokens after a bad file = %v", got)
	}

	// Rotation step 2: old token removed.
	write(t, inPath, "okta-new")
	write(t, upPath, "aws-2")
	w.Poll()
	if got := rl.take(); !reflect.DeepEqual(got, []string{"inbound:ok", "upstream:ok"}) {
		t.Fatalf("reloads = %v", got)
	}
	if in.Value() != "okta-new" || up.Value() != "aws-2" || len(changedUp) != 1 || changedUp[0][0] != up {
		t.Fatalf("values %q %q, changed %v", in.Value(), up.Value(), changedUp)
	}

	// A deleted file is one error, and the last value stays.
	if err := os.Remove(upPath); err != nil {
		t.Fatal(err)
	}
	w.Poll()
	w.Poll()
	if got := rl.take(); !reflect.DeepEqual(got, []string{"upstream:error"}) {
		t.Fatalf("reloads after delete = %v", got)
	}
	if up.Value() != "aws-2" {
		t.Fatalf("value after delete = %q", up.Value())
	}

	// No value ever reaches the log; fingerprints do.
	var all strings.Builder
	for _, e := range logs.All() {
		all.WriteString(e.Message)
		for k, v := range e.ContextMap() {
			all.WriteString(" " + k + "=")
			all.WriteString(strings.TrimSpace(strings.ReplaceAll(fmtAny(v), "\n", " ")))
		}
		all.WriteString("\n")
	}
	for _, v := range []string{"okta-old", "okta-new", "aws-1", "aws-2"} {
		if strings.Contains(all.String(), v) {
			t.Errorf("log holds %q:\n%s", v, all.String())
		}
	}
	if !strings.Contains(all.String(), Fingerprint("okta-new")) {
		t.Errorf("log lacks the new token's fingerprint:\n%s", all.String())
	}
}

func fmtAny(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var parts []string
		for _, p := range x {
			parts = append(parts, fmtAny(p))
		}
		return strings.Join(parts, ",")
	case []string:
		return strings.Join(x, ",")
	}
	return ""
}

// A real SIGHUP reloads every file, changed in place or not.
func TestSIGHUPReloadsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	write(t, path, "before")
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rl := newReloads()
	// An interval no test run reaches: only the signal can reload.
	w := NewWatcher(WatcherConfig{Interval: time.Hour, Reloaded: rl.record}, Watched{Name: "inbound", Files: []*File{f}})
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx, hup) }()
	defer func() { cancel(); <-done }()

	write(t, path, "after")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case <-rl.ch:
	case <-time.After(30 * time.Second):
		t.Fatal("no reload within 30s of SIGHUP")
	}
	if got := rl.take(); !reflect.DeepEqual(got, []string{"inbound:ok"}) || f.Value() != "after" {
		t.Fatalf("after SIGHUP: reloads %v, value %q", got, f.Value())
	}
}

func TestCheckInbound(t *testing.T) {
	for v, ok := range map[string]bool{"a": true, "a,b": true, " a , b ,": true, "a,b,c": false, ",": false} {
		if err := CheckInbound(v); (err == nil) != ok {
			t.Errorf("CheckInbound(%q) = %v", v, err)
		}
	}
	if err := CheckInbound("s3cret-1,s3cret-2,s3cret-3"); strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error shows a token: %v", err)
	}
}

// A refused file stays visible as a state until it is fixed, not only at
// the poll that saw it change; a file that comes back after being missing
// is reported usable again even when its content did not change.
func TestWatcherStateFollowsTheFileUntilFixed(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "inbound")
	write(t, p, "okta-token")
	f, err := ReadFileWith(p, CheckInbound)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]error{}
	rl := newReloads()
	var changed int
	w := NewWatcher(WatcherConfig{Reloaded: rl.record, State: func(name string, err error) { state[name] = err }},
		Watched{Name: "inbound", Files: []*File{f}, Changed: func([]*File) { changed++ }})
	w.Poll()
	if err, ok := state["inbound"]; !ok || err != nil {
		t.Fatalf("state of a good file = %v (reported %v)", err, ok)
	}

	write(t, p, "a,b,c")
	w.Poll()
	w.Poll() // unchanged: no second reload, but still refused
	if err := state["inbound"]; err == nil || !strings.Contains(err.Error(), "3 tokens") {
		t.Fatalf("state after two polls of a refused file = %v", err)
	}
	if f.Value() != "okta-token" {
		t.Fatalf("value = %q, want the previous one", f.Value())
	}

	write(t, p, "okta-token")
	w.Poll()
	if err := state["inbound"]; err != nil {
		t.Fatalf("state after the fix = %v", err)
	}

	// Missing, then back with the same content: usable again, and said so.
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	w.Poll()
	if state["inbound"] == nil {
		t.Fatal("a missing file is reported usable")
	}
	write(t, p, "okta-token")
	rl.take()
	w.Poll()
	if err := state["inbound"]; err != nil {
		t.Fatalf("state after the file came back = %v", err)
	}
	if got := rl.take(); !reflect.DeepEqual(got, []string{"inbound:ok"}) {
		t.Fatalf("reloads when the file came back = %v, want one success", got)
	}
	if changed != 0 {
		t.Fatalf("Changed ran %d times, though the value never changed", changed)
	}
}
