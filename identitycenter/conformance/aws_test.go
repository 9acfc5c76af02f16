package conformance

import (
	"os"
	"testing"
)

// TestAWS runs the suite against a real Identity Center account. It creates
// only users and groups named scimbridge-conf-<random>-… and deletes them when
// it ends; it never reads back or changes anything else.
func TestAWS(t *testing.T) {
	base, token := os.Getenv("IDENTITY_CENTER_SCIM_URL"), os.Getenv("IDENTITY_CENTER_SCIM_TOKEN")
	if base == "" || token == "" {
		t.Skip("set IDENTITY_CENTER_SCIM_URL (https://scim.<region>.amazonaws.com/<tenant>/scim/v2) and IDENTITY_CENTER_SCIM_TOKEN to run the conformance suite against a real account; see docs/conformance.md")
	}
	Run(t, Target{BaseURL: base, Token: token})
}
