package saml

import (
	"fmt"
	"io"
	"strings"
)

// Severity ranks a Finding. Errors break sign-in; warnings will, later, or
// deserve a look; info notes what was checked.
type Severity int

// Severities, least severe first.
const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "ERROR"
	case Warning:
		return "WARNING"
	default:
		return "INFO"
	}
}

// Finding is one result of a check, with what to do about it.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"` // stable, e.g. "issuer-is-acs-url"
	Message  string   `json:"message"`
	Fix      string   `json:"fix,omitempty"`
}

// Findings is a list of Finding.
type Findings []Finding

// Errors counts the findings of Error severity.
func (fs Findings) Errors() int { return fs.count(Error) }

// Warnings counts the findings of Warning severity.
func (fs Findings) Warnings() int { return fs.count(Warning) }

func (fs Findings) count(s Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Has reports whether a finding with code is present.
func (fs Findings) Has(code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Err returns an error naming every Error finding, or nil if there is none.
func (fs Findings) Err() error {
	var msgs []string
	for _, f := range fs {
		if f.Severity == Error {
			msgs = append(msgs, f.Code+": "+f.Message)
		}
	}
	switch len(msgs) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s", msgs[0])
	}
	return fmt.Errorf("%d errors: %s", len(msgs), strings.Join(msgs, "; "))
}

// Write prints each finding and its fix, one block per finding.
func (fs Findings) Write(w io.Writer) error {
	for _, f := range fs {
		if _, err := fmt.Fprintf(w, "%-7s %s: %s\n", f.Severity, f.Code, f.Message); err != nil {
			return fmt.Errorf("write finding: %w", err)
		}
		if f.Fix != "" {
			if _, err := fmt.Fprintf(w, "        fix: %s\n", f.Fix); err != nil {
				return fmt.Errorf("write finding: %w", err)
			}
		}
	}
	return nil
}

func errorf(code, fix, format string, args ...any) Finding {
	return Finding{Severity: Error, Code: code, Message: fmt.Sprintf(format, args...), Fix: fix}
}

func warnf(code, fix, format string, args ...any) Finding {
	return Finding{Severity: Warning, Code: code, Message: fmt.Sprintf(format, args...), Fix: fix}
}

func infof(code, format string, args ...any) Finding {
	return Finding{Severity: Info, Code: code, Message: fmt.Sprintf(format, args...)}
}
