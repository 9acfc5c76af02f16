package identitycenter

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

func TestDefaultTransportReusesConnections(t *testing.T) {
	var newConns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"id":"u1"}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{})

	const parallel = 16
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			if _, err := c.GetUser(context.Background(), "u1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	afterBurst := newConns.Load()
	if afterBurst > parallel {
		t.Fatalf("%d connections for %d requests", afterBurst, parallel)
	}
	for range 50 {
		if _, err := c.GetUser(context.Background(), "u1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := newConns.Load(); n != afterBurst {
		t.Errorf("sequential calls opened %d new connections; idle ones should be reused", n-afterBurst)
	}
}

func TestDefaultClientDoesNotFollowRedirects(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			elsewhere.Add(1)
		}
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c, _ := clNewClient(t, srv.URL, "tok", RetryPolicy{})
	_, err := c.GetUser(context.Background(), "u1")
	if e := clAsError(t, err); e.Status != http.StatusBadGateway {
		t.Errorf("redirect answer mapped to %+v, want 502", e)
	}
	if elsewhere.Load() != 0 {
		t.Error("the token was sent to the redirect target")
	}
}
