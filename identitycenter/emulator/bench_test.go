package emulator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// benchGet sends GETs either in-process (recorder) or over loopback HTTP.
func benchGet(b *testing.B, e *Emulator, path string, loopback bool) {
	full := "/" + testTenant + "/scim/v2" + path
	if !loopback {
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest(http.MethodGet, full, nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
		return
	}
	srv := httptest.NewServer(e)
	defer srv.Close()
	client := srv.Client()
	req, err := http.NewRequest(http.MethodGet, srv.URL+full, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

func reportRate(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "req/s")
	}
}

func BenchmarkGetUser(b *testing.B) {
	for _, mode := range []struct {
		name     string
		loopback bool
	}{{"inprocess", false}, {"loopback", true}} {
		b.Run(mode.name, func(b *testing.B) {
			e := newTestEmulator(b, Options{})
			ids := seedUsers(b, e, 1000)
			benchGet(b, e, "/Users/"+ids[500], mode.loopback)
			reportRate(b)
		})
	}
}

// BenchmarkListUsersFilter is Okta's lookup before every create (userName
// eq). Compare users=1000 with users=10000 as a ratio: near 1 means the
// lookup is answered from the index, near 10 that it scans the store.
func BenchmarkListUsersFilter(b *testing.B) {
	for _, mode := range []struct {
		name     string
		users    int
		loopback bool
	}{{"inprocess/users=1000", 1000, false}, {"inprocess/users=10000", 10000, false}, {"loopback/users=1000", 1000, true}} {
		b.Run(mode.name, func(b *testing.B) {
			e := newTestEmulator(b, Options{})
			seedUsers(b, e, mode.users)
			q := url.QueryEscape(`userName eq "u0500@example.com"`)
			benchGet(b, e, "/Users?filter="+q, mode.loopback)
			reportRate(b)
		})
	}
}
