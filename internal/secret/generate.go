package secret

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// Generate returns a new random token: 32 bytes from crypto/rand, base64url
// without padding (43 characters, safe in a header and a shell).
func Generate() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
