package saml

import (
	"flag"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
)

func TestRegisterFlagsDefaultsFromEnvironment(t *testing.T) {
	t.Setenv(EnvIdPMetadataURL, "https://example.okta.com/app/exk1/sso/saml/metadata")
	t.Setenv(EnvRefreshInterval, "15m")
	t.Setenv(EnvACSURL, "https://us-east-1.signin.aws/platform/saml/acs/x")
	t.Setenv(EnvSPIssuer, "https://us-east-1.signin.aws.amazon.com/platform/saml/d-1")
	t.Setenv(EnvWarnBefore, "1440h")
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse([]string{"--saml-refresh-interval=2h"}); err != nil {
		t.Fatal(err)
	}
	if c.IdPMetadataURL != "https://example.okta.com/app/exk1/sso/saml/metadata" || c.ACSURL == "" || c.SPIssuer == "" {
		t.Errorf("env not used: %+v", c)
	}
	if c.RefreshInterval != 2*time.Hour {
		t.Errorf("flag did not override env: %v", c.RefreshInterval)
	}
	if c.WarnBefore != 60*24*time.Hour {
		t.Errorf("WarnBefore = %v", c.WarnBefore)
	}
	if !c.Enabled() {
		t.Error("not Enabled")
	}
	// Every flag's help names its environment variable.
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(f.Usage, "SCIM_BRIDGE_SAML_") {
			t.Errorf("--%s does not document its environment variable", f.Name)
		}
	})
}

func TestConfigDefaultsAndConflicts(t *testing.T) {
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if c.Enabled() {
		t.Error("empty config Enabled")
	}
	if c.RefreshInterval != DefaultRefreshInterval || c.WarnBefore != DefaultWarnBefore {
		t.Errorf("defaults: %v %v", c.RefreshInterval, c.WarnBefore)
	}

	t.Setenv(EnvWarnBefore, "thirty days")
	var bad Config
	bad.RegisterFlags(flag.NewFlagSet("serve", flag.ContinueOnError))
	bad.ACSURL, bad.SPIssuer = "https://us-east-1.signin.aws/platform/saml/acs/x", "https://us-east-1.signin.aws.amazon.com/platform/saml/d-1"
	if _, err := NewBroker(t.Context(), bad, zap.NewNop()); err == nil || !strings.Contains(err.Error(), EnvWarnBefore) {
		t.Errorf("bad env duration: err = %v", err)
	}

	if _, err := NewBroker(t.Context(), Config{IdPMetadataURL: "https://a", IdPMetadataFile: "b"}, zap.NewNop()); err == nil {
		t.Error("URL and file both accepted")
	}
	verifyOnly := Config{VerifyCertFile: "x.pem"}
	if !verifyOnly.Enabled() {
		t.Error("a verification certificate alone would be silently ignored")
	}
	if _, err := NewBroker(t.Context(), verifyOnly, zap.NewNop()); err == nil || !strings.Contains(err.Error(), "no IdP metadata source") {
		t.Errorf("verification without an IdP source: err = %v", err)
	}
}

func TestRegisterFlagsEnvReadsTheGivenEnvironment(t *testing.T) {
	env := map[string]string{EnvSPMetadataFile: "/etc/scim-bridge/ic-sp.xml", EnvWarnBefore: "48h"}
	var c Config
	c.RegisterFlagsEnv(flag.NewFlagSet("serve", flag.ContinueOnError), func(k string) string { return env[k] })
	if c.SPMetadataFile != env[EnvSPMetadataFile] || c.WarnBefore != 48*time.Hour || c.IdPMetadataURL != "" {
		t.Errorf("config = %+v", c)
	}
}
