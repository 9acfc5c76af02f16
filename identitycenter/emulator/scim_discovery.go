package emulator

import (
	"net/http"
	"net/url"
)

// routeDiscovery serves ServiceProviderConfig, Schemas and ResourceTypes.
// §2: GET only ("read-only"); /Schemas and /ResourceTypes "since 2024-02-07".
func (e *Emulator) routeDiscovery(w http.ResponseWriter, r *http.Request, rt scimRoute) *scimError {
	if r.Method != http.MethodGet && !e.lenient(RuleDiscoveryReadOnly) {
		return badRequest(RuleDiscoveryReadOnly, "%s is not supported on /%s; it is read-only.", r.Method, rt.resource)
	}
	switch {
	case rt.resource == "ServiceProviderConfig" && rt.id == "":
		writeJSON(w, http.StatusOK, serviceProviderConfig())
	case rt.resource == "Schemas" && rt.id == "":
		list := []any{userSchemaDoc(), groupSchemaDoc(), enterpriseSchemaDoc()}
		writeJSON(w, http.StatusOK, map[string]any{
			"schemas": []any{listSchema}, "totalResults": len(list), "itemsPerPage": len(list), "startIndex": 1, "Resources": list,
		})
	case rt.resource == "Schemas":
		urn, err := url.PathUnescape(rt.id)
		if err != nil {
			urn = rt.id
		}
		for _, s := range []map[string]any{userSchemaDoc(), groupSchemaDoc(), enterpriseSchemaDoc()} {
			if s["id"] == urn {
				writeJSON(w, http.StatusOK, s)
				return nil
			}
		}
		return notFound("Schema", urn)
	case rt.resource == "ResourceTypes" && rt.id == "":
		list := []any{
			resourceType("User", "/Users", userSchema, enterpriseSchema),
			resourceType("Group", "/Groups", groupSchema, ""),
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"schemas": []any{listSchema}, "totalResults": len(list), "itemsPerPage": len(list), "startIndex": 1, "Resources": list,
		})
	default:
		return &scimError{status: http.StatusNotFound, detail: "No such endpoint."}
	}
	return nil
}

// serviceProviderConfig is the captured response (§2 "ServiceProviderConfig content").
func serviceProviderConfig() map[string]any {
	return map[string]any{
		"schemas":          []any{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"documentationUri": "https://docs.aws.amazon.com/singlesignon/latest/developerguide/what-is-scim.html",
		"authenticationSchemes": []any{map[string]any{
			"type": "oauthbearertoken", "name": "OAuth Bearer Token",
			"description": "Authentication scheme using the OAuth Bearer Token Standard", "primary": true,
			"specUri":          "https://www.rfc-editor.org/info/rfc6750",
			"documentationUri": "https://docs.aws.amazon.com/singlesignon/latest/userguide/provision-automatically.html",
		}},
		"patch":          map[string]any{"supported": true},
		"bulk":           map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":         map[string]any{"supported": true, "maxResults": 50},
		"changePassword": map[string]any{"supported": false},
		"sort":           map[string]any{"supported": false},
		"etag":           map[string]any{"supported": false},
	}
}

func resourceType(name, endpoint, schema, ext string) map[string]any {
	rt := map[string]any{
		"schemas":     []any{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
		"id":          name,
		"name":        name,
		"endpoint":    endpoint,
		"description": name,
		"schema":      schema,
		"meta":        map[string]any{"resourceType": "ResourceType"},
	}
	if ext != "" {
		rt["schemaExtensions"] = []any{map[string]any{"schema": ext, "required": false}}
	}
	return rt
}

// schemaAttrs renders attribute definitions as RFC 7643 §7 schema attributes.
func schemaAttrs(defs []attrDef, required map[string]bool) []any {
	out := make([]any, 0, len(defs))
	for _, d := range defs {
		if d.name == enterpriseSchema {
			continue
		}
		a := map[string]any{
			"name": d.name, "required": required[d.name], "mutability": "readWrite",
			"returned": "default", "uniqueness": "none", "caseExact": false, "multiValued": d.kind == kindMulti,
		}
		switch d.kind {
		case kindBool:
			a["type"] = "boolean"
		case kindComplex, kindMulti:
			a["type"] = "complex"
			a["subAttributes"] = schemaAttrs(d.sub, required)
		default:
			a["type"] = "string"
		}
		if d.name == "userName" {
			a["uniqueness"] = "server"
		}
		out = append(out, a)
	}
	return out
}

func schemaDoc(id, name string, attrs []any) map[string]any {
	return map[string]any{
		"schemas":    []any{"urn:ietf:params:scim:schemas:core:2.0:Schema"},
		"id":         id,
		"name":       name,
		"attributes": attrs,
		"meta":       map[string]any{"resourceType": "Schema", "location": "/Schemas/" + id},
	}
}

func userSchemaDoc() map[string]any {
	// §4 "Required on create (POST) and replace (PUT): userName, name.givenName, name.familyName, displayName."
	req := map[string]bool{"userName": true, "givenName": true, "familyName": true, "displayName": true}
	return schemaDoc(userSchema, "User", schemaAttrs(userAttrs, req))
}

func groupSchemaDoc() map[string]any {
	defs := []attrDef{groupAttrDisplayName, groupAttrExternalID, {name: "members", kind: kindMulti, sub: []attrDef{{name: "value"}}}}
	return schemaDoc(groupSchema, "Group", schemaAttrs(defs, map[string]bool{"displayName": true}))
}

func enterpriseSchemaDoc() map[string]any {
	def, _ := lookupAttr(userAttrs, enterpriseSchema)
	return schemaDoc(enterpriseSchema, "EnterpriseUser", schemaAttrs(def.sub, nil))
}
