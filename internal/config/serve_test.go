package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/secret"
)

func resolve(t *testing.T, args []string, env map[string]string) (*Serve, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var c Serve
	c.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return &c, c.Resolve(fs, func(k string) string { return env[k] })
}

func TestDefaultsStartTheEmulator(t *testing.T) {
	c, err := resolve(t, nil, nil)
	if err != nil {
		t.Fatalf("a fresh machine with no settings must start: %v", err)
	}
	if !c.Emulated() || c.Listen != ":8080" || c.AdminListen != ":9090" || c.Names != NamesDerive ||
		c.Tokens != nil || c.UpstreamToken != nil || c.DrainTimeout != 50*time.Second {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestFlagBeatsEnvBeatsDefault(t *testing.T) {
	env := map[string]string{EnvListen: ":7000", EnvAdminListen: ":7001", EnvNames: "reject", EnvDrainTimeout: "3s"}
	c, err := resolve(t, []string{"--listen", ":6000"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":6000" || c.AdminListen != ":7001" || c.Names != NamesReject || c.DrainTimeout != 3*time.Second {
		t.Fatalf("got listen=%s admin=%s names=%s drain=%s", c.Listen, c.AdminListen, c.Names, c.DrainTimeout)
	}
}

func TestUpstreamModeNeedsBothTokens(t *testing.T) {
	_, err := resolve(t, nil, map[string]string{EnvUpstreamURL: "https://scim.us-east-1.amazonaws.com/t/scim/v2"})
	if err == nil || !strings.Contains(err.Error(), EnvUpstreamToken) || !strings.Contains(err.Error(), EnvToken) {
		t.Fatalf("missing tokens not both named: %v", err)
	}
	c, err := resolve(t, nil, map[string]string{
		EnvUpstreamURL:   "https://scim.us-east-1.amazonaws.com/t/scim/v2/",
		EnvUpstreamToken: "aws-token",
		EnvToken:         "new-okta-token-0123456789ab, old-okta-token-0123456789ab",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Emulated() || c.UpstreamToken.Value() != "aws-token" {
		t.Fatalf("upstream = %q token %v", c.UpstreamURL, c.UpstreamToken)
	}
	if got := secret.NewTokens(c.Tokens).Values(); !reflect.DeepEqual(got, []string{"new-okta-token-0123456789ab", "old-okta-token-0123456789ab"}) {
		t.Fatalf("inbound tokens = %q", got)
	}
}

func TestSecretFromFileVariants(t *testing.T) {
	dir := t.TempDir()
	up := filepath.Join(dir, "up")
	in := filepath.Join(dir, "in")
	os.WriteFile(up, []byte("aws-from-file\n"), 0o600)
	os.WriteFile(in, []byte("okta-from-file-0123456789abcdef\n"), 0o600)
	env := map[string]string{
		EnvUpstreamURL:             "https://scim.eu-west-1.amazonaws.com/t/scim/v2",
		EnvUpstreamToken + "_FILE": up,
		EnvToken:                   "okta-from-env-0123456789abcdef",
	}
	c, err := resolve(t, []string{"--token-file", in}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.UpstreamToken.Value() != "aws-from-file" || c.Tokens.Value() != "okta-from-file-0123456789abcdef" {
		t.Fatalf("upstream %q inbound %q", c.UpstreamToken.Value(), c.Tokens.Value())
	}
}

func TestRefusals(t *testing.T) {
	aws := "https://scim.us-east-1.amazonaws.com/t/scim/v2"
	cases := map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"admin equals listen":    {[]string{"--admin-listen", ":8080"}, nil, "clashes"},
		"admin on wildcard port": {[]string{"--listen", "127.0.0.1:9090"}, nil, "clashes"},
		"bad names":              {[]string{"--names", "guess"}, nil, "--names"},
		"bad log level":          {nil, map[string]string{EnvLogLevel: "loud"}, "--log-level"},
		"both token and file":    {nil, map[string]string{EnvToken: "a", EnvToken + "_FILE": "/x"}, "both"},
		"missing token file":     {nil, map[string]string{EnvToken + "_FILE": "/nonexistent/token"}, "_FILE"},
		"only commas":            {nil, map[string]string{EnvToken: " , ,"}, "no token"},
		"upstream token no url":  {nil, map[string]string{EnvUpstreamToken: "x"}, EnvUpstreamURL},
		"clear text upstream":    {nil, map[string]string{EnvUpstreamURL: "http://scim.example.com/t/scim/v2", EnvUpstreamToken: "x", EnvToken: "y"}, "clear text"},
		"no scheme upstream":     {nil, map[string]string{EnvUpstreamURL: "scim.example.com/t", EnvUpstreamToken: "x", EnvToken: "y"}, EnvUpstreamURL},
		"bad drain from env":     {nil, map[string]string{EnvDrainTimeout: "soon", EnvUpstreamURL: aws}, EnvDrainTimeout},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := resolve(t, tc.args, tc.env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want mention of %q", err, tc.want)
			}
		})
	}
}

func TestLoopbackHTTPUpstreamAllowed(t *testing.T) {
	_, err := resolve(t, []string{"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"}, map[string]string{
		EnvUpstreamURL: "http://127.0.0.1:4444/t/scim/v2", EnvUpstreamToken: "x", EnvToken: "okta-inbound-token-0123456789abcdef",
	})
	if err != nil {
		t.Fatal(err)
	}
}
