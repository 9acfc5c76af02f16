package translate

import (
	"strings"
)

// Op is one SCIM PATCH operation (RFC 7644 §3.5.2). It has the fields of
// identitycenter.PatchOp, so the two convert directly.
type Op struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// requiredPaths may be neither removed nor emptied: Identity Center needs
// them on every user (identity-center-scim.md §4 Required), and userName and
// active may not be removed (§4 PatchUser: "no remove of userName or active").
var requiredPaths = map[string]bool{
	"userName": true, "active": true, "displayName": true,
	"name": true, "name.givenName": true, "name.familyName": true,
}

// Patch translates Okta's PATCH operations on a user into the operations
// Identity Center accepts, grouped into batches: each batch is one upstream
// PATCH request, to be sent in order. No batch (and RulePatchNothingLeft)
// means nothing is left to send. Ops are checked in full before anything is
// returned, so a refused op means no upstream request at all.
func Patch(ops []Op) ([][]Op, []string, error) {
	st := &patchState{values: map[string]*oneValue{}}
	var out []Op
	for _, op := range ops {
		o, err := patchOp(op, st)
		if err != nil {
			return nil, st.rules, err
		}
		out = append(out, o...)
	}
	if err := st.finish(out); err != nil {
		return nil, st.rules, err
	}
	batches := batch(out, &st.rules)
	if len(batches) == 0 {
		st.rules.add(RulePatchNothingLeft)
	}
	return batches, st.rules, nil
}

// patchState is what the ops of one PATCH share.
type patchState struct {
	rules ruleSet
	// values holds, per multi-valued attribute, the one value that the
	// filtered add/replace ops since the last other op on it describe.
	values map[string]*oneValue
}

// batch splits ops so that no request holds two ops on userName or active.
// identity-center-scim.md §4 PatchUser: "no more than one op on userName or active in one request".
func batch(ops []Op, rules *ruleSet) [][]Op {
	var batches [][]Op
	var cur []Op
	seen := map[string]bool{}
	for _, o := range ops {
		key := ""
		if o.Path == "userName" || o.Path == "active" {
			key = o.Path
		}
		if key != "" && seen[key] {
			batches = append(batches, cur)
			cur, seen = nil, map[string]bool{}
			rules.add(RulePatchKeySplit)
		}
		if key != "" {
			seen[key] = true
		}
		cur = append(cur, o)
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}
	return batches
}

func patchOp(op Op, st *patchState) ([]Op, *Error) {
	rules := &st.rules
	name := strings.ToLower(strings.TrimSpace(op.Op))
	if name != op.Op {
		rules.add(RulePatchOpCase)
	}
	switch name {
	case "add", "replace", "remove":
	default:
		return nil, errOf("invalidSyntax", "op", "%q is not add, replace or remove (identity-center-scim.md §4 PatchUser)", op.Op)
	}
	if strings.TrimSpace(op.Path) != "" {
		return pathedOp(name, op.Path, op.Value, false, st)
	}
	if name == "remove" {
		// identity-center-scim.md §4 PatchUser: "path is required for remove."
		return nil, errOf("noTarget", "path", "remove without a path is refused: Identity Center requires a path for remove (identity-center-scim.md §4 PatchUser)")
	}
	value, ok := op.Value.(map[string]any)
	if !ok || len(value) == 0 {
		return nil, errOf("invalidSyntax", "value", "a %s without path needs an object of attributes as its value (RFC 7644 §3.5.2)", name)
	}
	// identity-center-scim.md §5 "PATCH without path is accepted only for add or
	// replace of a single attribute" (§12.18): always send one op per attribute.
	rules.add(RulePatchPathlessSplit)
	var out []Op
	for _, key := range sortedKeys(value) {
		if strings.EqualFold(key, "id") {
			rules.add(RulePatchIDDropped) // the URL's id wins (okta-scim-client.md §1.9)
			continue
		}
		o, err := pathedOp(name, key, value[key], true, st)
		if err != nil {
			return nil, err
		}
		out = append(out, o...)
	}
	return out, nil
}

// pathedOp translates one op with an explicit path (or one key of a
// path-less value, fromValue).
func pathedOp(op, rawPath string, value any, fromValue bool, st *patchState) ([]Op, *Error) {
	rules := &st.rules
	p, err := parsePath(rawPath, rules)
	if err != nil {
		return nil, err
	}
	switch p.top.kind {
	case kindDropped:
		rules.add(dropRule(p.top.name))
		return nil, nil
	case kindReadOnly:
		if fromValue && p.top.name != "id" {
			rules.add(RuleReadOnlyStripped)
			return nil, nil
		}
		return nil, errOf("mutability", p.top.name, "is read-only")
	}
	if !p.top.patchable {
		return nil, errOf("mutability", p.top.name, "cannot be changed by PATCH on Identity Center (identity-center-scim.md §4 PatchUser)")
	}
	if p.drop != "" {
		rules.add(p.drop)
		return nil, nil
	}
	plain := p.plain()
	filtered := p.top.kind == kindMulti && p.filter != "" && op != "remove" && !isEmpty(value)
	if !filtered {
		// Any other op on the attribute ends the value filtered ops build:
		// a filtered op after it applies to what it left.
		delete(st.values, p.top.name)
	}
	if !filtered && p.filter != "" && len(filterTerms(p.filter)) > 1 {
		// identity-center-scim.md §4 PatchUser: "path filters use eq only";
		// whether Identity Center takes eq terms joined by and in a path
		// (it does in list filters, §3) is UNCONFIRMED, so a filter that
		// reaches it holds one term. Filtered add/replace never reach it.
		return nil, errOf("invalidFilter", rawPath, "Identity Center accepts one eq term in the path filter of a remove (an empty add or replace is sent as one) (identity-center-scim.md §4 PatchUser)")
	}
	if op == "remove" {
		if requiredPaths[plain] {
			return nil, errOf("mutability", plain, "is required by Identity Center and cannot be removed (identity-center-scim.md §4 PatchUser, Required)")
		}
		return []Op{{Op: "remove", Path: p.String()}}, nil
	}
	// Objects for name and the enterprise extension become one op per
	// sub-attribute, so that an empty sub-attribute can become a remove.
	if m, ok := value.(map[string]any); ok && p.filter == "" && p.sub.name == "" && (p.top.kind == kindName || p.top.kind == kindEnterprise) {
		var out []Op
		for _, k := range sortedKeys(m) {
			sub := p.top.name + "." + k
			if p.top.kind == kindEnterprise {
				sub = SchemaEnterprise + ":" + k
			}
			o, err := pathedOp(op, sub, m[k], true, st)
			if err != nil {
				return nil, err
			}
			out = append(out, o...)
		}
		return out, nil
	}
	if isEmpty(value) {
		if requiredPaths[plain] {
			return nil, invalid(plain, "must not be empty: Identity Center requires it (identity-center-scim.md §4 Required, Empty strings)")
		}
		rules.add(RulePatchEmptyAsRemove)
		return []Op{{Op: "remove", Path: p.String()}}, nil
	}
	if filtered {
		return st.filtered(p, rawPath, value)
	}
	v, err := patchValue(p, value, rules)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil // e.g. an incomplete address, dropped with its rule
	}
	if op == "add" && p.top.kind == kindMulti && p.filter == "" && p.sub.name == "" {
		// A second value would be refused (identity-center-scim.md §4 "at most ONE value").
		rules.add(RulePatchAddAsReplace)
		op = "replace"
	}
	return []Op{{Op: op, Path: p.String(), Value: v}}, nil
}

// patchValue translates the value of an add or replace at path p with the
// same rules as a create.
func patchValue(p path, value any, rules *ruleSet) (any, *Error) {
	attr := p.String()
	switch {
	case p.top.kind == kindEnterprise && p.subSub == "value":
		return attrValue(attrSpec{name: "value", kind: kindString}, attr, value, rules)
	case p.top.kind == kindEnterprise:
		return attrValue(p.sub, attr, value, rules)
	case p.sub.name != "":
		return attrValue(p.sub, attr, value, rules)
	default:
		return attrValue(p.top, attr, value, rules)
	}
}
