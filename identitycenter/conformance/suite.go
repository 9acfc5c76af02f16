// Package conformance is a table of behaviours of the AWS IAM Identity Center
// SCIM endpoint, each citing its line in shared/reference/identity-center-scim.md,
// run against any target that claims to be that endpoint: the emulator
// (identitycenter/emulator) or a real account. It speaks raw HTTP on purpose:
// it checks the endpoint, not the bridge's client.
package conformance

import (
	"net/http"
	"strings"
	"testing"
)

// Target is the endpoint under test.
type Target struct {
	// BaseURL is …/{tenant}/scim/v2, without a trailing slash (one is trimmed).
	BaseURL string
	// Token is the bearer token the endpoint accepts.
	Token string
	// WrongTenantURL is optional: the same host with another tenant id. When
	// empty it is derived from BaseURL by replacing the tenant id.
	WrongTenantURL string
	// ThrottledURL is optional: a base URL on which the endpoint answers every
	// request with 429 (an emulator with a throttling fault). Cases that need it
	// are skipped when it is empty, as against real AWS.
	ThrottledURL string
	// Strict makes cases on UNCONFIRMED facts require the stricter reading,
	// which the emulator implements. Leave it false against real AWS, where
	// such cases accept either plausible behaviour.
	Strict bool
	// Client sends the requests; nil means a client with a 60s timeout.
	Client *http.Client
}

// T is the part of *testing.T a case uses, so a test can run a case with a
// recorder and observe that it fails.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
	Name() string
}

// Case is one behaviour of the endpoint.
type Case struct {
	Name string
	// Rule is the emulator Rule value this case checks (e.g.
	// "group.patch-max-100"), "" when no emulator rule governs it. A plain
	// string so this package never imports the emulator.
	Rule string
	// Ref is the reference section and the quoted line the case checks.
	Ref string
	// Skip, when set, returns why the case cannot run against target ("" to run).
	Skip func(target Target) string
	Run  func(t T, c *Conn)
}

// Cases returns every case, grouped as the reference is.
func Cases() []Case {
	var all []Case
	for _, group := range [][]Case{
		authCases(), endpointCases(), filterCases(), pagingCases(),
		userCases(), patchUserCases(), groupCases(), schemaCases(), errorCases(),
	} {
		all = append(all, group...)
	}
	return all
}

// Run runs every case against target as a subtest. Resources shared by
// several cases (the 101-user group) are deleted when t ends.
func Run(t *testing.T, target Target) {
	t.Helper()
	target = target.normalised()
	fx := newFixtures(t)
	for _, cs := range Cases() {
		t.Run(cs.Name, func(t *testing.T) {
			if cs.Skip != nil {
				if why := cs.Skip(target); why != "" {
					t.Skip(why)
				}
			}
			cs.Run(t, newConn(t, target, fx))
		})
	}
}

func (tg Target) normalised() Target {
	tg.BaseURL = strings.TrimRight(tg.BaseURL, "/")
	tg.ThrottledURL = strings.TrimRight(tg.ThrottledURL, "/")
	tg.WrongTenantURL = strings.TrimRight(tg.WrongTenantURL, "/")
	if tg.WrongTenantURL == "" {
		tg.WrongTenantURL = deriveWrongTenant(tg.BaseURL)
	}
	return tg
}

// deriveWrongTenant replaces the tenant id in …/{tenant}/scim/v2 with one of
// the same shape that no account has; "" if BaseURL has no such segment.
func deriveWrongTenant(base string) string {
	head, ok := strings.CutSuffix(base, "/scim/v2")
	if !ok {
		return ""
	}
	i := strings.LastIndex(head, "/")
	if i < 0 || i == len(head)-1 {
		return ""
	}
	tenant := []byte(head[i+1:])
	for j, b := range tenant {
		if b != '-' {
			tenant[j] = '0'
		}
	}
	wrong := string(tenant)
	if wrong == head[i+1:] {
		wrong = strings.Repeat("1", len(wrong))
	}
	return head[:i+1] + wrong + "/scim/v2"
}
