package metrics

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// Observe records one finished inbound request from its Record. It has the
// shape of reqlog.Options.Observe.
func (m *Metrics) Observe(r *http.Request, status int, d time.Duration, rec reqlog.Record) {
	resource, op := resourceOf(r.URL.Path), operationOf(rec.Operation)
	m.requests.WithLabelValues(resource, op, strconv.Itoa(status)).Inc()
	m.requestDuration.WithLabelValues(resource, op).Observe(d.Seconds())
	if status == http.StatusUnauthorized {
		// The bridge never passes Identity Center's 401 on to Okta
		// (identitycenter/errors.go), so an inbound 401 is always Okta's token.
		m.authFailures.Inc()
	}
	for _, c := range rec.Upstream {
		m.observeUpstream(c)
	}
	for _, rule := range rec.Rules {
		m.translations.WithLabelValues(boundedName(rule)).Inc()
	}
	for _, f := range rec.Fallbacks {
		m.fallbacks.WithLabelValues(boundedName(f)).Inc()
	}
}

func (m *Metrics) observeUpstream(c reqlog.UpstreamCall) {
	op := upstreamOperation(c.Method, c.Path)
	code := "network"
	if c.Status > 0 {
		code = strconv.Itoa(c.Status)
	}
	m.upstream.WithLabelValues(op, code).Inc()
	m.upstreamDuration.WithLabelValues(op).Observe(c.Duration.Seconds())
	throttled := 0
	for _, cause := range c.RetryCauses {
		cause = retryCause(cause)
		m.retries.WithLabelValues(op, cause).Inc()
		if cause == causeThrottled {
			throttled++
		}
	}
	if c.Status == http.StatusTooManyRequests {
		// The last answer was a throttle too: the retries ran out.
		throttled++
	}
	if throttled > 0 {
		m.throttled.WithLabelValues(op).Add(float64(throttled))
	}
	if c.RetryAfterWait > 0 {
		m.retryAfterWait.Add(c.RetryAfterWait.Seconds())
	}
}

// InFlight wraps next so that requests_in_flight counts its requests.
func (m *Metrics) InFlight(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		next.ServeHTTP(w, r)
	})
}

// Retry causes (label values of upstream_retries_total).
const (
	causeThrottled   = "throttled"
	causeServerError = "server_error"
	causeNetwork     = "network"
)

// retryCause maps reqlog's cause names ("429", "5xx", "network") to the
// metric's; "throttled" is accepted as is (an identitystore
// ThrottlingException arrives as HTTP 400, identity-center-scim.md §7:
// "identitystore throttling arrives as HTTP 400 with __type
// ThrottlingException").
func retryCause(c string) string {
	switch c {
	case "429", causeThrottled:
		return causeThrottled
	case "5xx", causeServerError:
		return causeServerError
	case causeNetwork:
		return causeNetwork
	}
	return "other"
}

// resourceOf names the SCIM resource of an inbound path.
func resourceOf(path string) string {
	for _, seg := range strings.Split(path, "/") {
		switch seg {
		case "Users":
			return "Users"
		case "Groups":
			return "Groups"
		}
	}
	return "other"
}

// operations are the Okta lifecycle operations scim/kind.go names; anything
// else is "unknown", so a bug can never grow the label set.
var operations = map[string]bool{
	"probe": true, "import_users": true, "lookup_user": true, "create_user": true,
	"get_user": true, "update_user": true, "deactivate_user": true, "reactivate_user": true,
	"patch_user": true, "delete_user": true,
	"import_groups": true, "lookup_group": true, "create_group": true, "get_group": true,
	"patch_group": true, "replace_group": true, "rename_group": true, "update_members": true,
	"delete_group": true, "other": true,
}

func operationOf(op string) string {
	if operations[op] {
		return op
	}
	return "unknown"
}

// upstreamOperation names an upstream call after the Identity Center API
// operation it is (identity-center-scim.md §2), from its method and its path
// below the base URL. AWS API calls (identitycenter/identitystore.go) are
// recorded with Method "AWS" and Path "<service>.<Operation> [subject]";
// they become "identitystore:<Operation>" (or "ssoadmin:<Operation>"), the
// subject dropped.
func upstreamOperation(method, path string) string {
	if method == "AWS" || strings.HasPrefix(path, "identitystore:") {
		return awsOperation(path)
	}
	p, _, _ := strings.Cut(path, "?")
	segs := strings.Split(strings.Trim(p, "/"), "/")
	var noun string
	switch segs[0] {
	case "Users":
		noun = "User"
	case "Groups":
		noun = "Group"
	case "ServiceProviderConfig", "Schemas", "ResourceTypes":
		return segs[0]
	default:
		return "other"
	}
	hasID := len(segs) > 1 && segs[1] != ""
	switch {
	case method == http.MethodGet && !hasID:
		return "List" + noun + "s"
	case method == http.MethodGet:
		return "Get" + noun
	case method == http.MethodPost && !hasID:
		return "Create" + noun
	case method == http.MethodPut && hasID:
		return "Put" + noun
	case method == http.MethodPatch && hasID:
		return "Patch" + noun
	case method == http.MethodDelete && hasID:
		return "Delete" + noun
	}
	return "other"
}

func awsOperation(path string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(path), " ")
	i := strings.IndexAny(name, ".:")
	if i < 0 {
		return "aws:other"
	}
	svc, op := name[:i], name[i+1:]
	if svc != "identitystore" && svc != "ssoadmin" {
		return "aws:other"
	}
	if op == "" || len(op) > 48 {
		return svc + ":other"
	}
	for i := 0; i < len(op); i++ {
		if c := op[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return svc + ":other"
		}
	}
	return svc + ":" + op
}

// boundedName passes a code-defined name (a rule, a fallback) through only
// if it looks like one, so no request data can become a label value.
func boundedName(s string) string {
	if s == "" || len(s) > 64 {
		return "invalid"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-', c == ':':
		default:
			return "invalid"
		}
	}
	return s
}
