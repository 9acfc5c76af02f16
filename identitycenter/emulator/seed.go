package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// seedFile is the seeding format: SCIM users, and groups whose members are
// named by userName.
type seedFile struct {
	Users  []map[string]any `json:"users"`
	Groups []seedGroup      `json:"groups"`
}

type seedGroup struct {
	DisplayName string   `json:"displayName"`
	ExternalID  string   `json:"externalId,omitempty"`
	Members     []string `json:"members"` // userNames
}

// Seed loads users and groups from r:
//
//	{"users":[<SCIM user>…], "groups":[{"displayName":…,"externalId":…,"members":["<userName>",…]}]}
//
// Each is validated by the same rules as a SCIM create, except that a group
// may have more than 100 members. Seeding is all or nothing: on any error,
// what this call created is removed again.
func (e *Emulator) Seed(r io.Reader) (err error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f seedFile
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("seed: decoding: %w", err)
	}
	var users, groups []string
	defer func() {
		if err == nil {
			return
		}
		for _, id := range groups {
			_ = e.store.DeleteGroup(id)
		}
		for _, id := range users {
			_ = e.store.DeleteUser(id)
		}
	}()
	byName := map[string]string{}
	for i, in := range f.Users {
		attrs, verr := e.normalizeUser(in)
		if verr != nil {
			return fmt.Errorf("seed: user %d: %w", i+1, verr)
		}
		u, cerr := e.store.CreateUser(attrs)
		if cerr != nil {
			return fmt.Errorf("seed: user %d: %w", i+1, cerr)
		}
		users = append(users, u.ID)
		name, _ := attrs["userName"].(string)
		byName[strings.ToLower(name)] = u.ID
	}
	for i, g := range f.Groups {
		body := map[string]any{"displayName": g.DisplayName}
		if g.ExternalID != "" {
			body["externalId"] = g.ExternalID
		}
		members := make([]string, 0, len(g.Members))
		for _, name := range g.Members {
			id, ok := byName[strings.ToLower(name)]
			if !ok {
				id, ok = e.userIDByName(name)
			}
			if !ok {
				return fmt.Errorf("seed: group %d (%s): member %q: %w", i+1, g.DisplayName, name, ErrNotFound)
			}
			members = append(members, id)
		}
		gf, verr := e.parseGroupBody(body)
		if verr != nil {
			return fmt.Errorf("seed: group %d (%s): %w", i+1, g.DisplayName, verr)
		}
		// The members are added whole, not through parseGroupBody: a seeded
		// group stands for a create followed by as many PATCHes of ≤100
		// members as it takes, which AWS accepts (identity-center-scim.md §5
		// "batched at ≤100 values per request"), so the 100-member limit of
		// one create does not apply to it.
		created, cerr := e.store.CreateGroup(gf.displayName, gf.externalID, members)
		if cerr != nil {
			return fmt.Errorf("seed: group %d (%s): %w", i+1, g.DisplayName, cerr)
		}
		groups = append(groups, created.ID)
	}
	return nil
}

// userIDByName finds an existing user by userName (case-insensitively).
func (e *Emulator) userIDByName(name string) (string, bool) {
	p := e.store.queryUsers(narrowing{key: userNameKey(name)}, func(u *User, _ isMemberFunc) bool {
		n, _ := u.Attrs["userName"].(string)
		return strings.EqualFold(n, name)
	}, 0, 1)
	if len(p.Items) == 0 {
		return "", false
	}
	return p.Items[0].ID, true
}
