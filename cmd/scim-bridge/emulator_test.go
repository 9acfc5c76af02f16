package main

import (
	"bufio"
	"context"
	"encoding/json"
	"github.com/scim-bridge/scim-bridge/internal/syncbuf"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// startEmulatorCmd runs `scim-bridge emulator` on a free port and returns
// the printed lines up to the SDK endpoint line, and a stop function.
func startEmulatorCmd(t *testing.T, args ...string) (lines map[string]string, stop func() error) {
	lines, stop, _ = startEmulatorCmdLog(t, args...)
	return lines, stop
}

type lockedBuffer = syncbuf.Buffer

// startEmulatorCmdLog is startEmulatorCmd that also returns what the
// emulator wrote to stderr (its request log).
func startEmulatorCmdLog(t *testing.T, args ...string) (lines map[string]string, stop func() error, stderr *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr = &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		err := runEmulator(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), pw, stderr)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	lines = map[string]string{}
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ": ")
		lines[k] = v
		if k == "identity store id" {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if lines["SCIM base URL"] == "" {
		cancel()
		t.Fatalf("emulator printed no base URL; err %v; stderr %s", <-done, stderr.String())
	}
	var once sync.Once
	var stopErr error
	return lines, func() error {
		once.Do(func() { stopErr = waitStopped(t, cancel, done) })
		return stopErr
	}, stderr
}

// waitStopped cancels the emulator and waits for runEmulator to return.
func waitStopped(t *testing.T, cancel func(), done <-chan error) error {
	t.Helper()
	cancel()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("emulator did not stop after cancel")
		return nil
	}
}

func getSPC(t *testing.T, base, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/ServiceProviderConfig", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		var spc map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&spc); err != nil {
			t.Fatal(err)
		}
		if bulk, _ := spc["bulk"].(map[string]any); bulk["supported"] != false {
			t.Errorf("ServiceProviderConfig bulk = %v", spc["bulk"])
		}
	}
	return resp.StatusCode
}

func TestEmulatorCommandServesSCIM(t *testing.T) {
	lines, stop := startEmulatorCmd(t)
	base, token := lines["SCIM base URL"], lines["bearer token (generated)"]
	if !strings.HasSuffix(base, "/"+defaultEmulatorTenant+"/scim/v2") || token == "" {
		t.Fatalf("printed %v", lines)
	}
	if !strings.Contains(lines["SDK endpoints"], "AWS_ENDPOINT_URL_IDENTITYSTORE=http://127.0.0.1:") {
		t.Errorf("SDK endpoints line: %q", lines["SDK endpoints"])
	}
	if code := getSPC(t, base, token); code != http.StatusOK {
		t.Errorf("GET ServiceProviderConfig with the printed token: %d", code)
	}
	if code := getSPC(t, base, "wrong"); code != http.StatusUnauthorized {
		t.Errorf("with a wrong token: %d, want 401", code)
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}

func TestEmulatorCommandTokensSeedAndFaults(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(seed, []byte(`{"users":[{"userName":"ann@example.com","displayName":"Ann","name":{"givenName":"Ann","familyName":"A"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	lines, stop := startEmulatorCmd(t, "--token", "tok-a", "--token", "tok-b", "--tenant", "t-1", "--seed", seed,
		"--throttle-rate", "0.000001", "--throttle-burst", "2", "--retry-after", "2s")
	defer func() { _ = stop() }()
	if _, printed := lines["bearer token (generated)"]; printed {
		t.Error("a given token was replaced by a generated one")
	}
	base := lines["SCIM base URL"]
	req, _ := http.NewRequest(http.MethodGet, base+`/Users?filter=userName%20eq%20%22ann%40example.com%22`, nil)
	req.Header.Set("Authorization", "Bearer tok-b")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if resp.StatusCode != 200 || list["totalResults"] != 1.0 {
		t.Errorf("seeded user lookup: %d %v", resp.StatusCode, list)
	}
	getSPC(t, base, "tok-a") // second and last token in the bucket
	req, _ = http.NewRequest(http.MethodGet, base+"/ServiceProviderConfig", nil)
	req.Header.Set("Authorization", "Bearer tok-a")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("third request under --throttle-burst 2 --retry-after 2s: %d Retry-After %q, want 429 and \"2\"",
			resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestEmulatorCommandRefusesBadFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // should a bad flag be accepted, the emulator stops at once instead of hanging
	for _, args := range [][]string{
		{"--token", "a", "--token", "b", "--token", "c"},
		{"--error-rate", "1.5"},
		{"--seed", filepath.Join(t.TempDir(), "missing.json")},
	} {
		err := runEmulator(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), io.Discard, io.Discard)
		if err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// The request log names each request, its status and the refusing rule, and
// never the token.
func TestEmulatorCommandLogsRequestsWithoutTokens(t *testing.T) {
	lines, stop, logs := startEmulatorCmdLog(t, "--token", "secret-token-value")
	defer func() { _ = stop() }()
	base := lines["SCIM base URL"]
	getSPC(t, base, "secret-token-value")
	req, _ := http.NewRequest(http.MethodPut, base+"/Groups/g-1", strings.NewReader(`{"displayName":"x"}`))
	req.Header.Set("Authorization", "Bearer secret-token-value")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	log := logs.String()
	if !strings.Contains(log, "GET /"+defaultEmulatorTenant+"/scim/v2/ServiceProviderConfig 200 -") ||
		!strings.Contains(log, "PUT /"+defaultEmulatorTenant+"/scim/v2/Groups/g-1 400 endpoint.no-group-put") {
		t.Errorf("request log lacks the two requests:\n%s", log)
	}
	if strings.Contains(log, "secret-token-value") {
		t.Errorf("the token reached the request log:\n%s", log)
	}
}
