package config

import (
	"flag"
	"fmt"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/secret"
)

// Environment variables of the hardening settings.
const (
	EnvTLSCert             = "SCIM_BRIDGE_TLS_CERT"
	EnvTLSKey              = "SCIM_BRIDGE_TLS_KEY"
	EnvMaxBodyBytes        = "SCIM_BRIDGE_MAX_BODY_BYTES"
	EnvMaxUpstreamInFlight = "SCIM_BRIDGE_MAX_UPSTREAM_IN_FLIGHT"
)

// MinInboundTokenLen is the shortest inbound token serve accepts. Okta sends
// the token as-is in every request (okta-scim-client.md §3 "Authorization:
// Bearer {token}"), and the bridge is reachable from the internet, so a
// guessable token is an open door. 24 characters of a generated token
// (base64url, as `secret.Generate` makes: 43 characters) carry 144 bits;
// "okta", "changeme" and similar are refused.
const MinInboundTokenLen = 24

// Defaults of the hardening settings; 0 in the flags means these.
const (
	DefaultMaxBodyBytes        = 4 << 20 // scim.DefaultMaxBodyBytes
	DefaultMaxUpstreamInFlight = 32      // identitycenter.DefaultMaxInFlight
)

// Hardening is the Okta-facing listener's transport security and the
// limits on what one request may cost. Embedded in Serve.
type Hardening struct {
	// TLSCertFile and TLSKeyFile serve TLS 1.2+ on --listen, re-read when
	// they change; both empty serves plain HTTP (behind a TLS-terminating
	// load balancer).
	TLSCertFile string
	TLSKeyFile  string
	// MaxBodyBytes caps an inbound request body.
	MaxBodyBytes int64
	// MaxUpstreamInFlight caps concurrent requests to Identity Center.
	MaxUpstreamInFlight int
}

// TLS reports whether the Okta-facing listener serves TLS.
func (h *Hardening) TLS() bool { return h.TLSCertFile != "" }

func (h *Hardening) registerFlags(fs *flag.FlagSet) {
	fs.StringVar(&h.TLSCertFile, "tls-cert", "", "PEM certificate chain for the Okta-facing listener, re-read when it changes; with --tls-key serves TLS 1.2+ (env "+EnvTLSCert+")")
	fs.StringVar(&h.TLSKeyFile, "tls-key", "", "PEM private key for --tls-cert (env "+EnvTLSKey+")")
	fs.Int64Var(&h.MaxBodyBytes, "max-body-bytes", DefaultMaxBodyBytes, "largest inbound request body; larger gets a SCIM 413 (env "+EnvMaxBodyBytes+")")
	fs.IntVar(&h.MaxUpstreamInFlight, "max-upstream-in-flight", DefaultMaxUpstreamInFlight, "most concurrent requests to Identity Center; more wait for a slot (env "+EnvMaxUpstreamInFlight+")")
}

// hardeningEnv maps the flags above to their environment variables.
var hardeningEnv = map[string]string{
	"tls-cert": EnvTLSCert, "tls-key": EnvTLSKey,
	"max-body-bytes": EnvMaxBodyBytes, "max-upstream-in-flight": EnvMaxUpstreamInFlight,
}

func (h *Hardening) validate() []error {
	var errs []error
	if (h.TLSCertFile == "") != (h.TLSKeyFile == "") {
		errs = append(errs, fmt.Errorf("--tls-cert and --tls-key (%s, %s) go together: set both to serve TLS, or neither", EnvTLSCert, EnvTLSKey))
	}
	// Below a few KB not even Okta's create body fits.
	if h.MaxBodyBytes < 4<<10 {
		errs = append(errs, fmt.Errorf("--max-body-bytes %d: must be at least 4096", h.MaxBodyBytes))
	}
	if h.MaxUpstreamInFlight < 1 {
		errs = append(errs, fmt.Errorf("--max-upstream-in-flight %d: must be at least 1", h.MaxUpstreamInFlight))
	}
	return errs
}

// checkInboundTokens is secret.CheckInbound plus the minimum length, applied
// at start and to every reload of the token file.
func checkInboundTokens(v string) error {
	if err := secret.CheckInbound(v); err != nil {
		return err
	}
	var short []string
	for i, t := range secret.Split(v) {
		if len(t) < MinInboundTokenLen {
			// Never the token itself: only which one and how long.
			short = append(short, fmt.Sprintf("token %d is %d characters", i+1, len(t)))
		}
	}
	if len(short) > 0 {
		return fmt.Errorf("%s; at least %d are required (generate one with `openssl rand -base64 32`)", strings.Join(short, ", "), MinInboundTokenLen)
	}
	return nil
}

// applyEnv sets every flag in m (flag name → variable) not given on the
// command line from the environment.
func applyEnv(fs *flag.FlagSet, given map[string]bool, getenv func(string) string, m map[string]string) error {
	for flagName, env := range m {
		if v := getenv(env); v != "" && !given[flagName] {
			if err := fs.Set(flagName, v); err != nil {
				return fmt.Errorf("%s=%q: %w", env, v, err)
			}
		}
	}
	return nil
}
