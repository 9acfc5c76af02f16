package emulator

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// authorized reports whether the request carries one of the (at most two)
// accepted tokens. identity-center-scim.md §1: "Auth: oauthbearertoken only,
// sent as Authorization: Bearer <token>."
func (e *Emulator) authorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	token = strings.TrimSpace(token)
	match := 0
	for _, t := range e.opts.Tokens {
		// Compare every token in constant time: no early exit on a match.
		match |= subtle.ConstantTimeCompare([]byte(token), []byte(t))
	}
	return match == 1
}

// checkAuth refuses a request without a valid token or for another tenant.
// §1: "401 UnauthorizedException is returned when the Authorization header is
// missing or invalid. It is also returned when the tenant id is wrong."
func (e *Emulator) checkAuth(r *http.Request, tenant string) *scimError {
	if !e.lenient(RuleAuthBearer) && !e.authorized(r) {
		return &scimError{status: http.StatusUnauthorized, rule: RuleAuthBearer,
			detail: "The bearer token is missing, invalid or expired."}
	}
	if !e.lenient(RuleAuthTenant) && tenant != e.opts.Tenant {
		return &scimError{status: http.StatusUnauthorized, rule: RuleAuthTenant,
			detail: "The bearer token is missing, invalid or expired."}
	}
	return nil
}
