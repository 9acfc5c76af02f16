// Package loadgen replays Okta's SCIM traffic (okta-scim-client.md §1, §11)
// at scale against a SCIM endpoint and measures what happens: throughput,
// latency percentiles, upstream requests per Okta request, errors by kind and
// peak memory. It also knows the state the traffic intends, so a run can be
// checked against the Identity Center emulator afterwards: nothing lost,
// nothing duplicated, nothing half-applied.
//
// A run is a sequence of phases (probe, create, update, deactivate,
// reactivate, group push, membership change, import). Each phase is a set of
// Okta tasks run by a pool of workers, one HTTP connection each; a task is
// one lifecycle event (e.g. create = filter lookup, then POST) and is retried
// as Okta retries it (see Retry).
//
// Stack builds the three targets in-process on loopback: the bridge in front
// of the emulator, the emulator directly, and a bare httputil.ReverseProxy in
// front of the emulator, so the bridge's overhead can be printed as a ratio
// measured in the same run.
package loadgen
