package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const longToken = "okta-inbound-token-0123456789abcdef"

func TestShortOrEmptyInboundTokensAreRefused(t *testing.T) {
	aws := map[string]string{EnvUpstreamURL: "https://scim.us-east-1.amazonaws.com/t/scim/v2", EnvUpstreamToken: "aws-token"}
	with := func(tok string) map[string]string {
		m := map[string]string{EnvToken: tok}
		for k, v := range aws {
			m[k] = v
		}
		return m
	}
	for name, env := range map[string]map[string]string{
		"short token":             with("okta-token"),
		"short token, emulator":   {EnvToken: "changeme"},
		"second token short":      with(longToken + ",old"),
		"no token with upstream":  aws,
		"only commas and spaces":  with(" , "),
		"one character under min": with(strings.Repeat("x", MinInboundTokenLen-1)),
	} {
		_, err := resolve(t, nil, env)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if tok := env[EnvToken]; len(strings.TrimSpace(tok)) > 3 && strings.Contains(err.Error(), strings.Split(tok, ",")[0]) {
			t.Errorf("%s: the error shows the token: %v", name, err)
		}
	}
	if _, err := resolve(t, nil, with(strings.Repeat("x", MinInboundTokenLen))); err != nil {
		t.Errorf("a token of exactly %d characters: %v", MinInboundTokenLen, err)
	}
	// A short token in a file is refused at start, and on reload keeps the old one.
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := resolve(t, []string{"--token-file", path}, aws); err == nil || !strings.Contains(err.Error(), "at least") {
		t.Fatalf("short token file: %v", err)
	}
	if err := os.WriteFile(path, []byte(longToken), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := resolve(t, []string{"--token-file", path}, aws)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Tokens.(interface{ Reload() error }).Reload(); err == nil {
		t.Error("a short token written over the file was accepted on reload")
	}
	if c.Tokens.Value() != longToken {
		t.Error("a refused reload replaced the token")
	}
}

func TestEmulatorQuickStartNeedsNoToken(t *testing.T) {
	// The quick start sets nothing: serve generates a 43-character token.
	c, err := resolve(t, nil, nil)
	if err != nil || c.Tokens != nil {
		t.Fatalf("quick start: tokens %v, %v", c.Tokens, err)
	}
}

func TestHardeningSettings(t *testing.T) {
	c, err := resolve(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.TLS() || c.MaxBodyBytes != DefaultMaxBodyBytes || c.MaxUpstreamInFlight != DefaultMaxUpstreamInFlight {
		t.Fatalf("defaults: %+v", c.Hardening)
	}
	c, err = resolve(t, []string{"--max-upstream-in-flight", "8"}, map[string]string{
		EnvTLSCert: "/etc/tls/tls.crt", EnvTLSKey: "/etc/tls/tls.key",
		EnvMaxBodyBytes: "1048576", EnvMaxUpstreamInFlight: "64",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !c.TLS() || c.TLSCertFile != "/etc/tls/tls.crt" || c.TLSKeyFile != "/etc/tls/tls.key" || c.MaxBodyBytes != 1<<20 || c.MaxUpstreamInFlight != 8 {
		t.Fatalf("got %+v", c.Hardening)
	}
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"cert without key": {[]string{"--tls-cert", "/x.crt"}, nil, "--tls-key"},
		"key without cert": {nil, map[string]string{EnvTLSKey: "/x.key"}, "--tls-cert"},
		"tiny body limit":  {[]string{"--max-body-bytes", "100"}, nil, "--max-body-bytes"},
		"zero in flight":   {nil, map[string]string{EnvMaxUpstreamInFlight: "0"}, "--max-upstream-in-flight"},
		"not a number":     {nil, map[string]string{EnvMaxBodyBytes: "4MB"}, EnvMaxBodyBytes},
	} {
		if _, err := resolve(t, tc.args, tc.env); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", name, err, tc.want)
		}
	}
}
