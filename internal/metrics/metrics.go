// Package metrics holds the bridge's Prometheus collectors, registered on the
// admin listener's own registry (never the global one). Inbound and upstream
// numbers are recorded from the request's reqlog.Record when the request
// ends (Observe), so the metrics and the request log line always agree.
//
// Every label has a bounded set of values: a user name, id or group name is
// never a label (docs/operations.md lists the metrics).
package metrics

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

const namespace = "scim_bridge"

// durationBuckets span a cached read to Okta's 60 s socket timeout
// (okta-scim-client.md §6: "The timeout is 60 seconds if Okta doesn't
// receive anything from the socket").
var durationBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 60}

// Cert is one SAML signing certificate whose expiry is exported.
type Cert struct {
	Role     string // "idp-signing", "sp-signing", …
	Serial   string
	NotAfter time.Time
}

// Config names the sources read at scrape time. Each may be nil.
type Config struct {
	// UpstreamTokenExpiry returns the configured expiry of the Identity
	// Center token, ok false when none is configured (the gauges are then
	// absent rather than a made-up value).
	UpstreamTokenExpiry func() (at time.Time, ok bool)
	// Certificates returns the SAML signing certificates known now.
	Certificates func() []Cert
	// TLSCertificateNotAfter returns when the Okta-facing listener's
	// certificate expires, ok false when the listener serves plain HTTP (the
	// gauges are then absent).
	TLSCertificateNotAfter func() (notAfter time.Time, ok bool)
	// SAMLMetadataLastSuccess returns when the SAML IdP metadata was last
	// loaded successfully (zero time if it never was), ok false when no IdP
	// metadata source is configured (the gauge is then absent).
	SAMLMetadataLastSuccess func() (at time.Time, ok bool)
	// Now is the clock for the expires-in gauges; nil means time.Now.
	Now func() time.Time
}

// Metrics is the set of collectors. Its methods are safe for concurrent use.
type Metrics struct {
	requests         *prometheus.CounterVec
	requestDuration  *prometheus.HistogramVec
	inFlight         prometheus.Gauge
	authFailures     prometheus.Counter
	upstream         *prometheus.CounterVec
	upstreamDuration *prometheus.HistogramVec
	retries          *prometheus.CounterVec
	throttled        *prometheus.CounterVec
	retryAfterWait   prometheus.Counter
	translations     *prometheus.CounterVec
	fallbacks        *prometheus.CounterVec
	upstreamUp       prometheus.Gauge
	tokenReloads     *prometheus.CounterVec
	tokenFileValid   *prometheus.GaugeVec
}

// New creates the collectors and registers them on reg.
func New(reg prometheus.Registerer, cfg Config) (*Metrics, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "requests_total",
			Help: "Inbound SCIM requests from Okta by resource, Okta lifecycle operation and HTTP status.",
		}, []string{"resource", "operation", "code"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "request_duration_seconds",
			Help:    "Inbound SCIM request duration, including every upstream call and retry.",
			Buckets: durationBuckets,
		}, []string{"resource", "operation"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "requests_in_flight",
			Help: "Inbound SCIM requests being served.",
		}),
		authFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "inbound_auth_failures_total",
			Help: "Inbound requests refused for a missing or invalid bearer token.",
		}),
		upstream: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "upstream_requests_total",
			Help: "Logical calls to Identity Center (after retries) by operation and final HTTP status (\"network\" when none came).",
		}, []string{"operation", "code"}),
		upstreamDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "upstream_request_duration_seconds",
			Help:    "Duration of one logical Identity Center call, retries and Retry-After waits included.",
			Buckets: durationBuckets,
		}, []string{"operation"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "upstream_retries_total",
			Help: "Retries of Identity Center calls by operation and cause (throttled, server_error, network).",
		}, []string{"operation", "cause"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "upstream_throttled_total",
			Help: "Throttling answers (429, ThrottlingException) received from Identity Center.",
		}, []string{"operation"}),
		retryAfterWait: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "upstream_retry_after_wait_seconds_total",
			Help: "Time spent waiting because Identity Center asked to retry later.",
		}),
		translations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "translations_total",
			Help: "Translation rules applied to Okta requests, by rule.",
		}, []string{"rule"}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "fallbacks_total",
			Help: "Degraded paths taken, by fallback.",
		}, []string{"fallback"}),
		upstreamUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "upstream_up",
			Help: "1 if the last readiness check of Identity Center succeeded, else 0.",
		}),
		tokenReloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "token_reloads_total",
			Help: "Reloads of the token files by token (upstream, inbound) and result (success, error).",
		}, []string{"token", "result"}),
		tokenFileValid: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Name: "token_file_valid",
			Help: "1 while the token's files (upstream: the token and its expiry; inbound: Okta's tokens) are in use, 0 while one is missing, empty or refused and the previous value stays in use. Absent for tokens not read from files.",
		}, []string{"token"}),
	}
	cs := []prometheus.Collector{
		m.requests, m.requestDuration, m.inFlight, m.authFailures,
		m.upstream, m.upstreamDuration, m.retries, m.throttled, m.retryAfterWait,
		m.translations, m.fallbacks, m.upstreamUp, m.tokenReloads, m.tokenFileValid,
		&expiryCollector{cfg: cfg},
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	// Known series start at zero so that rate() and absent() work from the
	// first scrape, before the first failure.
	m.authFailures.Add(0)
	m.retryAfterWait.Add(0)
	for _, tok := range []string{TokenUpstream, TokenInbound} {
		for _, res := range []string{ResultSuccess, ResultError} {
			m.tokenReloads.WithLabelValues(tok, res)
		}
	}
	return m, nil
}

// Token reload label values.
const (
	TokenUpstream = "upstream"
	TokenInbound  = "inbound"
	ResultSuccess = "success"
	ResultError   = "error"
)

// TokenReloaded counts one reload of token (TokenUpstream, TokenInbound);
// err nil is a success.
func (m *Metrics) TokenReloaded(token string, err error) {
	res := ResultSuccess
	if err != nil {
		res = ResultError
	}
	m.tokenReloads.WithLabelValues(tokenLabel(token), res).Inc()
}

// TokenFileState records whether token's files are in use (err nil) or one
// is refused. Unlike the reload counter it stays at 0 until the file is
// fixed, so an alert on it does not clear while the bad file is still there.
func (m *Metrics) TokenFileState(token string, err error) {
	v := 1.0
	if err != nil {
		v = 0
	}
	m.tokenFileValid.WithLabelValues(tokenLabel(token)).Set(v)
}

// tokenLabel keeps the token label to its two known values.
func tokenLabel(token string) string {
	if token != TokenUpstream && token != TokenInbound {
		return "other"
	}
	return token
}

// SetUpstreamUp records the result of a readiness check of Identity Center.
func (m *Metrics) SetUpstreamUp(err error) {
	if err != nil {
		m.upstreamUp.Set(0)
		return
	}
	m.upstreamUp.Set(1)
}
