package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/scim-bridge/scim-bridge/internal/config"
	"github.com/scim-bridge/scim-bridge/internal/secret"
)

// A new Identity Center token has a new year: when the token file changes
// but its expiry does not, the operator is told, since the expiry alert
// would otherwise track the old token's date. Changing both is quiet, and a
// refused file shows as scim_bridge_token_file_valid 0 until it is fixed.
func TestOpsWarnsWhenTheTokenChangesButNotItsExpiry(t *testing.T) {
	dir := t.TempDir()
	write := func(name, v string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p+".tmp", []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(p+".tmp", p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tokPath, expPath := write("upstream-token", "aws-token-1"), write("upstream-token-expires", "2099-01-01")
	tok, err := secret.ReadFile(tokPath)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := secret.ReadFileWith(expPath, secret.CheckExpiry)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.InfoLevel)
	cfg := &config.Serve{UpstreamTokenExpires: exp, SecretPollInterval: time.Hour, LogSampleGets: 1}
	o, err := newOps(cfg, zap.New(core), tok, secret.Static("okta-token-0123456789abcdefgh"))
	if err != nil {
		t.Fatal(err)
	}
	warned := func() int { return logs.FilterMessageSnippet("its configured expiry did not").Len() }
	valid := func() string {
		t.Helper()
		var b strings.Builder
		mfs, err := o.reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "scim_bridge_token_file_valid" {
				for _, m := range mf.GetMetric() {
					b.WriteString(m.GetLabel()[0].GetValue() + "=" + strings.TrimSpace(m.GetGauge().String()) + " ")
				}
			}
		}
		return b.String()
	}

	write("upstream-token", "aws-token-2")
	o.watcher.Poll()
	if warned() != 1 {
		t.Fatalf("token changed alone: %d warnings, want 1", warned())
	}
	write("upstream-token", "aws-token-3")
	write("upstream-token-expires", "2100-01-01")
	o.watcher.Poll()
	if warned() != 1 {
		t.Fatalf("token and expiry changed together: %d warnings, want still 1", warned())
	}
	if at, _ := o.expiry.At(); at.Year() != 2100 {
		t.Fatalf("expiry after reload = %v", at)
	}
	if got := valid(); got != "upstream=value:1 " {
		t.Fatalf("token_file_valid = %q, want upstream 1 (inbound is not a file)", got)
	}
	// SIGHUP re-reads every file: a new token alone still warns, and
	// re-reading unchanged files does not.
	write("upstream-token", "aws-token-4")
	o.watcher.ReloadAll()
	o.watcher.ReloadAll()
	if warned() != 2 {
		t.Fatalf("token changed alone, then SIGHUP twice: %d warnings, want 2", warned())
	}
	write("upstream-token-expires", "next year")
	o.watcher.Poll()
	o.watcher.Poll()
	if got := valid(); got != "upstream=value:0 " {
		t.Fatalf("token_file_valid with a bad expiry = %q, want upstream 0 on every poll", got)
	}
}

// An Identity Center outage is logged once when it starts and once when it
// ends, however many checks (periodic, /readyz) see it, and follows
// scim_bridge_upstream_up; a prober that hangs up says nothing about it.
func TestOpsLogsUpstreamReachabilityChanges(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	cfg := &config.Serve{SecretPollInterval: time.Hour, LogSampleGets: 1}
	o, err := newOps(cfg, zap.New(core), secret.Static("aws"), secret.Static("okta-token-0123456789abcdefgh"))
	if err != nil {
		t.Fatal(err)
	}
	var upstreamErr error
	ping := o.wrapPing(func(context.Context) error { return upstreamErr })
	up := func() float64 {
		t.Helper()
		mfs, err := o.reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "scim_bridge_upstream_up" {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatal("no scim_bridge_upstream_up")
		return 0
	}
	lines := func() []string {
		var out []string
		for _, e := range logs.All() {
			out = append(out, e.Message)
		}
		return out
	}
	ctx := context.Background()
	_ = ping(ctx)
	upstreamErr = errors.New("identity center: 401")
	_ = ping(ctx)
	_ = ping(ctx)
	if up() != 0 {
		t.Fatal("upstream_up is not 0 during the outage")
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	upstreamErr = nil
	_ = ping(gone) // the prober hung up: no news
	if up() != 0 {
		t.Fatal("a cancelled check changed upstream_up")
	}
	_ = ping(ctx)
	_ = ping(ctx)
	want := []string{"not ready: Identity Center does not answer", "ready again: Identity Center answers"}
	if got := lines(); !reflect.DeepEqual(got, want) {
		t.Fatalf("log = %q, want %q", got, want)
	}
	if up() != 1 {
		t.Fatal("upstream_up is not 1 after the outage")
	}
}
