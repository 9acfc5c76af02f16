package reqlog

import (
	"encoding/json"
	"errors"
	"github.com/scim-bridge/scim-bridge/internal/syncbuf"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

type lockedBuffer struct{ syncbuf.Buffer }

func (l *lockedBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, s := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if s == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatalf("not JSON: %q", s)
		}
		out = append(out, m)
	}
	return out
}

func newLogger(buf *lockedBuffer) *zap.Logger {
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(buf), zapcore.DebugLevel))
}

func TestMiddlewareWritesOneLineFromTheRecord(t *testing.T) {
	buf := &lockedBuffer{}
	var seenID string
	h := Middleware(newLogger(buf), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := From(r.Context())
		seenID = RequestID(r.Context())
		e.SetOperation("create_user")
		e.SetSubject("userName", "jane@example.com")
		e.AddUpstream(UpstreamCall{Method: "POST", Path: "/Users", Status: 201, Attempts: 2, Duration: 3 * time.Millisecond, RetryCauses: []string{"429"}, RetryAfterWait: time.Second})
		e.Rule("emails.single-value")
		e.Fallback("membership_via_scim_filter")
		e.SetDetail("kept one email")
		SetError(r.Context(), errors.New("upstream hiccup"))
		w.WriteHeader(http.StatusCreated)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/scim/v2/Users?x="+strings.Repeat("q", 2000), strings.NewReader(`{"password":"hunter2"}`))
	req.Header.Set("Authorization", "Bearer s3cret-token")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	lines := buf.lines(t)
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1", len(lines))
	}
	l := lines[0]
	id := resp.Header.Get(RequestIDHeader)
	if id == "" || l["request_id"] != id || seenID != id {
		t.Errorf("request id: header %q, line %v, handler %q", id, l["request_id"], seenID)
	}
	if l["status"] != float64(201) || l["operation"] != "create_user" || l["method"] != "POST" || l["path"] != "/scim/v2/Users" {
		t.Errorf("line = %v", l)
	}
	if q, _ := l["query"].(string); len(q) > maxQueryLen+4 {
		t.Errorf("query not capped: %d bytes", len(q))
	}
	up, _ := l["upstream"].([]any)
	if len(up) != 1 {
		t.Fatalf("upstream = %v", l["upstream"])
	}
	call := up[0].(map[string]any)
	if call["status"] != float64(201) || call["attempts"] != float64(2) || call["path"] != "/Users" {
		t.Errorf("upstream call = %v", call)
	}
	if causes, _ := call["retry_causes"].([]any); len(causes) != 1 || causes[0] != "429" {
		t.Errorf("retry_causes = %v", call["retry_causes"])
	}
	if r, _ := l["rules"].([]any); len(r) != 1 || r[0] != "emails.single-value" {
		t.Errorf("rules = %v", l["rules"])
	}
	if f, _ := l["fallbacks"].([]any); len(f) != 1 || f[0] != "membership_via_scim_filter" {
		t.Errorf("fallbacks = %v", l["fallbacks"])
	}
	if l["detail"] != "kept one email" || l["error"] != "upstream hiccup" {
		t.Errorf("detail/error = %v / %v", l["detail"], l["error"])
	}
	if s, _ := l["subject"].(map[string]any); s["userName"] != "jane@example.com" {
		t.Errorf("subject = %v", l["subject"])
	}
	raw, _ := json.Marshal(l)
	for _, secret := range []string{"s3cret-token", "hunter2", "Authorization"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("line holds %q: %s", secret, raw)
		}
	}
}

func TestRequestIDIncomingOnlyWhenSafe(t *testing.T) {
	buf := &lockedBuffer{}
	h := Middleware(newLogger(buf), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for in, keep := range map[string]bool{
		"okta-req.42_A":         true,
		"":                      false,
		strings.Repeat("a", 65): false,
		"a b":                   false,
		`a"},"level":"error`:    false,
		"ä":                     false,
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/scim/v2/Users", nil)
		req.Header.Set(RequestIDHeader, in)
		h.ServeHTTP(rec, req)
		got := rec.Header().Get(RequestIDHeader)
		if keep && got != in {
			t.Errorf("%q: replaced by %q", in, got)
		}
		if !keep && (got == in || !safeRequestID(got)) {
			t.Errorf("%q: kept or unsafe replacement %q", in, got)
		}
	}
	// Generated ids differ.
	a, b := httptest.NewRecorder(), httptest.NewRecorder()
	h.ServeHTTP(a, httptest.NewRequest("GET", "/", nil))
	h.ServeHTTP(b, httptest.NewRequest("GET", "/", nil))
	if a.Header().Get(RequestIDHeader) == b.Header().Get(RequestIDHeader) {
		t.Error("two requests got the same id")
	}
}

func TestNestedMiddlewareLogsOnce(t *testing.T) {
	buf := &lockedBuffer{}
	log := newLogger(buf)
	h := Middleware(log, Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		From(r.Context()).SetOperation("probe")
		http.Error(w, "nope", http.StatusInternalServerError)
	})))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/scim/v2/Users", nil))
	lines := buf.lines(t)
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1", len(lines))
	}
	if lines[0]["operation"] != "probe" || lines[0]["status"] != float64(500) || lines[0]["level"] != "error" {
		t.Errorf("line = %v", lines[0])
	}
}

func TestStatusDefaultsTo200(t *testing.T) {
	buf := &lockedBuffer{}
	h := Middleware(newLogger(buf), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if l := buf.lines(t); len(l) != 1 || l[0]["status"] != float64(200) || l[0]["level"] != "info" {
		t.Errorf("lines = %v", l)
	}
}
