package conformance

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListEveryCase keeps the case table of docs/conformance.md true:
// one row per case, with its rule and reference, in the order Cases()
// returns them. On a mismatch it prints the table to paste.
func TestDocsListEveryCase(t *testing.T) {
	doc, err := os.ReadFile("../../docs/conformance.md")
	if err != nil {
		t.Fatalf("reading the docs: %v", err)
	}
	var want []string
	for _, c := range Cases() {
		rule := "—"
		if c.Rule != "" {
			rule = "`" + c.Rule + "`"
		}
		want = append(want, "| `"+c.Name+"` | "+rule+" | "+strings.ReplaceAll(c.Ref, "|", `\|`)+" |")
	}
	var got []string
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "| `") {
			got = append(got, line)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("docs/conformance.md's case table is out of date; replace its rows with:\n%s", strings.Join(want, "\n"))
	}
}
