package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/scim-bridge/scim-bridge/internal/config"
	"github.com/scim-bridge/scim-bridge/internal/logging"
	"github.com/scim-bridge/scim-bridge/saml"
)

// runServe runs the bridge until ctx ends (SIGTERM, SIGINT), then drains
// in-flight requests and returns nil: exit 0 on a clean stop.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return serveWith(ctx, args, os.Getenv, stdout, stderr, nil)
}

// serveWith is runServe with the environment and a hook that receives the
// running bridge (tests use it to learn the bound addresses).
func serveWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, started func(*bridge)) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scim-bridge serve [flags]")
		fmt.Fprintln(stderr, "\nEvery flag can also be set by the environment variable named in its help;")
		fmt.Fprintln(stderr, "a flag on the command line wins over the environment, which wins over the default.")
		fmt.Fprintln(stderr, "Tokens are read only from the environment or files, never from a flag value.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	var cfg config.Serve
	cfg.RegisterFlags(fs)
	var samlCfg saml.Config
	samlCfg.RegisterFlagsEnv(fs, getenv)
	var groupsCfg groupsConfig
	groupsCfg.registerFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := cfg.Resolve(fs, getenv); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	if err := groupsCfg.resolve(fs, getenv); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	// The request log and start-up lines go to stdout: JSON for collectors,
	// or console for a person at a terminal.
	log, err := logging.New(cfg.LogLevel, cfg.LogFormat, stdout)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()

	b, err := newBridge(ctx, &cfg, samlCfg, groupsCfg, log, stderr)
	if err != nil {
		return err
	}
	if started != nil {
		started(b)
	}
	return b.run(ctx)
}
