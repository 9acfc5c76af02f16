// Package e2e holds the in-process end-to-end suites: Okta's request
// sequences (okta-scim-client.md §1, §11) and Okta's published Runscope SPEC
// suite (§9), sent over real loopback HTTP through the whole bridge — scim
// handler → Provisioner → Identity Center client — into the emulator, with
// assertions on what Okta sees and on the emulator's final state.
//
// The SPEC suite is Okta's file as published in okta/okta-developer-docs
// (exported_at 1715608731), unmodified, embedded in internal/runscope.
package e2e
