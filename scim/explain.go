package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	elimity "github.com/elimity-com/scim"
	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"
)

const patchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

// explain turns elimity's generic refusal into a detail that names the
// attribute and the rule. It returns "" when it finds nothing more precise,
// and elimity's detail stands.
func (h *handler) explain(r *http.Request, ex *exchange, se *scimError) string {
	rt, ok := h.types[ex.kind]
	if !ok {
		if se.status == http.StatusNotFound {
			return fmt.Sprintf("no SCIM endpoint %s %s%s: this bridge serves /Users and /Groups", r.Method, BasePath, strings.TrimPrefix(r.URL.Path, "/v2"))
		}
		return ""
	}
	if se.status != http.StatusBadRequest {
		if se.status == http.StatusNotFound {
			return fmt.Sprintf("method %s is not supported on %s%s", r.Method, BasePath, strings.TrimPrefix(r.URL.Path, "/v2"))
		}
		return ""
	}
	var exts []schema.Schema
	for _, x := range rt.SchemaExtensions {
		exts = append(exts, x.Schema)
	}
	switch ex.method {
	case http.MethodGet:
		if f := strings.TrimSpace(r.URL.Query().Get("filter")); f != "" && se.scimType == "invalidFilter" {
			return explainFilter(f, rt.Schema, exts...)
		}
	case http.MethodPost, http.MethodPut:
		return explainResource(ex.body, rt)
	case http.MethodPatch:
		return explainPatch(ex.body, rt)
	}
	return ""
}

// allowed returns the methods a /Users or /Groups path supports, for a 405's
// Allow header; "" when the path is not a collection or a resource of ours.
func (h *handler) allowed(r *http.Request, ex *exchange) string {
	if _, ok := h.types[ex.kind]; !ok {
		return ""
	}
	switch strings.Count(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v2"), "/"), "/") {
	case 0:
		return "GET, POST"
	case 1:
		return "GET, PUT, PATCH, DELETE"
	}
	return ""
}

func decodeJSON(body []byte) (any, string) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, "the request body is empty; a JSON object is required"
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, "the request body is not valid JSON: " + err.Error()
	}
	return v, ""
}

// explainResource checks a POST/PUT body the way elimity does, one rule at a
// time, and names the first broken one.
func explainResource(body []byte, rt elimity.ResourceType) string {
	v, msg := decodeJSON(body)
	if msg != "" {
		return msg
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "the request body must be a JSON object"
	}
	if !listsSchema(m["schemas"], rt.Schema.ID) {
		return fmt.Sprintf("\"schemas\" must be an array that includes %q", rt.Schema.ID)
	}
	attrs := append(schema.Attributes{}, rt.Schema.Attributes...)
	attrs = append(attrs, schema.CommonAttributes()...)
	if d := explainAttrs(m, attrs, rt.Schema.ID, ""); d != "" {
		return d
	}
	for _, x := range rt.SchemaExtensions {
		raw, ok := m[x.Schema.ID]
		if !ok || raw == nil {
			continue
		}
		em, ok := raw.(map[string]any)
		if !ok {
			return fmt.Sprintf("%q must be an object of extension attributes", x.Schema.ID)
		}
		if d := explainAttrs(em, x.Schema.Attributes, x.Schema.ID, x.Schema.ID+":"); d != "" {
			return d
		}
	}
	return ""
}

func listsSchema(v any, id string) bool {
	arr, ok := v.([]any)
	if !ok {
		return false
	}
	for _, s := range arr {
		if s == id {
			return true
		}
	}
	return false
}

// explainAttrs checks duplicates, required attributes and each value's type.
func explainAttrs(m map[string]any, attrs schema.Attributes, schemaID, prefix string) string {
	seen := map[string]string{}
	for _, k := range sortedKeys(m) {
		lk := strings.ToLower(k)
		if other, dup := seen[lk]; dup {
			return fmt.Sprintf("attribute %q is given twice (as %q and %q); attribute names are case-insensitive", prefix+k, other, k)
		}
		seen[lk] = k
	}
	for _, a := range attrs {
		if !a.Required() || a.Mutability() == "readOnly" {
			continue
		}
		if v, ok := lookupFold(m, a.Name()); !ok || v == nil {
			return fmt.Sprintf("attribute %q is required", prefix+a.Name())
		}
	}
	for _, k := range sortedKeys(m) {
		a, ok := attrs.ContainsAttribute(k)
		if !ok || m[k] == nil {
			continue // unknown attributes are ignored, as elimity ignores them
		}
		if d := explainValue(a, m[k], schemaID, prefix+a.Name()); d != "" {
			return d
		}
	}
	return ""
}

// explainValue validates v as attribute a alone, and if that fails says what
// a must look like, down to the failing sub-attribute.
func explainValue(a schema.CoreAttribute, v any, schemaID, name string) string {
	if a.Mutability() == "readOnly" || valid(a, v, schemaID) {
		return ""
	}
	if a.AttributeType() == "complex" {
		elems := []any{v}
		if a.MultiValued() {
			arr, ok := v.([]any)
			if !ok {
				return fmt.Sprintf("attribute %q must be %s", name, describe(a))
			}
			elems = arr
		}
		for _, e := range elems {
			obj, ok := e.(map[string]any)
			if !ok {
				return fmt.Sprintf("attribute %q must be %s", name, describe(a))
			}
			for _, k := range sortedKeys(obj) {
				sa, ok := a.SubAttributes().ContainsAttribute(k)
				if !ok || obj[k] == nil {
					continue
				}
				if d := explainValue(sa, obj[k], schemaID, name+"."+sa.Name()); d != "" {
					return d
				}
			}
		}
	}
	return fmt.Sprintf("attribute %q must be %s", name, describe(a))
}

// valid runs elimity's own validation on a one-attribute schema.
func valid(a schema.CoreAttribute, v any, schemaID string) bool {
	s := schema.Schema{ID: schemaID, Attributes: schema.Attributes{a.WithRequired(false)}}
	_, err := s.ValidateExtension(map[string]any{a.Name(): v})
	return err == nil
}

func describe(a schema.CoreAttribute) string {
	var one string
	switch a.AttributeType() {
	case "boolean":
		one = "a JSON boolean (true or false, not a string)"
	case "integer":
		one = "a JSON integer"
	case "decimal":
		one = "a JSON number"
	case "complex":
		var names []string
		for _, s := range a.SubAttributes() {
			names = append(names, s.Name())
		}
		one = "an object (" + strings.Join(names, ", ") + ")"
	case "dateTime":
		one = "an xsd:dateTime string"
	default:
		one = "a JSON string"
	}
	if a.MultiValued() {
		return "an array, each element " + one
	}
	return one
}

// explainPatch checks a PatchOp body (RFC 7644 §3.5.2) rule by rule.
func explainPatch(body []byte, rt elimity.ResourceType) string {
	v, msg := decodeJSON(body)
	if msg != "" {
		return msg
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "the request body must be a JSON object"
	}
	if s, _ := lookupFold(m, "schemas"); !isOnly(s, patchOpSchema) {
		return fmt.Sprintf("\"schemas\" must be [%q]", patchOpSchema)
	}
	rawOps, _ := lookupFold(m, "Operations")
	ops, ok := rawOps.([]any)
	if !ok || len(ops) == 0 {
		return "\"Operations\" must be an array of at least one operation"
	}
	attrs := append(schema.Attributes{}, rt.Schema.Attributes...)
	attrs = append(attrs, schema.CommonAttributes()...)
	for i, raw := range ops {
		n := i + 1
		op, ok := raw.(map[string]any)
		if !ok {
			return fmt.Sprintf("operation %d must be an object", n)
		}
		name, _ := lookupFold(op, "op")
		opName, _ := name.(string)
		opName = strings.ToLower(opName)
		if opName != "add" && opName != "remove" && opName != "replace" {
			return fmt.Sprintf("operation %d: \"op\" must be add, remove or replace, not %v", n, name)
		}
		p, _ := lookupFold(op, "path")
		path, isStr := p.(string)
		if p != nil && !isStr {
			return fmt.Sprintf("operation %d: \"path\" must be a string", n)
		}
		value, _ := lookupFold(op, "value")
		if path == "" {
			if opName == "remove" {
				return fmt.Sprintf("operation %d: remove needs a \"path\"", n)
			}
			obj, ok := value.(map[string]any)
			if !ok {
				return fmt.Sprintf("operation %d: without a \"path\", \"value\" must be an object of attributes", n)
			}
			for _, k := range sortedKeys(obj) {
				if strings.EqualFold(k, "id") || isExtensionKey(k, rt) {
					continue
				}
				a, ok := attrs.ContainsAttribute(k)
				if !ok {
					return fmt.Sprintf("operation %d: %q is not an attribute of %s", n, k, rt.Name)
				}
				if d := explainPatchTarget(a, opName, obj[k], rt.Schema.ID, k); d != "" {
					return fmt.Sprintf("operation %d: %s", n, d)
				}
			}
			continue
		}
		fp, err := filter.ParsePath([]byte(path))
		if err != nil {
			return fmt.Sprintf("operation %d: \"path\" %q is not a valid SCIM path, e.g. members[value eq \"…\"]", n, path)
		}
		if fp.AttributePath.URI() != "" && fp.AttributePath.URI() != rt.Schema.ID {
			continue // extension paths: elimity's detail stands
		}
		a, ok := attrs.ContainsAttribute(fp.AttributePath.AttributeName)
		if !ok {
			return fmt.Sprintf("operation %d: path %q names no attribute of %s", n, path, rt.Name)
		}
		if opName != "remove" && fp.ValueExpression == nil && fp.SubAttribute == nil && fp.AttributePath.SubAttribute == nil {
			if d := explainPatchTarget(a, opName, value, rt.Schema.ID, a.Name()); d != "" {
				return fmt.Sprintf("operation %d: %s", n, d)
			}
		}
	}
	return ""
}

func explainPatchTarget(a schema.CoreAttribute, op string, v any, schemaID, name string) string {
	if a.Mutability() == "readOnly" {
		return fmt.Sprintf("%q is read-only", name)
	}
	if a.Mutability() == "immutable" && op != "add" {
		return fmt.Sprintf("%q is immutable", name)
	}
	if op == "remove" {
		return ""
	}
	if v == nil {
		return fmt.Sprintf("%q needs a \"value\"", name)
	}
	if d := explainValue(a, v, schemaID, name); d != "" {
		// A single element is also accepted for a multi-valued attribute.
		if a.MultiValued() {
			if _, isArr := v.([]any); !isArr && valid(a, []any{v}, schemaID) {
				return ""
			}
		}
		return d
	}
	return ""
}

func isExtensionKey(k string, rt elimity.ResourceType) bool {
	for _, x := range rt.SchemaExtensions {
		if strings.HasPrefix(k, x.Schema.ID) {
			return true
		}
	}
	return false
}

func isOnly(v any, want string) bool {
	arr, ok := v.([]any)
	return ok && len(arr) == 1 && arr[0] == want
}

func lookupFold(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
