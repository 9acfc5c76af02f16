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

// TestEveryGroupRuleDocumented keeps docs/groups.md's rule table complete.
func TestEveryGroupRuleDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/groups.md")
	if err != nil {
		t.Fatalf("docs/groups.md: %v", err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "group_rules.go", nil, 0)
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
			t.Errorf("rule %s (%q) is not in docs/groups.md", vs.Names[0].Name, name)
		}
		return true
	})
	if n < 10 {
		t.Errorf("found only %d rules in group_rules.go", n)
	}
}
