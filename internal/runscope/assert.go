package runscope

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// observed is what an assertion looks at: the value and whether it exists.
type observed struct {
	v     any
	found bool
}

// compare evaluates one comparison. It returns "" on success, else why not.
// expected has had its {{variables}} expanded.
func compare(cmp string, got observed, expected string) string {
	g := text(got.v)
	switch cmp {
	case "equal":
		if got.found && g == expected {
			return ""
		}
		return fmt.Sprintf("got %s, want %q", show(got), expected)
	case "not_equal":
		if !got.found || g != expected {
			return ""
		}
		return fmt.Sprintf("got %q, want anything else", g)
	case "equal_number", "is_less_than", "is_less_than_or_equal", "is_greater_than", "is_greater_than_or_equal":
		a, errA := number(got)
		b, errB := strconv.ParseFloat(expected, 64)
		if errA != nil || errB != nil {
			return fmt.Sprintf("got %s, want a number to compare with %q", show(got), expected)
		}
		ok := map[string]bool{
			"equal_number":             a == b,
			"is_less_than":             a < b,
			"is_less_than_or_equal":    a <= b,
			"is_greater_than":          a > b,
			"is_greater_than_or_equal": a >= b,
		}[cmp]
		if ok {
			return ""
		}
		return fmt.Sprintf("got %v, want %s %s", a, cmp, expected)
	case "not_empty":
		if !isEmpty(got.v, got.found) {
			return ""
		}
		return fmt.Sprintf("got %s, want a non-empty value", show(got))
	case "empty":
		if isEmpty(got.v, got.found) {
			return ""
		}
		return fmt.Sprintf("got %s, want empty", show(got))
	case "is_null":
		if got.found && got.v == nil {
			return ""
		}
		return fmt.Sprintf("got %s, want null", show(got))
	case "is_a_number":
		// Strict: a JSON number, not a numeric string. Okta requires
		// integers here (okta-scim-client.md §1.2 "itemsPerPage, startIndex
		// and totalResults MUST be JSON integers, not strings").
		switch got.v.(type) {
		case json.Number, int, int64: // int: response_status, response_time
			return ""
		}
		return fmt.Sprintf("got %s, want a JSON number", show(got))
	case "has_value":
		if a, ok := got.v.([]any); ok {
			for _, e := range a {
				if text(e) == expected {
					return ""
				}
			}
			return fmt.Sprintf("array %s has no element %q", g, expected)
		}
		if got.found && g == expected {
			return ""
		}
		return fmt.Sprintf("got %s, want the value %q", show(got), expected)
	case "contains", "does_not_contain":
		has := false
		if a, ok := got.v.([]any); ok {
			for _, e := range a {
				if strings.Contains(text(e), expected) {
					has = true
				}
			}
		} else {
			has = got.found && strings.Contains(g, expected)
		}
		if has == (cmp == "contains") {
			return ""
		}
		if cmp == "contains" {
			return fmt.Sprintf("got %s, want it to contain %q", show(got), expected)
		}
		return fmt.Sprintf("got %s, want it not to contain %q", show(got), expected)
	case "has_key":
		if m, ok := got.v.(map[string]any); ok {
			if _, ok := m[expected]; ok {
				return ""
			}
		}
		return fmt.Sprintf("got %s, want an object with key %q", show(got), expected)
	}
	return fmt.Sprintf("unsupported comparison %q", cmp)
}

func number(o observed) (float64, error) {
	switch x := o.v.(type) {
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case json.Number:
		return x.Float64()
	case string:
		return strconv.ParseFloat(x, 64)
	}
	return 0, fmt.Errorf("not a number: %v", o.v)
}

func show(o observed) string {
	if !o.found {
		return "nothing (property missing)"
	}
	if o.v == nil {
		return "null"
	}
	s := text(o.v)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strconv.Quote(s)
}
