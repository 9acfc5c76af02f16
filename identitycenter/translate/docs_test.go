package translate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestEveryRuleDocumented keeps the rule tables in the docs complete: every
// Rule constant must appear, by its logged name, in the doc an operator reads
// to learn what that name on a request log line means.
func TestEveryRuleDocumented(t *testing.T) {
	for _, c := range []struct {
		source, doc string
		atLeast     int
	}{
		{"rules.go", "../../docs/translation.md", 20},
		{"group_rules.go", "../../docs/groups.md", 10},
	} {
		t.Run(c.source, func(t *testing.T) {
			doc, err := os.ReadFile(c.doc)
			if err != nil {
				t.Fatalf("%s: %v", c.doc, err)
			}
			rules := ruleConstants(t, c.source)
			if len(rules) < c.atLeast {
				t.Errorf("found only %d rules in %s", len(rules), c.source)
			}
			for ident, name := range rules {
				if !strings.Contains(string(doc), "`"+name+"`") {
					t.Errorf("rule %s (%q) is not in %s", ident, name, c.doc)
				}
			}
		})
	}
}

// ruleConstants returns the string constants named Rule* in a source file.
func ruleConstants(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Rule") {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
			name, _ := strconv.Unquote(lit.Value)
			out[vs.Names[0].Name] = name
		}
		return true
	})
	return out
}
