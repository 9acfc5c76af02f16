package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/config"
)

// runHealthcheck probes the admin listener of a bridge running in the same
// container and exits 0 when it answers 200. It exists for Docker's
// HEALTHCHECK: the distroless image has no shell and no curl. Kubernetes
// uses its own HTTP probes on the admin port instead.
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return healthcheckWith(ctx, args, os.Getenv, stdout, stderr)
}

func healthcheckWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	// The admin address defaults to whatever serve would bind, read from the
	// same flag definition so the two cannot drift apart.
	var serveCfg config.Serve
	serveFlags := flag.NewFlagSet("serve", flag.ContinueOnError)
	serveCfg.RegisterFlags(serveFlags)
	adminDefault := serveFlags.Lookup("admin-listen").DefValue
	if v := getenv(config.EnvAdminListen); v != "" {
		adminDefault = v
	}

	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	admin := fs.String("admin-listen", adminDefault, "the admin listener serve was started with (env "+config.EnvAdminListen+")")
	path := fs.String("path", "/healthz", "/healthz (the process answers) or /readyz (and Identity Center answers)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scim-bridge healthcheck [flags]")
		fmt.Fprintln(stderr, "\nGETs the admin listener's /healthz on this host; exit 0 when it answers 200.")
		fmt.Fprintln(stderr, "Meant for Docker's HEALTHCHECK; Kubernetes probes the admin port directly.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *path != "/healthz" && *path != "/readyz" {
		return fmt.Errorf("--path %q: want /healthz or /readyz", *path)
	}
	target, err := probeURL(*admin, *path)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck request: %w", err)
	}
	// A plain client: this is a loopback HTTP call, not an AWS one, and it
	// must not pick up a proxy from the environment.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", target, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(stdout, "%s: %s\n", target, strings.TrimSpace(string(body)))
	return nil
}

// probeURL turns a listen address into a URL on this host: a wildcard host
// (":9090", "0.0.0.0:9090", "[::]:9090") is reached on loopback.
func probeURL(listen, path string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("--admin-listen %q: %w", listen, err)
	}
	if port == "0" || port == "" {
		return "", fmt.Errorf("--admin-listen %q: a fixed port is needed to probe it", listen)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}
