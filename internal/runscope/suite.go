// Package runscope runs Okta's published Runscope "Radar v1" JSON test suites
// (okta-scim-client.md §9) against a SCIM server over real HTTP: requests with
// {{variables}}, variable extraction from responses, and the assertion
// comparisons the suites use. Pauses are recorded and skipped; JavaScript
// post-scripts are not run (a hook may check them natively).
package runscope

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Suite is one exported Radar test.
type Suite struct {
	Version string `json:"version"`
	Name    string `json:"name"`
	Steps   []Step `json:"steps"`
}

// Step is a request or a pause.
type Step struct {
	StepType   string              `json:"step_type"` // "request" or "pause"
	Skipped    bool                `json:"skipped"`
	Note       string              `json:"note"`
	Method     string              `json:"method"`
	URL        string              `json:"url"`
	Headers    map[string][]string `json:"headers"`
	Body       string              `json:"body"`
	Assertions []Assertion         `json:"assertions"`
	Variables  []Extractor         `json:"variables"`
	Scripts    []string            `json:"scripts"`
	Duration   float64             `json:"duration"` // pause seconds
}

// Required reports whether Okta marks the step required ("Required Test: …");
// anything else, "Optional Test: …" included, is optional.
func (s Step) Required() bool {
	return strings.HasPrefix(strings.TrimSpace(s.Note), "Required")
}

// Assertion is one check on a response.
type Assertion struct {
	Comparison string  `json:"comparison"`
	Source     string  `json:"source"` // response_status, response_json, response_time, response_header, response_text
	Value      *string `json:"value"`
	Property   string  `json:"property"`
}

// Extractor saves a part of a response into a variable.
type Extractor struct {
	Source   string `json:"source"`
	Name     string `json:"name"`
	Property string `json:"property"`
}

// Load decodes a suite and checks it has steps Runner can run.
func Load(r io.Reader) (*Suite, error) {
	var s Suite
	dec := json.NewDecoder(r)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode runscope suite: %w", err)
	}
	if len(s.Steps) == 0 {
		return nil, fmt.Errorf("runscope suite %q has no steps", s.Name)
	}
	for i, st := range s.Steps {
		if st.StepType != "request" && st.StepType != "pause" {
			return nil, fmt.Errorf("runscope suite %q step %d: unsupported step_type %q", s.Name, i+1, st.StepType)
		}
	}
	return &s, nil
}
