package scim

import (
	"net/url"
)

// kind is the SCIM resource type a request addresses.
type kind int

const (
	noKind kind = iota
	userKind
	groupKind
)

func (k kind) endpoint() string {
	switch k {
	case userKind:
		return "Users"
	case groupKind:
		return "Groups"
	}
	return ""
}

// Okta lifecycle operations, as named on the request log line
// (okta-scim-client.md §1 lists the request sequence of each).
const (
	OpProbe          = "probe"           // §1.1 GET /Users?startIndex=1&count=2
	OpImportUsers    = "import_users"    // §1.2 GET /Users?startIndex=…&count=100
	OpLookupUser     = "lookup_user"     // §1.3 GET /Users?filter=userName eq "…"
	OpCreateUser     = "create_user"     // §1.3 POST /Users
	OpGetUser        = "get_user"        // §1.4 GET /Users/{id}
	OpUpdateUser     = "update_user"     // §1.4 PUT /Users/{id}
	OpDeactivateUser = "deactivate_user" // §1.5 PATCH active=false, or PUT with active:false
	OpReactivateUser = "reactivate_user" // §1.6 PATCH active=true
	OpPatchUser      = "patch_user"      // any other user PATCH (e.g. §1.7 password sync)
	OpDeleteUser     = "delete_user"     // §1.12: Okta never sends it; served anyway

	OpImportGroups  = "import_groups"  // §1.2 GET /Groups?startIndex=…
	OpLookupGroup   = "lookup_group"   // §1.8 GET /Groups?filter=displayName eq "…"
	OpCreateGroup   = "create_group"   // §1.8 POST /Groups
	OpGetGroup      = "get_group"      // §1.8 GET /Groups/{id}
	OpReplaceGroup  = "replace_group"  // §1.10 AIW PUT /Groups/{id}
	OpRenameGroup   = "rename_group"   // §1.9 PATCH replace {id, displayName}
	OpUpdateMembers = "update_members" // §1.10/§1.11 PATCH on members
	OpPatchGroup    = "patch_group"    // any other group PATCH
	OpDeleteGroup   = "delete_group"   // §1.12 DELETE /Groups/{id}

	OpOther = "other" // discovery endpoints and unknown paths
)

// classify names the operation from what the URL shows; PATCH and PUT are
// refined from the body once elimity has validated it.
func classify(method string, k kind, id string, q url.Values) string {
	switch k {
	case userKind:
		switch {
		case method == "GET" && id == "" && q.Get("filter") != "":
			return OpLookupUser
		case method == "GET" && id == "" && q.Get("startIndex") == "1" && q.Get("count") == "2":
			// §1.1: "The query parameters that Okta sends at this point are always constant."
			return OpProbe
		case method == "GET" && id == "":
			return OpImportUsers
		case method == "GET":
			return OpGetUser
		case method == "POST" && id == "":
			return OpCreateUser
		case method == "PUT":
			return OpUpdateUser
		case method == "PATCH":
			return OpPatchUser
		case method == "DELETE":
			return OpDeleteUser
		}
	case groupKind:
		switch {
		case method == "GET" && id == "" && q.Get("filter") != "":
			return OpLookupGroup
		case method == "GET" && id == "":
			return OpImportGroups
		case method == "GET":
			return OpGetGroup
		case method == "POST" && id == "":
			return OpCreateGroup
		case method == "PUT":
			return OpReplaceGroup
		case method == "PATCH":
			return OpPatchGroup
		case method == "DELETE":
			return OpDeleteGroup
		}
	}
	return OpOther
}
