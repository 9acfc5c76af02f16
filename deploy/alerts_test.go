package deploy

import (
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite kubernetes/prometheusrule.yaml from prometheus/alerts.yml")

func TestAlertRulesPassPromtool(t *testing.T) {
	promtool(t, "check", "rules", rel("deploy", "prometheus", "alerts.yml"))
	out := promtool(t, "test", "rules", rel("deploy", "prometheus", "alerts_test.yml"))
	if !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool test rules:\n%s", out)
	}
	// The compose trial's config, with its relative rule_files entry.
	promtool(t, "check", "config", rel("deploy", "prometheus", "prometheus.yml"))
}

type alertRule struct {
	Alert       string
	Expr        string
	For         string
	Labels      map[string]string
	Annotations map[string]string
}

func loadAlerts(t *testing.T) []alertRule {
	t.Helper()
	doc := readOneYAML(t, rel("deploy", "prometheus", "alerts.yml"))
	var out []alertRule
	for _, g := range list(t, doc, "groups") {
		for _, r := range list(t, g, "rules") {
			rm := r.(map[string]any)
			a := alertRule{Alert: str(t, rm, "alert"), Expr: str(t, rm, "expr"), Labels: map[string]string{}, Annotations: map[string]string{}}
			if f, ok := rm["for"].(string); ok {
				a.For = f
			}
			for k, v := range get(t, rm, "labels").(map[string]any) {
				a.Labels[k] = v.(string)
			}
			for k, v := range get(t, rm, "annotations").(map[string]any) {
				a.Annotations[k] = v.(string)
			}
			out = append(out, a)
		}
	}
	return out
}

// Each alert an operator can receive says how bad it is and what to do, and
// the list of signals is covered.
func TestAlertsAreActionable(t *testing.T) {
	alerts := loadAlerts(t)
	seen := map[string]bool{}
	for _, a := range alerts {
		if seen[a.Alert] {
			t.Errorf("alert %s defined twice", a.Alert)
		}
		seen[a.Alert] = true
		switch a.Labels["severity"] {
		case "critical", "warning", "info":
		default:
			t.Errorf("%s: severity %q", a.Alert, a.Labels["severity"])
		}
		for _, k := range []string{"summary", "description", "runbook"} {
			if len(strings.TrimSpace(a.Annotations[k])) < 20 {
				t.Errorf("%s: annotation %s is missing or too short to act on", a.Alert, k)
			}
		}
	}
	// The signals the issue asks for, by the metric each must watch.
	for _, metric := range []string{
		"scim_bridge_upstream_token_expires_in_seconds",
		"scim_bridge_saml_certificate_expires_in_seconds",
		"scim_bridge_upstream_up",
		`scim_bridge_requests_total{code=~"5.."}`,
		"scim_bridge_upstream_throttled_total",
		"scim_bridge_token_file_valid",
		"scim_bridge_tls_certificate_expires_in_seconds",
		"scim_bridge_saml_idp_metadata_last_success_timestamp_seconds",
	} {
		found := false
		for _, a := range alerts {
			found = found || strings.Contains(a.Expr, metric)
		}
		if !found {
			t.Errorf("no alert watches %s", metric)
		}
	}
}

// alerts_test.yml shows every alert both firing and staying quiet.
func TestAlertTestsCoverEveryAlert(t *testing.T) {
	doc := readOneYAML(t, rel("deploy", "prometheus", "alerts_test.yml"))
	fires, quiet := map[string]int{}, map[string]int{}
	for _, tc := range list(t, doc, "tests") {
		for _, at := range list(t, tc, "alert_rule_test") {
			name := str(t, at, "alertname")
			if exp, _ := at.(map[string]any)["exp_alerts"].([]any); len(exp) > 0 {
				fires[name]++
			} else {
				quiet[name]++
			}
		}
	}
	for _, a := range loadAlerts(t) {
		if fires[a.Alert] == 0 {
			t.Errorf("alerts_test.yml never shows %s firing", a.Alert)
		}
		if quiet[a.Alert] == 0 {
			t.Errorf("alerts_test.yml never shows %s staying quiet", a.Alert)
		}
	}
}

func TestAlertQueriesUseExportedMetrics(t *testing.T) {
	catalogue := exportedMetrics(t)
	for _, a := range loadAlerts(t) {
		checkQuery(t, "alert "+a.Alert, a.Expr, catalogue)
		for k, v := range a.Annotations {
			// Annotations that name a metric (runbooks) must name a real one.
			for _, m := range metricRef.FindAllStringSubmatch(v, -1) {
				if strings.HasPrefix(m[1], "scim_bridge_") {
					checkQuery(t, "alert "+a.Alert+" annotation "+k, m[0], catalogue)
				}
			}
		}
	}
}

// prometheusRule renders the PrometheusRule with alerts.yml's groups as its
// spec, byte for byte, so the two cannot drift.
func prometheusRule(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(rel("deploy", "prometheus", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(src), "\n"), "\n")
	for len(lines) > 0 && (strings.HasPrefix(lines[0], "#") || strings.TrimSpace(lines[0]) == "") {
		lines = lines[1:] // alerts.yml's own header comment
	}
	var b strings.Builder
	b.WriteString(`# GENERATED from deploy/prometheus/alerts.yml; do not edit. Regenerate with:
#   go test ./deploy -run TestPrometheusRuleMatchesAlerts -update
# kube-prometheus-stack selects rules by label: add the one your Prometheus's
# ruleSelector wants (often release: <helm release name>) with a kustomize
# patch or "labels:" in kustomization.yaml, not in this file.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: scim-bridge
  labels:
    app.kubernetes.io/name: scim-bridge
spec:
`)
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			b.WriteString("  ")
			b.WriteString(l)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestPrometheusRuleMatchesAlerts(t *testing.T) {
	path := rel("deploy", "kubernetes", "prometheusrule.yaml")
	want := prometheusRule(t)
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("%s differs from prometheus/alerts.yml; run: go test ./deploy -run TestPrometheusRuleMatchesAlerts -update", path)
	}
	// And as data, in case the rendering above were wrong.
	rule := readOneYAML(t, path)
	alerts := readOneYAML(t, rel("deploy", "prometheus", "alerts.yml"))
	if !reflect.DeepEqual(get(t, rule, "spec", "groups"), get(t, alerts, "groups")) {
		t.Fatal("PrometheusRule spec.groups and alerts.yml groups differ as data")
	}
	if str(t, rule, "kind") != "PrometheusRule" {
		t.Fatal("not a PrometheusRule")
	}
}
