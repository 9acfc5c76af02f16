package main

import (
	"io"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/internal/logging"
)

// newLogger writes the request log and start-up lines to w (stdout): JSON
// for collectors, or console for a person at a terminal.
func newLogger(level, format string, w io.Writer) (*zap.Logger, error) {
	return logging.New(level, format, w)
}
