package promtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/secret"
)

// A full replay — Okta's lifecycle with passwords, a wrong token, the SPEC
// suite, a rotation of both tokens and a SIGHUP — leaves no token and no
// password anywhere in the bridge's output.
func TestLogsHoldNoTokenOrPassword(t *testing.T) {
	up := newUpstream(t, upstreamTokenA, upstreamTokenB)
	f := newFiles(t, upstreamTokenA, "2099-01-01", oktaTokenOld)
	b := startBridge(t, f.env(t, up))
	o := newOkta(b.Base, oktaTokenOld)
	o.replay(t)

	writeFile(t, f.inbound, oktaTokenNew+","+oktaTokenOld)
	writeFile(t, f.upstream, upstreamTokenB)
	waitFor(t, "the new inbound token", func() bool { return status(t, o, oktaTokenNew) == http.StatusOK })
	b.signal(t, syscall.SIGHUP)
	waitFor(t, "the SIGHUP reload", func() bool { return strings.Contains(b.stdout.String(), "SIGHUP: reloading") })
	b.stop(t)

	secrets := []string{upstreamTokenA, upstreamTokenB, oktaTokenOld, oktaTokenNew}
	for s := range o.secrets {
		secrets = append(secrets, s)
	}
	out := b.stdout.String() + b.stderr.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the bridge's output holds the secret %q", s)
		}
		// Nor a long enough piece of one.
		if len(s) >= 24 && strings.Contains(out, s[:16]) {
			t.Errorf("the bridge's output holds the start of the secret %q", s)
		}
	}

	// The grep is not vacuous: the output is the request log of the whole
	// replay, with subjects, and the tokens' fingerprints.
	requests := 0
	for _, line := range strings.Split(b.stdout.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" {
			requests++
		}
	}
	// One line per request: the scim package's own middleware defers to
	// serve's outer one.
	if requests != o.Sent() {
		t.Errorf("%d request lines for %d requests sent", requests, o.Sent())
	}
	for _, want := range []string{secret.Fingerprint(oktaTokenNew), secret.Fingerprint(upstreamTokenB), `"userName":"user0.`, `"operation":"create_user"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %s", want)
		}
	}
	if n := len(o.secrets); n < 10 {
		t.Errorf("the replay used only %d secrets", n)
	}
}
