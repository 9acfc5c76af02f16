package promtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/config"
	"github.com/scim-bridge/scim-bridge/saml"
	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

const (
	upstreamTokenA = "aws-upstream-TOKEN-a/0123456789+abcdef=="
	upstreamTokenB = "aws-upstream-TOKEN-b/9876543210+fedcba=="
	oktaTokenOld   = "okta-inbound-token-OLD-6f1c2a9b"
	oktaTokenNew   = "okta-inbound-token-NEW-0d3e7b54"
)

// writeFile writes v to path atomically (write, then rename), the way
// Kubernetes updates a mounted Secret.
func writeFile(t *testing.T, path, v string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(v+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// files is a bridge's token files.
type files struct {
	dir, upstream, expires, inbound string
}

func newFiles(t *testing.T, upstreamToken, expires, inbound string) files {
	t.Helper()
	dir := t.TempDir()
	f := files{dir: dir, upstream: filepath.Join(dir, "upstream-token"),
		expires: filepath.Join(dir, "upstream-token-expires"), inbound: filepath.Join(dir, "token")}
	writeFile(t, f.upstream, upstreamToken)
	writeFile(t, f.expires, expires)
	writeFile(t, f.inbound, inbound)
	return f
}

// env is the environment of a bridge reading its tokens from f, with SAML
// metadata brokering on so the certificate gauges are exported.
func (f files) env(t *testing.T, up *upstream) map[string]string {
	t.Helper()
	cert := samltest.NewCert(t, samltest.CertOpts{CommonName: "okta-signing", NotAfter: time.Now().Add(45 * 24 * time.Hour)})
	idp := filepath.Join(f.dir, "idp-metadata.xml")
	if err := os.WriteFile(idp, samltest.IdPMetadata(t, samltest.IdPOpts{}, cert), 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		config.EnvUpstreamURL:                    up.URL,
		config.EnvUpstreamToken + "_FILE":        f.upstream,
		config.EnvUpstreamTokenExpires + "_FILE": f.expires,
		config.EnvToken + "_FILE":                f.inbound,
		saml.EnvIdPMetadataFile:                  idp,
		saml.EnvACSURL:                           samltest.ACSURL("us-east-1"),
		saml.EnvSPIssuer:                         samltest.IssuerURL("us-east-1"),
		config.EnvLogLevel:                       "debug",
		config.EnvSecretPollInterval:             "100ms",
	}
}

// sumSeries adds every series of a counter in a text exposition.
func sumSeries(exposition, name string) float64 {
	var total float64
	for _, line := range strings.Split(exposition, "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		fields := strings.Fields(line)
		var v float64
		if _, err := fmt.Sscan(fields[len(fields)-1], &v); err == nil {
			total += v
		}
	}
	return total
}
