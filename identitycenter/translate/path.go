package translate

import (
	"regexp"
	"strings"
)

// path is a parsed PATCH path on a user: top[filter].sub.
type path struct {
	top    attrSpec
	filter string   // canonical filter text, "" when none
	sub    attrSpec // zero when none
	subSub string   // "value" or "displayName" under enterprise manager
	drop   string   // rule name when the path targets a sub-attribute AWS does not take
}

func (p path) String() string {
	if p.top.kind == kindEnterprise {
		if p.sub.name == "" {
			return SchemaEnterprise
		}
		s := SchemaEnterprise + ":" + p.sub.name
		if p.subSub != "" {
			s += "." + p.subSub
		}
		return s
	}
	s := p.top.name
	if p.filter != "" {
		s += "[" + p.filter + "]"
	}
	if p.sub.name != "" {
		s += "." + p.sub.name
	}
	return s
}

// plain is the path without filter, used to match rules about attributes.
func (p path) plain() string {
	q := p
	q.filter = ""
	return q.String()
}

// parsePath reads a PATCH path. Names are matched case-insensitively.
func parsePath(raw string, rules *ruleSet) (path, *Error) {
	s := strings.TrimSpace(raw)
	lower := strings.ToLower(s)
	entURN := strings.ToLower(SchemaEnterprise)
	switch {
	case lower == entURN:
		return path{top: userAttrs[entURN]}, nil
	case strings.HasPrefix(lower, entURN+":"):
		return parseEnterprisePath(raw, s[len(entURN)+1:], rules)
	case strings.HasPrefix(lower, strings.ToLower(SchemaUser)+":"):
		s = s[len(SchemaUser)+1:]
	}
	end := strings.IndexAny(s, "[.")
	if end < 0 {
		end = len(s)
	}
	top, ok := lookup(userAttrs, s[:end], rules)
	if !ok {
		return path{}, errOf("invalidPath", raw, "is not a user attribute Identity Center knows (identity-center-scim.md §4)")
	}
	p := path{top: top}
	rest := s[end:]
	if strings.HasPrefix(rest, "[") {
		closeAt := closingBracket(rest)
		if closeAt < 0 {
			return path{}, errOf("invalidPath", raw, "has an unclosed filter")
		}
		f, err := eqFilter(raw, rest[1:closeAt])
		if err != nil {
			return path{}, err
		}
		p.filter = f
		rest = rest[closeAt+1:]
		if top.kind != kindMulti {
			return path{}, errOf("invalidPath", raw, "a filter applies only to a multi-valued attribute")
		}
	}
	if rest == "" {
		return p, nil
	}
	if !strings.HasPrefix(rest, ".") {
		return path{}, errOf("invalidPath", raw, "is not a valid attribute path")
	}
	subName := rest[1:]
	var table map[string]attrSpec
	switch top.kind {
	case kindName:
		table = nameAttrs
	case kindMulti:
		table = multiAttrs[top.name]
	case kindDropped, kindReadOnly:
		return p, nil // dropped or refused by the caller whatever the sub-attribute
	default:
		return path{}, errOf("invalidPath", raw, "%s has no sub-attributes", top.name)
	}
	if top.kind == kindMulti && strings.EqualFold(subName, "display") {
		p.sub = attrSpec{name: "display", kind: kindDropped}
		p.drop = RuleDisplayDropped
		return p, nil
	}
	sub, ok := lookup(table, subName, rules)
	if !ok {
		return path{}, errOf("invalidPath", raw, "is not a sub-attribute Identity Center knows (identity-center-scim.md §4)")
	}
	p.sub = sub
	return p, nil
}

func parseEnterprisePath(raw, rest string, rules *ruleSet) (path, *Error) {
	name, subSub, _ := strings.Cut(rest, ".")
	sub, ok := lookup(enterpriseAttrs, name, rules)
	if !ok {
		return path{}, errOf("invalidPath", raw, "is not an enterprise attribute Identity Center knows (identity-center-scim.md §4)")
	}
	p := path{top: userAttrs[strings.ToLower(SchemaEnterprise)], sub: sub}
	if subSub == "" {
		return p, nil
	}
	if sub.kind != kindManager {
		return path{}, errOf("invalidPath", raw, "%s has no sub-attributes", sub.name)
	}
	switch strings.ToLower(subSub) {
	case "value":
		p.subSub = "value"
	case "displayname":
		p.subSub = "displayName"
		p.drop = RuleManagerDisplayNameDropped
	default:
		return path{}, errOf("invalidPath", raw, "manager has only value")
	}
	return p, nil
}

// closingBracket finds the ']' closing s[0]=='[', skipping quoted strings.
func closingBracket(s string) int {
	inQuote := false
	for i := 1; i < len(s); i++ {
		switch {
		case inQuote && s[i] == '\\':
			i++
		case s[i] == '"':
			inQuote = !inQuote
		case !inQuote && s[i] == ']':
			return i
		}
	}
	return -1
}

var eqTerm = regexp.MustCompile(`^\s*([A-Za-z][\w.]*)\s+(?i:eq)\s+("(?:[^"\\]|\\.)*"|(?i:true|false|null)|-?\d+(?:\.\d+)?)\s*`)
var andSep = regexp.MustCompile(`^(?i:and)\s+`)

// eqFilter checks a value filter: eq terms joined by and, nothing else.
// identity-center-scim.md §4 PatchUser: "path filters use eq only."
func eqFilter(raw, f string) (string, *Error) {
	var terms []string
	rest := f
	for {
		m := eqTerm.FindStringSubmatch(rest)
		if m == nil {
			return "", errOf("invalidFilter", raw, "Identity Center accepts only eq terms joined by and in a path filter (identity-center-scim.md §4 PatchUser)")
		}
		terms = append(terms, m[1]+" eq "+m[2])
		rest = rest[len(m[0]):]
		if rest == "" {
			return strings.Join(terms, " and "), nil
		}
		loc := andSep.FindStringIndex(rest)
		if loc == nil {
			return "", errOf("invalidFilter", raw, "Identity Center accepts only eq terms joined by and in a path filter (identity-center-scim.md §4 PatchUser)")
		}
		rest = rest[loc[1]:]
	}
}
