package emulator

import (
	"strconv"
	"strings"
)

// checkUserPatch applies the PatchUser rules that look at the operations
// themselves (identity-center-scim.md §4 PatchUser, §5 PATCH without path)
// and expands path-less ops, before anything is applied.
func (e *Emulator) checkUserPatch(ops []patchOp) ([]patchOp, *scimError) {
	var out []patchOp
	for _, op := range ops {
		if !op.hasPath {
			exp, err := e.expandPathless(op)
			if err != nil {
				return nil, err
			}
			out = append(out, exp...)
			continue
		}
		out = append(out, op)
	}
	touches := map[string]int{}
	for _, op := range out {
		pp, err := e.parsePatchPath(op.path, userAttrs)
		if err != nil {
			return nil, err
		}
		// §4: "Only these attributes can be modified: userName, active, …"
		if !patchableUserAttrs[pp.attr] && !e.lenient(RulePatchUserAttrs) {
			return nil, badRequest(RulePatchUserAttrs, "%s cannot be modified by PATCH.", op.path)
		}
		if pp.attr == "userName" || pp.attr == "active" {
			// §4: "no remove of userName or active".
			if op.op == "remove" && !e.lenient(RulePatchNoRemoveKey) {
				return nil, badRequest(RulePatchNoRemoveKey, "%s cannot be removed.", pp.attr)
			}
			touches[pp.attr]++
		}
	}
	// §4: "no more than one op on userName or active in one request".
	for _, a := range []string{"userName", "active"} {
		if touches[a] > 1 && !e.lenient(RulePatchOneKeyOp) {
			return nil, badRequest(RulePatchOneKeyOp, "%d operations on %s; at most one is allowed per request.", touches[a], a)
		}
	}
	return out, nil
}

// applyUserPatch applies checked ops (all with a path) to attrs, a private
// copy. The result is validated as a whole afterwards.
func (e *Emulator) applyUserPatch(attrs map[string]any, ops []patchOp) (map[string]any, *scimError) {
	for _, op := range ops {
		pp, err := e.parsePatchPath(op.path, userAttrs)
		if err != nil {
			return nil, err
		}
		def, known := lookupAttr(userAttrs, pp.attr)
		if !known {
			// Only a lenient emulator gets here; keep the value as sent.
			if op.op == "remove" {
				delete(attrs, pp.attr)
			} else {
				attrs[pp.attr] = op.value
			}
			continue
		}
		switch def.kind {
		case kindMulti:
			if err := applyMulti(attrs, def, pp, op); err != nil {
				return nil, err
			}
		case kindComplex:
			applyComplex(attrs, def, pp, op)
		default:
			if pp.filter != nil || pp.sub != "" {
				return nil, badRequest(RuleSchemaTypes, "path %q: %s has no sub-attributes.", op.path, def.name)
			}
			if op.op == "remove" {
				delete(attrs, def.name)
			} else {
				attrs[def.name] = op.value
			}
		}
	}
	return attrs, nil
}

// applyComplex patches name or the enterprise extension, merging sub-attributes
// (RFC 7644 §3.5.2.3: sub-attributes not specified are left unchanged).
func applyComplex(attrs map[string]any, def attrDef, pp patchPath, op patchOp) {
	cur, _ := attrs[def.name].(map[string]any)
	if cur == nil {
		cur = map[string]any{}
	}
	if pp.sub == "" {
		if op.op == "remove" {
			delete(attrs, def.name)
			return
		}
		if m, ok := op.value.(map[string]any); ok {
			for k, v := range m {
				setPath(cur, k, v)
			}
			attrs[def.name] = cur
		} else {
			attrs[def.name] = op.value // the type check refuses it later
		}
		return
	}
	if op.op == "remove" {
		setPath(cur, pp.sub, nil)
	} else {
		setPath(cur, pp.sub, op.value)
	}
	attrs[def.name] = cur
}

// setPath sets (or, for nil, deletes) a dotted sub-attribute such as
// "manager.value", matching existing keys case-insensitively.
func setPath(m map[string]any, path string, v any) {
	head, rest, nested := strings.Cut(path, ".")
	for k := range m {
		if strings.EqualFold(k, head) && k != head {
			m[head] = m[k]
			delete(m, k)
		}
	}
	if !nested {
		if v == nil {
			delete(m, head)
		} else {
			m[head] = v
		}
		return
	}
	child, _ := m[head].(map[string]any)
	if child == nil {
		if v == nil {
			return
		}
		child = map[string]any{}
	}
	setPath(child, rest, v)
	m[head] = child
}

// applyMulti patches emails, addresses, phoneNumbers or roles.
func applyMulti(attrs map[string]any, def attrDef, pp patchPath, op patchOp) *scimError {
	list, _ := attrs[def.name].([]any)
	if pp.filter == nil && pp.sub == "" {
		switch op.op {
		case "remove":
			delete(attrs, def.name)
		case "replace":
			attrs[def.name] = asList(op.value)
		case "add":
			attrs[def.name] = append(list, asList(op.value)...)
		}
		return nil
	}
	matched := false
	kept := list[:0:0]
	for _, item := range list {
		m, _ := item.(map[string]any)
		if pp.filter != nil && !elementMatches(m, *pp.filter) {
			kept = append(kept, item)
			continue
		}
		matched = true
		switch {
		case op.op == "remove" && pp.sub == "":
			continue // drop the element
		case op.op == "remove":
			setPath(m, pp.sub, nil)
		case pp.sub == "":
			if v, ok := op.value.(map[string]any); ok {
				for k, vv := range v {
					setPath(m, k, vv)
				}
			}
		default:
			setPath(m, pp.sub, op.value)
		}
		kept = append(kept, m)
	}
	if !matched && op.op != "remove" {
		// No element matched: add one carrying the filter's value, as an
		// identity store "set" would.
		m := map[string]any{}
		if pp.filter != nil {
			setPath(m, pp.filter.attr, filterValue(*pp.filter))
		}
		if pp.sub != "" {
			setPath(m, pp.sub, op.value)
		} else if v, ok := op.value.(map[string]any); ok {
			for k, vv := range v {
				setPath(m, k, vv)
			}
		}
		kept = append(kept, m)
	}
	if len(kept) == 0 {
		delete(attrs, def.name)
	} else {
		attrs[def.name] = kept
	}
	return nil
}

func asList(v any) []any {
	switch t := v.(type) {
	case []any:
		return t
	case nil:
		return nil
	}
	return []any{v}
}

// elementMatches compares one element's sub-attribute with a filter term:
// strings case-insensitively (type, value), primary as a boolean.
func elementMatches(m map[string]any, t eqTerm) bool {
	for k, v := range m {
		if !strings.EqualFold(k, t.attr) {
			continue
		}
		switch x := v.(type) {
		case string:
			return compareOp(t.op, strings.ToLower(x), strings.ToLower(t.value))
		case bool:
			return compareOp(t.op, strconv.FormatBool(x), strings.ToLower(t.value))
		}
	}
	return t.op == "ne"
}

// compareOp applies a filter operator; "" and "eq" are equality.
func compareOp(op, have, want string) bool {
	switch op {
	case "", "eq":
		return have == want
	case "ne":
		return have != want
	case "co":
		return strings.Contains(have, want)
	case "sw":
		return strings.HasPrefix(have, want)
	case "ew":
		return strings.HasSuffix(have, want)
	case "pr":
		return true
	}
	return false
}

func filterValue(t eqTerm) any {
	if strings.EqualFold(t.attr, "primary") {
		return strings.EqualFold(t.value, "true")
	}
	return t.value
}
