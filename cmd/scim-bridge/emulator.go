package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

// defaultEmulatorTenant is a fixed example tenant id in the older AWS shape
// 11-4-4-4-12 (identity-center-scim.md §1: "Older instances use 11-4-4-4-12").
const defaultEmulatorTenant = "e5a1c0de42b-7f3e-4c2a-9b1d-0a2b3c4d5e6f"

// tokenList is a repeatable --token flag.
type tokenList []string

func (t *tokenList) String() string     { return fmt.Sprintf("%d token(s)", len(*t)) }
func (t *tokenList) Set(v string) error { *t = append(*t, v); return nil }

// runEmulator serves an in-memory Identity Center (SCIM endpoint and the
// identitystore/ssoadmin JSON API) until ctx is cancelled.
func runEmulator(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scim-bridge emulator [flags]")
		fmt.Fprintln(stderr, "\nServes an in-memory AWS IAM Identity Center until interrupted: the SCIM endpoint at")
		fmt.Fprintln(stderr, "/{tenant}/scim/v2 and the identitystore/sso-admin API for the AWS SDK, on one listener.")
		fmt.Fprintln(stderr, "It prints the SCIM base URL, the SDK endpoint and (if generated) the token. See docs/emulator.md.")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	var (
		tokens tokenList
		faults emulator.Faults
	)
	listen := fs.String("listen", "127.0.0.1:8090", "address to listen on (port 0 picks a free port)")
	tenant := fs.String("tenant", defaultEmulatorTenant, "tenant id in /{tenant}/scim/v2")
	fs.Var(&tokens, "token", "accepted bearer token; repeat for a second one (at most two, as in AWS); default: generate one and print it")
	seed := fs.String("seed", "", `JSON file with {"users":[…],"groups":[{"displayName":…,"members":["<userName>"]}]}`)
	fs.Float64Var(&faults.Rate, "throttle-rate", 0, "throttle above this many requests/s (token bucket; 0 = off)")
	fs.IntVar(&faults.Burst, "throttle-burst", 1, "token bucket size for --throttle-rate")
	fs.DurationVar(&faults.RetryAfter, "retry-after", 0, "Retry-After on throttled SCIM requests, RetryAfterSeconds on AWS API ones (0 = none)")
	fs.Float64Var(&faults.ErrorRate, "error-rate", 0, "fraction of requests answered 500")
	fs.DurationVar(&faults.Latency, "latency", 0, "delay added to every request")
	fs.Float64Var(&faults.DropRate, "drop-rate", 0, "fraction of connections dropped without a response")
	faultSeed := fs.Uint64("fault-seed", 1, "seed for the fault randomness (repeatable runs)")
	logRequests := fs.Bool("log-requests", true, "log one line per request to stderr: method, path, status, the refusing rule")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if err := checkFaultFlags(faults); err != nil {
		return err
	}
	generated := len(tokens) == 0
	if generated {
		tok, err := generateToken()
		if err != nil {
			return err
		}
		tokens = append(tokens, tok)
	}
	emu, err := emulator.New(emulator.Options{Tenant: *tenant, Tokens: tokens, Seed: *faultSeed, Faults: faults})
	if err != nil {
		return err
	}
	if *seed != "" {
		if err := seedEmulator(emu, *seed); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *listen, err)
	}
	base := "http://" + emulatorDisplayAddr(ln.Addr().String())
	fmt.Fprintf(stdout, "emulator listening on %s\n", ln.Addr())
	fmt.Fprintf(stdout, "SCIM base URL: %s/%s/scim/v2\n", base, *tenant)
	if generated {
		// Printed only when generated: the operator has no other way to learn it.
		fmt.Fprintf(stdout, "bearer token (generated): %s\n", tokens[0])
	}
	fmt.Fprintf(stdout, "SDK endpoints: AWS_ENDPOINT_URL_IDENTITYSTORE=%s AWS_ENDPOINT_URL_SSO_ADMIN=%s\n", base, base)
	fmt.Fprintf(stdout, "identity store id: %s\n", emu.Store().IdentityStoreID())

	// IdleTimeout: clients that vanish without closing must not hold
	// connections for the emulator's lifetime.
	var handler http.Handler = emu
	if *logRequests {
		handler = logEmulatorRequests(emu, stderr)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	return nil
}

func checkFaultFlags(f emulator.Faults) error {
	for name, v := range map[string]float64{"--error-rate": f.ErrorRate, "--drop-rate": f.DropRate} {
		if v < 0 || v > 1 {
			return fmt.Errorf("%s %v: must be a fraction from 0 to 1", name, v)
		}
	}
	if f.Rate < 0 || f.Burst < 0 || f.RetryAfter < 0 || f.Latency < 0 {
		return errors.New("fault flags must not be negative")
	}
	return nil
}

func seedEmulator(emu *emulator.Emulator, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer f.Close()
	if err := emu.Seed(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// generateToken returns a random token of AWS's token alphabet
// (identity-center-scim.md §8: "[0-9a-zA-Z/=+-]").
func generateToken() (string, error) {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating token: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// emulatorDisplayAddr makes a wildcard listen address pasteable.
func emulatorDisplayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}

// logEmulatorRequests writes one line per request: time, method, path (or
// the AWS operation), status, the emulator rule that refused it, duration.
// Never headers or bodies, so no token reaches the log.
func logEmulatorRequests(next http.Handler, w io.Writer) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: rw, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		what := r.URL.Path
		if target := r.Header.Get("X-Amz-Target"); target != "" {
			what = target
		}
		rule := rw.Header().Get(emulator.RuleHeader)
		if rule == "" {
			rule = "-"
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s %s %s %d %s %s\n", start.UTC().Format(time.RFC3339), r.Method, what, rec.status, rule,
			time.Since(start).Round(time.Microsecond))
	})
}

// statusRecorder remembers the status a handler wrote. It passes Hijack
// through, so the emulator's dropped-connection fault still works.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	s.status = 0 // dropped: no response
	return http.NewResponseController(s.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the connection's own writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
