package metrics

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// BenchmarkObserve is the cost the metrics add to one typical request (a
// create with two upstream calls, a retry and two rules); compare it with
// the request's own cost in scim's benchmarks.
func BenchmarkObserve(b *testing.B) {
	m, err := New(prometheus.NewRegistry(), Config{})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/scim/v2/Users", nil)
	rec := reqlog.Record{
		Operation: "create_user",
		Upstream: []reqlog.UpstreamCall{
			{Method: "GET", Path: "/Users?filter=userName%20eq%20%22a%22", Status: 200, Attempts: 1, Duration: time.Millisecond},
			{Method: "POST", Path: "/Users", Status: 201, Attempts: 2, Duration: 3 * time.Millisecond, RetryCauses: []string{"429"}},
		},
		Rules: []string{"emails.single-value", "name.derive"},
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Observe(r, 201, 5*time.Millisecond, rec)
	}
}
