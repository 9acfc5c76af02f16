package secret

import (
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestParseExpiry(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2027-03-01":                time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
		" 2027-03-01T12:30:00Z\n":   time.Date(2027, 3, 1, 12, 30, 0, 0, time.UTC),
		"2027-03-01T12:30:00+02:00": time.Date(2027, 3, 1, 10, 30, 0, 0, time.UTC),
	} {
		got, err := ParseExpiry(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "next year", "01/03/2027", "2027-13-01"} {
		if _, err := ParseExpiry(bad); err == nil {
			t.Errorf("ParseExpiry(%q) accepted", bad)
		}
	}
}

// The log says nothing until 30 days before, then warns, then errors.
func TestExpiryWarnsFrom30Days(t *testing.T) {
	at := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		before  time.Duration
		verbose bool
		level   zapcore.Level
		logged  bool
	}{
		{31 * 24 * time.Hour, false, 0, false},
		{31 * 24 * time.Hour, true, zapcore.InfoLevel, true},
		{30 * 24 * time.Hour, false, zapcore.WarnLevel, true},
		{time.Hour, false, zapcore.WarnLevel, true},
		{0, false, zapcore.ErrorLevel, true},
		{-24 * time.Hour, false, zapcore.ErrorLevel, true},
	} {
		core, logs := observer.New(zap.DebugLevel)
		e := &Expiry{Source: Static("2027-03-01"), Log: zap.New(core), Now: func() time.Time { return at.Add(-tc.before) }}
		left := e.Check(tc.verbose)
		if left != tc.before {
			t.Errorf("%s before: left = %s", tc.before, left)
		}
		entries := logs.All()
		if !tc.logged {
			if len(entries) != 0 {
				t.Errorf("%s before: logged %v", tc.before, entries)
			}
			continue
		}
		if len(entries) != 1 || entries[0].Level != tc.level {
			t.Errorf("%s before: entries %v, want one at %s", tc.before, entries, tc.level)
			continue
		}
		if _, ok := entries[0].ContextMap()["days_left"]; !ok {
			t.Errorf("%s before: no days_left", tc.before)
		}
	}
}

func TestExpiryNotConfigured(t *testing.T) {
	var e *Expiry
	if _, ok := e.At(); ok {
		t.Error("nil Expiry configured")
	}
	if _, ok := (&Expiry{}).At(); ok {
		t.Error("empty Expiry configured")
	}
	at, ok := (&Expiry{Source: Static("2027-03-01")}).At()
	if !ok || at.Year() != 2027 {
		t.Errorf("At = %v %v", at, ok)
	}
}
