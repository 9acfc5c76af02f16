package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/internal/secret"
)

// builtinUpstream is the in-memory Identity Center serve starts when no
// upstream is configured, on a loopback port only the bridge talks to.
type builtinUpstream struct {
	emu   *emulator.Emulator
	srv   *http.Server
	url   string // SCIM endpoint: http://127.0.0.1:PORT/TENANT/scim/v2
	token string // upstream bearer token, known to the bridge only
	done  chan error
}

func startEmulator(log *zap.Logger) (*builtinUpstream, error) {
	token, err := secret.Generate()
	if err != nil {
		return nil, err
	}
	tenant, err := newTenantID()
	if err != nil {
		return nil, err
	}
	emu, err := emulator.New(emulator.Options{Tenant: tenant, Tokens: []string{token}})
	if err != nil {
		return nil, fmt.Errorf("start emulator: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("emulator listener: %w", err)
	}
	u := &builtinUpstream{
		emu:   emu,
		srv:   &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second},
		url:   fmt.Sprintf("http://%s/%s/scim/v2", ln.Addr(), tenant),
		token: token,
		done:  make(chan error, 1),
	}
	go func() { u.done <- u.srv.Serve(ln) }()
	log.Warn("NO UPSTREAM CONFIGURED: using the built-in Identity Center emulator. "+
		"Data is in memory only and is LOST AT EXIT. Set SCIM_BRIDGE_UPSTREAM_URL and "+
		"SCIM_BRIDGE_UPSTREAM_TOKEN to provision a real AWS IAM Identity Center.",
		zap.String("emulator_url", u.url))
	return u, nil
}

// stop closes the emulator after the bridge has drained: in-flight bridge
// requests may still be calling it until then.
func (u *builtinUpstream) stop(ctx context.Context) error {
	err := u.srv.Shutdown(ctx)
	if serr := <-u.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("stop emulator: %w", err)
	}
	return nil
}

// newTenantID returns a tenant id in the current AWS shape 8-4-4-4-12
// (identity-center-scim.md §1: "Instances created around Jan 2026 use the
// standard 8-4-4-4-12").
func newTenantID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("tenant id: %w", err)
	}
	h := hex.EncodeToString(b)
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]), nil
}
