package promtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// promServer is a real Prometheus on loopback.
type promServer struct {
	URL    string
	stderr *syncBuffer
}

// startPrometheus runs Debian's prometheus with a scrape interval of 1s on
// target, its storage in a temp dir, on a free loopback port.
func startPrometheus(t *testing.T, bin, target string) *promServer {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: scim-bridge
    metrics_path: /metrics
    static_configs:
      - targets: [%q]
`, target)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	p := &promServer{URL: "http://" + addr, stderr: &syncBuffer{}}
	cmd := exec.Command(bin,
		"--config.file="+cfgPath,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn",
	)
	cmd.Stdout, cmd.Stderr = p.stderr, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("prometheus output:\n%s", p.stderr)
		}
	})
	return p
}

// freePort finds a free loopback port for a process that must be given
// one on its command line.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// query runs an instant PromQL query and returns the single sample value,
// ok false when the result is empty or the server is not up yet.
func (p *promServer) query(q string) (float64, bool) {
	resp, err := http.Get(p.URL + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r struct {
		Status string `json:"status"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &r) != nil || r.Status != "success" || len(r.Data.Result) != 1 {
		return 0, false
	}
	s, _ := r.Data.Result[0].Value[1].(string)
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// A real Prometheus scrapes the bridge's admin listener and answers a query
// for the request counter with what Okta sent.
func TestPrometheusScrapesTheBridge(t *testing.T) {
	bin := needTool(t, "prometheus")
	up := newUpstream(t, upstreamTokenA)
	f := newFiles(t, upstreamTokenA, time.Now().AddDate(1, 0, 0).UTC().Format(time.DateOnly), oktaTokenOld)
	b := startBridge(t, f.env(t, up))
	o := newOkta(b.Base, oktaTokenOld)
	o.replay(t)
	sent := float64(o.Sent())

	target := strings.TrimPrefix(b.Admin, "http://")
	p := startPrometheus(t, bin, target)

	var got float64
	defer func() {
		if t.Failed() {
			t.Logf("last sum(scim_bridge_requests_total) = %v", got)
		}
	}()
	waitFor(t, fmt.Sprintf("Prometheus to report sum(scim_bridge_requests_total) = %v", sent), func() bool {
		v, ok := p.query("sum(scim_bridge_requests_total)")
		got = v
		return ok && v == sent
	})
	if v, ok := p.query(`up{job="scim-bridge"}`); !ok || v != 1 {
		t.Errorf(`up{job="scim-bridge"} = %v (ok %v)`, v, ok)
	}
	if v, ok := p.query(`scim_bridge_requests_total{operation="create_user",code="201"}`); !ok || v != 4 {
		t.Errorf("create_user 201 = %v (ok %v), want 4", v, ok)
	}
	// The token expiry is a year out: no alert-worthy value.
	if v, ok := p.query(`scim_bridge_upstream_token_expires_in_seconds > 30*86400`); !ok || v <= 0 {
		t.Errorf("token expires-in = %v (ok %v)", v, ok)
	}
}
