// Package logging builds the bridge's zap logger (--log-level,
// --log-format) and the sampler that thins out the request log's
// successful GET lines (Okta's imports and lookups) without ever dropping a
// write or an error.
package logging

import (
	"fmt"
	"io"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Formats accepted by New.
const (
	FormatJSON    = "json"    // one JSON object per line, for collectors (default)
	FormatConsole = "console" // tab-separated, for a person at a terminal
)

// New returns a logger writing to w at level (debug, info, warn, error) in
// format (json or console). Timestamps are ISO 8601 under "time".
func New(level, format string, w io.Writer) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	ec := zap.NewProductionEncoderConfig()
	ec.TimeKey = "time"
	ec.EncodeTime = zapcore.ISO8601TimeEncoder
	var enc zapcore.Encoder
	switch format {
	case FormatJSON:
		enc = zapcore.NewJSONEncoder(ec)
	case FormatConsole:
		ec.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(ec)
	default:
		return nil, fmt.Errorf("log format %q: want %s or %s", format, FormatJSON, FormatConsole)
	}
	return zap.New(zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(w)), lvl)), nil
}
