// Command scim-bridge sits between Okta and AWS IAM Identity Center: it serves
// Okta's SCIM dialect, translates each request into the form Identity Center
// accepts, and brokers the SAML metadata the two exchange.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand. run gets the arguments after the subcommand name.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":       {"run the bridge (Okta → Identity Center)", runServe},
		"emulator":    {"run an in-memory Identity Center emulator", runEmulator},
		"saml":        {"SAML metadata: check, setup", runSAML},
		"version":     {"print the version", runVersion},
		"healthcheck": {"probe the admin listener's /healthz (Docker HEALTHCHECK)", runHealthcheck},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "scim-bridge: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd.run(ctx, args[1:], stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "scim-bridge %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: scim-bridge <command> [flags]")
	fmt.Fprintln(w)
	for _, name := range []string{"serve", "emulator", "saml", "healthcheck", "version"} {
		fmt.Fprintf(w, "  %-11s %s\n", name, commands()[name].summary)
	}
}
