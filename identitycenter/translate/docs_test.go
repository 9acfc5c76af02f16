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

// TestEveryRuleDocumented keeps docs/translation.md's table complete: every
// Rule constant in rules.go must appear there by name.
func TestEveryRuleDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/translation.md")
	if err != nil {
		t.Skipf("docs/translation.md not readable: %v", err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "rules.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Rule") {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		name, _ := strconv.Unquote(lit.Value)
		n++
		if !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("rule %s (%q) is not in docs/translation.md", vs.Names[0].Name, name)
		}
		return true
	})
	if n < 20 {
		t.Errorf("found only %d rules in rules.go", n)
	}
}
