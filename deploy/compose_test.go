package deploy

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

func loadCompose(t *testing.T) map[string]any {
	t.Helper()
	return readOneYAML(t, rel("deploy", "compose.yaml"))
}

// The trial's moving parts line up: the image builds from this repo's
// Dockerfile, the published ports are the bridge's, and Prometheus finds
// the bridge and its rule file where the mounts put them.
func TestComposeWiring(t *testing.T) {
	c := loadCompose(t)
	def := defaults(t)
	bridge := get(t, c, "services", "scim-bridge")

	ctx := str(t, bridge, "build", "context")
	df := str(t, bridge, "build", "dockerfile")
	if _, err := os.Stat(filepath.Join(root, "deploy", ctx, df)); err != nil {
		t.Errorf("build context %s + dockerfile %s: %v", ctx, df, err)
	}
	if _, err := os.Stat(filepath.Join(root, "deploy", ctx, "go.mod")); err != nil {
		t.Errorf("build context %s is not the module root: %v", ctx, err)
	}
	published := map[int]bool{}
	for _, p := range list(t, bridge, "ports") {
		parts := strings.Split(p.(string), ":")
		published[toInt(t, parts[len(parts)-1])] = true
	}
	for _, want := range []int{def.listenPort, def.adminPort} {
		if !published[want] {
			t.Errorf("compose does not publish container port %d (ports %v)", want, published)
		}
	}
	if get(t, bridge, "read_only") != true {
		t.Error("bridge container is not read_only")
	}

	// Prometheus: the config and the rules mounted side by side, as the
	// relative rule_files entry expects.
	prom := get(t, c, "services", "prometheus")
	mounts := map[string]string{} // file in deploy/ → path in container
	for _, v := range list(t, prom, "volumes") {
		parts := strings.Split(v.(string), ":")
		mounts[path.Clean(parts[0])] = parts[1]
	}
	cfgPath := ""
	for _, a := range list(t, prom, "command") {
		if v, ok := strings.CutPrefix(a.(string), "--config.file="); ok {
			cfgPath = v
		}
	}
	if mounts["prometheus/prometheus.yml"] != cfgPath || cfgPath == "" {
		t.Fatalf("--config.file=%s but prometheus.yml is mounted at %s", cfgPath, mounts["prometheus/prometheus.yml"])
	}
	pc := readOneYAML(t, rel("deploy", "prometheus", "prometheus.yml"))
	for _, rf := range list(t, pc, "rule_files") {
		inContainer := path.Join(path.Dir(cfgPath), rf.(string))
		found := false
		for src, dst := range mounts {
			if dst == inContainer {
				found = true
				if _, err := os.Stat(rel("deploy", src)); err != nil {
					t.Errorf("rule file %s: %v", src, err)
				}
			}
		}
		if !found {
			t.Errorf("rule_files %s resolves to %s, which nothing mounts", rf, inContainer)
		}
	}
	job := get(t, pc, "scrape_configs", 0)
	if str(t, job, "job_name") != "scim-bridge" {
		t.Errorf("job_name %q: ScimBridgeDown expects scim-bridge", str(t, job, "job_name"))
	}
	if mp := str(t, job, "metrics_path"); mp != "/metrics" {
		t.Errorf("metrics_path %s", mp)
	}
	target := str(t, job, "static_configs", 0, "targets", 0)
	if want := fmt.Sprintf("scim-bridge:%d", def.adminPort); target != want {
		t.Errorf("scrape target %s, want %s (the compose service and the admin port)", target, want)
	}
}

// Grafana in the trial reads the dashboard from where its provider looks,
// and its data source is the compose Prometheus.
func TestComposeGrafana(t *testing.T) {
	c := loadCompose(t)
	g := get(t, c, "services", "grafana")
	mounts := map[string]string{}
	for _, v := range list(t, g, "volumes") {
		parts := strings.Split(v.(string), ":")
		if _, err := os.Stat(rel("deploy", parts[0])); err != nil {
			t.Errorf("grafana mounts %s: %v", parts[0], err)
		}
		mounts[path.Clean(parts[0])] = parts[1]
	}
	provider := readOneYAML(t, rel("deploy", "grafana", "provisioning", "dashboards", "scim-bridge.yaml"))
	dir := str(t, provider, "providers", 0, "options", "path")
	if got := mounts["grafana/scim-bridge.json"]; path.Dir(got) != dir {
		t.Errorf("dashboard mounted at %s; the provider reads %s", got, dir)
	}
	ds := readOneYAML(t, rel("deploy", "grafana", "provisioning", "datasources", "prometheus.yaml"))
	want := "http://prometheus:" + strings.Split(str(t, c, "services", "prometheus", "ports", 0), ":")[2]
	if url := str(t, ds, "datasources", 0, "url"); url != want {
		t.Errorf("Grafana data source %s, want %s (the prometheus service's container port)", url, want)
	}
	if get(t, ds, "datasources", 0, "type") != "prometheus" {
		t.Error("data source is not prometheus: the dashboard's ${datasource} variable would find none")
	}
}
