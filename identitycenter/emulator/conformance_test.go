package emulator_test

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter/conformance"
	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

// confTenant has the older 11-4-4-4-12 shape (identity-center-scim.md §1).
const confTenant = "bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a"

// TestConformance runs the whole conformance suite against the emulator: it
// must behave as the reference says, taking the stricter reading of every
// UNCONFIRMED fact.
func TestConformance(t *testing.T) {
	target := confTarget(t, nil)
	counter := &confCountingTransport{next: target.Client.Transport}
	target.Client = &http.Client{Transport: counter}
	conformance.Run(t, target)
	// What a run costs against a real account (docs/conformance.md).
	t.Logf("conformance suite sent %d requests", counter.n.Load())
}

// TestConformanceAWSMode runs the suite as TestAWS does against a real
// account: not Strict, no throttled target, the wrong tenant derived from the
// base URL. The emulator is stricter than that mode asks, so all must pass;
// this keeps the real-account path of every case exercised.
func TestConformanceAWSMode(t *testing.T) {
	target := confTarget(t, nil)
	target.Strict, target.ThrottledURL, target.WrongTenantURL = false, "", ""
	conformance.Run(t, target)
}

// confCountingTransport counts requests, so the docs can say what a run costs.
type confCountingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *confCountingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// confTarget serves an emulator (with the given rules off) and a second,
// throttled one on httptest servers closed when t ends.
func confTarget(t *testing.T, lenient map[emulator.Rule]bool) conformance.Target {
	t.Helper()
	token := confToken(t)
	srv := confServe(t, emulator.Options{Tenant: confTenant, Tokens: []string{token}, Lenient: lenient, Seed: 1})
	// A bucket of one token that never refills: after the first request
	// every request is throttled (§7 "429 ThrottlingException").
	throttled := confServe(t, emulator.Options{Tenant: confTenant, Tokens: []string{token}, Seed: 1,
		Faults: emulator.Faults{Rate: 1e-9, Burst: 1}})
	base := srv.URL + "/" + confTenant + "/scim/v2"
	throttledBase := throttled.URL + "/" + confTenant + "/scim/v2"
	drain, err := http.NewRequest(http.MethodGet, throttledBase+"/ServiceProviderConfig", nil)
	if err != nil {
		t.Fatalf("drain request: %v", err)
	}
	drain.Header.Set("Authorization", "Bearer "+token)
	resp, err := throttled.Client().Do(drain)
	if err != nil {
		t.Fatalf("draining the throttled emulator's bucket: %v", err)
	}
	_ = resp.Body.Close()
	return conformance.Target{
		BaseURL:        base,
		Token:          token,
		WrongTenantURL: srv.URL + "/00000000-0fc6-4232-a028-fea1a99ff77a/scim/v2",
		ThrottledURL:   throttledBase,
		Strict:         true,
		Client:         srv.Client(),
	}
}

func confServe(t *testing.T, opts emulator.Options) *httptest.Server {
	t.Helper()
	e, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

func confToken(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("token: %v", err)
	}
	return hex.EncodeToString(b)
}
