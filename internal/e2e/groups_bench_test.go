package e2e

import (
	"fmt"
	"net/http"
	"testing"
)

// Upstream requests per Okta request for the group lifecycle, against the
// minimum Identity Center allows (ceil(member changes / 100) writes, one
// for a rename, create or delete). Counted by the emulator (Stats), so the
// figures do not depend on the machine:
//
//	go test -run '^$' -bench 'Group|Import' -benchtime 3x ./internal/e2e/
//
// Metrics per step: <step>-writes, <step>-min (the minimum), <step>-reads
// (membership reads through identitystore, GETs, lookups).
func BenchmarkGroupLifecycle(b *testing.B) {
	for _, app := range []string{"oin", "aiw"} {
		b.Run(app, func(b *testing.B) {
			e := newGroupEnv(b, true)
			ids := e.seedUsers(b, 1300)
			var sum []stepCost
			b.ResetTimer()
			for i := range b.N {
				costs := groupScenario(b, e, app, fmt.Sprintf("Bench %s %d", app, i), ids, 1000)
				if sum == nil {
					sum = make([]stepCost, len(costs))
				}
				for j, c := range costs {
					sum[j].Name = c.Name
					sum[j].Writes += c.Writes
					sum[j].Reads += c.Reads
					sum[j].MinWrites += c.MinWrites
				}
			}
			b.StopTimer()
			var upstream, okta float64
			for _, c := range sum {
				n := float64(b.N)
				b.ReportMetric(float64(c.Writes)/n, c.Name+"-writes")
				b.ReportMetric(float64(c.MinWrites)/n, c.Name+"-min")
				b.ReportMetric(float64(c.Reads)/n, c.Name+"-reads")
				upstream += float64(c.Writes+c.Reads) / n
				okta++
			}
			b.ReportMetric(upstream/okta, "upstream/okta-req")
		})
	}
}

// okta-scim-client.md §1.2: an import of 10,000 users in pages of
// startIndex/count=100 must cost O(n) upstream requests: one cursor walk
// (100 lists), not one walk per page (5,050).
func BenchmarkImport10000Users(b *testing.B) {
	e := newGroupEnv(b, true)
	const n = 10_000
	e.seedUsers(b, n)
	b.ResetTimer()
	for range b.N {
		e.emu.ResetStats()
		for start := 1; start <= n; start += 100 {
			r := e.okta.do("GET", fmt.Sprintf("/Users?startIndex=%d&count=100", start), nil)
			if r.Status != http.StatusOK || r.Body["totalResults"] != float64(n) {
				b.Fatalf("page %d: %d totalResults %v", start, r.Status, r.Body["totalResults"])
			}
		}
		b.ReportMetric(float64(e.emu.Stats()["ListUsers"]), "upstream-lists/import")
	}
	b.ReportMetric(n/100, "okta-pages/import")
}
