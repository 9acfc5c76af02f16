package conformance

import (
	"net/http"
	"slices"
)

// schemaCases cover what "violates schema" refuses (§6) beyond the named
// attribute rules, and the parameters and sub-attributes §3–§5 call unsupported.
func schemaCases() []Case {
	return []Case{
		{
			Name: "schema/wrong-json-types",
			Rule: "schema.types",
			Ref:  `§6 "400 ValidationException — unparsable, violates schema, or unsupported operation"`,
			Run: func(t T, c *Conn) {
				for what, set := range map[string]func(map[string]any){
					"displayName a number": func(b map[string]any) { b["displayName"] = 42 },
					"active a string":      func(b map[string]any) { b["active"] = "yes" },
					"name a string":        func(b map[string]any) { b["name"] = "Conformance Case" },
					"emails an object":     func(b map[string]any) { b["emails"] = map[string]any{"value": b["userName"], "primary": true} },
				} {
					body := c.UserBody("types")
					set(body)
					c.Refused(c.Do(http.MethodPost, "/Users", body), "CreateUser with "+what)
					c.NoUserNamed(body["userName"].(string))
				}
				id := c.NewUser("types")
				before := c.Get(userPath(id))
				c.Refused(c.Patch(userPath(id), Op("replace", `emails[type eq "work"`, c.prefix+"-x@example.com")), "PatchUser with an unterminated path filter")
				c.Refused(c.Patch(userPath(id), Op("replace", "active", "no")), "PatchUser active to a string")
				if after := c.Get(userPath(id)); after["active"] != before["active"] {
					t.Errorf("refused PATCH changed active to %v", after["active"])
				}
				g := c.CreateGroup(c.GroupBody("types"))
				c.Refused(c.Patch(groupPath(g), Op("add", "members", "not-a-list")), "PatchGroup members as a string")
			},
		},
		{
			Name: "schema/group-attributes-on-create",
			Rule: "group.attributes",
			Ref:  `§5 "Only displayName, members and externalId can be changed." (other attributes on create: UNCONFIRMED)`,
			Run: func(t T, c *Conn) {
				body := c.GroupBody("description")
				body["description"] = "not a group attribute in Identity Center"
				r := c.Do(http.MethodPost, "/Groups", body)
				// UNCONFIRMED whether AWS refuses or drops it; the emulator refuses.
				if r.Status == http.StatusCreated && !c.target.Strict {
					if _, ok := r.JSON()["description"]; ok {
						t.Errorf("CreateGroup stored description: %s", r)
					}
					return
				}
				c.Refused(r, "CreateGroup with description")
				c.NoGroupNamed(body["displayName"].(string))
			},
		},
		{
			Name: "schema/no-attributes-parameter",
			Rule: "paging.no-attributes",
			Ref:  `§3 "ListUsers does not support startIndex, attributes or excludedAttributes."`,
			Run: func(t T, c *Conn) {
				body := c.UserBody("attributes")
				c.CreateUser(body)
				filter := Query{Filter: Eq("userName", body["userName"].(string))}.String()
				for _, param := range []string{"attributes=userName", "excludedAttributes=displayName"} {
					r := c.Do(http.MethodGet, "/Users"+filter+"&"+param, nil)
					// UNCONFIRMED whether AWS refuses or ignores it; the emulator refuses.
					if r.Status == http.StatusOK && !c.target.Strict {
						res, _ := r.JSON()["Resources"].([]any)
						if len(res) == 1 && str(res[0].(map[string]any), "displayName") == "" {
							t.Errorf("ListUsers %s trimmed the resource; it is documented unsupported: %s", param, r)
						}
						continue
					}
					c.Refused(r, "ListUsers with "+param)
				}
			},
		},
		{
			Name: "schema/member-display",
			Rule: "group.member-display",
			Ref:  `§4 "Unsupported sub-attributes: display of emails, addresses, phoneNumbers, and of any multi-valued attribute"`,
			Run: func(t T, c *Conn) {
				u := c.NewUser("display")
				members := []any{map[string]any{"value": u, "display": "Conformance display"}}
				body := c.GroupBody("display")
				body["members"] = members
				r := c.Do(http.MethodPost, "/Groups", body)
				// UNCONFIRMED whether AWS refuses or drops it; the emulator refuses.
				if !(r.Status == http.StatusCreated && !c.target.Strict) {
					c.Refused(r, "CreateGroup with members[].display")
					c.NoGroupNamed(body["displayName"].(string))
				}
				g := c.CreateGroup(c.GroupBody("display"))
				r = c.Patch(groupPath(g), Op("add", "members", members))
				if ok2xx(r) && !c.target.Strict {
					if !slices.Contains(c.GroupsOf(u), g) {
						t.Errorf("add with members[].display accepted but the member was not added")
					}
					return
				}
				c.Refused(r, "PatchGroup add members[].display")
				if c.IsMember(g, u) {
					t.Errorf("refused add with display added the member")
				}
			},
		},
	}
}
