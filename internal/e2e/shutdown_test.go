package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/internal/loadgen"
)

// shutdownToken is the inbound token of the serve process under test.
const shutdownToken = "shutdown-test-okta-token-0123456789abcdef"

// outcome is one POST /Users sent during the shutdown run.
type outcome struct {
	user       int
	start, end time.Time
	reply      loadgen.Reply
	err        error // no HTTP answer
}

// TestShutdownUnderLoad sends SIGTERM to a real `scim-bridge serve` process
// while Okta creates users through it at 32 concurrent connections, and
// proves that no accepted request is lost: every request that got an answer
// got a complete, correct 201 for a user that exists in Identity Center
// exactly as answered; every request that got no answer never reached
// Identity Center (it was not accepted); requests in flight at SIGTERM
// completed; and serve exits 0 after draining.
func TestShutdownUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the scim-bridge binary")
	}
	bin := buildServe(t)

	// Upstream latency keeps requests in flight when SIGTERM lands.
	up, err := loadgen.StartUpstream(loadgen.UpstreamOptions{Faults: emulator.Faults{Latency: 15 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()

	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"SCIM_BRIDGE_LISTEN=127.0.0.1:0",
		"SCIM_BRIDGE_ADMIN_LISTEN=127.0.0.1:0",
		"SCIM_BRIDGE_UPSTREAM_URL="+up.URL,
		"SCIM_BRIDGE_UPSTREAM_TOKEN="+up.Token(),
		"SCIM_BRIDGE_TOKEN="+shutdownToken,
		"SCIM_BRIDGE_DRAIN_TIMEOUT=30s",
	)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	logs := &syncBuffer{}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			_, _ = logs.Write(append(sc.Bytes(), '\n'))
			var line struct {
				Msg    string `json:"msg"`
				Listen string `json:"listen"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving" {
				addr <- line.Listen
			}
		}
		exited <- cmd.Wait()
	}()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a + "/scim/v2"
	case err := <-exited:
		t.Fatalf("serve exited before serving: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start\n%s", logs.String())
	}

	const conns, users = 32, 100000 // more users than can be created before SIGTERM
	client := &loadgen.Client{Base: base, Token: shutdownToken, Dialect: loadgen.DialectOkta, HTTP: loadgen.NewHTTPClient(conns)}
	var (
		mu       sync.Mutex
		outcomes []outcome
		next     int
		stopped  bool
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if stopped || next == users {
			return 0, false
		}
		next++
		return next - 1, true
	}
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, ok := take()
				if !ok {
					return
				}
				o := outcome{user: i, start: time.Now()}
				o.reply, o.err = client.Do(context.Background(), "POST", "/Users", loadgen.CreateUserBody(loadgen.DialectOkta, i))
				o.end = time.Now()
				mu.Lock()
				outcomes = append(outcomes, o)
				if o.err != nil {
					stopped = true // the listener is gone: Okta would stop too
				}
				mu.Unlock()
			}
		}()
	}

	// SIGTERM once the load is well under way.
	deadline := time.Now().Add(30 * time.Second)
	for up.Emu.Stats()["CreateUser"] < 150 {
		if time.Now().After(deadline) {
			t.Fatalf("load never got going: %v\n%s", up.Emu.Stats(), logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	sigterm := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM, want 0\n%s", err, tail(logs.String(), 5))
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not exit after SIGTERM\n%s", tail(logs.String(), 20))
	}
	mu.Lock()
	stopped = true
	mu.Unlock()
	wg.Wait()

	stored := map[string]emulator.User{}
	for _, u := range up.Emu.Store().Users() {
		name, _ := u.Attrs["userName"].(string)
		if _, dup := stored[name]; dup {
			t.Errorf("user %s stored twice", name)
		}
		stored[name] = u
	}
	answered, refused, drained := 0, 0, 0
	for _, o := range outcomes {
		name := loadgen.UserName(o.user)
		u, inStore := stored[name]
		delete(stored, name)
		if o.err != nil {
			// No answer: this must be a request the bridge never accepted.
			refused++
			if inStore {
				t.Errorf("user %d: Okta got no answer (%v) but Identity Center has the user: an accepted request was cut", o.user, o.err)
			}
			continue
		}
		answered++
		if o.reply.Status != http.StatusCreated {
			t.Errorf("user %d: answered %d, want 201: %s", o.user, o.reply.Status, o.reply.Raw)
			continue
		}
		id, _ := o.reply.Body["id"].(string)
		if got, _ := o.reply.Body["userName"].(string); got != name || id == "" {
			t.Errorf("user %d: incomplete 201: %s", o.user, o.reply.Raw)
			continue
		}
		if !inStore || u.ID != id {
			t.Errorf("user %d: answered 201 with id %q, but Identity Center has %v (found %v)", o.user, id, u.ID, inStore)
		}
		if o.start.Before(sigterm) && o.end.After(sigterm) {
			drained++
		}
	}
	for name := range stored {
		t.Errorf("Identity Center has %s, which no answered request created", name)
	}
	t.Logf("%d requests answered (%d of them in flight at SIGTERM and drained), %d refused after the listener closed", answered, drained, refused)
	if drained == 0 {
		t.Error("no request was in flight at SIGTERM: the drain was not exercised")
	}
	if refused == 0 {
		t.Error("no request was refused: the load did not outlast the listener")
	}
	if !containsLine(logs.String(), "stopped cleanly") {
		t.Errorf("serve did not log a clean stop\n%s", tail(logs.String(), 5))
	}
}

// buildServe builds cmd/scim-bridge into a temporary directory.
func buildServe(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "scim-bridge")
	// The Dockerfile's flags, as internal/promtest uses: CI then compiles the
	// static package tree once for both.
	build := exec.Command(goTool, "build", "-trimpath", "-buildvcs=false", "-o", bin, "github.com/scim-bridge/scim-bridge/cmd/scim-bridge")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func containsLine(logs, msg string) bool {
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var line struct {
			Msg string `json:"msg"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == msg {
			return true
		}
	}
	return false
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
