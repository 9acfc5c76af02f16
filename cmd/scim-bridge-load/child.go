package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/loadgen"
)

// The peak-memory figure of the bridge alone comes from a child process
// that runs nothing but the bridge (loadgen.BridgeTarget, wired as serve
// wires it): its VmHWM is not mixed with the generator's or the emulator's.
const childFlag = "-bridge-child"

// runChild is the child: serve a bridge in front of upstreamURL, print
// "listening ADDR", and stop when stdin closes.
func runChild(ctx context.Context, upstreamURL string, maxInFlight int, stdout io.Writer) error {
	tg, err := loadgen.BridgeTarget(&loadgen.Upstream{URL: upstreamURL}, 1, loadgen.BridgeOptions{MaxInFlight: maxInFlight})
	if err != nil {
		return err
	}
	defer tg.Close()
	fmt.Fprintf(stdout, "listening %s\n", tg.Client.Base)
	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return nil
}

// child is a running bridge child process.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	base  string

	mu      sync.Mutex
	peakRSS uint64
	stop    chan struct{}
	done    chan struct{}
}

func startChild(up *loadgen.Upstream, maxInFlight int) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bridge child: %w", err)
	}
	cmd := exec.Command(exe, childFlag, "-upstream-url", up.URL, "-max-upstream-in-flight", strconv.Itoa(maxInFlight))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bridge child: %w", err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		_ = stdin.Close()
		_ = cmd.Wait()
		return nil, fmt.Errorf("bridge child did not start: %q %v", line, err)
	}
	c := &child{cmd: cmd, stdin: stdin, base: base, stop: make(chan struct{}), done: make(chan struct{})}
	go c.sample()
	return c, nil
}

// sample polls the child's resident set size: VmHWM would include the
// start-up, VmRSS sampled during the run is the load's peak.
func (c *child) sample() {
	defer close(c.done)
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		if rss := procStatus(c.cmd.Process.Pid, "VmRSS:"); rss > 0 {
			c.mu.Lock()
			c.peakRSS = max(c.peakRSS, rss)
			c.mu.Unlock()
		}
		select {
		case <-t.C:
		case <-c.stop:
			return
		}
	}
}

// finish stops the child and returns its peak RSS while sampled and its
// VmHWM (peak RSS over its whole life).
func (c *child) finish() (peakRSS, hwm uint64, err error) {
	hwm = procStatus(c.cmd.Process.Pid, "VmHWM:")
	close(c.stop)
	<-c.done
	_ = c.stdin.Close()
	err = c.cmd.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peakRSS, hwm, err
}

// procStatus reads one kB field of /proc/PID/status, in bytes; 0 when
// unavailable (not Linux).
func procStatus(pid int, field string) uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				if kb, err := strconv.ParseUint(f[0], 10, 64); err == nil {
					return kb << 10
				}
			}
		}
	}
	return 0
}
