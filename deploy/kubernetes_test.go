package deploy

import (
	"flag"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/config"
)

// manifests are the Kubernetes objects in deploy/kubernetes by kind.
type manifests map[string]map[string]any

func loadManifests(t *testing.T) manifests {
	t.Helper()
	files, err := filepath.Glob(rel("deploy", "kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	out := manifests{}
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		for _, doc := range readYAML(t, f) {
			kind := str(t, doc, "kind")
			for _, k := range []string{"apiVersion", "metadata"} {
				if _, ok := doc[k]; !ok {
					t.Fatalf("%s: %s has no %s", f, kind, k)
				}
			}
			str(t, doc, "metadata", "name")
			if _, dup := out[kind]; dup {
				t.Fatalf("%s: a second %s", f, kind)
			}
			out[kind] = doc
		}
	}
	for _, kind := range []string{"Deployment", "Service", "ConfigMap", "Secret", "ServiceMonitor", "PrometheusRule", "PodDisruptionBudget"} {
		if out[kind] == nil {
			t.Fatalf("deploy/kubernetes has no %s", kind)
		}
	}
	return out
}

func (m manifests) container(t *testing.T) map[string]any {
	t.Helper()
	cs := list(t, m["Deployment"], "spec", "template", "spec", "containers")
	if len(cs) != 1 {
		t.Fatalf("%d containers, want 1", len(cs))
	}
	return cs[0].(map[string]any)
}

// containerPorts maps port name → number.
func (m manifests) containerPorts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, p := range list(t, m.container(t), "ports") {
		out[str(t, p, "name")] = toInt(t, get(t, p, "containerPort"))
	}
	return out
}

func TestKustomizationListsEveryManifest(t *testing.T) {
	k := readOneYAML(t, rel("deploy", "kubernetes", "kustomization.yaml"))
	listed := map[string]bool{}
	for _, r := range list(t, k, "resources") {
		name := r.(string)
		if _, err := os.Stat(rel("deploy", "kubernetes", name)); err != nil {
			t.Errorf("kustomization lists %s: %v", name, err)
		}
		listed[name] = true
	}
	files, _ := filepath.Glob(rel("deploy", "kubernetes", "*.yaml"))
	for _, f := range files {
		switch b := filepath.Base(f); {
		case b == "kustomization.yaml":
		case strings.Contains(b, ".example."):
			// Placeholders must never be applied over the real Secret.
			if listed[b] {
				t.Errorf("kustomization applies the placeholder %s", b)
			}
		case !listed[b]:
			t.Errorf("kustomization does not list %s", b)
		}
	}
	img := str(t, loadManifests(t)["Deployment"], "spec", "template", "spec", "containers", 0, "image")
	if str(t, k, "images", 0, "name") != img {
		t.Errorf("kustomization images[0].name %q does not match the Deployment's image %q", str(t, k, "images", 0, "name"), img)
	}
}

// Ports and paths in the manifests are those the bridge really serves.
func TestKubernetesPortsAndProbesMatchTheBridge(t *testing.T) {
	ms := loadManifests(t)
	def := defaults(t)
	ports := ms.containerPorts(t)
	if ports["scim"] != def.listenPort || ports["admin"] != def.adminPort {
		t.Fatalf("container ports %v; serve listens on %d (scim) and %d (admin) by default", ports, def.listenPort, def.adminPort)
	}
	c := ms.container(t)
	for probe, wantPath := range map[string]string{"livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
		p := str(t, c, probe, "httpGet", "path")
		if p != wantPath {
			t.Errorf("%s path %s, want %s", probe, p, wantPath)
		}
		if port := str(t, c, probe, "httpGet", "port"); port != "admin" {
			t.Errorf("%s on port %q, want the admin port (never the Okta-facing one)", probe, port)
		}
		if code, body := adminGET(t, p); code != http.StatusOK {
			t.Errorf("%s: the admin listener answers %s with %d %s", probe, p, code, body)
		}
	}

	// Service → container ports by name.
	svcPorts := map[string]int{}
	for _, p := range list(t, ms["Service"], "spec", "ports") {
		target := get(t, p, "targetPort")
		name, _ := target.(string)
		if _, ok := ports[name]; !ok {
			t.Errorf("Service port %s targets %v, not a named container port", str(t, p, "name"), target)
		}
		svcPorts[str(t, p, "name")] = ports[name]
	}
	if svcPorts["metrics"] != def.adminPort || svcPorts["scim"] != def.listenPort {
		t.Errorf("Service ports reach %v; want metrics→%d, scim→%d", svcPorts, def.adminPort, def.listenPort)
	}

	// ServiceMonitor → Service port "metrics" → /metrics on the admin listener.
	ep := get(t, ms["ServiceMonitor"], "spec", "endpoints", 0)
	if port := str(t, ep, "port"); port != "metrics" {
		t.Errorf("ServiceMonitor scrapes port %q, want metrics", port)
	}
	mp := str(t, ep, "path")
	code, body := adminGET(t, mp)
	if code != http.StatusOK || !strings.Contains(body, "scim_bridge_build_info") {
		t.Errorf("ServiceMonitor path %s: admin answers %d without scim_bridge_build_info", mp, code)
	}
	if code, _ := adminGET(t, "/nonexistent"); code == http.StatusOK {
		t.Fatal("admin answers any path with 200: the checks above prove nothing")
	}

	// Selectors find the pods.
	podLabels := get(t, ms["Deployment"], "spec", "template", "metadata", "labels").(map[string]any)
	matches := func(what string, sel map[string]any, labels map[string]any) {
		if len(sel) == 0 {
			t.Errorf("%s: empty selector", what)
		}
		for k, v := range sel {
			if labels[k] != v {
				t.Errorf("%s selects %s=%v; target labels %v", what, k, v, labels)
			}
		}
	}
	matches("Deployment", get(t, ms["Deployment"], "spec", "selector", "matchLabels").(map[string]any), podLabels)
	matches("Service", get(t, ms["Service"], "spec", "selector").(map[string]any), podLabels)
	matches("PodDisruptionBudget", get(t, ms["PodDisruptionBudget"], "spec", "selector", "matchLabels").(map[string]any), podLabels)
	matches("ServiceMonitor", get(t, ms["ServiceMonitor"], "spec", "selector", "matchLabels").(map[string]any),
		get(t, ms["Service"], "metadata", "labels").(map[string]any))
	// The alert rules expect job="scim-bridge", which the operator takes from
	// the Service name.
	if name := str(t, ms["Service"], "metadata", "name"); name != "scim-bridge" {
		t.Errorf("Service %q: ScimBridgeDown expects job=\"scim-bridge\"", name)
	}
}

func TestKubernetesDeploymentIsHardened(t *testing.T) {
	ms := loadManifests(t)
	d := ms["Deployment"]
	if n := toInt(t, get(t, d, "spec", "replicas")); n < 2 {
		t.Errorf("replicas %d: the bridge is stateless, run at least 2", n)
	}
	pdbMin := toInt(t, get(t, ms["PodDisruptionBudget"], "spec", "minAvailable"))
	if n := toInt(t, get(t, d, "spec", "replicas")); pdbMin < 1 || pdbMin >= n {
		t.Errorf("PodDisruptionBudget minAvailable %d with %d replicas: drains would block or take all", pdbMin, n)
	}
	grace := toInt(t, get(t, d, "spec", "template", "spec", "terminationGracePeriodSeconds"))
	if drain := defaults(t).drainTimeout.Seconds(); float64(grace) <= drain {
		t.Errorf("terminationGracePeriodSeconds %d ≤ the bridge's drain timeout %.0fs: in-flight requests get killed", grace, drain)
	}
	c := ms.container(t)
	sc := get(t, c, "securityContext")
	for k, want := range map[string]any{"readOnlyRootFilesystem": true, "runAsNonRoot": true, "allowPrivilegeEscalation": false} {
		if got := get(t, sc, k); got != want {
			t.Errorf("container securityContext.%s = %v, want %v", k, got, want)
		}
	}
	if drop := list(t, sc, "capabilities", "drop"); len(drop) != 1 || drop[0] != "ALL" {
		t.Errorf("capabilities.drop = %v, want [ALL]", drop)
	}
	if uid := toInt(t, get(t, d, "spec", "template", "spec", "securityContext", "runAsUser")); uid == 0 {
		t.Error("pod runs as root")
	}
	for _, kind := range []string{"requests", "limits"} {
		for _, res := range []string{"cpu", "memory"} {
			if _, ok := get(t, c, "resources", kind).(map[string]any)[res]; !ok {
				t.Errorf("resources.%s.%s missing", kind, res)
			}
		}
	}
}

// Tokens come from the Secret as files the bridge can re-read, never as
// values in the pod spec or the ConfigMap.
func TestKubernetesTokensAreMountedSecretFiles(t *testing.T) {
	ms := loadManifests(t)
	c := ms.container(t)
	secretName := str(t, ms["Secret"], "metadata", "name")
	secretKeys := get(t, ms["Secret"], "stringData").(map[string]any)

	mounts := map[string]string{} // volume name → mount path
	for _, vm := range list(t, c, "volumeMounts") {
		if _, sub := vm.(map[string]any)["subPath"]; sub {
			t.Errorf("volumeMount %s uses subPath: Kubernetes never updates those, so rotation would need a restart", str(t, vm, "name"))
		}
		mounts[str(t, vm, "name")] = str(t, vm, "mountPath")
	}
	var secretDir string
	for _, v := range list(t, ms["Deployment"], "spec", "template", "spec", "volumes") {
		if s, ok := v.(map[string]any)["secret"]; ok && str(t, s, "secretName") == secretName {
			secretDir = mounts[str(t, v, "name")]
		}
	}
	if secretDir == "" {
		t.Fatalf("Secret %s is not mounted", secretName)
	}

	files := map[string]string{}
	for _, e := range list(t, c, "env") {
		name := str(t, e, "name")
		if _, ok := e.(map[string]any)["value"]; !ok {
			continue
		}
		if strings.HasSuffix(name, "_FILE") {
			files[name] = str(t, e, "value")
		}
	}
	for _, env := range []string{"SCIM_BRIDGE_UPSTREAM_TOKEN_FILE", "SCIM_BRIDGE_TOKEN_FILE", "SCIM_BRIDGE_UPSTREAM_TOKEN_EXPIRES_FILE"} {
		p, ok := files[env]
		if !ok {
			t.Errorf("%s not set", env)
			continue
		}
		dir, key := path.Split(p)
		if path.Clean(dir) != path.Clean(secretDir) {
			t.Errorf("%s=%s is outside the Secret mount %s", env, p, secretDir)
		}
		if _, ok := secretKeys[key]; !ok {
			t.Errorf("%s=%s: the Secret has no key %q (keys %v)", env, p, key, keys(secretKeys))
		}
	}
	for name := range get(t, ms["ConfigMap"], "data").(map[string]any) {
		if strings.Contains(name, "TOKEN") {
			t.Errorf("ConfigMap holds %s: tokens belong in the Secret", name)
		}
	}
}

// Every SCIM_BRIDGE_* variable set anywhere in deploy/ and the Dockerfile is
// one serve reads; a typo would be silently ignored at run time.
func TestDeployEnvironmentIsAccepted(t *testing.T) {
	accepted := acceptedEnv(t)
	ms := loadManifests(t)
	used := map[string]string{}
	for _, e := range list(t, ms.container(t), "env") {
		used[str(t, e, "name")] = "deployment.yaml"
	}
	for name := range get(t, ms["ConfigMap"], "data").(map[string]any) {
		used[name] = "configmap.yaml"
	}
	for _, svc := range get(t, loadCompose(t), "services").(map[string]any) {
		if env, ok := svc.(map[string]any)["environment"].(map[string]any); ok {
			for name := range env {
				used[name] = "compose.yaml"
			}
		}
	}
	// Files that set or tell an operator to set variables.
	for _, f := range [][]string{
		{"Dockerfile"}, {"deploy", "prometheus", "alerts.yml"}, {"deploy", "kubernetes", "secret.example.yaml"},
		{"deploy", "compose.yaml"}, {"docs", "deploy.md"},
	} {
		b, err := os.ReadFile(rel(f...))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range envName.FindAllString(string(b), -1) {
			used[n] = filepath.Join(f...)
		}
	}
	if len(used) == 0 {
		t.Fatal("no environment found")
	}
	for name, where := range used {
		if strings.HasPrefix(name, "SCIM_BRIDGE_") && !accepted[name] {
			t.Errorf("%s sets %s, which scim-bridge serve does not read (it reads %v)", where, name, keys(accepted))
		}
	}
}

// An operator who applies secret.example.yaml and forgets a placeholder gets
// a bridge that refuses to start, never one that accepts a token published
// in this repository. Each placeholder is tried alone, the other keys valid.
func TestSecretExamplePlaceholdersAreRefused(t *testing.T) {
	ms := loadManifests(t)
	example := get(t, ms["Secret"], "stringData").(map[string]any)
	valid := map[string]string{
		"upstream-token":         "aws-scim-token-0123456789abcdefghijklmnopqrstuvwxyz",
		"upstream-token-expires": "2099-01-01",
		"okta-tokens":            "okta-token-0123456789abcdefghijklmnop",
	}
	envFor := func(dir string, placeholder string) map[string]string {
		env := map[string]string{}
		for k, v := range get(t, ms["ConfigMap"], "data").(map[string]any) {
			env[k] = v.(string)
		}
		for _, e := range list(t, ms.container(t), "env") {
			name, p := str(t, e, "name"), str(t, e, "value")
			key := path.Base(p)
			v := valid[key]
			if key == placeholder {
				v = example[key].(string)
			}
			f := filepath.Join(dir, key)
			if err := os.WriteFile(f, []byte(v+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			env[name] = f
		}
		return env
	}
	resolve := func(env map[string]string) error {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var c config.Serve
		c.RegisterFlags(fs)
		if err := fs.Parse(nil); err != nil {
			t.Fatal(err)
		}
		return c.Resolve(fs, func(k string) string { return env[k] })
	}
	if err := resolve(envFor(t.TempDir(), "")); err != nil {
		t.Fatalf("the manifests with real values do not start: %v", err)
	}
	for _, key := range []string{"okta-tokens", "upstream-token-expires"} {
		if _, ok := example[key]; !ok {
			t.Fatalf("secret.example.yaml has no %s", key)
		}
		if err := resolve(envFor(t.TempDir(), key)); err == nil {
			t.Errorf("secret.example.yaml's %s placeholder %q is accepted at start-up", key, example[key])
		}
	}
}
