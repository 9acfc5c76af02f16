package logging

import (
	"bytes"
	"encoding/json"
	"github.com/scim-bridge/scim-bridge/internal/syncbuf"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

func TestNewJSONIsOneObjectPerLineAtLevel(t *testing.T) {
	var buf bytes.Buffer
	log, err := New("warn", FormatJSON, &buf)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hidden")
	log.Warn("shown")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("got %d lines at level warn, want 1: %q", len(lines), buf.String())
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatalf("not JSON: %q", lines[0])
	}
	if m["msg"] != "shown" || m["level"] != "warn" || m["time"] == nil {
		t.Fatalf("line = %v", m)
	}
}

func TestNewConsoleIsForPeople(t *testing.T) {
	var buf bytes.Buffer
	log, err := New("debug", FormatConsole, &buf)
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hello")
	out := buf.String()
	if !strings.Contains(out, "DEBUG") || !strings.Contains(out, "hello") || strings.HasPrefix(out, "{") {
		t.Fatalf("console line = %q", out)
	}
}

func TestNewRefusesUnknownSettings(t *testing.T) {
	if _, err := New("loud", FormatJSON, &bytes.Buffer{}); err == nil {
		t.Error("level loud accepted")
	}
	if _, err := New("info", "xml", &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "json or console") {
		t.Errorf("format xml: %v", err)
	}
	if _, err := NewGetSampler(-1); err == nil {
		t.Error("negative sampling accepted")
	}
}

type lockedBuffer struct{ syncbuf.Buffer }

func (l *lockedBuffer) lines() []string {
	s := strings.TrimSpace(l.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// The sampler thins the request log's successful GETs only; the observer
// (metrics) still sees every request.
func TestSamplerThinsSuccessfulGetsOnly(t *testing.T) {
	for _, tc := range []struct {
		every, wantGets int
	}{{1, 10}, {5, 2}, {0, 0}, {3, 4}} {
		buf := &lockedBuffer{}
		log, err := New("info", FormatJSON, buf)
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewGetSampler(tc.every)
		if err != nil {
			t.Fatal(err)
		}
		observed := 0
		h := reqlog.MiddlewareWith(log, reqlog.Options{
			Keep:    s.Keep,
			Observe: func(*http.Request, int, time.Duration, reqlog.Record) { observed++ },
		}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/missing") {
				http.NotFound(w, r)
			}
		}))
		for range 10 {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/scim/v2/Users", nil))
		}
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/scim/v2/Users", nil))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/scim/v2/Users/missing", nil))

		var gets, kept int
		for _, l := range buf.lines() {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("not JSON: %q", l)
			}
			switch {
			case m["method"] == "GET" && m["status"] == float64(200):
				gets++
			default:
				kept++
			}
		}
		if gets != tc.wantGets || kept != 2 {
			t.Errorf("every %d: %d successful GET lines (want %d), %d other lines (want the POST and the 404)", tc.every, gets, tc.wantGets, kept)
		}
		if observed != 12 {
			t.Errorf("every %d: observer saw %d requests, want all 12", tc.every, observed)
		}
	}
}
