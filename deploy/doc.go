// Package deploy holds no code: it is the home of the deployment artifacts
// (Kubernetes manifests, compose trial, Prometheus alert rules and their
// promtool tests, Grafana dashboard) and of the Go tests that check them
// against the bridge itself: ports and paths from internal/config and
// internal/admin, environment variables the configuration accepts, metric
// and label names the bridge really exports.
package deploy
