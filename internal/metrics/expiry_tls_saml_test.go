package metrics

import (
	"sync"
	"testing"
	"time"
)

// The TLS certificate gauges follow the certificate served at scrape time
// (a reload shows at the next scrape) and are absent while TLS is off.
func TestTLSCertificateGauges(t *testing.T) {
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	notAfter, on := start.Add(10*24*time.Hour), false
	_, reg := newMetrics(t, Config{
		Now: func() time.Time { return start },
		TLSCertificateNotAfter: func() (time.Time, bool) {
			mu.Lock()
			defer mu.Unlock()
			return notAfter, on
		},
	})
	names := []string{"scim_bridge_tls_certificate_expires_in_seconds", "scim_bridge_tls_certificate_expiry_timestamp_seconds"}
	if n := count(t, reg, names...); n != 0 {
		t.Fatalf("TLS gauges present with TLS off: %d series", n)
	}
	mu.Lock()
	on = true
	mu.Unlock()
	if got, ok := value(t, reg, names[0], nil); !ok || got != 10*24*3600 {
		t.Errorf("expires in = %v (present %v), want 10 days", got, ok)
	}
	if got, _ := value(t, reg, names[1], nil); got != float64(notAfter.Unix()) {
		t.Errorf("expiry timestamp = %v, want %d", got, notAfter.Unix())
	}
	// A renewed certificate is what the next scrape reports.
	mu.Lock()
	notAfter = start.Add(90 * 24 * time.Hour)
	mu.Unlock()
	if got, _ := value(t, reg, names[0], nil); got != 90*24*3600 {
		t.Errorf("expires in after reload = %v, want 90 days", got)
	}
}

// The IdP metadata gauge is absent without a metadata source, 0 while no
// load has succeeded (so a staleness alert fires), then the load's time.
func TestSAMLMetadataLastSuccessGauge(t *testing.T) {
	var mu sync.Mutex
	var at time.Time
	configured := false
	_, reg := newMetrics(t, Config{
		SAMLMetadataLastSuccess: func() (time.Time, bool) {
			mu.Lock()
			defer mu.Unlock()
			return at, configured
		},
	})
	const name = "scim_bridge_saml_idp_metadata_last_success_timestamp_seconds"
	if n := count(t, reg, name); n != 0 {
		t.Fatalf("gauge present without an IdP metadata source: %d series", n)
	}
	mu.Lock()
	configured = true
	mu.Unlock()
	if got, ok := value(t, reg, name, nil); !ok || got != 0 {
		t.Errorf("never loaded = %v (present %v), want 0", got, ok)
	}
	loaded := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	mu.Lock()
	at = loaded
	mu.Unlock()
	if got, _ := value(t, reg, name, nil); got != float64(loaded.Unix()) {
		t.Errorf("after a load = %v, want %d", got, loaded.Unix())
	}
}
