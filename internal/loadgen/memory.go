package loadgen

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Memory is the peak memory seen while a sampler ran. It is the whole
// process: generator, target and emulator together. Compare two samplers run
// over the same traffic (bridge vs direct) to see the bridge's share.
type Memory struct {
	HeapInuse uint64 // peak bytes in in-use heap spans (runtime.MemStats.HeapInuse)
	Total     uint64 // peak bytes mapped by the Go runtime (runtime.MemStats.Sys)
	Samples   int
}

// metric names read by the sampler; runtime/metrics reads them without
// stopping the world, unlike runtime.ReadMemStats.
const (
	metricHeapObjects = "/memory/classes/heap/objects:bytes"
	metricHeapUnused  = "/memory/classes/heap/unused:bytes"
	metricTotal       = "/memory/classes/total:bytes"
)

// MemSampler samples the process's memory until stopped.
type MemSampler struct {
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	peak Memory
}

// StartMemSampler collects garbage (so earlier phases do not count) and
// samples every interval.
func StartMemSampler(interval time.Duration) *MemSampler {
	runtime.GC()
	s := &MemSampler{stop: make(chan struct{}), done: make(chan struct{})}
	s.sample()
	go func() {
		defer close(s.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				s.sample()
			case <-s.stop:
				return
			}
		}
	}()
	return s
}

func (s *MemSampler) sample() {
	ms := []metrics.Sample{{Name: metricHeapObjects}, {Name: metricHeapUnused}, {Name: metricTotal}}
	metrics.Read(ms)
	heap := value(ms[0]) + value(ms[1])
	total := value(ms[2])
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peak.Samples++
	s.peak.HeapInuse = max(s.peak.HeapInuse, heap)
	s.peak.Total = max(s.peak.Total, total)
}

func value(s metrics.Sample) uint64 {
	if s.Value.Kind() == metrics.KindUint64 {
		return s.Value.Uint64()
	}
	return 0
}

// Stop ends sampling and returns the peak.
func (s *MemSampler) Stop() Memory {
	close(s.stop)
	<-s.done
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// VmHWM is the process's peak resident set size from /proc/self/status
// (Linux), or 0 when unavailable. It only grows over the process's life.
func VmHWM() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, err := strconv.ParseUint(f[0], 10, 64)
				if err == nil {
					return kb << 10
				}
			}
		}
	}
	return 0
}
