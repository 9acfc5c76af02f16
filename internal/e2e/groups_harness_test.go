package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/scim"
)

// newGroupEnv is newEnv with /Groups wired as serve wires it: membership
// read with the identitystore API through the AWS SDK against the
// emulator's JSON API (withIS), or with the SCIM filter (no credentials).
func newGroupEnv(t testing.TB, withIS bool) *env {
	t.Helper()
	return newGroupEnvWith(t, withIS, nil, identitycenter.RetryPolicy{})
}

// newGroupEnvWith puts wrap (a fault hook) between the bridge and the
// emulator and gives the client a retry policy.
func newGroupEnvWith(t testing.TB, withIS bool, wrap func(http.Handler) http.Handler, retry identitycenter.RetryPolicy) *env {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Tenant: tenant, Tokens: []string{upstreamToken}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{emu: emu, up: &upstreamLog{}, logs: &syncBuffer{}}
	var h http.Handler = emu
	if wrap != nil {
		h = wrap(emu)
	}
	e.upstream = httptest.NewServer(e.up.wrap(h))
	t.Cleanup(e.upstream.Close)

	log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(e.logs), zap.DebugLevel))
	client, err := identitycenter.NewClient(identitycenter.ClientConfig{
		BaseURL: e.upstream.URL + "/" + tenant + "/scim/v2/",
		Token:   func() string { return upstreamToken },
		Retry:   retry,
	})
	if err != nil {
		t.Fatal(err)
	}
	var reader identitycenter.MemberReader // nil → SCIM filter
	if withIS {
		cfg, err := identitycenter.LoadAWSConfig(context.Background(), "us-east-1", credentials.NewStaticCredentialsProvider("AKIDEMULATOR", "emulator", ""))
		if err != nil {
			t.Fatal(err)
		}
		reader = identitycenter.FallbackMembers{
			Primary:   identitycenter.NewIdentityStoreReader(identitycenter.IdentityStoreConfig{AWS: cfg, Endpoint: e.upstream.URL, Logger: log}),
			Secondary: identitycenter.SCIMMembers{Client: client},
			Logger:    log,
		}
	}
	p := identitycenter.NewProvisioner(identitycenter.ProvisionerConfig{Client: client, Names: identitycenter.NamesDerive, Logger: log, Members: reader})
	sh, err := scim.NewHandler(scim.Config{Tokens: func() []string { return []string{oktaToken} }, Users: p, Groups: p, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.bridge = httptest.NewServer(sh)
	t.Cleanup(e.bridge.Close)
	e.okta = &oktaClient{t: t, base: e.bridge.URL + "/scim/v2", token: oktaToken, http: e.bridge.Client()}
	return e
}

// seedUsers provisions n users straight into Identity Center: Okta pushes a
// group's members only once they are provisioned (identity-center-scim.md §5
// "Okta pushes a group with its members only if every member is already
// provisioned").
func (e *env) seedUsers(t testing.TB, n int) []string {
	t.Helper()
	base := len(e.emu.Store().Users())
	ids := make([]string, n)
	for i := range n {
		name := fmt.Sprintf("member%05d@okta.local", base+i)
		ids[i] = e.seedUser(t, name, "Member", fmt.Sprintf("N%05d", base+i)).ID
	}
	return ids
}

// groupMembers is the emulator's truth: the group's member ids, sorted.
func (e *env) groupMembers(t testing.TB, gid string) []string {
	t.Helper()
	ms, err := e.emu.Store().Members(gid)
	if err != nil {
		t.Fatalf("group %s: %v", gid, err)
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.UserID
	}
	sort.Strings(out)
	return out
}

// membersJSON is Okta's member array: {value, display} (okta-scim-client.md §2.3).
func membersJSON(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf(`{"value":%q,"display":"member%d@okta.local"}`, id, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func patchBody(ops ...string) string {
	return `{"schemas":["` + patchOp + `"],"Operations":[` + strings.Join(ops, ",") + `]}`
}

func groupBody(name string, ids []string) string {
	return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":` + fmt.Sprintf("%q", name) + `,"members":` + membersJSON(ids) + `}`
}

// lastLine is the request log line of the most recent Okta request.
func (e *env) lastLine(t testing.TB) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(e.logs.String()), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var m map[string]any
		if json.Unmarshal([]byte(lines[i]), &m) == nil && m["operation"] != nil {
			return m
		}
	}
	t.Fatal("no request log line")
	return nil
}

func lineHas(m map[string]any, key, want string) bool {
	list, _ := m[key].([]any)
	return slices.ContainsFunc(list, func(v any) bool { return v == want })
}

func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	return out
}
