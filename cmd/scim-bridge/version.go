package main

import (
	"context"
	"fmt"
	"io"

	"github.com/scim-bridge/scim-bridge/internal/buildinfo"
)

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) error {
	fmt.Fprintf(stdout, "scim-bridge %s (revision %s, %s)\n", buildinfo.Version, buildinfo.Revision(), buildinfo.GoVersion())
	return nil
}
