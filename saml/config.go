package saml

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"
)

// Defaults for Config fields left zero.
const (
	DefaultRefreshInterval = time.Hour
	// DefaultRetryInterval is the wait after a failed load: short enough
	// that a network blip is repaired within minutes, long enough not to
	// hammer Okta while it is down.
	DefaultRetryInterval = time.Minute
	// DefaultWarnBefore is 30 days: half of the 60 days' notice Okta gives
	// before a signing certificate expires, so a missed Okta email is still
	// caught with time to rotate.
	// okta: identity-center-scim.md §11: "It notifies 60 days before expiry."
	DefaultWarnBefore = 30 * 24 * time.Hour
)

// Environment variables that give RegisterFlags its defaults.
const (
	EnvIdPMetadataURL  = "SCIM_BRIDGE_SAML_IDP_METADATA_URL"
	EnvIdPMetadataFile = "SCIM_BRIDGE_SAML_IDP_METADATA_FILE"
	EnvRefreshInterval = "SCIM_BRIDGE_SAML_REFRESH_INTERVAL"
	EnvSPMetadataFile  = "SCIM_BRIDGE_SAML_SP_METADATA_FILE"
	EnvACSURL          = "SCIM_BRIDGE_SAML_ACS_URL"
	EnvSPIssuer        = "SCIM_BRIDGE_SAML_ISSUER"
	EnvVerifyCertFile  = "SCIM_BRIDGE_SAML_VERIFY_CERT_FILE"
	EnvWarnBefore      = "SCIM_BRIDGE_SAML_WARN_BEFORE"
)

// Config says where the broker finds each side's metadata.
type Config struct {
	IdPMetadataURL  string        // Okta's IdP metadata URL (fetched and refreshed)
	IdPMetadataFile string        // or a file
	RefreshInterval time.Duration // default 1h
	RetryInterval   time.Duration // after a failed load; default 1m (never longer than RefreshInterval)
	SPMetadataFile  string        // the SP metadata file Identity Center lets you download, or:
	ACSURL          string        // Identity Center's "IAM Identity Center ACS URL"
	SPIssuer        string        // Identity Center's "IAM Identity Center issuer URL" (audience)
	VerifyCertFile  string        // if set, fetched metadata must carry an XML signature by this cert
	WarnBefore      time.Duration // default 30 days: warning log lines from then on

	// envErr records an environment default that did not parse, so that
	// NewBroker can refuse it instead of silently using the built-in default.
	envErr error
}

// RegisterFlags adds the --saml-* flags to fs, each defaulting to its
// SCIM_BRIDGE_SAML_* environment variable.
func (c *Config) RegisterFlags(fs *flag.FlagSet) { c.RegisterFlagsEnv(fs, os.Getenv) }

// RegisterFlagsEnv is RegisterFlags with the environment read through
// getenv, so a caller that injects its environment (serve's tests) reaches
// these settings too.
func (c *Config) RegisterFlagsEnv(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.IdPMetadataURL, "saml-idp-metadata-url", getenv(EnvIdPMetadataURL),
		"Okta's IdP metadata URL (Okta app → Sign On → View IdP metadata); fetched and refreshed (env "+EnvIdPMetadataURL+")")
	fs.StringVar(&c.IdPMetadataFile, "saml-idp-metadata-file", getenv(EnvIdPMetadataFile),
		"Okta's IdP metadata as a file, instead of the URL (env "+EnvIdPMetadataFile+")")
	c.RefreshInterval = c.envDuration(getenv, EnvRefreshInterval, DefaultRefreshInterval)
	fs.DurationVar(&c.RefreshInterval, "saml-refresh-interval", c.RefreshInterval,
		"how often the IdP metadata is re-read (env "+EnvRefreshInterval+")")
	fs.StringVar(&c.SPMetadataFile, "saml-sp-metadata-file", getenv(EnvSPMetadataFile),
		"the SP metadata file downloaded from Identity Center (Settings → Identity source → Manage authentication) (env "+EnvSPMetadataFile+")")
	fs.StringVar(&c.ACSURL, "saml-acs-url", getenv(EnvACSURL),
		"Identity Center's \"IAM Identity Center ACS URL\", instead of the SP metadata file (env "+EnvACSURL+")")
	fs.StringVar(&c.SPIssuer, "saml-issuer", getenv(EnvSPIssuer),
		"Identity Center's \"IAM Identity Center issuer URL\" (the audience), with --saml-acs-url (env "+EnvSPIssuer+")")
	fs.StringVar(&c.VerifyCertFile, "saml-verify-cert-file", getenv(EnvVerifyCertFile),
		"PEM certificate: IdP metadata must carry a valid XML signature made with it (env "+EnvVerifyCertFile+")")
	c.WarnBefore = c.envDuration(getenv, EnvWarnBefore, DefaultWarnBefore)
	fs.DurationVar(&c.WarnBefore, "saml-warn-before", c.WarnBefore,
		"log a warning for each certificate from this long before it expires (env "+EnvWarnBefore+")")
}

func (c *Config) envDuration(getenv func(string) string, name string, def time.Duration) time.Duration {
	v := getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		c.envErr = errors.Join(c.envErr, fmt.Errorf("%s=%q: want a positive Go duration such as 1h or 720h", name, v))
		return def
	}
	return d
}

// Enabled reports whether any IdP or SP source is configured.
func (c Config) Enabled() bool {
	// VerifyCertFile counts so that, set alone, it is refused rather
	// than silently ignored.
	return c.IdPMetadataURL != "" || c.IdPMetadataFile != "" ||
		c.SPMetadataFile != "" || c.ACSURL != "" || c.SPIssuer != "" || c.VerifyCertFile != ""
}

// withDefaults fills zero fields and checks that the sources make sense.
func (c Config) withDefaults() (Config, error) {
	if c.envErr != nil {
		return c, c.envErr
	}
	if c.RefreshInterval <= 0 {
		c.RefreshInterval = DefaultRefreshInterval
	}
	if c.RetryInterval <= 0 {
		c.RetryInterval = DefaultRetryInterval
	}
	if c.WarnBefore <= 0 {
		c.WarnBefore = DefaultWarnBefore
	}
	if c.IdPMetadataURL != "" && c.IdPMetadataFile != "" {
		return c, errors.New("set either --saml-idp-metadata-url or --saml-idp-metadata-file, not both")
	}
	if (c.ACSURL == "") != (c.SPIssuer == "") && c.SPMetadataFile == "" {
		return c, errors.New("--saml-acs-url and --saml-issuer go together (or use --saml-sp-metadata-file)")
	}
	if c.VerifyCertFile != "" && c.IdPMetadataURL == "" && c.IdPMetadataFile == "" {
		return c, errors.New("--saml-verify-cert-file is set but no IdP metadata source is")
	}
	return c, nil
}
