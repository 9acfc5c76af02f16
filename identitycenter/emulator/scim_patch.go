package emulator

import (
	"strings"
)

// patchOp is one parsed PATCH operation.
type patchOp struct {
	op       string // "add", "replace", "remove"
	path     string
	hasPath  bool
	value    any
	hasValue bool
}

// patchPath is a parsed attribute path: attr[filter].sub.
type patchPath struct {
	attr   string // canonical top-level attribute
	filter *eqTerm
	sub    string // sub-attribute path, "" for none
}

// parsePatch reads a PatchOp body and applies §4 "op is required. path is
// required for remove. value is required for add and replace."
func (e *Emulator) parsePatch(in map[string]any) ([]patchOp, *scimError) {
	var raw []any
	found := false
	for k, v := range in {
		if strings.EqualFold(k, "Operations") {
			raw, found = v.([]any)
		}
	}
	if !found || len(raw) == 0 {
		return nil, badRequest(RulePatchOpShape, "Operations must be a non-empty array.")
	}
	ops := make([]patchOp, 0, len(raw))
	for i, item := range raw {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, badRequest(RulePatchOpShape, "Operations.%d must be an object.", i+1)
		}
		var op patchOp
		for k, v := range m {
			switch strings.ToLower(k) {
			case "op":
				s, _ := v.(string)
				op.op = strings.ToLower(s)
			case "path":
				op.path, op.hasPath = v.(string)
				op.hasPath = op.hasPath && op.path != ""
			case "value":
				op.value, op.hasValue = v, v != nil
			}
		}
		if !e.lenient(RulePatchOpShape) {
			switch {
			case op.op != "add" && op.op != "replace" && op.op != "remove":
				return nil, badRequest(RulePatchOpShape, "Operations.%d: op must be add, replace or remove.", i+1)
			case op.op == "remove" && !op.hasPath:
				return nil, badRequest(RulePatchOpShape, "Operations.%d: path is required for remove.", i+1)
			case op.op != "remove" && !op.hasValue:
				return nil, badRequest(RulePatchOpShape, "Operations.%d: value is required for %s.", i+1, op.op)
			}
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// expandPathless turns a path-less add/replace into one op per attribute.
// §5 "PATCH without path is accepted only for add or replace of a single
// attribute." A single-valued complex attribute (name, enterprise) counts
// each sub-attribute it sets: whether AWS counts it as one is UNCONFIRMED,
// and one op per leaf is accepted under either reading.
func (e *Emulator) expandPathless(op patchOp) ([]patchOp, *scimError) {
	m, ok := op.value.(map[string]any)
	if !ok {
		return nil, badRequest(RuleSchemaTypes, "a PATCH without path needs an object value.")
	}
	var out []patchOp
	leaves := 0
	for k, v := range m {
		leaves++
		if sub, ok := v.(map[string]any); ok && len(sub) > 1 {
			leaves += len(sub) - 1
		}
		out = append(out, patchOp{op: op.op, path: k, hasPath: true, value: v, hasValue: v != nil})
	}
	if leaves != 1 && !e.lenient(RulePatchPathless) {
		return nil, &scimError{status: 400, rule: RulePatchPathless, detail: detailPathless}
	}
	return out, nil
}

// parsePatchPath parses `attr`, `attr.sub`, `attr[x eq "v"]`, `attr[x eq
// "v"].sub` and enterprise URN paths, resolving names against defs.
func (e *Emulator) parsePatchPath(p string, defs []attrDef) (patchPath, *scimError) {
	var pp patchPath
	rest := p
	if strings.HasPrefix(strings.ToLower(p), strings.ToLower(enterpriseSchema)) {
		pp.attr = enterpriseSchema
		rest = strings.TrimPrefix(p[len(enterpriseSchema):], ":")
		pp.sub = rest
		return pp, nil
	}
	name := rest
	if i := strings.IndexAny(rest, "[."); i >= 0 {
		name, rest = rest[:i], rest[i:]
	} else {
		rest = ""
	}
	if def, ok := lookupAttr(defs, name); ok {
		pp.attr = def.name
	} else {
		pp.attr = name
	}
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]")
		if end < 0 {
			return pp, badRequest(RuleSchemaTypes, "path %q: unterminated filter.", p)
		}
		terms, err := e.parseFilter(rest[1:end], true)
		// §4 PatchUser: "path filters use eq only."
		switch {
		case (err != nil || len(terms) != 1) && e.lenient(RulePatchFilterEq):
			t, ok := parseAnyTerm(rest[1:end])
			if !ok {
				return pp, badRequest(RuleSchemaTypes, "path %q: the filter cannot be parsed.", p)
			}
			terms = []eqTerm{t}
		case err != nil || len(terms) != 1:
			return pp, badRequest(RulePatchFilterEq, "path %q: a path filter must be one eq term.", p)
		}
		pp.filter = &terms[0]
		rest = rest[end+1:]
	}
	if strings.HasPrefix(rest, ".") {
		pp.sub = rest[1:]
	} else if rest != "" {
		return pp, badRequest(RuleSchemaTypes, "path %q is not a valid attribute path.", p)
	}
	return pp, nil
}

// parseAnyTerm reads one `attr op ["value"]` term with any RFC 7644
// operator: what a lenient emulator (RulePatchFilterEq off) accepts.
func parseAnyTerm(f string) (eqTerm, bool) {
	toks, err := tokenizeFilter(f)
	if err != nil || len(toks) < 2 || len(toks) > 3 {
		return eqTerm{}, false
	}
	t := eqTerm{attr: toks[0].text, op: strings.ToLower(toks[1].text)}
	if len(toks) == 3 {
		t.value = toks[2].text
	}
	return t, true
}
