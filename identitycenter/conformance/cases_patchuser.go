package conformance

import "net/http"

// patchUserCases cover §4 "PatchUser" and §5 "PATCH without path".
func patchUserCases() []Case {
	// unchanged fails the case if a refused PATCH changed the user.
	unchanged := func(t T, c *Conn, id string, before map[string]any, what string) {
		t.Helper()
		after := c.Get(userPath(id))
		for _, k := range []string{"userName", "displayName", "title", "nickName"} {
			if str(after, k) != str(before, k) {
				t.Errorf("%s: refused PATCH changed %s from %q to %q", what, k, str(before, k), str(after, k))
			}
		}
		if after["active"] != before["active"] {
			t.Errorf("%s: refused PATCH changed active from %v to %v", what, before["active"], after["active"])
		}
	}
	newUser := func(c *Conn, tag string) (string, map[string]any) {
		body := c.UserBody(tag)
		body["title"] = "Engineer"
		id := c.CreateUser(body)["id"].(string)
		return id, c.Get(userPath(id))
	}
	return []Case{
		{
			Name: "patch-user/replace-and-deactivate",
			Ref:  `§4 "Ops are add, replace and remove"; Lifecycle "Deactivation is a PATCH of active to false."`,
			Run: func(t T, c *Conn) {
				id, _ := newUser(c, "patch")
				c.PatchOK(c.Patch(userPath(id),
					Op("replace", "displayName", "Conformance patched"),
					Op("replace", "name.givenName", "Patched"),
					Op("add", "nickName", "Nick"),
				), "PatchUser replace/add")
				c.PatchOK(c.Patch(userPath(id), Op("replace", "active", false)), "PatchUser deactivate")
				c.PatchOK(c.Patch(userPath(id), Op("remove", "title", nil)), "PatchUser remove title")
				got := c.Get(userPath(id))
				if str(got, "displayName") != "Conformance patched" || str(got, "name", "givenName") != "Patched" || str(got, "nickName") != "Nick" {
					t.Errorf("PATCH not applied: %v", got)
				}
				if got["active"] != false {
					t.Errorf("active = %v after PATCH active false", got["active"])
				}
				if _, ok := got["title"]; ok {
					t.Errorf("title still present after remove: %v", got["title"])
				}
			},
		},
		{
			Name: "patch-user/op-shape",
			Rule: "patch.op-shape",
			Ref:  `§4 "op is required. path is required for remove. value is required for add and replace."`,
			Run: func(t T, c *Conn) {
				id, before := newUser(c, "opshape")
				for what, op := range map[string]map[string]any{
					"no op":                   Op("", "displayName", "Conformance changed"),
					"remove without path":     Op("remove", "", nil),
					"add without value":       Op("add", "nickName", nil),
					"replace without value":   Op("replace", "title", nil),
					"unknown op":              Op("move", "title", "Moved"),
					"replace, value is null":  {"op": "replace", "path": "displayName", "value": nil},
					"remove without path (2)": Op("remove", "", map[string]any{"title": "Engineer"}),
				} {
					c.Refused(c.Patch(userPath(id), op), "PatchUser "+what)
				}
				unchanged(t, c, id, before, "op shape")
			},
		},
		{
			Name: "patch-user/attributes",
			Rule: "patch.user-attributes",
			Ref:  `§4 "Only these attributes can be modified: userName, active, externalId, displayName, nickName, profileUrl, title, userType, preferredLanguage, locale, timezone, name, enterprise, emails, addresses, phoneNumbers."`,
			Run: func(t T, c *Conn) {
				id, before := newUser(c, "attrs")
				g := c.CreateGroup(c.GroupBody("attrs"))
				c.Refused(c.Patch(userPath(id), Op("add", "groups", []any{map[string]any{"value": g}})), "PatchUser add groups")
				c.Refused(c.Patch(userPath(id), Op("replace", "id", c.prefix)), "PatchUser replace id")
				c.Refused(c.Patch(userPath(id), Op("replace", "meta.created", "2020-01-01T00:00:00Z")), "PatchUser replace meta.created")
				unchanged(t, c, id, before, "attributes")
				if c.IsMember(g, id) {
					t.Errorf("refused PATCH of groups made the user a member")
				}
				c.ExpectStatus(c.Do(http.MethodGet, userPath(id), nil), "user still at its id", http.StatusOK)
			},
		},
		{
			Name: "patch-user/no-remove-username-active",
			Rule: "patch.no-remove-username-active",
			Ref:  `§4 "no remove of userName or active"`,
			Run: func(t T, c *Conn) {
				id, before := newUser(c, "noremove")
				c.Refused(c.Patch(userPath(id), Op("remove", "userName", nil)), "PatchUser remove userName")
				c.Refused(c.Patch(userPath(id), Op("remove", "active", nil)), "PatchUser remove active")
				unchanged(t, c, id, before, "remove userName/active")
				if _, ok := c.Get(userPath(id))["active"]; !ok {
					t.Errorf("active removed by a refused PATCH")
				}
			},
		},
		{
			Name: "patch-user/one-op-username-active",
			Rule: "patch.one-op-username-active",
			Ref:  `§4 "no more than one op on userName or active in one request"`,
			Run: func(t T, c *Conn) {
				id, before := newUser(c, "oneop")
				un := before["userName"].(string)
				c.Refused(c.Patch(userPath(id),
					Op("replace", "userName", "a-"+un),
					Op("replace", "userName", "b-"+un),
				), "PatchUser with two ops on userName")
				c.Refused(c.Patch(userPath(id),
					Op("replace", "active", false),
					Op("replace", "active", true),
					Op("replace", "displayName", "Conformance changed"),
				), "PatchUser with two ops on active")
				unchanged(t, c, id, before, "two ops")
			},
		},
		{
			Name: "patch-user/path-filter-eq",
			Rule: "patch.path-filter-eq",
			Ref:  `§4 "path filters use eq only."`,
			Run: func(t T, c *Conn) {
				id, before := newUser(c, "pathfilter")
				for _, path := range []string{`emails[type ne "home"].value`, `emails[value co "example"].value`, `emails[type pr].value`, `emails[type sw "w"].value`} {
					c.Refused(c.Patch(userPath(id), Op("replace", path, c.prefix+"-new@example.com")), "PatchUser path "+path)
				}
				if c.target.Strict {
					// One eq term per filter is the stricter reading of "eq only";
					// whether AWS takes eq terms joined by and is not in the reference.
					c.Refused(c.Patch(userPath(id), Op("replace", `emails[type eq "work" and primary eq true].value`, c.prefix+"-new@example.com")), "PatchUser path filter of two eq terms")
				}
				unchanged(t, c, id, before, "path filters")
				if e, _ := c.Get(userPath(id))["emails"].([]any); len(e) != 1 || str(e[0].(map[string]any), "value") != before["userName"] {
					t.Errorf("refused filtered PATCH changed emails: %v", e)
				}
				// eq works: the refusals above are about the operator.
				c.PatchOK(c.Patch(userPath(id), Op("replace", `emails[type eq "work"].value`, c.prefix+"-new@example.com")), `PatchUser path emails[type eq "work"].value`)
				if e, _ := c.Get(userPath(id))["emails"].([]any); len(e) != 1 || str(e[0].(map[string]any), "value") != c.prefix+"-new@example.com" {
					t.Errorf(`PATCH emails[type eq "work"].value not applied: %v`, e)
				}
			},
		},
		{
			Name: "patch-user/pathless-single-attribute",
			Rule: "patch.pathless-single",
			Ref:  `§5 "PATCH without path is accepted only for add or replace of a single attribute." AWS: "Current PATCH support allows omitting "path" attribute only for Add and Replace operations modifying a single attribute."`,
			Run: func(t T, c *Conn) {
				id, before := newUser(c, "pathless")
				c.Refused(c.Patch(userPath(id), Op("replace", "", map[string]any{"displayName": "Conformance two", "title": "Two"})), "path-less replace of two attributes")
				c.Refused(c.Patch(userPath(id), Op("add", "", map[string]any{"nickName": "Nick", "title": "Two"})), "path-less add of two attributes")
				unchanged(t, c, id, before, "path-less")
				c.PatchOK(c.Patch(userPath(id), Op("replace", "", map[string]any{"displayName": "Conformance one"})), "path-less replace of one attribute")
				if got := str(c.Get(userPath(id)), "displayName"); got != "Conformance one" {
					t.Errorf("path-less single replace not applied: displayName %q", got)
				}
				// The same holds for groups (the authentik report was on groups).
				gb := c.GroupBody("pathless")
				gid := c.CreateGroup(gb)
				name := gb["displayName"].(string)
				c.Refused(c.Patch(groupPath(gid), Op("replace", "", map[string]any{"displayName": name + "-two", "externalId": name + "-two"})), "path-less group replace of two attributes")
				if got := str(c.Get(groupPath(gid)), "displayName"); got != name {
					t.Errorf("refused path-less group PATCH changed displayName to %q", got)
				}
				c.PatchOK(c.Patch(groupPath(gid), Op("replace", "", map[string]any{"displayName": name + "-one"})), "path-less group replace of one attribute")
				if got := str(c.Get(groupPath(gid)), "displayName"); got != name+"-one" {
					t.Errorf("path-less single group replace not applied: displayName %q", got)
				}
			},
		},
	}
}
