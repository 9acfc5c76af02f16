package main

import (
	"context"
	"errors"
	"io"
)

// runEmulator is being written; see the open issues.
func runEmulator(_ context.Context, _ []string, _, _ io.Writer) error {
	return errors.New("not built yet")
}
