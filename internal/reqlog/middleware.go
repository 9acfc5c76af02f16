package reqlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// RequestIDHeader carries the request id in both directions.
const RequestIDHeader = "X-Request-Id"

const (
	maxRequestIDLen = 64
	maxPathLen      = 256
	maxQueryLen     = 512
	maxUserAgentLen = 128
)

// Middleware writes one zap line per request to log, after next has answered,
// from the request's Entry: request id, method, path, operation, subject,
// status, duration, upstream calls, rules, fallbacks and the error detail.
//
// It puts a fresh *Entry in the request context (read it with From) and sets
// X-Request-Id on the response; an incoming X-Request-Id is kept only when it
// is short and made of [A-Za-z0-9._-]. No header, body or token is logged.
// When the context already carries an Entry (an outer Middleware), it only
// calls next, so nesting never doubles the line.
func Middleware(log *zap.Logger, next http.Handler) http.Handler {
	return MiddlewareWith(log, Options{}, next)
}

// Options extend Middleware for serve: metrics from the same Record as the
// log line, and sampling of the line.
type Options struct {
	// Observe, when set, receives every finished request's Record, whether
	// or not its line is logged, so the metrics and the log agree.
	Observe func(r *http.Request, status int, d time.Duration, rec Record)
	// Keep, when set, decides whether the line is written; the rest of the
	// request is unaffected. Nil keeps every line.
	Keep func(method string, status int) bool
}

// MiddlewareWith is Middleware with Options. Only the outermost middleware
// on a request observes and logs it.
func MiddlewareWith(log *zap.Logger, opts Options, next http.Handler) http.Handler {
	if log == nil {
		log = zap.NewNop()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if From(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !safeRequestID(id) {
			id = newRequestID()
		}
		e := &Entry{}
		e.ID = id
		st := &lineState{}
		ctx := context.WithValue(NewContext(r.Context(), e), stateKey{}, st)
		w.Header().Set(RequestIDHeader, id)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		status, d, rec := sw.statusOrOK(), time.Since(start), e.Snapshot()
		if opts.Keep == nil || opts.Keep(r.Method, status) {
			writeLine(log, r, status, d, rec, st)
		}
		if opts.Observe != nil {
			opts.Observe(r, status, d, rec)
		}
	})
}

// SetError records an internal error for the log line only; Okta sees the
// generic detail set with Entry.SetDetail. The caller must make sure err
// carries no secret.
func SetError(ctx context.Context, err error) {
	st, _ := ctx.Value(stateKey{}).(*lineState)
	if st == nil || err == nil {
		return
	}
	st.err = err.Error()
}

// RequestID returns the id of the request carried by ctx, or "".
func RequestID(ctx context.Context) string {
	return From(ctx).Snapshot().ID
}

type stateKey struct{}

// lineState is what the log line needs beyond the Record. It is written by the
// request's own goroutine only.
type lineState struct {
	err string
}

func writeLine(log *zap.Logger, r *http.Request, status int, d time.Duration, rec Record, st *lineState) {
	fields := []zap.Field{
		zap.String("request_id", rec.ID),
		zap.String("method", r.Method),
		zap.String("path", capString(r.URL.Path, maxPathLen)),
		zap.Int("status", status),
		zap.Duration("duration", d),
	}
	if q := r.URL.RawQuery; q != "" {
		// SCIM queries carry filters and paging, never secrets; capped anyway.
		fields = append(fields, zap.String("query", capString(q, maxQueryLen)))
	}
	if ua := r.UserAgent(); ua != "" {
		fields = append(fields, zap.String("user_agent", capString(ua, maxUserAgentLen)))
	}
	if rec.Operation != "" {
		fields = append(fields, zap.String("operation", rec.Operation))
	}
	if len(rec.Subject) > 0 {
		fields = append(fields, zap.Object("subject", stringMap(rec.Subject)))
	}
	if len(rec.Upstream) > 0 {
		fields = append(fields, zap.Array("upstream", upstreamCalls(rec.Upstream)))
	}
	if len(rec.Rules) > 0 {
		fields = append(fields, zap.Strings("rules", rec.Rules))
	}
	if len(rec.Fallbacks) > 0 {
		fields = append(fields, zap.Strings("fallbacks", rec.Fallbacks))
	}
	if rec.Detail != "" {
		fields = append(fields, zap.String("detail", rec.Detail))
	}
	if st.err != "" {
		fields = append(fields, zap.String("error", st.err))
	}
	switch {
	case status >= 500:
		log.Error("request", fields...)
	case status >= 400:
		log.Warn("request", fields...)
	default:
		log.Info("request", fields...)
	}
}

type stringMap map[string]string

func (m stringMap) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	for k, v := range m {
		enc.AddString(k, v)
	}
	return nil
}

type upstreamCalls []UpstreamCall

func (cs upstreamCalls) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	for _, c := range cs {
		if err := enc.AppendObject(upstreamCall(c)); err != nil {
			return err
		}
	}
	return nil
}

type upstreamCall UpstreamCall

func (c upstreamCall) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("method", c.Method)
	enc.AddString("path", capString(c.Path, maxPathLen+maxQueryLen))
	enc.AddInt("status", c.Status)
	enc.AddInt("attempts", c.Attempts)
	enc.AddDuration("duration", c.Duration)
	if len(c.RetryCauses) > 0 {
		if err := enc.AddArray("retry_causes", zapcore.ArrayMarshalerFunc(func(a zapcore.ArrayEncoder) error {
			for _, s := range c.RetryCauses {
				a.AppendString(s)
			}
			return nil
		})); err != nil {
			return err
		}
	}
	if c.RetryAfterWait > 0 {
		enc.AddDuration("retry_after_wait", c.RetryAfterWait)
	}
	if c.Err != "" {
		enc.AddString("error", c.Err)
	}
	return nil
}

// safeRequestID accepts a caller's id only if it cannot forge log content.
func safeRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	// crypto/rand.Read never returns an error (Go 1.24+).
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func capString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// statusWriter remembers the status code sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) statusOrOK() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
