// Package config reads the `scim-bridge serve` settings from flags and the
// SCIM_BRIDGE_* environment (DESIGN.md "Contract other tools rely on").
//
// Precedence, highest first: a flag given on the command line, then the
// environment variable, then the default. Secrets are never taken from a
// flag value (it would show in `ps`): only from NAME, NAME_FILE, or a
// --*-file flag naming a file.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/secret"
)

// Environment variable names.
const (
	EnvListen        = "SCIM_BRIDGE_LISTEN"
	EnvAdminListen   = "SCIM_BRIDGE_ADMIN_LISTEN"
	EnvUpstreamURL   = "SCIM_BRIDGE_UPSTREAM_URL"
	EnvUpstreamToken = "SCIM_BRIDGE_UPSTREAM_TOKEN"
	EnvToken         = "SCIM_BRIDGE_TOKEN"
	EnvNames         = "SCIM_BRIDGE_NAMES"
	EnvLogLevel      = "SCIM_BRIDGE_LOG_LEVEL"
	EnvLogFormat     = "SCIM_BRIDGE_LOG_FORMAT"
	EnvDrainTimeout  = "SCIM_BRIDGE_DRAIN_TIMEOUT"
	EnvReadyCacheTTL = "SCIM_BRIDGE_READY_CACHE_TTL"
	// EnvUpstreamTokenExpires (or _FILE) is the Identity Center token's
	// expiry, RFC 3339: AWS issues it for one year and has no API to read it
	// (identity-center-scim.md §8).
	EnvUpstreamTokenExpires = "SCIM_BRIDGE_UPSTREAM_TOKEN_EXPIRES"
	EnvSecretPollInterval   = "SCIM_BRIDGE_SECRET_POLL_INTERVAL"
	EnvLogSampleGets        = "SCIM_BRIDGE_LOG_SAMPLE_GETS"
)

// Name policies for users Okta sends without a full name (identity-center-scim.md
// §4 "Required on create (POST) and replace (PUT): userName, name.givenName,
// name.familyName, displayName.").
const (
	NamesDerive = "derive" // fill the missing parts from what is there
	NamesReject = "reject" // refuse with a SCIM 400 naming the attribute
)

// Serve is the resolved configuration of `scim-bridge serve`.
type Serve struct {
	Listen      string // Okta-facing SCIM + SAML listener
	AdminListen string // /metrics /healthz /readyz
	// UpstreamURL is the Identity Center SCIM endpoint; "" means the built-in
	// emulator.
	UpstreamURL string
	// UpstreamToken is nil in emulator mode.
	UpstreamToken secret.Source
	// Tokens is the inbound comma-separated token list; nil when none is
	// configured (only allowed in emulator mode, where serve generates one).
	Tokens        secret.Source
	Names         string
	LogLevel      string // debug, info, warn, error
	LogFormat     string // json, console
	DrainTimeout  time.Duration
	ReadyCacheTTL time.Duration
	// UpstreamTokenExpires is the configured expiry of the Identity Center
	// token (RFC 3339); nil when not configured. A *secret.File when read
	// from a file, so it reloads with the token.
	UpstreamTokenExpires secret.Source
	// SecretPollInterval is how often token files are checked for changes.
	SecretPollInterval time.Duration
	// LogSampleGets keeps one request-log line in every N successful GETs
	// (1 = all, 0 = none); writes and errors are always logged.
	LogSampleGets int

	Hardening // --tls-cert, --tls-key, --max-body-bytes, --max-upstream-in-flight (hardening.go)

	tokenFile                string
	upstreamTokenFile        string
	upstreamTokenExpires     string
	upstreamTokenExpiresFile string
}

// Emulated reports whether serve must start the built-in emulator.
func (c *Serve) Emulated() bool { return c.UpstreamURL == "" }

// RegisterFlags defines the serve flags on fs with their defaults. Other
// packages (saml) register theirs on the same set.
func (c *Serve) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Listen, "listen", ":8080", "SCIM + SAML listener for Okta (env "+EnvListen+")")
	fs.StringVar(&c.AdminListen, "admin-listen", ":9090", "admin listener: /metrics /healthz /readyz; never the same as --listen (env "+EnvAdminListen+")")
	fs.StringVar(&c.UpstreamURL, "upstream-url", "", "Identity Center SCIM endpoint https://scim.REGION.amazonaws.com/TENANT/scim/v2; unset = built-in in-memory emulator (env "+EnvUpstreamURL+")")
	fs.StringVar(&c.upstreamTokenFile, "upstream-token-file", "", "file holding the Identity Center bearer token (env "+EnvUpstreamToken+" or "+EnvUpstreamToken+"_FILE)")
	fs.StringVar(&c.tokenFile, "token-file", "", "file holding the bearer token(s) Okta must present, comma-separated (env "+EnvToken+" or "+EnvToken+"_FILE)")
	fs.StringVar(&c.Names, "names", NamesDerive, "users without given/family/display name: derive|reject (env "+EnvNames+")")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug|info|warn|error (env "+EnvLogLevel+")")
	fs.StringVar(&c.LogFormat, "log-format", "json", "json|console (env "+EnvLogFormat+")")
	fs.DurationVar(&c.DrainTimeout, "drain-timeout", 50*time.Second, "on SIGTERM, how long in-flight requests may finish; longer than the 45 s per-request limit so a request mid-retry completes (env "+EnvDrainTimeout+")")
	fs.DurationVar(&c.ReadyCacheTTL, "ready-cache-ttl", 5*time.Second, "how long /readyz reuses its last upstream check (env "+EnvReadyCacheTTL+")")
	fs.StringVar(&c.upstreamTokenExpires, "upstream-token-expires", "", "when the Identity Center token expires, RFC 3339 (2027-03-01 or 2027-03-01T12:00:00Z): one year after it was generated; drives the expiry metric and warnings from 30 days before (env "+EnvUpstreamTokenExpires+")")
	fs.StringVar(&c.upstreamTokenExpiresFile, "upstream-token-expires-file", "", "file holding --upstream-token-expires, reloaded with the token (env "+EnvUpstreamTokenExpires+"_FILE)")
	fs.DurationVar(&c.SecretPollInterval, "secret-poll-interval", 5*time.Second, "how often token files are checked for changes; SIGHUP reloads at once (env "+EnvSecretPollInterval+")")
	c.Hardening.registerFlags(fs)
	fs.IntVar(&c.LogSampleGets, "log-sample-gets", 1, "request log: keep 1 line in N successful GETs (1 = all, 0 = none); writes and errors are always logged (env "+EnvLogSampleGets+")")
}

// Resolve applies the environment to every flag not given on the command
// line, reads the secrets and validates the result. fs must have been parsed.
func (c *Serve) Resolve(fs *flag.FlagSet, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for flagName, env := range map[string]string{
		"listen": EnvListen, "admin-listen": EnvAdminListen, "upstream-url": EnvUpstreamURL,
		"names": EnvNames, "log-level": EnvLogLevel, "log-format": EnvLogFormat,
		"drain-timeout": EnvDrainTimeout, "ready-cache-ttl": EnvReadyCacheTTL,
		"upstream-token-expires": EnvUpstreamTokenExpires, "secret-poll-interval": EnvSecretPollInterval,
		"log-sample-gets": EnvLogSampleGets,
	} {
		if v := getenv(env); v != "" && !set[flagName] {
			if err := fs.Set(flagName, v); err != nil {
				return fmt.Errorf("%s=%q: %w", env, v, err)
			}
		}
	}
	if err := applyEnv(fs, set, getenv, hardeningEnv); err != nil {
		return err
	}
	var err error
	if c.UpstreamToken, err = lookupSecret(getenv, EnvUpstreamToken, c.upstreamTokenFile, "--upstream-token-file", nil); err != nil {
		return err
	}
	if c.Tokens, err = lookupSecret(getenv, EnvToken, c.tokenFile, "--token-file", checkInboundTokens); err != nil {
		return err
	}
	if c.UpstreamTokenExpires, err = c.lookupExpiry(getenv, set["upstream-token-expires"]); err != nil {
		return err
	}
	return c.validate()
}

// lookupSecret reads a secret from the --*-file flag, else NAME_FILE, else
// NAME. Both NAME and NAME_FILE set is refused: which one wins would be a
// guess.
func lookupSecret(getenv func(string) string, name, flagFile, flagName string, check func(string) error) (secret.Source, error) {
	if flagFile != "" {
		f, err := secret.ReadFileWith(flagFile, check)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flagName, err)
		}
		return f, nil
	}
	val, file := getenv(name), getenv(name+"_FILE")
	switch {
	case val != "" && file != "":
		return nil, fmt.Errorf("both %s and %s_FILE are set; set one", name, name)
	case file != "":
		f, err := secret.ReadFileWith(file, check)
		if err != nil {
			return nil, fmt.Errorf("%s_FILE: %w", name, err)
		}
		return f, nil
	case strings.TrimSpace(val) != "":
		return secret.Static(strings.TrimSpace(val)), nil
	}
	return nil, nil
}

// lookupExpiry reads the upstream token's expiry from the flag or
// environment value (already applied to c.upstreamTokenExpires), or from a
// file, which is then reloaded with the token. Value and file together are
// refused. flagGiven says the value came from the command line.
func (c *Serve) lookupExpiry(getenv func(string) string, flagGiven bool) (secret.Source, error) {
	file := c.upstreamTokenExpiresFile
	if file == "" && !flagGiven {
		file = getenv(EnvUpstreamTokenExpires + "_FILE")
	}
	val := strings.TrimSpace(c.upstreamTokenExpires)
	switch {
	case val != "" && file != "":
		return nil, fmt.Errorf("the Identity Center token expiry is set both as a value and as a file (--upstream-token-expires, --upstream-token-expires-file, %s, %s_FILE); set one", EnvUpstreamTokenExpires, EnvUpstreamTokenExpires)
	case file != "":
		f, err := secret.ReadFileWith(file, secret.CheckExpiry)
		if err != nil {
			return nil, fmt.Errorf("upstream token expiry file: %w", err)
		}
		return f, nil
	case val != "":
		if err := secret.CheckExpiry(val); err != nil {
			return nil, fmt.Errorf("--upstream-token-expires / %s: %w", EnvUpstreamTokenExpires, err)
		}
		return secret.Static(val), nil
	}
	return nil, nil
}

func (c *Serve) validate() error {
	var errs []error
	if err := checkListeners(c.Listen, c.AdminListen); err != nil {
		errs = append(errs, err)
	}
	if c.Names != NamesDerive && c.Names != NamesReject {
		errs = append(errs, fmt.Errorf("--names %q: want %s or %s", c.Names, NamesDerive, NamesReject))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "json" && c.LogFormat != "console" {
		errs = append(errs, fmt.Errorf("--log-format %q: want json or console", c.LogFormat))
	}
	if c.DrainTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--drain-timeout %s: must be positive", c.DrainTimeout))
	}
	if c.ReadyCacheTTL < 0 {
		errs = append(errs, fmt.Errorf("--ready-cache-ttl %s: must not be negative", c.ReadyCacheTTL))
	}
	if c.Emulated() {
		if c.UpstreamToken != nil {
			errs = append(errs, fmt.Errorf("%s is set but %s is not: set the endpoint too, or unset the token to use the built-in emulator", EnvUpstreamToken, EnvUpstreamURL))
		}
	} else {
		if err := checkUpstreamURL(c.UpstreamURL); err != nil {
			errs = append(errs, err)
		}
		if c.UpstreamToken == nil {
			errs = append(errs, fmt.Errorf("%s is set but no Identity Center token: set %s or %s_FILE", EnvUpstreamURL, EnvUpstreamToken, EnvUpstreamToken))
		}
		// Without the emulator there is no safe token to invent: Okta would
		// have to be told a value nobody else knows.
		if c.Tokens == nil {
			errs = append(errs, fmt.Errorf("no inbound token: set %s or %s_FILE to the token(s) Okta presents", EnvToken, EnvToken))
		}
	}
	if c.Tokens != nil {
		if err := checkInboundTokens(c.Tokens.Value()); err != nil {
			errs = append(errs, fmt.Errorf("%s %w", EnvToken, err))
		}
	}
	if c.SecretPollInterval <= 0 {
		errs = append(errs, fmt.Errorf("--secret-poll-interval %s: must be positive", c.SecretPollInterval))
	}
	if c.LogSampleGets < 0 {
		errs = append(errs, fmt.Errorf("--log-sample-gets %d: must be 0 (none), 1 (all) or more", c.LogSampleGets))
	}
	errs = append(errs, c.Hardening.validate()...)
	return errors.Join(errs...)
}

// checkUpstreamURL accepts https, and plain http only to a loopback host:
// the bearer token must not cross a network in clear text.
func checkUpstreamURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", EnvUpstreamURL, err)
	}
	if u.Host == "" {
		return fmt.Errorf("%s %q: want https://scim.REGION.amazonaws.com/TENANT/scim/v2", EnvUpstreamURL, raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); (ip != nil && ip.IsLoopback()) || u.Hostname() == "localhost" {
			return nil
		}
		return fmt.Errorf("%s %q: plain http is allowed only to a loopback host; the token would travel in clear text", EnvUpstreamURL, raw)
	}
	return fmt.Errorf("%s %q: scheme must be https", EnvUpstreamURL, raw)
}

// checkListeners refuses an admin listener that would share the Okta-facing
// one (DESIGN.md: "never on the Okta-facing listener"). Port 0 (any free
// port) never clashes.
func checkListeners(listen, admin string) error {
	lh, lp, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", listen, err)
	}
	ah, ap, err := net.SplitHostPort(admin)
	if err != nil {
		return fmt.Errorf("--admin-listen %q: %w", admin, err)
	}
	if lp != ap || lp == "0" {
		return nil
	}
	if lh == ah || isWildcard(lh) || isWildcard(ah) {
		return fmt.Errorf("--admin-listen %q clashes with --listen %q: /metrics must never be on the Okta-facing listener", admin, listen)
	}
	return nil
}

func isWildcard(host string) bool {
	return host == "" || host == "0.0.0.0" || host == "::"
}
