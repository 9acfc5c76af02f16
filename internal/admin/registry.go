// Package admin serves the operator-facing listener: /healthz, /readyz and
// /metrics. It is never mounted on the Okta-facing listener (DESIGN.md:
// "SCIM_BRIDGE_ADMIN_LISTEN … never on the Okta-facing listener").
package admin

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/scim-bridge/scim-bridge/internal/buildinfo"
)

// NewRegistry returns the registry serve creates and passes down to every
// package that counts something. It is not prometheus.DefaultRegisterer: no
// global state, and tests can build as many as they like.
func NewRegistry() (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "scim_bridge_build_info",
		Help: "Always 1; the labels name the running build.",
	}, []string{"version", "revision", "goversion"})
	build.WithLabelValues(buildinfo.Version, buildinfo.Revision(), buildinfo.GoVersion()).Set(1)
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		build,
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register collector: %w", err)
		}
	}
	return reg, nil
}
