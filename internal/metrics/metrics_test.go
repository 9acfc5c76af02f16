package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

func newMetrics(t *testing.T, cfg Config) (*Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := New(reg, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m, reg
}

func scrape(t *testing.T, reg *prometheus.Registry, names ...string) string {
	t.Helper()
	return text(t, reg, names...)
}

// labels pairs label names with values.
func labels(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// One request's Record drives every counter: the numbers an operator sees
// are the ones on the request's log line.
func TestObserveCountsFromTheRecord(t *testing.T) {
	m, reg := newMetrics(t, Config{})
	rec := reqlog.Record{
		Operation: "create_user",
		Subject:   map[string]string{"userName": "jane.doe@example.com", "id": "9067729b3d-94f1"},
		Upstream: []reqlog.UpstreamCall{
			{Method: "POST", Path: "/Users", Status: 201, Attempts: 3, Duration: 1500 * time.Millisecond,
				RetryCauses: []string{"429", "5xx"}, RetryAfterWait: 2 * time.Second},
			{Method: "GET", Path: `/Users?filter=userName%20eq%20%22jane.doe%40example.com%22`, Status: 429, Attempts: 2,
				RetryCauses: []string{"429"}, RetryAfterWait: 500 * time.Millisecond},
			{Method: "PATCH", Path: "/Users/9067729b3d-94f1", Attempts: 1, Err: "network"},
		},
		Rules:     []string{"emails.single-value", "name.derive"},
		Fallbacks: []string{"membership_via_scim_filter"},
	}
	m.Observe(httptest.NewRequest("POST", "/scim/v2/Users", nil), 201, 2*time.Second, rec)
	m.Observe(httptest.NewRequest("GET", "/scim/v2/Users?filter=x", nil), 401, time.Millisecond, reqlog.Record{Operation: "lookup_user"})
	m.Observe(httptest.NewRequest("GET", "/scim/v2/Bogus", nil), 404, time.Millisecond, reqlog.Record{Operation: "jane.doe@example.com"})

	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"scim_bridge_requests_total", labels("resource", "Users", "operation", "create_user", "code", "201"), 1},
		{"scim_bridge_requests_total", labels("resource", "Users", "operation", "lookup_user", "code", "401"), 1},
		{"scim_bridge_requests_total", labels("resource", "other", "operation", "unknown", "code", "404"), 1},
		{"scim_bridge_request_duration_seconds", labels("resource", "Users", "operation", "create_user"), 1},
		{"scim_bridge_inbound_auth_failures_total", nil, 1},
		{"scim_bridge_upstream_requests_total", labels("operation", "CreateUser", "code", "201"), 1},
		{"scim_bridge_upstream_requests_total", labels("operation", "ListUsers", "code", "429"), 1},
		{"scim_bridge_upstream_requests_total", labels("operation", "PatchUser", "code", "network"), 1},
		{"scim_bridge_upstream_request_duration_seconds", labels("operation", "CreateUser"), 1},
		{"scim_bridge_upstream_retries_total", labels("operation", "CreateUser", "cause", "throttled"), 1},
		{"scim_bridge_upstream_retries_total", labels("operation", "CreateUser", "cause", "server_error"), 1},
		{"scim_bridge_upstream_retries_total", labels("operation", "ListUsers", "cause", "throttled"), 1},
		// ListUsers: one throttle retried, then a final 429.
		{"scim_bridge_upstream_throttled_total", labels("operation", "CreateUser"), 1},
		{"scim_bridge_upstream_throttled_total", labels("operation", "ListUsers"), 2},
		{"scim_bridge_upstream_retry_after_wait_seconds_total", nil, 2.5},
		{"scim_bridge_translations_total", labels("rule", "emails.single-value"), 1},
		{"scim_bridge_translations_total", labels("rule", "name.derive"), 1},
		{"scim_bridge_fallbacks_total", labels("fallback", "membership_via_scim_filter"), 1},
	} {
		if got, ok := value(t, reg, c.name, c.labels); !ok || got != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if n := count(t, reg, "scim_bridge_request_duration_seconds"); n != 3 {
		t.Errorf("duration histograms = %d series, want 3", n)
	}
	// No user name or id ever becomes a label value.
	out := scrape(t, reg)
	for _, leak := range []string{"jane", "9067729b3d", "example.com"} {
		if strings.Contains(out, leak) {
			t.Errorf("/metrics holds %q", leak)
		}
	}
}

func TestUpstreamOperationNames(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/Users", "CreateUser"},
		{"GET", "/Users/abc", "GetUser"},
		{"PUT", "/Users/abc", "PutUser"},
		{"PATCH", "/Users/abc", "PatchUser"},
		{"DELETE", "/Users/abc", "DeleteUser"},
		{"GET", "/Users?filter=userName%20eq%20%22a%22&count=1", "ListUsers"},
		{"GET", "/Users", "ListUsers"},
		{"POST", "/Groups", "CreateGroup"},
		{"GET", "/Groups/g1", "GetGroup"},
		{"PATCH", "/Groups/g1", "PatchGroup"},
		{"DELETE", "/Groups/g1", "DeleteGroup"},
		{"GET", "/Groups?startIndex=1", "ListGroups"},
		{"GET", "/ServiceProviderConfig", "ServiceProviderConfig"},
		{"POST", "identitystore:ListGroupMembershipsForMember", "identitystore:ListGroupMembershipsForMember"},
		{"POST", "identitystore:Bad/../x", "identitystore:other"},
		{"AWS", "identitystore.ListGroupMemberships 9067729b3d-94f1-4d5a", "identitystore:ListGroupMemberships"},
		{"AWS", "ssoadmin.ListInstances", "ssoadmin:ListInstances"},
		{"AWS", "s3.GetObject jane@example.com", "aws:other"},
		{"POST", "/Users/abc", "other"},
		{"GET", "/jane.doe@example.com", "other"},
	} {
		if got := upstreamOperation(tc.method, tc.path); got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

// Every operation scim/kind.go emits keeps its name (not "unknown").
func TestOperationsMatchTheInboundServer(t *testing.T) {
	for _, op := range []string{"probe", "import_users", "lookup_user", "create_user", "get_user", "update_user",
		"deactivate_user", "reactivate_user", "patch_user", "delete_user", "import_groups", "lookup_group",
		"create_group", "get_group", "replace_group", "rename_group", "update_members", "patch_group",
		"delete_group", "other"} {
		if operationOf(op) != op {
			t.Errorf("operation %q reported as %q", op, operationOf(op))
		}
	}
	if got := operationOf(""); got != "unknown" {
		t.Errorf("empty operation = %q", got)
	}
}

func TestInFlightCountsRunningRequests(t *testing.T) {
	m, reg := newMetrics(t, Config{})
	inFlight := func() float64 {
		v, _ := value(t, reg, "scim_bridge_requests_in_flight", nil)
		return v
	}
	entered, release := make(chan struct{}), make(chan struct{})
	h := m.InFlight(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		}()
	}
	for range 3 {
		<-entered
	}
	if got := inFlight(); got != 3 {
		t.Errorf("in flight while 3 run = %v", got)
	}
	close(release)
	wg.Wait()
	if got := inFlight(); got != 0 {
		t.Errorf("in flight after = %v", got)
	}
}

func TestExpiryGaugesAreComputedAtScrape(t *testing.T) {
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	var mu sync.Mutex
	expiry, configured := now.Add(20*24*time.Hour), false
	_, reg := newMetrics(t, Config{
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
		UpstreamTokenExpiry: func() (time.Time, bool) {
			mu.Lock()
			defer mu.Unlock()
			return expiry, configured
		},
		Certificates: func() []Cert {
			c := Cert{Role: "idp-signing", Serial: "1234", NotAfter: start.Add(time.Hour)}
			return []Cert{c, c, {Role: "sp-signing", Serial: "99", NotAfter: start.Add(-time.Hour)}}
		},
	})
	tokenNames := []string{"scim_bridge_upstream_token_expiry_timestamp_seconds", "scim_bridge_upstream_token_expires_in_seconds"}
	if n := count(t, reg, tokenNames...); n != 0 {
		t.Fatalf("token expiry gauges present without a configured expiry: %d series", n)
	}
	mu.Lock()
	configured = true
	mu.Unlock()
	want := `
# HELP scim_bridge_upstream_token_expires_in_seconds Seconds until the Identity Center token expires (negative once expired).
# TYPE scim_bridge_upstream_token_expires_in_seconds gauge
scim_bridge_upstream_token_expires_in_seconds 1.728e+06
# HELP scim_bridge_upstream_token_expiry_timestamp_seconds Configured expiry of the Identity Center token (unix seconds); absent when not configured.
# TYPE scim_bridge_upstream_token_expiry_timestamp_seconds gauge
scim_bridge_upstream_token_expiry_timestamp_seconds 1.8004896e+09
`
	if got := scrape(t, reg, tokenNames...); strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("token gauges:\n%s\nwant\n%s", got, want)
	}
	// A day later the same scrape says a day less.
	mu.Lock()
	now = now.Add(24 * time.Hour)
	mu.Unlock()
	if got, _ := value(t, reg, "scim_bridge_upstream_token_expires_in_seconds", nil); got != 19*24*3600 {
		t.Errorf("expires in a day later = %v", got)
	}
	certs := scrape(t, reg, "scim_bridge_saml_certificate_expires_in_seconds")
	if !strings.Contains(certs, `{role="idp-signing",serial="1234"} -82800`) || !strings.Contains(certs, `{role="sp-signing",serial="99"} -90000`) {
		t.Errorf("certificate gauges:\n%s", certs)
	}
}

func TestReloadsAndUpstreamUp(t *testing.T) {
	m, reg := newMetrics(t, Config{})
	m.TokenReloaded(TokenInbound, nil)
	m.TokenReloaded(TokenInbound, errTest)
	m.TokenReloaded(TokenUpstream, nil)
	if got, _ := value(t, reg, "scim_bridge_token_reloads_total", labels("token", "inbound", "result", "error")); got != 1 {
		t.Errorf("inbound errors = %v", got)
	}
	if got, ok := value(t, reg, "scim_bridge_token_reloads_total", labels("token", "upstream", "result", "error")); !ok || got != 0 {
		t.Errorf("upstream errors = %v", got)
	}
	valid := func(tok string) (float64, bool) {
		return value(t, reg, "scim_bridge_token_file_valid", labels("token", tok))
	}
	if _, ok := valid(TokenInbound); ok {
		t.Error("token_file_valid exported before any file was watched")
	}
	m.TokenFileState(TokenInbound, errTest)
	m.TokenFileState(TokenUpstream, nil)
	if v, ok := valid(TokenInbound); !ok || v != 0 {
		t.Errorf("inbound file valid = %v (present %v) while refused, want 0", v, ok)
	}
	if v, _ := valid(TokenUpstream); v != 1 {
		t.Errorf("upstream file valid = %v, want 1", v)
	}
	m.TokenFileState(TokenInbound, nil)
	if v, _ := valid(TokenInbound); v != 1 {
		t.Errorf("inbound file valid after the fix = %v, want 1", v)
	}
	m.SetUpstreamUp(nil)
	up := func() float64 { v, _ := value(t, reg, "scim_bridge_upstream_up", nil); return v }
	if up() != 1 {
		t.Error("up after a good check != 1")
	}
	m.SetUpstreamUp(errTest)
	if up() != 0 {
		t.Error("up after a failed check != 0")
	}
	// Everything follows Prometheus' naming conventions.
	for _, p := range lint(t, reg) {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

type testError string

func (e testError) Error() string { return string(e) }

const errTest = testError("boom")
