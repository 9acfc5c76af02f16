package e2e

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"github.com/scim-bridge/scim-bridge/internal/syncbuf"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/scim"
)

const (
	oktaToken     = "okta-inbound-token-e2e"
	upstreamToken = "aws-upstream-token-e2e"
	tenant        = "9a6b4c2d-1e3f-4a5b-8c7d-0e1f2a3b4c5d"
)

// upstreamCall is one request the emulator answered.
type upstreamCall struct {
	Method, Path string
	Status       int
}

// upstreamLog records every answer the emulator gives, so a test can say
// "Identity Center refused nothing".
type upstreamLog struct {
	mu    sync.Mutex
	calls []upstreamCall
}

func (l *upstreamLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		l.mu.Lock()
		l.calls = append(l.calls, upstreamCall{r.Method, r.URL.RequestURI(), sw.status})
		l.mu.Unlock()
	})
}

// since returns the calls made after the first n.
func (l *upstreamLog) since(n int) []upstreamCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]upstreamCall(nil), l.calls[n:]...)
}

func (l *upstreamLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.calls)
}

// refusals are the 4xx answers among calls.
func refusals(calls []upstreamCall) []upstreamCall {
	var out []upstreamCall
	for _, c := range calls {
		if c.Status >= 400 && c.Status < 500 {
			out = append(out, c)
		}
	}
	return out
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// syncBuffer is the log sink: every line the bridge writes, to check that
// no secret reaches it.
type syncBuffer = syncbuf.Buffer

// env is one bridge in front of one emulator, both on loopback listeners.
type env struct {
	emu      *emulator.Emulator
	upstream *httptest.Server
	up       *upstreamLog
	bridge   *httptest.Server
	logs     *syncBuffer
	okta     *oktaClient
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, envOptions{})
}

// envOptions varies what an operator configures.
type envOptions struct {
	upstreamToken string                    // the bridge's Identity Center token; "" → the one the emulator accepts
	names         identitycenter.NamePolicy // --names; zero → derive, serve's default
}

func newEnvWith(t testing.TB, o envOptions) *env {
	t.Helper()
	if o.upstreamToken == "" {
		o.upstreamToken = upstreamToken
	}
	emu, err := emulator.New(emulator.Options{Tenant: tenant, Tokens: []string{upstreamToken}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{emu: emu, up: &upstreamLog{}, logs: &syncBuffer{}}
	upstream := httptest.NewServer(e.up.wrap(emu))
	t.Cleanup(upstream.Close)
	e.upstream = upstream

	log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(e.logs), zap.DebugLevel))
	client, err := identitycenter.NewClient(identitycenter.ClientConfig{
		// The console shows the endpoint with a trailing slash
		// (identity-center-scim.md §1); paste it as an operator would.
		BaseURL: upstream.URL + "/" + tenant + "/scim/v2/",
		Token:   func() string { return o.upstreamToken },
	})
	if err != nil {
		t.Fatal(err)
	}
	users, err := newUsers(client, o.names, log)
	if err != nil {
		t.Fatal(err)
	}
	cfg := scim.Config{Tokens: func() []string { return []string{oktaToken} }, Users: users, Logger: log}
	if groups, ok := users.(identitycenter.Groups); ok { // as serve wires it
		cfg.Groups = groups
	}
	h, err := scim.NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.bridge = httptest.NewServer(h)
	t.Cleanup(e.bridge.Close)
	e.okta = &oktaClient{t: t, base: e.bridge.URL + "/scim/v2", token: oktaToken, http: e.bridge.Client()}
	return e
}

// seedUser puts a user straight into the emulator: someone already in
// Identity Center before Okta was connected.
func (e *env) seedUser(t testing.TB, userName, given, family string) emulator.User {
	t.Helper()
	u, err := e.emu.Store().CreateUser(map[string]any{
		"userName":    userName,
		"displayName": given + " " + family,
		"name":        map[string]any{"givenName": given, "familyName": family},
		"emails":      []any{map[string]any{"value": userName, "type": "work", "primary": true}},
		"active":      true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// storedUser returns the emulator's copy of the user with userName.
func (e *env) storedUser(t *testing.T, userName string) (emulator.User, bool) {
	t.Helper()
	for _, u := range e.emu.Store().Users() {
		if u.Attrs["userName"] == userName {
			return u, true
		}
	}
	return emulator.User{}, false
}

// oktaClient sends requests exactly as Okta's SCIM client does
// (okta-scim-client.md §3 and §11 "Headers to reproduce").
type oktaClient struct {
	t     testing.TB
	base  string
	token string
	http  *http.Client
}

type reply struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// do sends method base+path. body is sent verbatim when it is a string
// (Okta's bytes, unchanged) and as JSON otherwise.
func (o *oktaClient) do(method, path string, body any) reply {
	o.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				o.t.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, o.base+path, rd)
	if err != nil {
		o.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/scim+json")
	req.Header.Set("Accept-Charset", "utf-8")
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	req.Header.Set("User-Agent", "Okta SCIM Client 1.0.0")
	req.Header.Set("Authorization", "Bearer "+o.token)
	req.Header.Set("Connection", "Keep-Alive")
	// Set by hand, as Okta does; Go then leaves the body compressed.
	req.Header.Set("Accept-Encoding", "gzip,deflate")
	resp, err := o.http.Do(req)
	if err != nil {
		o.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(resp.Body)
		if err != nil {
			o.t.Fatalf("%s %s: gzip: %v", method, path, err)
		}
		r = gz
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		o.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	out := reply{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out.Body); err != nil {
			o.t.Fatalf("%s %s: %d answer is not JSON: %v\n%s", method, path, resp.StatusCode, err, raw)
		}
	}
	return out
}

// expect fails the test unless the reply has one of the statuses.
func (r reply) expect(t testing.TB, what string, statuses ...int) reply {
	t.Helper()
	for _, s := range statuses {
		if r.Status == s {
			return r
		}
	}
	t.Fatalf("%s: status %d, want %v\n%s", what, r.Status, statuses, r.Raw)
	return r
}

// str digs a string out of a decoded JSON object by dotted path.
func str(m map[string]any, path string) string {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = obj[k]
	}
	s, _ := cur.(string)
	return s
}
