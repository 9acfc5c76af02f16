// Package promtest holds the operations end-to-end tests. They build the
// real scim-bridge binary, run `scim-bridge serve` against an in-memory
// Identity Center, replay Okta's traffic through it, and check what an
// operator relies on: `promtool check metrics` on its /metrics, a real
// Prometheus server scraping it, token rotation with no failed request,
// SIGHUP reloads, and a log that holds no token or password.
//
// promtool and prometheus come from Debian's prometheus package. Without
// them the tests that need them are skipped locally and fail when CI=true.
package promtest
