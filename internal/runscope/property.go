package runscope

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// lookup resolves a Runscope JSON property path such as
// "Resources[0].name.familyName" in a decoded document (numbers as
// json.Number). found is false when any step of the path is missing.
func lookup(doc any, path string) (v any, found bool) {
	if path == "" {
		return doc, true
	}
	cur := doc
	for _, seg := range strings.Split(path, ".") {
		name, idxs, ok := splitIndexes(seg)
		if !ok {
			return nil, false
		}
		if name != "" {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[name]; !ok {
				return nil, false
			}
		}
		for _, i := range idxs {
			a, ok := cur.([]any)
			if !ok || i < 0 || i >= len(a) {
				return nil, false
			}
			cur = a[i]
		}
	}
	return cur, true
}

// splitIndexes splits "emails[0]" into "emails" and [0].
func splitIndexes(seg string) (string, []int, bool) {
	open := strings.IndexByte(seg, '[')
	if open < 0 {
		return seg, nil, true
	}
	name, rest := seg[:open], seg[open:]
	var idxs []int
	for rest != "" {
		end := strings.IndexByte(rest, ']')
		if rest[0] != '[' || end < 0 {
			return "", nil, false
		}
		i, err := strconv.Atoi(rest[1:end])
		if err != nil {
			return "", nil, false
		}
		idxs = append(idxs, i)
		rest = rest[end+1:]
	}
	return name, idxs, true
}

// text renders a value the way Runscope compares it: strings as they are,
// numbers as written, booleans as "true"/"false", null as "", arrays and
// objects as JSON.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}

// isEmpty is Runscope's "empty": missing, null, "", [] or {}. A boolean
// false is a value, not emptiness (the SPEC suite asserts not_empty on
// "active").
func isEmpty(v any, found bool) bool {
	if !found || v == nil {
		return true
	}
	switch x := v.(type) {
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
