package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// Config configures the admin handler.
type Config struct {
	// Registry is what /metrics serves. Required.
	Registry *prometheus.Registry
	// Ping checks the upstream (identitycenter.Client.Ping). Required.
	Ping func(ctx context.Context) error
	// ReadyTTL is how long a readiness result is reused, so that a probe
	// storm (many replicas × kubelet + load balancer) costs Identity Center
	// one call per TTL, not one per probe. 0 checks on every probe.
	ReadyTTL time.Duration
	// PingTimeout bounds one upstream check; default 5s (kubelet's default
	// probe timeout is 1s, but a slow answer is still an answer).
	PingTimeout time.Duration
	Logger      *zap.Logger
	// Now is the clock; nil means time.Now. Tests inject one.
	Now func() time.Time
}

// NewHandler returns the admin mux: /healthz, /readyz, /metrics.
func NewHandler(cfg Config) (http.Handler, error) {
	if cfg.Registry == nil || cfg.Ping == nil {
		return nil, errors.New("admin: Registry and Ping are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PingTimeout <= 0 {
		cfg.PingTimeout = 5 * time.Second
	}
	r := &readiness{cfg: cfg}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		// Alive means the process answers; the upstream is /readyz's business,
		// so an AWS outage does not make Kubernetes restart every replica.
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", r.serveHTTP)
	mux.Handle("GET /metrics", promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{
		ErrorLog: zap.NewStdLog(cfg.Logger), Registry: cfg.Registry,
	}))
	return mux, nil
}

// readiness caches the last upstream check for ReadyTTL. Concurrent probes
// while a check runs wait for that one check instead of starting their own.
type readiness struct {
	cfg     Config
	mu      sync.Mutex // held during a check: probes queue behind it
	checked time.Time
	err     error
	valid   bool
}

func (r *readiness) check(ctx context.Context) (time.Time, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.cfg.Now()
	if r.valid && now.Sub(r.checked) < r.cfg.ReadyTTL {
		return r.checked, r.err
	}
	pctx, cancel := context.WithTimeout(ctx, r.cfg.PingTimeout)
	defer cancel()
	err := r.cfg.Ping(pctx)
	if ctx.Err() != nil {
		// The prober went away: do not cache a result it caused.
		return now, err
	}
	// Not logged here: serve's Ping logs each change of state, whether a
	// probe or its own periodic check saw it (cmd/scim-bridge/serve_ops.go).
	r.err, r.checked, r.valid = err, now, true
	return now, err
}

func (r *readiness) serveHTTP(w http.ResponseWriter, req *http.Request) {
	at, err := r.check(req.Context())
	body := map[string]string{"checked_at": at.UTC().Format(time.RFC3339)}
	if err != nil {
		body["status"] = "not ready"
		// The upstream client's errors name status and path, never the token.
		body["reason"] = err.Error()
		writeJSON(w, http.StatusServiceUnavailable, body)
		return
	}
	body["status"] = "ready"
	writeJSON(w, http.StatusOK, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
