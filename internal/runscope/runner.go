package runscope

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Runner runs suites. Vars must hold SCIMBaseURL and auth for Okta's SPEC
// suite, plus InitialVariables; variables a step extracts are added to it.
type Runner struct {
	Client *http.Client
	Vars   map[string]string
	// Script, when set, checks a step's non-empty JavaScript scripts natively
	// and returns failures. Without it scripts are listed as not run.
	Script func(step Step, status int, body []byte) []string
}

// StepResult is the outcome of one request step.
type StepResult struct {
	Number   int // 1-based position among the suite's request steps
	Note     string
	Required bool
	Method   string
	URL      string
	Status   int
	Elapsed  time.Duration
	Failures []string
	NotRun   []string // parts of the step not executed (JavaScript scripts)
}

// Passed reports whether every assertion held.
func (r StepResult) Passed() bool { return len(r.Failures) == 0 }

// Report is the outcome of a suite.
type Report struct {
	Suite         string
	Steps         []StepResult
	PausesSkipped int
	PauseSkipped  time.Duration // time the suite would have waited
}

// RequiredFailures returns the required steps that failed.
func (r Report) RequiredFailures() []StepResult {
	var out []StepResult
	for _, s := range r.Steps {
		if s.Required && !s.Passed() {
			out = append(out, s)
		}
	}
	return out
}

// String renders the report one line per step, failures indented.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d request steps, %d pauses skipped (%s)\n", r.Suite, len(r.Steps), r.PausesSkipped, r.PauseSkipped)
	for _, s := range r.Steps {
		verdict, kind := "PASS", "optional"
		if !s.Passed() {
			verdict = "FAIL"
		}
		if s.Required {
			kind = "required"
		}
		fmt.Fprintf(&b, "  %2d %s %-8s %s %s → %d  %s\n", s.Number, verdict, kind, s.Method, s.URL, s.Status, s.Note)
		for _, f := range s.Failures {
			fmt.Fprintf(&b, "       - %s\n", f)
		}
		for _, n := range s.NotRun {
			fmt.Fprintf(&b, "       ~ not run: %s\n", n)
		}
	}
	return b.String()
}

// Run executes the suite in order. Pauses are skipped: the suite's pauses
// give a hosted server time to settle, which an in-process one does not need.
// Run returns an error only when ctx ends; step failures are in the Report.
func (r *Runner) Run(ctx context.Context, s *Suite) (Report, error) {
	if r.Vars == nil {
		r.Vars = map[string]string{}
	}
	client := r.Client
	if client == nil {
		client = http.DefaultClient
	}
	rep := Report{Suite: s.Name}
	n := 0
	for _, st := range s.Steps {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("runscope suite %q: %w", s.Name, err)
		}
		if st.Skipped {
			continue
		}
		if st.StepType == "pause" {
			rep.PausesSkipped++
			rep.PauseSkipped += time.Duration(st.Duration * float64(time.Second))
			continue
		}
		n++
		rep.Steps = append(rep.Steps, r.runStep(ctx, client, n, st))
	}
	return rep, nil
}

func (r *Runner) runStep(ctx context.Context, client *http.Client, n int, st Step) StepResult {
	res := StepResult{Number: n, Note: st.Note, Required: st.Required(), Method: st.Method}
	fail := func(format string, a ...any) { res.Failures = append(res.Failures, fmt.Sprintf(format, a...)) }

	rawURL, err := expand(st.URL, r.Vars)
	if err != nil {
		fail("url: %v", err)
		return res
	}
	res.URL = encodeURL(rawURL)
	body, err := expand(st.Body, r.Vars)
	if err != nil {
		fail("body: %v", err)
		return res
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, st.Method, res.URL, rd)
	if err != nil {
		fail("build request: %v", err)
		return res
	}
	for k, vs := range st.Headers {
		for _, v := range vs {
			ev, err := expand(v, r.Vars)
			if err != nil {
				fail("header %s: %v", k, err)
				return res
			}
			req.Header.Add(k, ev)
		}
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		fail("request: %v", err)
		return res
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	res.Elapsed = time.Since(start)
	res.Status = resp.StatusCode
	if err != nil {
		fail("read response: %v", err)
	}

	var doc any
	jsonErr := errNotJSON
	if len(bytes.TrimSpace(respBody)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(respBody))
		dec.UseNumber()
		if jsonErr = dec.Decode(&doc); jsonErr != nil {
			jsonErr = fmt.Errorf("response is not JSON: %w", jsonErr)
		}
	}
	source := func(src, prop string) (observed, error) {
		switch src {
		case "response_status":
			return observed{resp.StatusCode, true}, nil
		case "response_time":
			return observed{int(res.Elapsed / time.Millisecond), true}, nil
		case "response_text":
			return observed{string(respBody), true}, nil
		case "response_header":
			v := resp.Header.Values(prop)
			return observed{strings.Join(v, ", "), len(v) > 0}, nil
		case "response_json":
			if jsonErr != nil {
				return observed{}, jsonErr
			}
			v, ok := lookup(doc, prop)
			return observed{v, ok}, nil
		}
		return observed{}, fmt.Errorf("unsupported source %q", src)
	}

	for _, a := range st.Assertions {
		want := ""
		if a.Value != nil {
			if want, err = expand(*a.Value, r.Vars); err != nil {
				fail("%s %s: %v", a.Comparison, a.Property, err)
				continue
			}
		}
		got, err := source(a.Source, a.Property)
		if err != nil {
			fail("%s %s %s: %v", a.Source, a.Property, a.Comparison, err)
			continue
		}
		if why := compare(a.Comparison, got, want); why != "" {
			fail("%s %s %s: %s", a.Source, a.Property, a.Comparison, why)
		}
	}
	for _, x := range st.Variables {
		got, err := source(x.Source, x.Property)
		if err != nil || !got.found {
			fail("extract %s from %s %s: not found", x.Name, x.Source, x.Property)
			continue
		}
		r.Vars[x.Name] = text(got.v)
	}
	for _, sc := range st.Scripts {
		if strings.TrimSpace(sc) == "" {
			continue
		}
		if r.Script == nil {
			res.NotRun = append(res.NotRun, "JavaScript script")
			continue
		}
		res.Failures = append(res.Failures, r.Script(st, resp.StatusCode, respBody)...)
	}
	return res
}

var errNotJSON = fmt.Errorf("response has no JSON body")

// encodeURL percent-encodes what the suites leave raw in their URLs — the
// spaces and quotes of `filter=userName eq "x"` — as Runscope does before
// sending, keeping existing %XX escapes and the query's structure.
func encodeURL(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '%' && i+2 < len(raw) && isHex(raw[i+1]) && isHex(raw[i+2]):
			b.WriteByte(c)
		case c > 0x20 && c < 0x7f && !strings.ContainsRune(`"<>\^`+"`{|}", rune(c)):
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}
