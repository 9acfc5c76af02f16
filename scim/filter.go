package scim

import (
	"fmt"
	"net/http"

	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// attrSchema is a resource schema's ID and its attributes plus the common
// ones (id, externalId, meta), built once in NewHandler: elimity builds a
// schema from scratch on every call, which cost half a PUT's CPU per request.
type attrSchema struct {
	id    string
	attrs schema.Attributes
}

func newAttrSchema(s schema.Schema) attrSchema {
	attrs := append(schema.Attributes{}, s.Attributes...)
	return attrSchema{id: s.ID, attrs: append(attrs, schema.CommonAttributes()...)}
}

// eqTerms flattens a filter elimity has parsed and validated into eq terms.
// Identity Center understands nothing else (identity-center-scim.md §3:
// "Syntax: <filterAttribute> eq "<filterValue>""; okta-scim-client.md §8
// "Filters: only eq, joined with and"), and Okta sends nothing else (§7
// "Filters: only eq is needed"), so any other form is refused here, before an
// upstream call. Attribute names come back in the schema's spelling.
func eqTerms(e filter.Expression, s attrSchema) ([]identitycenter.Eq, error) {
	switch e := e.(type) {
	case *filter.AttributeExpression:
		if e.Operator != filter.EQ {
			return nil, filterError("operator %q is not supported (in %s): only eq terms joined by and", string(e.Operator), e)
		}
		v, ok := e.CompareValue.(string)
		if !ok {
			return nil, filterError("the value in %s must be a quoted string", e)
		}
		return []identitycenter.Eq{{Attr: canonicalAttr(e.AttributePath, s), Value: v}}, nil
	case *filter.LogicalExpression:
		if e.Operator != filter.AND {
			return nil, filterError("%q is not supported: only eq terms joined by and", string(e.Operator))
		}
		left, err := eqTerms(e.Left, s)
		if err != nil {
			return nil, err
		}
		right, err := eqTerms(e.Right, s)
		if err != nil {
			return nil, err
		}
		return append(left, right...), nil
	case *filter.NotExpression:
		return nil, filterError("not(…) is not supported: only eq terms joined by and")
	case *filter.ValuePath:
		return nil, filterError("value path %s is not supported: only eq terms joined by and, e.g. emails.value eq \"…\"", e)
	}
	return nil, filterError("unsupported filter: only eq terms joined by and")
}

// canonicalAttr spells a path as the schema does ("username" → "userName")
// and drops the resource's own schema URI prefix.
func canonicalAttr(p filter.AttributePath, s attrSchema) string {
	name := p.AttributeName
	uri := p.URI()
	if uri == s.id {
		uri = ""
	}
	if uri == "" {
		if a, ok := s.attrs.ContainsAttribute(name); ok {
			name = a.Name()
			if sub := p.SubAttributeName(); sub != "" {
				if sa, ok := a.SubAttributes().ContainsAttribute(sub); ok {
					return name + "." + sa.Name()
				}
			}
		}
	}
	out := name
	if uri != "" {
		out = uri + ":" + name
	}
	if sub := p.SubAttributeName(); sub != "" {
		out += "." + sub
	}
	return out
}

func filterError(format string, args ...any) *scimError {
	return &scimError{status: http.StatusBadRequest, scimType: "invalidFilter", detail: "invalid filter: " + fmt.Sprintf(format, args...)}
}

// explainFilter says why elimity refused a filter: a parse error, or an
// attribute the schema does not have.
func explainFilter(raw string, s schema.Schema, exts ...schema.Schema) string {
	e, err := filter.ParseFilter([]byte(raw))
	if err != nil {
		return fmt.Sprintf("invalid filter %q: it does not parse as a SCIM filter (RFC 7644 §3.4.2.2), e.g. userName eq \"jane@example.com\"", capString(raw, 200))
	}
	if name := unknownFilterAttr(e, s, exts); name != "" {
		return fmt.Sprintf("invalid filter: %q is not an attribute of %s", name, s.Name.Value())
	}
	return ""
}

func unknownFilterAttr(e filter.Expression, s schema.Schema, exts []schema.Schema) string {
	switch e := e.(type) {
	case *filter.AttributeExpression:
		return checkAttrPath(e.AttributePath, s, exts)
	case *filter.ValuePath:
		return checkAttrPath(e.AttributePath, s, exts)
	case *filter.LogicalExpression:
		if n := unknownFilterAttr(e.Left, s, exts); n != "" {
			return n
		}
		return unknownFilterAttr(e.Right, s, exts)
	case *filter.NotExpression:
		return unknownFilterAttr(e.Expression, s, exts)
	}
	return ""
}

func checkAttrPath(p filter.AttributePath, s schema.Schema, exts []schema.Schema) string {
	ref := s
	if uri := p.URI(); uri != "" && uri != s.ID {
		found := false
		for _, x := range exts {
			if x.ID == uri {
				ref, found = x, true
			}
		}
		if !found {
			return p.String()
		}
	}
	attrs := append(schema.Attributes{}, ref.Attributes...)
	attrs = append(attrs, schema.CommonAttributes()...)
	a, ok := attrs.ContainsAttribute(p.AttributeName)
	if !ok {
		return p.String()
	}
	if sub := p.SubAttributeName(); sub != "" {
		if _, ok := a.SubAttributes().ContainsAttribute(sub); !ok {
			return p.String()
		}
	}
	return ""
}

func capString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
