package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func healthcheck(t *testing.T, args []string, env map[string]string) (string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	err := healthcheckWith(context.Background(), args, func(k string) string { return env[k] }, &out, &errw)
	return out.String() + errw.String(), err
}

// The Docker HEALTHCHECK against a real running bridge: healthy while it
// serves, unhealthy once it has stopped.
func TestHealthcheckProbesRunningBridge(t *testing.T) {
	r := startServe(t, loopback, nil)
	admin := r.b.AdminAddr()

	for _, path := range []string{"/healthz", "/readyz"} {
		out, err := healthcheck(t, []string{"--path", path}, map[string]string{"SCIM_BRIDGE_ADMIN_LISTEN": admin})
		if err != nil {
			t.Fatalf("healthcheck %s on a running bridge: %v\n%s", path, err, out)
		}
		if !strings.Contains(out, `"status":"`) {
			t.Errorf("healthcheck %s printed %q, want the admin answer", path, out)
		}
	}
	// The flag wins over the environment, as in serve.
	if _, err := healthcheck(t, []string{"--admin-listen", admin}, map[string]string{"SCIM_BRIDGE_ADMIN_LISTEN": "127.0.0.1:1"}); err != nil {
		t.Fatalf("--admin-listen did not override the environment: %v", err)
	}

	r.stop(t)
	if _, err := healthcheck(t, []string{"--admin-listen", admin}, nil); err == nil {
		t.Fatal("healthcheck passed after the bridge stopped")
	}
}

func TestHealthcheckFailsOnNon200(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"status":"not ready"}`, http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	_, err := healthcheck(t, []string{"--admin-listen", srv.Listener.Addr().String(), "--path", "/readyz"}, nil)
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "not ready") {
		t.Fatalf("healthcheck on a 503 = %v, want an error naming 503 and the body", err)
	}
}

func TestHealthcheckRefusesBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--path", "/metrics"},
		{"--admin-listen", "9090"},
		{"--admin-listen", "127.0.0.1:0"},
		{"extra"},
	} {
		if _, err := healthcheck(t, args, nil); err == nil {
			t.Errorf("healthcheck %q: no error", args)
		}
	}
}

func TestProbeURLReachesWildcardOnLoopback(t *testing.T) {
	for listen, want := range map[string]string{
		":9090":          "http://127.0.0.1:9090/healthz",
		"0.0.0.0:9090":   "http://127.0.0.1:9090/healthz",
		"[::]:9090":      "http://[::1]:9090/healthz",
		"10.0.0.7:9191":  "http://10.0.0.7:9191/healthz",
		"localhost:9090": "http://localhost:9090/healthz",
	} {
		got, err := probeURL(listen, "/healthz")
		if err != nil || got != want {
			t.Errorf("probeURL(%q) = %q, %v; want %q", listen, got, err, want)
		}
	}
	// The default admin address must be probe-able as it stands.
	if _, _, err := net.SplitHostPort(defaultAdminListen(t)); err != nil {
		t.Fatalf("default admin listen: %v", err)
	}
}

func defaultAdminListen(t *testing.T) string {
	t.Helper()
	out, err := healthcheck(t, []string{"--help"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(out, `(default "`)
	if i < 0 {
		t.Fatalf("help shows no default admin address:\n%s", out)
	}
	rest := out[i+len(`(default "`):]
	return rest[:strings.Index(rest, `"`)]
}
