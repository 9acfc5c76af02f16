package loadgen

import (
	"errors"
	"slices"
	"sort"
	"sync"
	"time"
)

// Phase is what one phase of a run measured.
type Phase struct {
	Name        string
	Tasks       int // Okta tasks (lifecycle events) run
	TaskRetries int // task attempts after the first, as Okta/an admin retries
	TasksFailed int // tasks that still failed after every retry
	Requests    int // Okta requests sent (each attempt of each request)
	// Errors counts requests by error kind ("http 503", "transport", …).
	Errors map[string]int
	// Failures holds the last error of the first few failed tasks.
	Failures []string
	// Upstream is the number of requests Identity Center received during
	// the phase; -1 when unknown.
	Upstream  int64
	Wall      time.Duration
	latencies []time.Duration
}

// maxFailures bounds Phase.Failures.
const maxFailures = 10

// recorder collects one phase's measurements from every worker.
type recorder struct {
	mu sync.Mutex
	p  *Phase
}

func newRecorder(name string) *recorder {
	return &recorder{p: &Phase{Name: name, Errors: map[string]int{}, Upstream: -1}}
}

func (r *recorder) request(d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.p.Requests++
	r.p.latencies = append(r.p.latencies, d)
	if err != nil {
		r.p.Errors[errorKind(err)]++
	}
}

func (r *recorder) task(retries int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.p.Tasks++
	r.p.TaskRetries += retries
	if err != nil {
		r.p.TasksFailed++
		if len(r.p.Failures) < maxFailures {
			r.p.Failures = append(r.p.Failures, err.Error())
		}
	}
}

func errorKind(err error) string {
	var re *RequestError
	if errors.As(err, &re) {
		return re.Kind
	}
	return "other"
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of the phase's
// request latencies, nearest-rank.
func (p *Phase) Percentile(q float64) time.Duration { return percentile(p.latencies, q) }

// Throughput is Okta requests per second of wall time.
func (p *Phase) Throughput() float64 {
	if p.Wall <= 0 {
		return 0
	}
	return float64(p.Requests) / p.Wall.Seconds()
}

// UpstreamPerRequest is Identity Center requests per Okta request; -1 when
// the upstream count is unknown.
func (p *Phase) UpstreamPerRequest() float64 {
	if p.Upstream < 0 || p.Requests == 0 {
		return -1
	}
	return float64(p.Upstream) / float64(p.Requests)
}

// ErrorCount is the number of requests that failed, of every kind.
func (p *Phase) ErrorCount() int {
	n := 0
	for _, c := range p.Errors {
		n += c
	}
	return n
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(q/100*float64(len(s))+0.999999) - 1
	return s[max(0, min(rank, len(s)-1))]
}

// Total merges phases into one line: counts add up, wall times add up
// (phases run one after another), latencies are pooled.
func Total(phases []*Phase) *Phase {
	t := &Phase{Name: "total", Errors: map[string]int{}}
	for _, p := range phases {
		t.Tasks += p.Tasks
		t.TaskRetries += p.TaskRetries
		t.TasksFailed += p.TasksFailed
		t.Requests += p.Requests
		t.Wall += p.Wall
		t.latencies = append(t.latencies, p.latencies...)
		for k, v := range p.Errors {
			t.Errors[k] += v
		}
		if len(t.Failures) < maxFailures {
			t.Failures = append(t.Failures, p.Failures[:min(len(p.Failures), maxFailures-len(t.Failures))]...)
		}
		if p.Upstream >= 0 {
			t.Upstream += p.Upstream
		} else {
			t.Upstream = -1 << 62 // stays negative: one unknown phase makes the total unknown
		}
	}
	if t.Upstream < 0 {
		t.Upstream = -1
	}
	return t
}

// ErrorKinds returns the error kinds in a stable order, most frequent first.
func (p *Phase) ErrorKinds() []string {
	kinds := make([]string, 0, len(p.Errors))
	for k := range p.Errors {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if p.Errors[kinds[i]] != p.Errors[kinds[j]] {
			return p.Errors[kinds[i]] > p.Errors[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	return kinds
}
