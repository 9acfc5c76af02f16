package scim

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"
)

// authorized reports whether header is "Bearer <t>" for one of tokens. Both
// sides are hashed first so every comparison has the same length, and every
// token is compared, so timing tells neither the token nor which one matched.
// An empty token list, or an empty token in it, accepts nothing.
func authorized(header string, tokens []string) bool {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return false
	}
	given := sha256.Sum256([]byte(tok))
	match := 0
	for _, t := range tokens {
		want := sha256.Sum256([]byte(t))
		eq := subtle.ConstantTimeCompare(given[:], want[:])
		// A blank configured token (e.g. a stray comma in SCIM_BRIDGE_TOKEN)
		// must never match; tok is non-empty, so it cannot, but be explicit.
		eq &= subtle.ConstantTimeEq(int32(min(len(t), 1)), 1)
		match |= eq
	}
	return match == 1
}
