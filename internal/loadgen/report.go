package loadgen

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// WritePhases prints one line per phase and a total line.
func WritePhases(w io.Writer, title string, phases []*Phase) {
	fmt.Fprintf(w, "\n%s\n", title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\ttasks\trequests\treq/s\tp50\tp95\tp99\tupstream/req\terrors\ttask retries\ttasks failed\t")
	for _, p := range append(append([]*Phase(nil), phases...), Total(phases)) {
		up := "n/a"
		if r := p.UpstreamPerRequest(); r >= 0 {
			up = fmt.Sprintf("%.2f", r)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t\n",
			p.Name, p.Tasks, p.Requests, p.Throughput(),
			ms(p.Percentile(50)), ms(p.Percentile(95)), ms(p.Percentile(99)),
			up, p.ErrorCount(), p.TaskRetries, p.TasksFailed)
	}
	_ = tw.Flush()
	t := Total(phases)
	if kinds := t.ErrorKinds(); len(kinds) > 0 {
		parts := make([]string, len(kinds))
		for i, k := range kinds {
			parts[i] = fmt.Sprintf("%s ×%d", k, t.Errors[k])
		}
		fmt.Fprintf(w, "errors by kind: %s\n", strings.Join(parts, ", "))
	}
	for _, f := range t.Failures {
		fmt.Fprintf(w, "failed task: %s\n", f)
	}
}

// WriteRatios prints num/den for throughput and latency percentiles of
// runs of the same traffic, round by round (a[i] and b[i] ran in the same
// round), and the median of each ratio over the rounds.
func WriteRatios(w io.Writer, num, den string, a, b []*Phase) {
	n := min(len(a), len(b))
	if n == 0 {
		return
	}
	metrics := []struct {
		name string
		f    func(*Phase) float64
	}{
		{"throughput", (*Phase).Throughput},
		{"p50", func(p *Phase) float64 { return float64(p.Percentile(50)) }},
		{"p95", func(p *Phase) float64 { return float64(p.Percentile(95)) }},
		{"p99", func(p *Phase) float64 { return float64(p.Percentile(99)) }},
	}
	parts := make([]string, 0, len(metrics))
	for _, m := range metrics {
		rs := make([]float64, n)
		per := make([]string, n)
		for i := range n {
			rs[i] = ratio(m.f(a[i]), m.f(b[i]))
			per[i] = fmt.Sprintf("%.2f", rs[i])
		}
		parts = append(parts, fmt.Sprintf("%s %.2f× [%s]", m.name, median(rs), strings.Join(per, " ")))
	}
	fmt.Fprintf(w, "%s / %s: %s\n", num, den, strings.Join(parts, ", "))
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// WriteMemory prints a peak-memory line.
func WriteMemory(w io.Writer, label string, m Memory) {
	fmt.Fprintf(w, "%s: peak heap in use %s, peak runtime total %s (%d samples)\n", label, mib(m.HeapInuse), mib(m.Total), m.Samples)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// MiB formats bytes for people.
func MiB(b uint64) string { return mib(b) }
