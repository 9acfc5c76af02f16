package translate

import (
	"encoding/json"
	"strings"
)

// Filtered add/replace on emails, phoneNumbers and addresses.
//
// identity-center-scim.md §4: "emails, addresses, phoneNumbers and roles take
// at most ONE value. More than one → 400." A generic SCIM client may send
// replace emails[type eq "home"].value; sent as is, Identity Center applies it
// to the user's one email when the filter matches, and otherwise adds a
// second value and refuses the request with 400 — a failed task that no retry
// fixes. The bridge keeps no state (DESIGN.md) and cannot tell which case it
// is without reading the user first. So it sends what the client asked for in
// a form that is right either way: Identity Center's one value becomes the
// value the filter and the new sub-attributes describe, as a replace of the
// whole attribute (RulePatchFilterAsReplace). When the filter matches, that
// is what Identity Center would have stored anyway (emails and phoneNumbers
// hold only value, type and primary; an address needs all five parts); when
// it does not, the user ends with the value the client set, instead of a 400.
// Only a filtered change that does not carry the value itself (the type or
// one address part alone) cannot be rewritten without the current value, and
// is refused with a 400 that names the form to send instead.
// Okta itself never sends filtered user paths (okta-scim-client.md §2.3).

// oneValue is the single value that consecutive filtered add/replace ops on
// one attribute describe, merged in order; its op carries a *oneValue until
// finish replaces it with the checked value.
type oneValue struct {
	attr   string
	path   string // the first op's path, for details
	filter string
	elem   map[string]any
}

// filtered records a filtered add/replace at p. The first for an attribute
// returns the replace op that will carry the value; later ones with the same
// filter merge into it.
func (st *patchState) filtered(p path, raw string, value any) ([]Op, *Error) {
	attr := p.top.name
	ov := st.values[attr]
	if ov != nil && ov.filter != p.filter {
		return nil, errOf("invalidPath", raw, "targets a different %s value than %s in the same request, but Identity Center holds one %s value per user (identity-center-scim.md §4 \"at most ONE value\")", attr, ov.path, attr)
	}
	first := ov == nil
	if first {
		ov = &oneValue{attr: attr, path: raw, filter: p.filter, elem: map[string]any{}}
		for _, t := range filterTerms(p.filter) {
			if t.value != nil {
				ov.elem[subName(attr, t.attr)] = t.value
			}
		}
		st.values[attr] = ov
	}
	if p.sub.name != "" {
		ov.elem[p.sub.name] = value
	} else {
		m, ok := value.(map[string]any)
		if !ok {
			return nil, invalid(raw, "must be an object of %s sub-attributes", attr)
		}
		for _, k := range sortedKeys(m) {
			ov.elem[subName(attr, k)] = m[k]
		}
	}
	st.rules.add(RulePatchFilterAsReplace)
	if !first {
		return nil, nil
	}
	return []Op{{Op: "replace", Path: attr, Value: ov}}, nil
}

// finish checks each value filtered ops built, with the rules of a create,
// and puts it in its op.
func (st *patchState) finish(out []Op) *Error {
	for i, o := range out {
		ov, ok := o.Value.(*oneValue)
		if !ok {
			continue
		}
		var rules ruleSet
		v, err := multiValue(ov.attr, []any{ov.elem}, &rules)
		if err != nil {
			return err
		}
		if v == nil {
			need := "its value"
			if ov.attr == "addresses" {
				need = "all five of streetAddress, locality, region, postalCode and country (identity-center-scim.md §4 Lifecycle)"
			}
			return errOf("invalidPath", ov.path, "changes part of the user's one %s value without %s; Identity Center holds one %s value (identity-center-scim.md §4 \"at most ONE value\") and a filter that matched nothing would make a second one, which it refuses. Send the whole value instead: {\"op\":\"replace\",\"path\":\"%s\",\"value\":[{…}]}", ov.attr, need, ov.attr, ov.attr)
		}
		for _, r := range rules {
			st.rules.add(r)
		}
		out[i].Value = v
	}
	return nil
}

// subName spells a sub-attribute of attr canonically when it is one
// Identity Center knows; others are dropped later with their rule.
func subName(attr, name string) string {
	var scratch ruleSet
	if s, ok := lookup(multiAttrs[attr], name, &scratch); ok {
		return s.name
	}
	return name
}

type filterTerm struct {
	attr  string
	value any // string, bool, or nil for null
}

// filterTerms reads a canonical filter from eqFilter ("a eq v and b eq w").
// A number stays as its text: the sub-attributes it can name are strings.
func filterTerms(f string) []filterTerm {
	var terms []filterTerm
	rest := f
	for rest != "" {
		m := eqTerm.FindStringSubmatch(rest)
		if m == nil {
			break
		}
		t := filterTerm{attr: m[1]}
		switch lit := m[2]; strings.ToLower(lit) {
		case "true", "false":
			t.value = strings.EqualFold(lit, "true")
		case "null":
		default:
			var s string
			if json.Unmarshal([]byte(lit), &s) == nil {
				t.value = s
			} else if !strings.HasPrefix(lit, `"`) {
				t.value = lit
			}
		}
		terms = append(terms, t)
		rest = rest[len(m[0]):]
		if loc := andSep.FindStringIndex(rest); loc != nil {
			rest = rest[loc[1]:]
		}
	}
	return terms
}
