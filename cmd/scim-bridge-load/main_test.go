package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestMain lets the test binary serve as the bridge child, as the real
// binary does (os.Executable is the test binary here).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == childFlag {
		if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A small run through all three targets prints every table, the ratios
// and the memory lines, and ends with the state check passed.
func TestRunSmall(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"-users", "40", "-groups", "3", "-members", "10", "-change", "2",
		"-concurrency", "4", "-memory-conns", "8", "-rounds", "2"}, &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	s := out.String()
	for _, want := range []string{
		"direct (aws dialect), 4 connections",
		"proxy (aws dialect), 4 connections",
		"bridge (okta dialect), 4 connections",
		"peak memory at 8 concurrent Okta connections",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q\n%s", want, s)
		}
	}
	if n := strings.Count(s, "state check: the emulator holds exactly the intended 40 users and 3 groups"); n != 3 {
		t.Errorf("%d passed state checks printed, want 3 (one per target)\n%s", n, s)
	}
	if !regexp.MustCompile(`bridge alone, in its own process: peak RSS [1-9][0-9.]* MiB`).MatchString(s) {
		t.Errorf("no non-zero peak RSS of the bridge child\n%s", s)
	}
	for _, den := range []string{"proxy", "direct"} {
		re := regexp.MustCompile(`bridge / ` + den + `: throughput [0-9.]+× \[[0-9.]+ [0-9.]+\], p50 [0-9.]+×.*p99 [0-9.]+×`)
		if !re.MatchString(s) {
			t.Errorf("no bridge/%s ratio line with two rounds\n%s", den, s)
		}
	}
}

// -chaos runs the bridge alone against the faulty emulator and checks the
// state; an Okta-visible failure would be an error.
func TestRunChaosSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos waits out Retry-After")
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"-chaos", "-users", "60", "-groups", "2", "-members", "10", "-change", "2", "-concurrency", "8"}, &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s := out.String()
	if strings.Contains(s, "direct (") || !strings.Contains(s, "faults injected: throttled") ||
		!strings.Contains(s, "state check: the emulator holds exactly the intended 60 users and 2 groups") {
		t.Fatalf("unexpected chaos output\n%s", s)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-targets", "bridge,nginx"},
		{"-users", "0"},
		{"-groups", "2", "-members", "10", "-users", "5"},
		{"-concurrency", "0"},
		{"extra"},
	} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, &out, &errb); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}
