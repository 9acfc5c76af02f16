package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/internal/admin"
	"github.com/scim-bridge/scim-bridge/internal/config"
	"github.com/scim-bridge/scim-bridge/internal/logging"
	"github.com/scim-bridge/scim-bridge/internal/metrics"
	"github.com/scim-bridge/scim-bridge/internal/reqlog"
	"github.com/scim-bridge/scim-bridge/internal/secret"
	"github.com/scim-bridge/scim-bridge/internal/tlsconfig"
	"github.com/scim-bridge/scim-bridge/saml"
)

// upstreamCheckInterval is how often the bridge checks that Identity Center
// answers, for scim_bridge_upstream_up, whether or not anyone probes /readyz.
const upstreamCheckInterval = 30 * time.Second

// ops is the operations side of a running bridge: the metrics registry, the
// request log's sampling, token reloads (file change, SIGHUP), the upstream
// token's expiry warnings, and the upstream reachability gauge.
type ops struct {
	log     *zap.Logger
	reg     *prometheus.Registry
	metrics *metrics.Metrics
	sampler *logging.GetSampler
	watcher *secret.Watcher
	expiry  *secret.Expiry

	// The scrape-time sources known only once the listener and the SAML
	// broker exist; nil until then (or for good, when TLS or SAML is off).
	certMu      sync.Mutex
	certs       func() []saml.CertExpiry
	tlsCert     *tlsconfig.Reloader
	idpLoadedAt func() (time.Time, bool)

	// upDown is the last upstream check's outcome (upKnown: one has run),
	// so that only a change of state is logged.
	upMu    sync.Mutex
	upKnown bool
	upDown  bool

	stopOnce sync.Once
	cancel   context.CancelFunc
	done     sync.WaitGroup
}

// newOps builds the registry and collectors. upstreamToken and inbound are
// the secrets in use (a *secret.File is watched for changes).
func newOps(cfg *config.Serve, log *zap.Logger, upstreamToken, inbound secret.Source) (*ops, error) {
	o := &ops{log: log, expiry: &secret.Expiry{Source: cfg.UpstreamTokenExpires, Log: log}}
	var err error
	if o.reg, err = admin.NewRegistry(); err != nil {
		return nil, err
	}
	if o.metrics, err = metrics.New(o.reg, metrics.Config{
		UpstreamTokenExpiry:     o.expiry.At,
		Certificates:            o.certificates,
		TLSCertificateNotAfter:  o.tlsNotAfter,
		SAMLMetadataLastSuccess: o.idpMetadataLoadedAt,
	}); err != nil {
		return nil, err
	}
	if o.sampler, err = logging.NewGetSampler(cfg.LogSampleGets); err != nil {
		return nil, err
	}
	upFile, _ := upstreamToken.(*secret.File)
	expFile, _ := cfg.UpstreamTokenExpires.(*secret.File)
	inFile, _ := inbound.(*secret.File)
	o.watcher = secret.NewWatcher(secret.WatcherConfig{
		Interval: cfg.SecretPollInterval,
		Logger:   log,
		Reloaded: o.metrics.TokenReloaded,
		State:    o.metrics.TokenFileState,
	},
		secret.Watched{Name: metrics.TokenUpstream, Files: []*secret.File{upFile, expFile}, Changed: func(changed []*secret.File) {
			o.upstreamChanged(changed, upFile, expFile)
		}},
		secret.Watched{Name: metrics.TokenInbound, Files: []*secret.File{inFile}},
	)
	return o, nil
}

// upstreamChanged re-checks the expiry after a reload, and says so when the
// token changed but its expiry did not: a new token has a new year.
func (o *ops) upstreamChanged(changed []*secret.File, tok, exp *secret.File) {
	tokChanged, expChanged := false, false
	for _, f := range changed {
		tokChanged = tokChanged || (f == tok && tok != nil)
		expChanged = expChanged || (f == exp && exp != nil)
	}
	if tokChanged && !expChanged {
		o.log.Warn("the Identity Center token changed but its configured expiry did not: set the new token's expiry " +
			"(one year after it was generated) in " + config.EnvUpstreamTokenExpires + " or its _FILE")
	}
	o.expiry.Check(true)
}

// certificates is the metrics source for SAML certificate expiries.
func (o *ops) certificates() []metrics.Cert {
	o.certMu.Lock()
	f := o.certs
	o.certMu.Unlock()
	if f == nil {
		return nil
	}
	var out []metrics.Cert
	for _, c := range f() {
		out = append(out, metrics.Cert{Role: c.Role, Serial: c.Serial, NotAfter: c.NotAfter})
	}
	return out
}

// watchSAML exports the SAML broker's certificate expiries and when its IdP
// metadata was last loaded.
func (o *ops) watchSAML(b *saml.Broker) {
	o.certMu.Lock()
	defer o.certMu.Unlock()
	o.certs = b.CertificateExpiries
	o.idpLoadedAt = b.IdPMetadataLoadedAt
}

// watchTLS exports the expiry of the certificate the Okta-facing listener
// serves; r is nil when it serves plain HTTP.
func (o *ops) watchTLS(r *tlsconfig.Reloader) {
	o.certMu.Lock()
	defer o.certMu.Unlock()
	o.tlsCert = r
}

// tlsNotAfter is the metrics source for the TLS certificate expiry.
func (o *ops) tlsNotAfter() (time.Time, bool) {
	o.certMu.Lock()
	r := o.tlsCert
	o.certMu.Unlock()
	if r == nil {
		return time.Time{}, false
	}
	return r.NotAfter(), true
}

// idpMetadataLoadedAt is the metrics source for the IdP metadata's last
// successful load.
func (o *ops) idpMetadataLoadedAt() (time.Time, bool) {
	o.certMu.Lock()
	f := o.idpLoadedAt
	o.certMu.Unlock()
	if f == nil {
		return time.Time{}, false
	}
	return f()
}

// wrapSCIM puts the request log (sampled) and the metrics around the
// Okta-facing SCIM handler: both written from the request's one Record. The
// scim package's own reqlog.Middleware sees this one's Entry and only passes
// through, so each request is logged once.
func (o *ops) wrapSCIM(h http.Handler) http.Handler {
	return o.metrics.InFlight(reqlog.MiddlewareWith(o.log, reqlog.Options{
		Observe: o.metrics.Observe,
		Keep:    o.sampler.Keep,
	}, h))
}

// wrapPing records each readiness check in scim_bridge_upstream_up and logs
// when Identity Center stops or starts answering: once per change, from
// /readyz or the periodic check, so a deployment that never probes /readyz
// (Docker checks /healthz) still has the outage in its log.
func (o *ops) wrapPing(ping func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		err := ping(ctx)
		if errors.Is(ctx.Err(), context.Canceled) {
			// A prober that went away says nothing about the upstream; a
			// timeout does.
			return err
		}
		o.metrics.SetUpstreamUp(err)
		o.upMu.Lock()
		defer o.upMu.Unlock()
		switch down := err != nil; {
		case down && (!o.upKnown || !o.upDown):
			o.log.Warn("not ready: Identity Center does not answer", zap.Error(err))
		case !down && o.upKnown && o.upDown:
			o.log.Info("ready again: Identity Center answers")
		}
		o.upKnown, o.upDown = true, err != nil
		return err
	}
}

// start runs the background work until stop: token file polling and SIGHUP
// reloads, periodic expiry checks, and upstream checks with ping.
func (o *ops) start(ctx context.Context, emulated bool, ping func(context.Context) error) {
	ctx, o.cancel = context.WithCancel(ctx)
	if !emulated && o.expiry.Source == nil {
		o.log.Warn("no expiry set for the Identity Center token: set " + config.EnvUpstreamTokenExpires +
			" (one year after the token was generated) so the bridge can warn before Okta's provisioning starts failing")
	}
	o.expiry.Check(true)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	o.done.Add(3)
	go func() {
		defer o.done.Done()
		defer signal.Stop(hup)
		o.watcher.Run(ctx, hup)
	}()
	go func() {
		defer o.done.Done()
		o.expiry.Run(ctx)
	}()
	go func() {
		defer o.done.Done()
		t := time.NewTicker(upstreamCheckInterval)
		defer t.Stop()
		for {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			_ = ping(pctx) // recorded and logged by wrapPing
			cancel()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// stop ends the background work and waits for it.
func (o *ops) stop() {
	o.stopOnce.Do(func() {
		if o.cancel != nil {
			o.cancel()
		}
		o.done.Wait()
	})
}
