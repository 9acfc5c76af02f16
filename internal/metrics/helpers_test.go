package metrics

import (
	"bytes"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// gather returns the families named (all when none are).
func gather(t *testing.T, reg *prometheus.Registry, names ...string) []*dto.MetricFamily {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	if len(names) == 0 {
		return mfs
	}
	keep := map[string]bool{}
	for _, n := range names {
		keep[n] = true
	}
	var out []*dto.MetricFamily
	for _, mf := range mfs {
		if keep[mf.GetName()] {
			out = append(out, mf)
		}
	}
	return out
}

// value returns the value of the series of name with exactly labels
// (counter, gauge, or a histogram's sample count), and whether it exists.
func value(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	for _, mf := range gather(t, reg, name) {
	series:
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; !ok || v != lp.GetValue() {
					continue series
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
	}
	return 0, false
}

// count is the number of series of the named families.
func count(t *testing.T, reg *prometheus.Registry, names ...string) int {
	t.Helper()
	n := 0
	for _, mf := range gather(t, reg, names...) {
		n += len(mf.GetMetric())
	}
	return n
}

// text renders families in the exposition format.
func text(t *testing.T, reg *prometheus.Registry, names ...string) string {
	t.Helper()
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range gather(t, reg, names...) {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

func lint(t *testing.T, reg *prometheus.Registry) []promlint.Problem {
	t.Helper()
	problems, err := promlint.NewWithMetricFamilies(gather(t, reg)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	return problems
}
