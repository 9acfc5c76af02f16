package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/secret"
)

const awsURL = "https://scim.us-east-1.amazonaws.com/t/scim/v2"

func TestUpstreamTokenExpiryFromValueOrFile(t *testing.T) {
	base := map[string]string{EnvUpstreamURL: awsURL, EnvUpstreamToken: "aws", EnvToken: "okta-inbound-token-0123456789abcdef"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	c, err := resolve(t, nil, base)
	if err != nil || c.UpstreamTokenExpires != nil {
		t.Fatalf("no expiry: %v %v", c.UpstreamTokenExpires, err)
	}
	c, err = resolve(t, nil, with(EnvUpstreamTokenExpires, "2027-03-01"))
	if err != nil || c.UpstreamTokenExpires.Value() != "2027-03-01" {
		t.Fatalf("env expiry: %v", err)
	}
	c, err = resolve(t, []string{"--upstream-token-expires", "2027-04-01T00:00:00Z"}, with(EnvUpstreamTokenExpires, "2027-03-01"))
	if err != nil || c.UpstreamTokenExpires.Value() != "2027-04-01T00:00:00Z" {
		t.Fatalf("flag beats env: %v", err)
	}
	if _, err = resolve(t, nil, with(EnvUpstreamTokenExpires, "in a year")); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Fatalf("bad expiry: %v", err)
	}

	path := filepath.Join(t.TempDir(), "expires")
	if err := os.WriteFile(path, []byte("2027-05-01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = resolve(t, nil, with(EnvUpstreamTokenExpires+"_FILE", path))
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := c.UpstreamTokenExpires.(*secret.File); !ok || f.Value() != "2027-05-01" {
		t.Fatalf("expiry file: %#v", c.UpstreamTokenExpires)
	}
	if _, err = resolve(t, nil, with(EnvUpstreamTokenExpires+"_FILE", path, EnvUpstreamTokenExpires, "2027-03-01")); err == nil {
		t.Fatal("expiry value and file both accepted")
	}
}

func TestAtMostTwoInboundTokens(t *testing.T) {
	env := map[string]string{EnvToken: "one,two,three"}
	_, err := resolve(t, nil, env)
	if err == nil || !strings.Contains(err.Error(), "at most 2") {
		t.Fatalf("three tokens: %v", err)
	}
	if strings.Contains(err.Error(), "three") {
		t.Fatalf("error shows a token: %v", err)
	}
	path := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(path, []byte("a,b,c"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := resolve(t, []string{"--token-file", path}, nil); err == nil {
		t.Fatal("three tokens in a file accepted")
	}
	c, err := resolve(t, nil, map[string]string{EnvToken: "new-okta-token-0123456789ab,old-okta-token-0123456789ab"})
	if err != nil || len(secret.Split(c.Tokens.Value())) != 2 {
		t.Fatalf("two tokens: %v", err)
	}
}

func TestPollAndSamplingSettings(t *testing.T) {
	c, err := resolve(t, nil, map[string]string{EnvSecretPollInterval: "2s", EnvLogSampleGets: "10"})
	if err != nil || c.SecretPollInterval != 2*time.Second || c.LogSampleGets != 10 {
		t.Fatalf("got %v %d: %v", c.SecretPollInterval, c.LogSampleGets, err)
	}
	c, err = resolve(t, nil, nil)
	if err != nil || c.SecretPollInterval != 5*time.Second || c.LogSampleGets != 1 {
		t.Fatalf("defaults %v %d: %v", c.SecretPollInterval, c.LogSampleGets, err)
	}
	for _, env := range []map[string]string{{EnvSecretPollInterval: "0s"}, {EnvLogSampleGets: "-1"}} {
		if _, err := resolve(t, nil, env); err == nil {
			t.Errorf("%v accepted", env)
		}
	}
}
