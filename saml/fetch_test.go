package saml

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestReadMetadataLimitsAndSchemes(t *testing.T) {
	huge := newMetadataServer(t, bytes.Repeat([]byte("x"), MaxMetadataBytes+10))
	if _, err := ReadMetadata(t.Context(), nil, huge.URL, false); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversize body: err = %v", err)
	}
	notFound := newMetadataServer(t, nil)
	notFound.set(http.StatusNotFound, []byte("no"))
	if _, err := ReadMetadata(t.Context(), nil, notFound.URL, false); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: err = %v", err)
	}
	// Plain http off the machine is refused before any request is made.
	if _, err := ReadMetadata(t.Context(), nil, "http://example.okta.com/app/x/sso/saml/metadata", false); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("plain http: err = %v", err)
	}
	ctx, cancel := contextCancelled(t)
	defer cancel()
	ok := newMetadataServer(t, []byte("<x/>"))
	if _, err := ReadMetadata(ctx, nil, ok.URL, false); err == nil {
		t.Error("cancelled context did not stop the fetch")
	}
	if _, err := ReadMetadata(t.Context(), nil, "/nonexistent/okta.xml", false); err == nil {
		t.Error("missing file read")
	}
}

// A failed fetch's error, which is logged, names the URL without its
// query or user info.
func TestFetchErrorDoesNotLeakQuery(t *testing.T) {
	srv := newMetadataServer(t, nil)
	srv.Close() // connection refused
	src := strings.Replace(srv.URL, "http://", "http://user:pw-secret@", 1) + "/metadata?token=query-secret"
	_, err := ReadMetadata(t.Context(), nil, src, false)
	if err == nil {
		t.Fatal("fetch from a closed server succeeded")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error leaks a secret: %v", err)
	}
	if !strings.Contains(err.Error(), "/metadata") {
		t.Errorf("error does not say which URL: %v", err)
	}
}

func TestRedactSource(t *testing.T) {
	got := RedactSource("https://user:secret@example.okta.com/app/x/sso/saml/metadata?token=abc")
	if strings.Contains(got, "secret") || strings.Contains(got, "abc") {
		t.Errorf("RedactSource leaked: %s", got)
	}
}

func contextCancelled(t *testing.T) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx, cancel
}

func TestHTTPClientRefusesDowngradeRedirect(t *testing.T) {
	c := NewHTTPClient()
	from, _ := http.NewRequest(http.MethodGet, "https://example.okta.com/app/x/sso/saml/metadata", nil)
	to, _ := http.NewRequest(http.MethodGet, "http://example.okta.com/app/x/sso/saml/metadata", nil)
	if err := c.CheckRedirect(to, []*http.Request{from}); err == nil {
		t.Error("https → http redirect allowed")
	}
	same, _ := http.NewRequest(http.MethodGet, "https://example.okta.com/other", nil)
	if err := c.CheckRedirect(same, []*http.Request{from}); err != nil {
		t.Errorf("https → https redirect refused: %v", err)
	}
}
