package conformance

import (
	"bytes"
	"net/http"
	"slices"
)

// endpointCases cover §2: the operations, their statuses and what is unsupported.
func endpointCases() []Case {
	return []Case{
		{
			Name: "endpoints/create-201",
			Rule: "endpoint.create-201",
			Ref:  `§2 "/Users POST CreateUser — 201 with the resource body"; "/Groups POST CreateGroup — 201 with the resource body"`,
			Run: func(t T, c *Conn) {
				ub := c.UserBody("create")
				r := c.Do(http.MethodPost, "/Users", ub)
				if c.ExpectStatus(r, "CreateUser", http.StatusCreated) {
					u := r.JSON()
					if str(u, "id") == "" || str(u, "userName") != ub["userName"] || str(u, "name", "givenName") != "Conformance" {
						t.Errorf("CreateUser body is not the created resource: %s", r)
					}
					if s, _ := u["schemas"].([]any); !slices.Contains(s, any(userSchema)) {
						t.Errorf("CreateUser body lacks the User schema: %s", r)
					}
				}
				gb := c.GroupBody("create")
				r = c.Do(http.MethodPost, "/Groups", gb)
				if c.ExpectStatus(r, "CreateGroup", http.StatusCreated) {
					g := r.JSON()
					if str(g, "id") == "" || str(g, "displayName") != gb["displayName"] {
						t.Errorf("CreateGroup body is not the created resource: %s", r)
					}
				}
			},
		},
		{
			Name: "endpoints/get-and-put-user",
			Ref:  `§2 "/Users/{id} GET GetUser"; "/Users/{id} PUT PutUser"; "PutUser and PatchUser: clients accept 200. teleport also accepts 201 on PUT."`,
			Run: func(t T, c *Conn) {
				body := c.UserBody("put")
				id := c.CreateUser(body)["id"].(string)
				got := c.Get(userPath(id))
				if str(got, "id") != id || str(got, "userName") != body["userName"] || str(got, "displayName") != body["displayName"] {
					t.Errorf("GetUser does not return the user created: %v", got)
				}
				body["displayName"] = "Conformance put replaced"
				body["name"] = map[string]any{"givenName": "Replaced", "familyName": "Case"}
				r := c.Do(http.MethodPut, userPath(id), body)
				c.ExpectStatus(r, "PutUser", http.StatusOK, http.StatusCreated)
				got = c.Get(userPath(id))
				if str(got, "displayName") != "Conformance put replaced" || str(got, "name", "givenName") != "Replaced" {
					t.Errorf("PutUser did not replace displayName and name: %v", got)
				}
			},
		},
		{
			Name: "endpoints/delete-204-then-404",
			Rule: "endpoint.delete-204-404",
			Ref:  `§2 "DELETE … HTTP/1.1 204, empty body; 404 if missing"`,
			Run: func(t T, c *Conn) {
				for _, p := range []string{userPath(c.NewUser("delete")), groupPath(c.CreateGroup(c.GroupBody("delete")))} {
					r := c.Do(http.MethodDelete, p, nil)
					if c.ExpectStatus(r, "first DELETE", http.StatusNoContent) && len(bytes.TrimSpace(r.Body)) != 0 {
						t.Errorf("DELETE 204 has a body: %s", r)
					}
					c.ExpectStatus(c.Do(http.MethodGet, p, nil), "GET after DELETE", http.StatusNotFound)
					c.ExpectStatus(c.Do(http.MethodDelete, p, nil), "second DELETE", http.StatusNotFound)
				}
			},
		},
		{
			Name: "endpoints/unknown-id-404",
			Ref:  `§6 "404 ResourceNotFoundException"; §2 "404 if missing"`,
			Run: func(t T, c *Conn) {
				missing := "/" + c.prefix + "-missing"
				c.ExpectStatus(c.Do(http.MethodGet, "/Users"+missing, nil), "GetUser of an unknown id", http.StatusNotFound)
				c.ExpectStatus(c.Do(http.MethodGet, "/Groups"+missing, nil), "GetGroup of an unknown id", http.StatusNotFound)
				c.ExpectStatus(c.Patch("/Users"+missing, Op("replace", "displayName", "x")), "PatchUser of an unknown id", http.StatusNotFound)
				c.ExpectStatus(c.Patch("/Groups"+missing, Op("replace", "displayName", c.prefix)), "PatchGroup of an unknown id", http.StatusNotFound)
			},
		},
		{
			Name: "endpoints/no-group-put",
			Rule: "endpoint.no-group-put",
			Ref:  `§2 "/Groups/{id} PUT none — no PutGroup; unsupported"; §5 "There is no PUT on /Groups/{id}."`,
			Run: func(t T, c *Conn) {
				body := c.GroupBody("put")
				id := c.CreateGroup(body)
				renamed := body["displayName"].(string) + "-renamed"
				c.RefusedAny(c.Do(http.MethodPut, groupPath(id), map[string]any{"schemas": []any{groupSchema}, "displayName": renamed}), "PUT /Groups/{id}")
				if got := str(c.Get(groupPath(id)), "displayName"); got != body["displayName"] {
					t.Errorf("refused group PUT changed displayName to %q", got)
				}
			},
		},
		{
			Name: "endpoints/no-bulk-me-search",
			Rule: "endpoint.no-bulk-me-search",
			Ref:  `§2 "/Me, /Bulk, /Search any — none — unsupported"`,
			Run: func(t T, c *Conn) {
				c.RefusedAny(c.Do(http.MethodGet, "/Me", nil), "GET /Me")
				// An empty bulk request: harmless even where Bulk exists.
				c.RefusedAny(c.Do(http.MethodPost, "/Bulk", map[string]any{
					"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:BulkRequest"}, "Operations": []any{},
				}), "POST /Bulk")
				search := map[string]any{
					"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"},
					"filter":  Eq("userName", c.prefix+"@example.com"),
				}
				c.RefusedAny(c.Do(http.MethodPost, "/.search", search), "POST /.search")
				c.RefusedAny(c.Do(http.MethodPost, "/Users/.search", search), "POST /Users/.search")
				c.RefusedAny(c.Do(http.MethodPost, "/Search", search), "POST /Search")
			},
		},
		{
			Name: "endpoints/service-provider-config",
			Ref:  `§2 "ServiceProviderConfig content": patch true, bulk false, changePassword false, sort false, etag false, filter true, maxResults 50`,
			Run: func(t T, c *Conn) {
				spc := c.Get("/ServiceProviderConfig")
				for key, want := range map[string]bool{"patch": true, "bulk": false, "changePassword": false, "sort": false, "etag": false, "filter": true} {
					m, _ := spc[key].(map[string]any)
					if got, ok := m["supported"].(bool); !ok || got != want {
						t.Errorf("ServiceProviderConfig %s.supported = %v, want %v", key, m["supported"], want)
					}
				}
				// §2 captured response: "filter.supported true, maxResults 50".
				if f, _ := spc["filter"].(map[string]any); f["maxResults"] != 50.0 {
					t.Errorf("ServiceProviderConfig filter.maxResults = %v, want 50", f["maxResults"])
				}
				// §1 "Auth: oauthbearertoken only".
				schemes, _ := spc["authenticationSchemes"].([]any)
				if len(schemes) != 1 || str(schemes[0].(map[string]any), "type") != "oauthbearertoken" {
					t.Errorf("authenticationSchemes = %v, want only oauthbearertoken", spc["authenticationSchemes"])
				}
			},
		},
		{
			Name: "endpoints/schemas-and-resource-types",
			Ref:  `§2 "/Schemas, /Schemas/{urn} GET ListSchemas, GetSchema — since 2024-02-07"; "/ResourceTypes GET ListResourceTypes"`,
			Run: func(t T, c *Conn) {
				c.Get("/Schemas")
				if got := c.Get("/Schemas/" + userSchema); str(got, "id") != userSchema {
					t.Errorf("GetSchema User: id = %q, want %q", str(got, "id"), userSchema)
				}
				c.Get("/ResourceTypes")
			},
		},
		{
			Name: "endpoints/discovery-read-only",
			Rule: "endpoint.discovery-read-only",
			Ref:  `§2 "/ServiceProviderConfig GET ServiceProviderConfig — read-only"; /Schemas and /ResourceTypes are GET only`,
			Run: func(t T, c *Conn) {
				before := c.Get("/ServiceProviderConfig")
				changed := map[string]any{"schemas": before["schemas"], "bulk": map[string]any{"supported": true, "maxOperations": 10, "maxPayloadSize": 1000}}
				c.RefusedAny(c.Do(http.MethodPut, "/ServiceProviderConfig", changed), "PUT /ServiceProviderConfig")
				c.RefusedAny(c.Do(http.MethodPost, "/ServiceProviderConfig", changed), "POST /ServiceProviderConfig")
				c.RefusedAny(c.Patch("/ServiceProviderConfig", Op("replace", "bulk.supported", true)), "PATCH /ServiceProviderConfig")
				c.RefusedAny(c.Do(http.MethodDelete, "/ServiceProviderConfig", nil), "DELETE /ServiceProviderConfig")
				c.RefusedAny(c.Do(http.MethodPost, "/Schemas", map[string]any{"id": "urn:" + c.prefix}), "POST /Schemas")
				c.RefusedAny(c.Do(http.MethodDelete, "/Schemas/"+userSchema, nil), "DELETE /Schemas/{urn}")
				c.RefusedAny(c.Do(http.MethodPost, "/ResourceTypes", map[string]any{"id": c.prefix}), "POST /ResourceTypes")
				after := c.Get("/ServiceProviderConfig")
				if b, _ := after["bulk"].(map[string]any); b["supported"] != false {
					t.Errorf("ServiceProviderConfig changed after refused writes: bulk = %v", after["bulk"])
				}
				c.Get("/Schemas/" + userSchema)
			},
		},
	}
}
