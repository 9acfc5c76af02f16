package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/internal/config"
	"github.com/scim-bridge/scim-bridge/internal/tlsconfig"
	"github.com/scim-bridge/scim-bridge/scim"
)

// listenOkta binds the Okta-facing listener: TLS 1.2+ from --tls-cert and
// --tls-key (re-read on change) when they are set, else plain HTTP for a
// TLS-terminating load balancer in front. The reloader is nil without TLS.
func listenOkta(cfg *config.Serve, log *zap.Logger) (net.Listener, *tlsconfig.Reloader, error) {
	var certs *tlsconfig.Reloader
	if cfg.TLS() {
		var err error
		if certs, err = tlsconfig.New(tlsconfig.Options{CertFile: cfg.TLSCertFile, KeyFile: cfg.TLSKeyFile, Logger: log}); err != nil {
			return nil, nil, err
		}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, nil, fmt.Errorf("listen %s: %w", cfg.Listen, err)
	}
	if certs == nil {
		log.Warn("the Okta-facing listener serves plain HTTP: terminate TLS in front of it, or set --tls-cert and --tls-key")
		return ln, nil, nil
	}
	log.Info("the Okta-facing listener serves TLS", zap.String("cert_file", cfg.TLSCertFile),
		zap.String("min_version", tls.VersionName(tlsconfig.MinVersion)), zap.Time("not_after", certs.NotAfter()))
	return tls.NewListener(ln, certs.ServerConfig()), certs, nil
}

// scimFirst sends every request under /scim to the SCIM handler before
// http.ServeMux sees it: the mux answers a path with "//" or a dot segment
// with a 307 redirect, but Okta needs a SCIM answer. A base URL pasted with
// a trailing slash gives ".../scim/v2//Users" (identity-center-scim.md §9),
// which the SCIM handler collapses itself, and an id like ".." is refused
// there with a SCIM 404.
func scimFirst(scimHandler, rest http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		for strings.HasPrefix(p, "//") {
			p = p[1:]
		}
		if p == "/scim" || strings.HasPrefix(p, "/scim/") {
			scimHandler.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}

// scimLimits turns the configured limits into the SCIM handler's.
func scimLimits(cfg *config.Serve) scim.Limits {
	return scim.Limits{MaxBodyBytes: cfg.MaxBodyBytes}
}

// scimBaseURL is the SCIM base URL to give Okta, as the start-up log line
// and the quick-start banner print it: https when the listener serves TLS.
func (b *bridge) scimBaseURL() string {
	return b.scheme() + "://" + displayAddr(b.OktaAddr()) + "/scim/v2"
}

// scheme is the Okta-facing listener's URL scheme.
func (b *bridge) scheme() string {
	if b.certs != nil {
		return "https"
	}
	return "http"
}
