package emulator_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/scim-bridge/scim-bridge/identitycenter/conformance"
	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
)

// TestLenientRuleFailsItsCase proves every rule-tagged conformance case tests
// its rule: against an emulator with only that rule switched off, the case
// must fail.
func TestLenientRuleFailsItsCase(t *testing.T) {
	for _, cs := range conformance.Cases() {
		if cs.Rule == "" {
			continue
		}
		t.Run(cs.Name, func(t *testing.T) {
			target := confTarget(t, map[emulator.Rule]bool{emulator.Rule(cs.Rule): true})
			if cs.Skip != nil {
				if why := cs.Skip(target); why != "" {
					t.Fatalf("case skipped against a fully configured emulator: %s", why)
				}
			}
			rec := runCaseRecorded(cs, target)
			if !rec.failed {
				t.Errorf("case %q passed against an emulator with rule %q off: it does not test its rule (%s)", cs.Name, cs.Rule, cs.Ref)
			}
			if rec.panicked != "" {
				t.Errorf("case %q panicked instead of failing: %s", cs.Name, rec.panicked)
			}
			if testing.Verbose() {
				for _, m := range rec.messages {
					t.Log(m)
				}
			}
		})
	}
}

// TestEveryRuleHasACase parses rules.go, so that a new rule without a case
// fails here, and checks every case's Rule names a real rule.
func TestEveryRuleHasACase(t *testing.T) {
	rules := parseRuleConsts(t, "rules.go")
	if len(rules) == 0 {
		t.Fatal("no Rule constants found in rules.go")
	}
	tagged := map[string][]string{}
	for _, cs := range conformance.Cases() {
		if cs.Rule == "" {
			continue
		}
		tagged[cs.Rule] = append(tagged[cs.Rule], cs.Name)
		if !slices.Contains(rules, cs.Rule) {
			t.Errorf("case %q is tagged with %q, which is not a Rule in rules.go", cs.Name, cs.Rule)
		}
	}
	for _, r := range rules {
		if len(tagged[r]) == 0 {
			t.Errorf("rule %q has no conformance case (add one in identitycenter/conformance)", r)
		}
	}
}

// parseRuleConsts returns the values of the constants of type Rule in file.
func parseRuleConsts(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	var rules []string
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Rule" {
				continue
			}
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: a Rule constant that is not a string literal: %T", file, v)
					continue
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				rules = append(rules, s)
			}
		}
	}
	return rules
}

// confRecorder is a conformance.T that records failure instead of reporting it.
type confRecorder struct {
	name     string
	mu       sync.Mutex
	failed   bool
	panicked string
	messages []string
	cleanups []func()
}

func (r *confRecorder) Helper()      {}
func (r *confRecorder) Name() string { return r.name }

func (r *confRecorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.messages = append(r.messages, "FAIL: "+fmt.Sprintf(format, args...))
}

// Fatalf stops the case's goroutine, as *testing.T does.
func (r *confRecorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *confRecorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages = append(r.messages, "log: "+fmt.Sprintf(format, args...))
}

func (r *confRecorder) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

// caseResult is how a recorded case ended.
type caseResult struct {
	failed   bool
	panicked string // the panic value, if the case panicked
	messages []string
}

// runCaseRecorded runs one case in its own goroutine (so Fatalf's Goexit ends
// only the case), then its cleanups, last registered first. The verdict is
// taken before cleanup.
func runCaseRecorded(cs conformance.Case, target conformance.Target) (result caseResult) {
	rec := &confRecorder{name: cs.Name}
	runInGoroutine(rec, func() { cs.Run(rec, conformance.NewConn(rec, target)) })
	rec.mu.Lock()
	result.failed, result.panicked = rec.failed, rec.panicked
	cleanups := rec.cleanups
	rec.mu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		runInGoroutine(rec, cleanups[i])
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	result.messages = rec.messages
	return result
}

func runInGoroutine(rec *confRecorder, f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				rec.mu.Lock()
				rec.failed = true
				rec.panicked = strings.TrimSpace(fmt.Sprint(p))
				rec.mu.Unlock()
			}
		}()
		f()
	}()
	<-done
}
