package config

import (
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/secret"
)

// The tokens the bridge and its docs tell operators to use pass the
// minimum length: the quick start's generated token, reused as
// SCIM_BRIDGE_TOKEN, and `openssl rand -base64 32` (44 characters with
// '+', '/' and '='), alone and as a "new,old" rotation pair.
func TestRecommendedTokensAreAccepted(t *testing.T) {
	generated, err := secret.Generate()
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	openssl := base64.StdEncoding.EncodeToString(raw)
	for name, tok := range map[string]string{
		"generated":         generated,
		"openssl":           openssl,
		"rotation pair":     openssl + "," + generated,
		"pair with a space": generated + ", " + openssl,
		"trailing newline":  openssl + "\n",
		"minimum length":    "+/=" + generated[:MinInboundTokenLen-3],
	} {
		if _, err := resolve(t, nil, map[string]string{EnvToken: tok}); err != nil {
			t.Errorf("%s token refused: %v", name, err)
		}
	}
}
