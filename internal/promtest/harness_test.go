package promtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"github.com/scim-bridge/scim-bridge/internal/syncbuf"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

const tenant = "9a6b4c2d-1e3f-4a5b-8c7d-0e1f2a3b4c5d"

// binary is the scim-bridge built once for the package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "scim-bridge-promtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "scim-bridge")
	// The Dockerfile's flags (static, -trimpath): the image's binary is the
	// one tested, and deploy's test of the Dockerfile's build line reuses
	// these compiled packages instead of building the whole tree a second
	// time under different flags (minutes on a cold CI cache).
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", binary, "github.com/scim-bridge/scim-bridge/cmd/scim-bridge")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building scim-bridge: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// needTool returns the path of a Prometheus tool, skipping the test when it
// is missing locally; in CI (CI=true) a missing tool is a failure, since
// .ci/run installs Debian's prometheus package.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not on PATH but CI=true: .ci/run must install Debian's prometheus package", name)
	}
	t.Skipf("%s not on PATH: install Debian's prometheus package (apt-get install prometheus) to run this test", name)
	return ""
}

type syncBuffer = syncbuf.Buffer

// upstream is an in-memory Identity Center on loopback. Revoke makes it
// refuse a token, as deleting it in the AWS console does.
type upstream struct {
	emu     *emulator.Emulator
	srv     *httptest.Server
	URL     string
	revoked atomic.Value // string
}

func newUpstream(t *testing.T, tokens ...string) *upstream {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Tenant: tenant, Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	u := &upstream{emu: emu}
	u.revoked.Store("")
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rv := u.revoked.Load().(string); rv != "" && r.Header.Get("Authorization") == "Bearer "+rv {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"token revoked"}`)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(u.srv.Close)
	u.URL = u.srv.URL + "/" + tenant + "/scim/v2"
	return u
}

func (u *upstream) Revoke(token string) { u.revoked.Store(token) }

// bridge is a running `scim-bridge serve` process.
type bridge struct {
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	Base   string // Okta's base URL: http://127.0.0.1:PORT/scim/v2
	Admin  string // http://127.0.0.1:PORT
	exited chan struct{}
	err    error
}

// startBridge runs serve with env (on top of a clean environment) and
// args, and waits for its "serving" line.
func startBridge(t *testing.T, env map[string]string, args ...string) *bridge {
	t.Helper()
	args = append([]string{"serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"}, args...)
	cmd := exec.Command(binary, args...)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		// Only what the test sets: no real AWS credentials, no stray settings.
		if strings.HasPrefix(k, "SCIM_BRIDGE_") || (strings.HasPrefix(k, "AWS_") && k != "AWS_CA_BUNDLE") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	b := &bridge{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	pr, pw := io.Pipe()
	cmd.Stdout = io.MultiWriter(b.stdout, pw)
	cmd.Stderr = b.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		b.err = cmd.Wait()
		pw.Close()
		close(b.exited)
	}()
	t.Cleanup(func() { b.stop(t) })

	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct{ Msg, Listen, AdminListen string }
			var raw map[string]any
			if json.Unmarshal(sc.Bytes(), &raw) != nil || raw["msg"] != "serving" {
				continue
			}
			line.Listen, _ = raw["listen"].(string)
			line.AdminListen, _ = raw["admin_listen"].(string)
			b.Base = "http://" + line.Listen + "/scim/v2"
			b.Admin = "http://" + line.AdminListen
			close(ready)
			break
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	select {
	case <-ready:
	case <-b.exited:
		t.Fatalf("scim-bridge serve exited: %v\nstdout:\n%s\nstderr:\n%s", b.err, b.stdout, b.stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("scim-bridge serve not serving within 60s\nstdout:\n%s\nstderr:\n%s", b.stdout, b.stderr)
	}
	return b
}

// stop sends SIGTERM and waits for a clean exit.
func (b *bridge) stop(t *testing.T) {
	select {
	case <-b.exited:
		return
	default:
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
		if b.err != nil {
			t.Errorf("scim-bridge serve exited with %v\nstderr:\n%s", b.err, b.stderr)
		}
	case <-time.After(60 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.exited
		t.Errorf("scim-bridge serve did not stop within 60s of SIGTERM")
	}
}

// signal sends sig to the bridge process.
func (b *bridge) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := b.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// metrics returns the admin listener's /metrics.
func (b *bridge) metrics(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(b.Admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics = %d: %s", resp.StatusCode, body)
	}
	return string(body)
}

// sample returns the value of the series in text exposition that starts
// with prefix (name and labels exactly as written, e.g.
// `scim_bridge_token_reloads_total{token="inbound",result="success"}`).
func sample(t *testing.T, exposition, prefix string) (float64, bool) {
	t.Helper()
	for _, line := range strings.Split(exposition, "\n") {
		rest, ok := strings.CutPrefix(line, prefix+" ")
		if !ok {
			continue
		}
		var v float64
		if _, err := fmt.Sscan(rest, &v); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		return v, true
	}
	return 0, false
}

// waitFor polls cond until it holds or the bounded deadline passes. The
// deadline is a safety net, not an assertion about speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
