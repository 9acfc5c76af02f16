package conformance

import (
	"net/http"
	"slices"
)

// filterCases cover §3 "Filters".
func filterCases() []Case {
	return []Case{
		{
			Name: "filters/eq-and-only",
			Rule: "filter.eq-and-only",
			Ref:  `§3 "Only eq is supported, and it can only be combined with and. No sw, co, pr, or or not."; "Syntax: <filterAttribute> eq "<filterValue>"."`,
			Run: func(t T, c *Conn) {
				body := c.UserBody("filter")
				c.CreateUser(body)
				name := body["userName"].(string)
				for _, f := range []string{
					`userName sw "` + c.prefix + `"`,
					`userName co "` + c.prefix + `"`,
					`userName pr`,
					`userName ne "` + name + `"`,
					Eq("userName", name) + " or " + Eq("userName", name+"x"),
					`not (` + Eq("userName", name) + `)`,
					// §3 "Syntax: <filterAttribute> eq "<filterValue>"": the value is quoted.
					`userName eq ` + name,
				} {
					c.Refused(c.Do(http.MethodGet, "/Users"+Query{Filter: f}.String(), nil), "ListUsers filter "+f)
				}
				c.Refused(c.Do(http.MethodGet, "/Groups"+Query{Filter: `displayName sw "` + c.prefix + `"`}.String(), nil), "ListGroups filter sw")
				// eq itself works: the refusals above are about the operator.
				r := c.Do(http.MethodGet, "/Users"+Query{Filter: Eq("userName", name)}.String(), nil)
				if c.ExpectStatus(r, "ListUsers userName eq", http.StatusOK) && len(resourceIDs(r.JSON())) != 1 {
					t.Errorf("userName eq should find exactly the user: %s", r)
				}
			},
		},
		{
			Name: "filters/user-attributes",
			Rule: "filter.attributes",
			Ref:  `§3 "ListUsers filter combinations: userName; externalId; groups.value; id and manager; manager and id."`,
			Run: func(t T, c *Conn) {
				body := c.UserBody("attr")
				id := c.CreateUser(body)["id"].(string)
				c.NewUser("attr-other")
				// §3 "id alone is valid, but use GetUser instead."
				for _, f := range []string{Eq("userName", body["userName"].(string)), Eq("externalId", body["externalId"].(string)), Eq("id", id)} {
					if got := c.ListIDs("/Users", f); !slices.Equal(got, []string{id}) {
						t.Errorf("ListUsers %s = %v, want [%s]", f, got, id)
					}
				}
				// §3 "id and manager; manager and id": the manager is the enterprise manager.value.
				mgr := c.NewUser("attr-manager")
				report := c.UserBody("attr-report")
				report["schemas"] = []any{userSchema, enterpriseSchema}
				report[enterpriseSchema] = map[string]any{"manager": map[string]any{"value": mgr}}
				rid := c.CreateUser(report)["id"].(string)
				for _, f := range []string{Eq("id", rid) + " and " + Eq("manager", mgr), Eq("manager", mgr) + " and " + Eq("id", rid)} {
					if got := c.ListIDs("/Users", f); !slices.Equal(got, []string{rid}) {
						t.Errorf("ListUsers %s = %v, want [%s]", f, got, rid)
					}
				}
				if got := c.ListIDs("/Users", Eq("id", id)+" and "+Eq("manager", mgr)); len(got) != 0 {
					t.Errorf("ListUsers id of a user without that manager and manager = %v, want []", got)
				}
				// Values carry the prefix, so even an endpoint that answers matches nothing of anyone else's.
				for _, f := range []string{Eq("displayName", c.prefix), Eq("name.familyName", c.prefix), Eq("title", c.prefix)} {
					c.Refused(c.Do(http.MethodGet, "/Users"+Query{Filter: f}.String(), nil), "ListUsers filter on an attribute outside the list: "+f)
				}
			},
		},
		{
			Name: "filters/group-attributes",
			Rule: "filter.attributes",
			Ref:  `§3 "ListGroups filter combinations: displayName; externalId; id and member[s]; member[s] and id."`,
			Run: func(t T, c *Conn) {
				body := c.GroupBody("attr")
				id := c.CreateGroup(body)
				c.CreateGroup(c.GroupBody("attr-other"))
				dn, ext := body["displayName"].(string), body["externalId"].(string)
				for _, f := range []string{Eq("displayName", dn), Eq("externalId", ext), Eq("id", id)} {
					if got := c.ListIDs("/Groups", f); !slices.Equal(got, []string{id}) {
						t.Errorf("ListGroups %s = %v, want [%s]", f, got, id)
					}
				}
				for _, f := range []string{Eq("displayName", dn) + " and " + Eq("externalId", ext), Eq("meta.resourceType", "Group")} {
					c.Refused(c.Do(http.MethodGet, "/Groups"+Query{Filter: f}.String(), nil), "ListGroups filter outside the list: "+f)
				}
			},
		},
		{
			Name: "filters/members-value",
			Rule: "filter.members-value",
			Ref:  `§3 "GET /Groups?cursor&filter=members.value eq "<user-id>" … returns every group that contains the user."; "id eq "<G>" and members eq "<U>""`,
			Run: func(t T, c *Conn) {
				u, v := c.NewUser("member"), c.NewUser("other")
				a := c.CreateGroup(c.GroupBody("with-u", u))
				b := c.CreateGroup(c.GroupBody("with-v", v))
				if got := c.GroupsOf(u); !slices.Equal(got, []string{a}) {
					t.Errorf("members.value eq U = %v, want only the group holding U [%s]", got, a)
				}
				if got := c.GroupsOf(v); !slices.Equal(got, []string{b}) {
					t.Errorf("members.value eq V = %v, want [%s]", got, b)
				}
				// "is U in G": the attribute is spelled members in the DG,
				// members.value by idp-scim-sync — UNCONFIRMED which AWS takes,
				// so either spelling answering correctly passes.
				inGroup := func(g string) ([]string, bool) {
					for _, attr := range []string{"members", "members.value"} {
						r := c.Do(http.MethodGet, "/Groups"+Query{Filter: Eq("id", g) + " and " + Eq(attr, u)}.String(), nil)
						if r.Status == http.StatusOK {
							return resourceIDs(r.JSON()), true
						}
						t.Logf("id and %s: %s", attr, r)
					}
					return nil, false
				}
				if got, ok := inGroup(a); !ok || !slices.Equal(got, []string{a}) {
					t.Errorf("id eq A and members eq U = %v (answered %v), want [%s]", got, ok, a)
				}
				if got, ok := inGroup(b); !ok || len(got) != 0 {
					t.Errorf("id eq B and members eq U = %v (answered %v), want []", got, ok)
				}
				// §3 ListUsers "groups.value": the users of a group.
				if got := c.ListIDs("/Users", Eq("groups.value", a)); !slices.Equal(got, []string{u}) {
					t.Errorf("ListUsers groups.value eq A = %v, want [%s]", got, u)
				}
			},
		},
	}
}
