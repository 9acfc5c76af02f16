package secret

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"
)

// ExpiryWarning is how long before the Identity Center token expires the
// bridge starts logging warnings. AWS reminds 90 days before in its console
// (identity-center-scim.md §8: "Expiry reminders start 90 days before, in the
// console and AWS Health"), which nobody watches; the bridge's log and alert
// start at 30.
const ExpiryWarning = 30 * 24 * time.Hour

// ParseExpiry reads an RFC 3339 date-time ("2027-03-01T12:00:00Z") or a
// full-date ("2027-03-01", taken as midnight UTC, the start of that day, so
// the warning is never late).
func ParseExpiry(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("expiry %q: want an RFC 3339 date (2027-03-01) or date-time (2027-03-01T12:00:00Z)", s)
}

// CheckExpiry is a File check for an expiry file.
func CheckExpiry(v string) error {
	_, err := ParseExpiry(v)
	return err
}

// Expiry tracks the configured expiry of the Identity Center token. AWS
// issues the token for one year and offers no API to read its expiry
// (identity-center-scim.md §8: "An access token is valid for 1 year";
// "Tokens can be generated only in the console; there is no API"), so the
// operator configures it and the bridge warns from ExpiryWarning before.
type Expiry struct {
	Source Source // RFC 3339 value; nil: not configured
	Log    *zap.Logger
	Now    func() time.Time // nil: time.Now
	// Interval between periodic checks in Run; default 6h.
	Interval time.Duration
}

// At returns the configured expiry; ok is false when none is configured
// (or it cannot be parsed, which config refuses at start and reloads keep
// out).
func (e *Expiry) At() (at time.Time, ok bool) {
	if e == nil || e.Source == nil {
		return time.Time{}, false
	}
	t, err := ParseExpiry(e.Source.Value())
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// Check logs the state of the expiry: ERROR once expired, WARN inside
// ExpiryWarning, INFO otherwise (when verbose). It returns the time left.
func (e *Expiry) Check(verbose bool) time.Duration {
	at, ok := e.At()
	if !ok {
		return 0
	}
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	left := at.Sub(now())
	days := int(left.Hours() / 24)
	fields := []zap.Field{zap.Time("expires_at", at), zap.Int("days_left", days)}
	log := e.Log
	if log == nil {
		log = zap.NewNop()
	}
	switch {
	case left <= 0:
		log.Error("the Identity Center token has EXPIRED: Okta's provisioning fails with 401 until a new token is generated in the IAM Identity Center console and given to the bridge", fields...)
	case left <= ExpiryWarning:
		log.Warn("the Identity Center token expires soon: generate a new one in the IAM Identity Center console, give it to the bridge and update its expiry (docs/operations.md, rotating tokens)", fields...)
	case verbose:
		log.Info("Identity Center token expiry", fields...)
	}
	return left
}

// Run checks every Interval until ctx ends.
func (e *Expiry) Run(ctx context.Context) {
	iv := e.Interval
	if iv <= 0 {
		iv = 6 * time.Hour
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e.Check(false)
		}
	}
}
