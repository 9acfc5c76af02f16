package promtest

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// After a replay of Okta's traffic through the bridge into Identity Center,
// the bridge's /metrics passes `promtool check metrics` (Prometheus' own
// linter) and says what happened.
func TestPromtoolChecksMetricsAfterReplay(t *testing.T) {
	promtool := needTool(t, "promtool")
	up := newUpstream(t, upstreamTokenA)
	expires := time.Now().Add(20 * 24 * time.Hour).UTC().Truncate(time.Second)
	f := newFiles(t, upstreamTokenA, expires.Format(time.RFC3339), oktaTokenOld)
	b := startBridge(t, f.env(t, up))
	o := newOkta(b.Base, oktaTokenOld)
	o.replay(t)

	m := b.metrics(t)
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(m)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}

	// Every request Okta sent is counted once.
	if got := sumSeries(m, "scim_bridge_requests_total"); got != float64(o.Sent()) {
		t.Errorf("sum of scim_bridge_requests_total = %v, Okta sent %d", got, o.Sent())
	}
	for series, want := range map[string]float64{
		`scim_bridge_requests_total{code="201",operation="create_user",resource="Users"}`: 4, // 3 users + the SPEC suite's one
		`scim_bridge_requests_total{code="200",operation="probe",resource="Users"}`:       1,
		// The replay's wrong token and the SPEC suite's "non-token" step.
		`scim_bridge_inbound_auth_failures_total`:                                2,
		`scim_bridge_upstream_requests_total{code="201",operation="CreateUser"}`: 4,
		`scim_bridge_upstream_token_expiry_timestamp_seconds`:                    float64(expires.Unix()),
		`scim_bridge_requests_in_flight`:                                         0,
	} {
		if got, ok := sample(t, m, series); !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
		}
	}
	// Deterministic up to the scrape's own clock: between 19 and 20 days.
	if left, _ := sample(t, m, "scim_bridge_upstream_token_expires_in_seconds"); left <= 19*86400 || left > 20*86400 {
		t.Errorf("token expires in %v s, want just under 20 days", left)
	}
	for _, want := range []string{
		`scim_bridge_saml_certificate_expires_in_seconds{role="idp-signing",serial="`,
		`scim_bridge_build_info{goversion="`,
		`scim_bridge_request_duration_seconds_bucket{operation="create_user",resource="Users",le="0.005"}`,
		`scim_bridge_upstream_request_duration_seconds_count{operation="ListUsers"}`,
		`scim_bridge_translations_total{rule="`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// The 30-day warning is in the log, with the days left.
	if !strings.Contains(b.stdout.String(), `"days_left":19`) {
		t.Errorf("no expiry warning with days_left 19 in the log:\n%s", firstLines(b.stdout.String(), 20))
	}
	waitFor(t, "scim_bridge_upstream_up 1", func() bool {
		v, _ := sample(t, b.metrics(t), "scim_bridge_upstream_up")
		return v == 1
	})
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("… (%d more bytes)", len(lines[n])))
	}
	return strings.Join(lines, "\n")
}
