package saml

import (
	"net/http"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/saml/samltest"
)

// IdPMetadataLoadedAt tracks the last successful load only: a failed
// refresh does not move it, so the staleness gauge built on it grows.
func TestBrokerIdPMetadataLoadedAt(t *testing.T) {
	if _, ok := (&Broker{}).IdPMetadataLoadedAt(); ok {
		t.Error("a broker without an IdP metadata source reports a load time")
	}
	srv := newMetadataServer(t, nil)
	srv.set(http.StatusServiceUnavailable, nil)
	now := time.Date(2027, 5, 1, 8, 0, 0, 0, time.UTC)
	clock := now // read only by the broker's calls below, on this goroutine
	b, err := newBroker(Config{IdPMetadataURL: srv.URL}, nil, NewHTTPClient(), func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	if err := b.refresh(t.Context()); err == nil {
		t.Fatal("first load against a 503 succeeded")
	}
	if at, ok := b.IdPMetadataLoadedAt(); !ok || !at.IsZero() {
		t.Fatalf("after a failed first load: %v %v, want zero time and ok", at, ok)
	}
	srv.set(http.StatusOK, samltest.IdPMetadata(t, samltest.IdPOpts{}, samltest.NewCert(t, samltest.CertOpts{})))
	if err := b.refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if at, ok := b.IdPMetadataLoadedAt(); !ok || !at.Equal(now) {
		t.Fatalf("after a good load: %v %v, want %v", at, ok, now)
	}
	clock = now.Add(time.Hour)
	srv.set(http.StatusInternalServerError, nil)
	if err := b.refresh(t.Context()); err == nil {
		t.Fatal("refresh against a 500 succeeded")
	}
	if at, _ := b.IdPMetadataLoadedAt(); !at.Equal(now) {
		t.Errorf("a failed refresh moved the load time to %v", at)
	}
}
