package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/scim-bridge/scim-bridge/internal/syncbuf"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/internal/runscope"
	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

type syncBuffer = syncbuf.Buffer

// running is a serve started in the background.
type running struct {
	b      *bridge
	stdout *syncBuffer
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

func startServe(t *testing.T, args []string, env map[string]string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	started := make(chan *bridge, 1)
	go func() {
		r.done <- serveWith(ctx, args, func(k string) string { return env[k] }, r.stdout, r.stderr, func(b *bridge) { started <- b })
	}()
	select {
	case r.b = <-started:
	case err := <-r.done:
		cancel()
		t.Fatalf("serve did not start: %v\nstderr: %s", err, r.stderr)
	}
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	if err := <-r.done; err != nil {
		t.Fatalf("serve returned %v after cancel, want nil (exit 0)", err)
	}
	r.done <- nil // for Cleanup
}

var loopback = []string{"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"}

var curlLine = regexp.MustCompile(`curl -sS -H 'Authorization: (Bearer [^']+)' '([^']+)'`)

// The README quick start: no settings at all, the emulator upstream, a
// generated token and a curl line that works as printed.
func TestServeQuickStart(t *testing.T) {
	r := startServe(t, loopback, nil)

	m := curlLine.FindStringSubmatch(r.stderr.String())
	if m == nil {
		t.Fatalf("no curl line on stderr:\n%s", r.stderr)
	}
	auth, target := m[1], m[2]
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("the printed curl line fails: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "ListResponse") {
		t.Fatalf("curl line: %d %s", resp.StatusCode, body)
	}

	logs := r.stdout.String()
	if !regexp.MustCompile(`"level":"warn".*LOST AT EXIT`).MatchString(logs) {
		t.Fatalf("no loud WARN about the in-memory emulator in the log:\n%s", logs)
	}
	token := strings.TrimPrefix(auth, "Bearer ")
	if strings.Contains(logs, token) {
		t.Fatal("the generated token is in the log")
	}
	if strings.Count(r.stderr.String(), token) != 2 { // the token line and the curl line, once
		t.Fatalf("the token is not printed exactly once:\n%s", r.stderr)
	}

	admin := "http://" + r.b.AdminAddr()
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "scim_bridge_build_info"} {
		resp, err := http.Get(admin + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
			t.Errorf("admin %s: %d %.200s", path, resp.StatusCode, b)
		}
	}
	// The admin paths are not on the Okta-facing listener.
	resp, err = http.Get("http://" + r.b.OktaAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics on the Okta listener: %d", resp.StatusCode)
	}
	r.stop(t)
}

// Okta's SPEC suite against the real `serve` process wiring, over loopback.
func TestServeRunsOktaSPECSuite(t *testing.T) {
	r := startServe(t, loopback, nil)
	m := curlLine.FindStringSubmatch(r.stderr.String())
	if m == nil {
		t.Fatalf("no curl line:\n%s", r.stderr)
	}
	// Precondition: one user exists (okta-scim-client.md §9).
	if _, err := r.b.upstream.emu.Store().CreateUser(map[string]any{
		"userName": "seed@example.com", "displayName": "Seed User", "active": true,
		"name":   map[string]any{"givenName": "Seed", "familyName": "User"},
		"emails": []any{map[string]any{"value": "seed@example.com", "type": "work", "primary": true}},
	}); err != nil {
		t.Fatal(err)
	}
	suite, err := runscope.OktaSPECSuite()
	if err != nil {
		t.Fatal(err)
	}
	vars := runscope.InitialVariables(rand.New(rand.NewPCG(rand.Uint64(), 1)))
	vars["SCIMBaseURL"] = "http://" + r.b.OktaAddr() + "/scim/v2"
	vars["auth"] = m[1]
	rep, err := (&runscope.Runner{Client: &http.Client{}, Vars: vars}).Run(context.Background(), suite)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
	if failed := rep.RequiredFailures(); len(failed) > 0 {
		t.Fatalf("%d required steps failed", len(failed))
	}
	r.stop(t)
}

// gate holds upstream requests until released, to keep one Okta request in
// flight across the shutdown.
type gate struct {
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

func (g *gate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/Users") && r.Method == http.MethodGet {
			g.once.Do(func() { close(g.arrived) })
			<-g.release
		}
		next.ServeHTTP(w, r)
	})
}

// SIGTERM while Okta's request is in flight: the listener stops accepting,
// the request still completes, serve returns nil.
func TestServeDrainsInFlightRequest(t *testing.T) {
	const tenant = "5b1c3f0e-aaaa-4bbb-8ccc-123456789abc"
	emu, err := emulator.New(emulator.Options{Tenant: tenant, Tokens: []string{"aws-token-for-drain"}})
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{arrived: make(chan struct{}), release: make(chan struct{})}
	up := httptest.NewServer(g.wrap(emu))
	defer up.Close()

	r := startServe(t, loopback, map[string]string{
		"SCIM_BRIDGE_UPSTREAM_URL":   up.URL + "/" + tenant + "/scim/v2/",
		"SCIM_BRIDGE_UPSTREAM_TOKEN": "aws-token-for-drain",
		"SCIM_BRIDGE_TOKEN":          "okta-new-token-0123456789abc,okta-old-token-0123456789abc",
	})
	addr := r.b.OktaAddr()

	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/scim/v2/Users?startIndex=1&count=2", nil)
		req.Header.Set("Authorization", "Bearer okta-old-token-0123456789abc") // the second token of a rotation
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			res <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		res <- result{status: resp.StatusCode, body: string(b)}
	}()
	<-g.arrived
	r.cancel()
	// Wait until the listener is closed: new connections are refused.
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		c.Close()
	}
	select {
	case got := <-res:
		t.Fatalf("in-flight request ended before the upstream answered: %+v", got)
	default:
	}
	close(g.release)
	got := <-res
	if got.err != nil || got.status != http.StatusOK {
		t.Fatalf("in-flight request after shutdown began: %+v", got)
	}
	var lr map[string]any
	if err := json.Unmarshal([]byte(got.body), &lr); err != nil || lr["totalResults"] != float64(0) {
		t.Fatalf("in-flight reply %s", got.body)
	}
	if err := <-r.done; err != nil {
		t.Fatalf("serve returned %v, want nil", err)
	}
	r.done <- nil

	logs := r.stdout.String()
	for _, secret := range []string{"aws-token-for-drain", "okta-new-token-0123456789abc", "okta-old-token-0123456789abc"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains the token %q", secret)
		}
	}
	if !strings.Contains(logs, "sha256:") {
		t.Error("log does not identify the configured tokens by fingerprint")
	}
	if strings.Contains(logs, "LOST AT EXIT") {
		t.Error("emulator warning with a real upstream configured")
	}
}

func TestServeRefusesUnsafeConfig(t *testing.T) {
	cases := map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"upstream without inbound token": {loopback, map[string]string{
			"SCIM_BRIDGE_UPSTREAM_URL": "https://scim.us-east-1.amazonaws.com/t/scim/v2", "SCIM_BRIDGE_UPSTREAM_TOKEN": "x",
		}, "SCIM_BRIDGE_TOKEN"},
		"admin on the Okta listener": {[]string{"--listen", ":18080", "--admin-listen", ":18080"}, nil, "clashes"},
		"stray argument":             {append([]string{"extra"}, loopback...), nil, "unexpected"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var out, errw bytes.Buffer
			err := serveWith(context.Background(), tc.args, func(k string) string { return tc.env[k] }, &out, &errw, func(*bridge) {
				t.Error("serve started")
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want mention of %q", err, tc.want)
			}
		})
	}
}

func TestServeHelpExitsZero(t *testing.T) {
	var out, errw bytes.Buffer
	if err := serveWith(context.Background(), []string{"--help"}, func(string) string { return "" }, &out, &errw, nil); err != nil {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"-listen", "-admin-listen", "SCIM_BRIDGE_UPSTREAM_URL", "-drain-timeout", "wins over the environment"} {
		if !strings.Contains(errw.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// With SAML values configured, the broker is on the Okta-facing listener
// under /saml/; without them /saml/ does not exist.
func TestServeMountsSAMLBroker(t *testing.T) {
	acs, issuer := samltest.ACSURL("eu-west-1"), samltest.IssuerURL("eu-west-1")
	r := startServe(t, append([]string{"--saml-acs-url", acs, "--saml-issuer", issuer}, loopback...), nil)
	resp, err := http.Get("http://" + r.b.OktaAddr() + "/saml/sp.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), acs) {
		t.Fatalf("/saml/sp.json: %d %s", resp.StatusCode, b)
	}
	r.stop(t)

	plain := startServe(t, loopback, nil)
	resp, err = http.Get("http://" + plain.b.OktaAddr() + "/saml/sp.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/saml/ without SAML settings: %d", resp.StatusCode)
	}
	plain.stop(t)
}

// --names reject, as an operator sets it: a user Okta sends without
// familyName gets a 400 whose detail names the attribute, and Identity
// Center (the emulator) receives nothing.
func TestServeNamesReject(t *testing.T) {
	const token = "okta-token-names-reject-0123456789"
	r := startServe(t, append([]string{"--names", "reject"}, loopback...), map[string]string{"SCIM_BRIDGE_TOKEN": token})
	body := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"cher@okta.local",
 "name":{"givenName":"Cher"},"displayName":"Cher","emails":[{"primary":true,"value":"cher@okta.local","type":"work"}],
 "externalId":"00ucher0000000000001","password":"pl4ceholder","active":true}`
	req, _ := http.NewRequest(http.MethodPost, "http://"+r.b.OktaAddr()+"/scim/v2/Users", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e struct{ Detail string }
	_ = json.Unmarshal(raw, &e)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Detail, "name.familyName") {
		t.Fatalf("create without familyName under --names reject: %d %s", resp.StatusCode, raw)
	}
	if n := len(r.b.upstream.emu.Store().Users()); n != 0 {
		t.Fatalf("the emulator has %d users after a refused create", n)
	}
	r.stop(t)
}
