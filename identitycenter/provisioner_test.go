package identitycenter

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// pvEnv is a Provisioner whose real Client talks to an emulator on an
// httptest server.
type pvEnv struct {
	p   *Provisioner
	emu *emulator.Emulator
}

func pvNew(t *testing.T, cfg ProvisionerConfig) *pvEnv {
	t.Helper()
	return pvNewWith(t, cfg, nil)
}

// pvNewWith takes emulator rules to switch off; only seeding speed needs it.
func pvNewWith(t *testing.T, cfg ProvisionerConfig, lenient map[emulator.Rule]bool) *pvEnv {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Tenant: "bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a", Tokens: []string{"pv-token"}, Lenient: lenient})
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, err := NewClient(ClientConfig{
		BaseURL: srv.URL + "/bdh6a5e3698-0fc6-4232-a028-fea1a99ff77a/scim/v2/",
		Token:   func() string { return "pv-token" },
	})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	cfg.Client = c
	return &pvEnv{p: NewProvisioner(cfg), emu: emu}
}

func pvCtx() (context.Context, *reqlog.Entry) {
	e := &reqlog.Entry{}
	return reqlog.NewContext(context.Background(), e), e
}

func pvJSON(t *testing.T, s string) Resource {
	t.Helper()
	var m Resource
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON: %v", err)
	}
	return m
}

func pvStr(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// pvStored returns the emulator's stored attributes of the only user.
func (e *pvEnv) stored(t *testing.T, id string) map[string]any {
	t.Helper()
	u, err := e.emu.Store().User(id)
	if err != nil {
		t.Fatalf("store: %v", err)
	}
	return u.Attrs
}

func pvAsError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *identitycenter.Error", err, err)
	}
	return e
}

func pvHasRules(t *testing.T, e *reqlog.Entry, rules ...string) {
	t.Helper()
	got := e.Snapshot().Rules
	for _, r := range rules {
		if !slices.Contains(got, r) {
			t.Errorf("request log rules %v lack %s", got, r)
		}
	}
}
