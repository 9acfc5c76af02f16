package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/scim-bridge/scim-bridge/internal/admin"
	"github.com/scim-bridge/scim-bridge/internal/config"
	"github.com/scim-bridge/scim-bridge/internal/metrics"
	"github.com/scim-bridge/scim-bridge/saml"
)

// The tests run in deploy/; the repository root is one up.
const root = ".."

// readYAML decodes every document of a YAML file (--- separated).
func readYAML(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
	return docs
}

func readOneYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	docs := readYAML(t, path)
	if len(docs) != 1 {
		t.Fatalf("%s: %d YAML documents, want 1", path, len(docs))
	}
	return docs[0]
}

// get walks a decoded YAML/JSON tree: keys for maps, indexes for lists.
// A missing step fails the test with the path walked.
func get(t *testing.T, v any, steps ...any) any {
	t.Helper()
	for i, s := range steps {
		switch k := s.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not a map", steps[:i+1])
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("%v: missing", steps[:i+1])
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("%v: not a list with %d items", steps[:i+1], k+1)
			}
			v = l[k]
		}
	}
	return v
}

func str(t *testing.T, v any, steps ...any) string {
	t.Helper()
	s, ok := get(t, v, steps...).(string)
	if !ok {
		t.Fatalf("%v: not a string: %#v", steps, get(t, v, steps...))
	}
	return s
}

func list(t *testing.T, v any, steps ...any) []any {
	t.Helper()
	l, ok := get(t, v, steps...).([]any)
	if !ok {
		t.Fatalf("%v: not a list", steps)
	}
	return l
}

// serveDefaults are `scim-bridge serve`'s flag defaults, read from the
// flag definitions themselves so that nothing here repeats them.
type serveDefaults struct {
	listenPort, adminPort int
	drainTimeout          time.Duration
}

func defaults(t *testing.T) serveDefaults {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c config.Serve
	c.RegisterFlags(fs)
	port := func(name string) int {
		_, p, err := net.SplitHostPort(fs.Lookup(name).DefValue)
		if err != nil {
			t.Fatalf("--%s default: %v", name, err)
		}
		n, err := strconv.Atoi(p)
		if err != nil || n == 0 {
			t.Fatalf("--%s default port %q is not fixed", name, p)
		}
		return n
	}
	d, err := time.ParseDuration(fs.Lookup("drain-timeout").DefValue)
	if err != nil {
		t.Fatal(err)
	}
	return serveDefaults{listenPort: port("listen"), adminPort: port("admin-listen"), drainTimeout: d}
}

var envName = regexp.MustCompile(`SCIM_BRIDGE_[A-Z0-9_]+[A-Z0-9]`)

// acceptedEnv is every SCIM_BRIDGE_* variable serve reads: the names
// config.Resolve looks up, and those the flag help of config and saml name.
func acceptedEnv(t *testing.T) map[string]bool {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var c config.Serve
	c.RegisterFlags(fs)
	var s saml.Config
	s.RegisterFlags(fs)
	names := map[string]bool{}
	_ = c.Resolve(fs, func(k string) string { names[k] = true; return "" })
	fs.VisitAll(func(f *flag.Flag) {
		for _, n := range envName.FindAllString(f.Usage, -1) {
			names[n] = true
		}
	})
	if !names[config.EnvListen] || !names[config.EnvToken+"_FILE"] {
		t.Fatalf("could not learn the accepted environment (got %v)", names)
	}
	return names
}

// adminHandler is the real admin listener with an upstream that answers.
func adminHandler(t *testing.T) http.Handler {
	t.Helper()
	reg, err := admin.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	h, err := admin.NewHandler(admin.Config{Registry: reg, Ping: func(context.Context) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func adminGET(t *testing.T, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	adminHandler(t).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

// metricInfo is one metric family the bridge exports.
type metricInfo struct {
	labels    map[string]bool
	histogram bool
}

// recordingRegisterer keeps what internal/metrics registers.
type recordingRegisterer struct {
	prometheus.Registerer
	collectors []prometheus.Collector
}

func (r *recordingRegisterer) Register(c prometheus.Collector) error {
	r.collectors = append(r.collectors, c)
	return r.Registerer.Register(c)
}

func (r *recordingRegisterer) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

var (
	descName   = regexp.MustCompile(`fqName: "([^"]+)"`)
	descLabels = regexp.MustCompile(`variableLabels: \{([^}]*)\}\}$`)
)

// exportedMetrics is the catalogue of metric families the bridge exports,
// with their label names, read from the real collectors (internal/metrics
// and the admin registry) rather than from a copy of the contract.
func exportedMetrics(t *testing.T) map[string]metricInfo {
	t.Helper()
	out := map[string]metricInfo{}
	reg, err := admin.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingRegisterer{Registerer: reg}
	if _, err := metrics.New(rec, metrics.Config{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range rec.collectors {
		_, hist := c.(*prometheus.HistogramVec)
		if _, ok := c.(prometheus.Histogram); ok {
			hist = true
		}
		ch := make(chan *prometheus.Desc, 16)
		go func() { c.Describe(ch); close(ch) }()
		for d := range ch {
			s := d.String()
			n := descName.FindStringSubmatch(s)
			l := descLabels.FindStringSubmatch(s)
			if n == nil || l == nil {
				t.Fatalf("cannot read metric descriptor %s", s)
			}
			info := metricInfo{labels: map[string]bool{}, histogram: hist}
			for _, name := range strings.Split(l[1], ",") {
				if name = strings.TrimSuffix(strings.TrimPrefix(name, "c("), ")"); name != "" {
					info.labels[name] = true
				}
			}
			out[n[1]] = info
		}
	}
	// build_info, go_* and process_* come from the admin registry.
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if _, ok := out[mf.GetName()]; ok {
			continue
		}
		info := metricInfo{labels: map[string]bool{}, histogram: mf.GetType().String() == "HISTOGRAM"}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				info.labels[lp.GetName()] = true
			}
		}
		out[mf.GetName()] = info
	}
	if _, ok := out["scim_bridge_requests_total"]; !ok {
		t.Fatalf("internal/metrics exports no scim_bridge_requests_total: %v", keys(out))
	}
	// Prometheus adds up per target.
	out["up"] = metricInfo{labels: map[string]bool{}}
	return out
}

// targetLabels are attached by Prometheus (and the operator's relabelling)
// to every scraped series.
var targetLabels = map[string]bool{
	"job": true, "instance": true, "namespace": true, "pod": true,
	"service": true, "endpoint": true, "container": true,
}

var (
	metricRef   = regexp.MustCompile(`\b((?:scim_bridge|go|process)_[a-z0-9_]+|up)\b(\{[^}]*\})?`)
	matcherName = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`)
	grouping    = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)`)
)

// checkQuery fails the test for each problem queryProblems finds.
func checkQuery(t *testing.T, where, expr string, catalogue map[string]metricInfo) {
	t.Helper()
	for _, p := range queryProblems(expr, catalogue) {
		t.Errorf("%s: %s", where, p)
	}
}

// queryProblems lists the metrics expr names that the bridge does not
// export, and the labels it uses that none of its metrics carries.
func queryProblems(expr string, catalogue map[string]metricInfo) []string {
	var problems []string
	allowed := map[string]bool{}
	for k := range targetLabels {
		allowed[k] = true
	}
	found := false
	for _, m := range metricRef.FindAllStringSubmatch(expr, -1) {
		name := m[1]
		info, ok := catalogue[name]
		suffixed := false
		if !ok {
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				if base, cut := strings.CutSuffix(name, suf); cut {
					if bi, ok2 := catalogue[base]; ok2 && bi.histogram {
						info, ok, suffixed = bi, true, true
					}
				}
			}
		}
		if !ok {
			problems = append(problems, "metric "+name+" is not exported by the bridge")
			continue
		}
		found = true
		if suffixed && strings.HasSuffix(name, "_bucket") {
			allowed["le"] = true
		}
		for l := range info.labels {
			allowed[l] = true
		}
		for _, mm := range matcherName.FindAllStringSubmatch(m[2], -1) {
			if l := mm[1]; l != "__name__" && !info.labels[l] && !targetLabels[l] && !(l == "le" && suffixed) {
				problems = append(problems, fmt.Sprintf("%s has no label %q", name, l))
			}
		}
	}
	if !found {
		problems = append(problems, "names no bridge metric: "+expr)
	}
	for _, g := range grouping.FindAllStringSubmatch(expr, -1) {
		for _, l := range strings.Split(g[1], ",") {
			if l = strings.TrimSpace(l); l != "" && !allowed[l] {
				problems = append(problems, fmt.Sprintf("groups by label %q that none of its metrics has", l))
			}
		}
	}
	return problems
}

// The checker itself: it must catch what it exists to catch.
func TestQueryProblemsCatchesMistakes(t *testing.T) {
	catalogue := exportedMetrics(t)
	for expr, want := range map[string]string{
		`rate(scim_bridge_request_total[5m])`:                                                     "not exported",
		`sum by (user) (rate(scim_bridge_requests_total[5m]))`:                                    `label "user"`,
		`scim_bridge_upstream_requests_total{status="401"}`:                                       `no label "status"`,
		`histogram_quantile(0.9, rate(scim_bridge_requests_in_flight_bucket[5m]))`:                "not exported",
		`sum(rate(http_requests_total[5m]))`:                                                      "names no bridge metric",
		`sum by (le, operation) (rate(scim_bridge_request_duration_seconds_bucket[5m]))`:          "",
		`min by (namespace, job, role, serial) (scim_bridge_saml_certificate_expires_in_seconds)`: "",
	} {
		got := strings.Join(queryProblems(expr, catalogue), "; ")
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("queryProblems(%s) = %q, want %q", expr, got, want)
		}
	}
}

// promtool runs Prometheus's own checker. Locally it is optional; in CI
// (CI=true) a missing promtool is a failure, not a skip.
func promtool(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool not on PATH in CI: install Debian's prometheus package (.ci/run)")
		}
		t.Skip("promtool not on PATH; install Debian's prometheus package to run this test")
	}
	cmd := exec.Command(path, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func portOf(t *testing.T, hostPort string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(hostPort)
	if err != nil {
		t.Fatalf("%q: %v", hostPort, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("%q: %v", hostPort, err)
	}
	return n
}

func toInt(t *testing.T, v any) int {
	t.Helper()
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	case string:
		i, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("%q is not a number", n)
		}
		return i
	}
	t.Fatalf("%#v is not a number", v)
	return 0
}

func rel(parts ...string) string { return filepath.Join(append([]string{root}, parts...)...) }

// Every YAML and JSON file under deploy/ parses.
func TestEveryDeployFileParses(t *testing.T) {
	n := 0
	err := filepath.WalkDir(rel("deploy"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(p) {
		case ".yaml", ".yml":
			readYAML(t, p)
			n++
		case ".json":
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if !json.Valid(b) {
				t.Errorf("%s: invalid JSON", p)
			}
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("only %d files found under deploy/", n)
	}
}
