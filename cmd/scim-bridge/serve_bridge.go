package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/internal/admin"
	"github.com/scim-bridge/scim-bridge/internal/config"
	"github.com/scim-bridge/scim-bridge/internal/secret"
	"github.com/scim-bridge/scim-bridge/internal/tlsconfig"
	"github.com/scim-bridge/scim-bridge/saml"
	"github.com/scim-bridge/scim-bridge/scim"
)

// bridge is a running `serve`: the Okta-facing listener (SCIM, SAML), the
// admin listener, and the built-in emulator when no upstream is set.
type bridge struct {
	log      *zap.Logger
	drain    time.Duration
	okta     *http.Server
	admin    *http.Server
	oktaLn   net.Listener
	adminLn  net.Listener
	upstream *builtinUpstream // nil with a real Identity Center
	client   *identitycenter.Client
	certs    *tlsconfig.Reloader // nil when the Okta-facing listener is plain HTTP (serve_tls.go)
	ops      *ops
}

// newBridge wires every part and binds both listeners; nothing is served
// until run. On error everything started so far is stopped.
func newBridge(ctx context.Context, cfg *config.Serve, samlCfg saml.Config, groupsCfg groupsConfig, log *zap.Logger, stderr io.Writer) (b *bridge, err error) {
	b = &bridge{log: log, drain: cfg.DrainTimeout}
	started := b // "return nil, err" sets b to nil before this defer runs
	defer func() {
		if err != nil {
			started.closeAll()
		}
	}()

	upstreamURL := cfg.UpstreamURL
	upstreamToken := cfg.UpstreamToken
	if cfg.Emulated() {
		if b.upstream, err = startEmulator(log); err != nil {
			return nil, err
		}
		upstreamURL, upstreamToken = b.upstream.url, secret.Static(b.upstream.token)
	} else {
		log.Info("upstream Identity Center", zap.String("url", upstreamURL),
			zap.String("token", secret.Fingerprint(upstreamToken.Value())))
	}

	inbound := cfg.Tokens
	generated := false
	if inbound == nil {
		// Only reachable in emulator mode (config refuses it otherwise): the
		// quick start must work with no settings at all.
		tok, err := secret.Generate()
		if err != nil {
			return nil, err
		}
		inbound, generated = secret.Static(tok), true
	}
	tokens := secret.NewTokens(inbound)
	fps := make([]string, 0, 2)
	for _, t := range tokens.Values() {
		fps = append(fps, secret.Fingerprint(t))
	}
	log.Info("inbound bearer tokens", zap.Int("count", len(fps)), zap.Strings("fingerprints", fps), zap.Bool("generated", generated))
	if b.ops, err = newOps(cfg, log, upstreamToken, inbound); err != nil {
		return nil, err
	}

	if b.client, err = identitycenter.NewClient(identitycenter.ClientConfig{
		BaseURL:     upstreamURL,
		Token:       upstreamToken.Value,
		MaxInFlight: cfg.MaxUpstreamInFlight,
	}); err != nil {
		return nil, fmt.Errorf("identity center client: %w", err)
	}
	users, err := newUsers(b.client, cfg, log)
	if err != nil {
		return nil, err
	}
	users = withGroups(ctx, users, b.client, groupsCfg, upstreamURL, b.upstream, log)
	scimCfg := scim.Config{Tokens: tokens.Values, Users: users, Logger: log, Limits: scimLimits(cfg)}
	// /Groups lights up as soon as the Provisioner implements it; until then
	// the scim package answers /Groups with a clear SCIM error.
	if groups, ok := users.(identitycenter.Groups); ok {
		scimCfg.Groups = groups
	}
	scimHandler, err := scim.NewHandler(scimCfg)
	if err != nil {
		return nil, fmt.Errorf("scim handler: %w", err)
	}
	mux := http.NewServeMux()
	scimHandler = b.ops.wrapSCIM(scimHandler)
	mux.Handle("/scim/", scimHandler)
	mux.Handle("/scim", scimHandler)
	if samlCfg.Enabled() {
		broker, err := saml.NewBroker(ctx, samlCfg, log)
		if err != nil {
			return nil, fmt.Errorf("saml broker: %w", err)
		}
		mux.Handle("/saml/", broker.Handler())
		b.ops.watchSAML(broker)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not found: Okta's SCIM base URL is /scim/v2", http.StatusNotFound)
	})

	adminHandler, err := admin.NewHandler(admin.Config{
		Registry: b.ops.reg, Ping: b.ops.wrapPing(b.client.Ping), ReadyTTL: cfg.ReadyCacheTTL, Logger: log,
	})
	if err != nil {
		return nil, err
	}

	if b.oktaLn, b.certs, err = listenOkta(cfg, log); err != nil {
		return nil, err
	}
	b.ops.watchTLS(b.certs)
	if b.adminLn, err = net.Listen("tcp", cfg.AdminListen); err != nil {
		return nil, fmt.Errorf("admin listen %s: %w", cfg.AdminListen, err)
	}
	b.okta = newServer(scimFirst(scimHandler, mux), log)
	b.admin = newServer(adminHandler, log)

	if generated {
		printQuickStart(stderr, inbound.Value(), b.scimBaseURL())
	}
	return b, nil
}

// newServer bounds every phase of a request. Okta gives up after 60 s
// (okta-scim-client.md §6: "The timeout is 60 seconds if Okta doesn't
// receive anything from the socket"), so nothing here waits longer.
func newServer(h http.Handler, log *zap.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      65 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          zap.NewStdLog(log),
	}
}

// OktaAddr is the bound Okta-facing address.
func (b *bridge) OktaAddr() string { return b.oktaLn.Addr().String() }

// AdminAddr is the bound admin address.
func (b *bridge) AdminAddr() string { return b.adminLn.Addr().String() }

// run serves until ctx ends, then stops accepting, lets in-flight requests
// finish within the drain timeout, and returns nil. A listener that fails
// stops everything and is returned as the error.
func (b *bridge) run(ctx context.Context) error {
	errc := make(chan error, 2)
	for _, s := range []struct {
		srv *http.Server
		ln  net.Listener
	}{{b.okta, b.oktaLn}, {b.admin, b.adminLn}} {
		go func() { errc <- s.srv.Serve(s.ln) }()
	}
	b.ops.start(ctx, b.upstream != nil, b.ops.wrapPing(b.client.Ping))
	defer b.ops.stop()
	b.log.Info("serving", zap.String("listen", b.OktaAddr()), zap.String("admin_listen", b.AdminAddr()),
		zap.String("scim_base_url", b.scimBaseURL()))

	var serveErr error
	select {
	case <-ctx.Done():
		b.log.Info("stopping: draining in-flight requests", zap.Duration("drain_timeout", b.drain))
	case serveErr = <-errc:
		b.log.Error("listener failed; stopping", zap.Error(serveErr))
	}
	// A fresh context: the one that ended is what triggered the drain.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.drain)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var drainErr error
	for _, srv := range []*http.Server{b.okta, b.admin} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Shutdown(dctx); err != nil {
				_ = srv.Close()
				mu.Lock()
				drainErr = errors.Join(drainErr, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if b.upstream != nil {
		if err := b.upstream.stop(dctx); err != nil {
			drainErr = errors.Join(drainErr, err)
		}
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	if drainErr != nil {
		return fmt.Errorf("drain did not finish within %s; remaining requests were cut: %w", b.drain, drainErr)
	}
	b.log.Info("stopped cleanly")
	return nil
}

// closeAll releases what newBridge started when it fails half-way.
func (b *bridge) closeAll() {
	for _, ln := range []net.Listener{b.oktaLn, b.adminLn} {
		if ln != nil {
			_ = ln.Close()
		}
	}
	if b.upstream != nil {
		_ = b.upstream.srv.Close()
	}
}

// displayAddr turns a bound address into one a person can paste: the
// wildcard host becomes localhost.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// printQuickStart shows the generated inbound token once, on stderr and not
// in the log stream, with a curl line that works as printed against base,
// the SCIM base URL.
func printQuickStart(w io.Writer, token, base string) {
	line := strings.Repeat("=", 78)
	fmt.Fprintf(w, "%s\nscim-bridge: no SCIM_BRIDGE_TOKEN set, so this run accepts a generated token\n"+
		"(shown once, valid until exit):\n\n    %s\n\nTry it:\n\n"+
		"    curl -sS -H 'Authorization: Bearer %s' '%s/Users?startIndex=1&count=2'\n%s\n",
		line, token, token, base, line)
}
