package loadgen

import (
	"encoding/json"
	"fmt"
	"net/url"
)

const (
	schemaUser    = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaGroup   = "urn:ietf:params:scim:schemas:core:2.0:Group"
	schemaPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("loadgen: encoding a request body: %v", err)) // only plain maps are encoded
	}
	return b
}

// userProfile is user i's app profile as Okta maps it.
func userProfile(i int, displayName string) map[string]any {
	return map[string]any{
		"schemas":     []any{schemaUser},
		"userName":    UserName(i),
		"name":        map[string]any{"givenName": "Load", "familyName": familyName(i)},
		"emails":      []any{map[string]any{"primary": true, "value": UserName(i), "type": "work"}},
		"displayName": displayName,
		"locale":      "en-US",
		"externalId":  ExternalID(i),
		"active":      true,
	}
}

// createUserBody is okta-scim-client.md §2.1: with the placeholder password
// and an empty groups list in Okta's dialect ("password is always sent on
// create"), without them in AWS's (§4 refuses password).
func createUserBody(d Dialect, i int) []byte {
	u := userProfile(i, "Load "+familyName(i))
	if d == DialectOkta {
		u["groups"] = []any{}
		u["password"] = "1mz050nq"
	}
	return mustJSON(u)
}

// putUserBody is §1.4 step 2 / §2.2: in Okta's dialect "the server's own GET
// representation, with the changed attributes overwritten"; in AWS's, the
// profile alone (identity-center-scim.md §4 refuses the display
// sub-attributes an echo may carry).
func putUserBody(d Dialect, i int, fetched map[string]any, displayName string, active bool) []byte {
	if d == DialectAWS || fetched == nil {
		u := userProfile(i, displayName)
		u["active"] = active
		return mustJSON(u)
	}
	u := make(map[string]any, len(fetched)+2)
	for k, v := range fetched {
		u[k] = v
	}
	for k, v := range userProfile(i, displayName) {
		if k == "emails" { // keep the echo's emails (with any display), as Okta does
			if _, ok := u[k]; ok {
				continue
			}
		}
		u[k] = v
	}
	u["active"] = active
	return mustJSON(u)
}

// activeBody is §1.5/§1.6: the path-less replace with an object value, which
// Identity Center also accepts (a single attribute, §5).
func activeBody(active bool) []byte {
	return mustJSON(map[string]any{
		"schemas":    []any{schemaPatchOp},
		"Operations": []any{map[string]any{"op": "replace", "value": map[string]any{"active": active}}},
	})
}

// lookupUserPath is §1.3 step 1. Odd users use the 2018 doc's "+" for
// spaces, even ones the 2024 reference's %20: "A server must accept both".
func lookupUserPath(i int) string {
	q := url.QueryEscape(UserName(i))
	if i%2 == 1 {
		return "/Users?filter=userName+eq+%22" + q + "%22&startIndex=1&count=100"
	}
	return "/Users?filter=userName%20eq%20%22" + q + "%22&startIndex=1&count=100"
}

// lookupGroupPath is §1.8 step 1.
func lookupGroupPath(g int) string {
	return "/Groups?filter=displayName%20eq%20%22" + url.PathEscape(GroupName(g)) + "%22&startIndex=1&count=100"
}

// createGroupBody is §1.8 step 2: an empty group.
func createGroupBody(g int) []byte {
	return mustJSON(map[string]any{"schemas": []any{schemaGroup}, "displayName": GroupName(g), "members": []any{}})
}

// member is one member object: Okta sends {value, display} (§1.10 "Member
// objects carry only value and display"); AWS refuses display (§4).
func member(d Dialect, id string, i int) map[string]any {
	if d == DialectAWS {
		return map[string]any{"value": id}
	}
	return map[string]any{"value": id, "display": UserName(i)}
}

// membersBody is one PATCH changing members: Okta's shape is one filtered
// remove per leaving member plus one add with an array (§1.10); AWS's is a
// remove and an add, each with a value array (identity-center-scim.md §5).
func membersBody(d Dialect, remove, add []int, userID func(int) string) []byte {
	var ops []any
	if len(remove) > 0 {
		if d == DialectOkta {
			for _, u := range remove {
				ops = append(ops, map[string]any{"op": "remove", "path": fmt.Sprintf("members[value eq %q]", userID(u))})
			}
		} else {
			var vals []any
			for _, u := range remove {
				vals = append(vals, member(d, userID(u), u))
			}
			ops = append(ops, map[string]any{"op": "remove", "path": "members", "value": vals})
		}
	}
	if len(add) > 0 {
		var vals []any
		for _, u := range add {
			vals = append(vals, member(d, userID(u), u))
		}
		ops = append(ops, map[string]any{"op": "add", "path": "members", "value": vals})
	}
	return mustJSON(map[string]any{"schemas": []any{schemaPatchOp}, "Operations": ops})
}

// renameBody is §1.9: in Okta's dialect path-less with {id, displayName},
// sent after every membership change; AWS accepts a path-less replace of a
// single attribute only (§5), so its form drops id.
func renameBody(d Dialect, g int, id string) []byte {
	v := map[string]any{"displayName": GroupName(g)}
	if d == DialectOkta {
		v["id"] = id
	}
	return mustJSON(map[string]any{
		"schemas":    []any{schemaPatchOp},
		"Operations": []any{map[string]any{"op": "replace", "value": v}},
	})
}

// CreateUserBody is user i's POST /Users body in dialect d (§2.1 for Okta).
func CreateUserBody(d Dialect, i int) []byte { return createUserBody(d, i) }
