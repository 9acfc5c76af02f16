package runscope

import (
	"bytes"
	_ "embed"
	"fmt"
)

// oktaSPEC is Okta's published "Okta SCIM 2.0 SPEC Test" suite, byte for byte
// (okta-scim-client.md §9, SPEC-JSON), embedded so every test that replays it
// reads the same copy and CI needs nothing outside the repository.
//
//go:embed suites/Okta-SCIM-20-SPEC-Test.json
var oktaSPEC []byte

// OktaSPECSuite returns Okta's SPEC suite, parsed.
func OktaSPECSuite() (*Suite, error) {
	s, err := Load(bytes.NewReader(oktaSPEC))
	if err != nil {
		return nil, fmt.Errorf("okta SPEC suite: %w", err)
	}
	return s, nil
}
