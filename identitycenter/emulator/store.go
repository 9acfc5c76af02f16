package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Store errors. The SCIM and identitystore front ends map them to their own
// error shapes (SCIM 404/409, identitystore ResourceNotFound/Conflict).
var (
	ErrNotFound = errors.New("resource not found")
	ErrConflict = errors.New("duplicate resource")
)

// User is one identity-store user. Attrs is the SCIM representation as
// stored (userName, name, displayName, emails, externalId, active, …)
// without id, meta and schemas, which the front end adds.
type User struct {
	ID           string
	Attrs        map[string]any
	Created      time.Time
	LastModified time.Time
	seq          uint64
}

// Group is one identity-store group. Members are never part of it: they are
// memberships, read separately (as in AWS, where GET never returns them).
type Group struct {
	ID           string
	DisplayName  string
	ExternalID   string // "" when unset
	Created      time.Time
	LastModified time.Time
	seq          uint64
}

// Membership links a user to a group, with its own id as identitystore has.
type Membership struct {
	ID      string
	GroupID string
	UserID  string
	seq     uint64
}

// Store is the in-memory identity store behind both the SCIM endpoint and the
// identitystore API. Ids are shared by both, as in AWS
// (identity-center-scim.md §10 "Id equivalence"). It is safe for concurrent use;
// every method returns copies so callers never alias stored maps.
type Store struct {
	mu              sync.RWMutex
	identityStoreID string
	idPrefix        string // the 10-hex prefix of every resource id
	now             func() time.Time
	seq             uint64
	users           map[string]*User
	groups          map[string]*Group
	members         map[string]map[string]*Membership // groupID → userID → membership
	// skipUserUnique and skipGroupUnique switch the uniqueness checks off for
	// a lenient emulator (Options.Lenient[RuleUserUnique] / [RuleGroupUnique]).
	skipUserUnique  bool
	skipGroupUnique bool
	// unique indexes the unique keys ("user.name:…", "group.ext:…") to the ids
	// holding them, so a uniqueness check costs O(1), not a scan of every
	// user: seeding 10,000 users must not be quadratic. A set, not one id,
	// because a lenient store may hold duplicates.
	unique map[string]map[string]struct{}
}

// NewStore returns an empty store with a random identity store id d-xxxxxxxxxx.
func NewStore() *Store {
	suffix := randomHex(5)
	return &Store{
		identityStoreID: "d-" + suffix,
		idPrefix:        suffix,
		now:             func() time.Time { return time.Now().UTC() },
		users:           map[string]*User{},
		groups:          map[string]*Group{},
		members:         map[string]map[string]*Membership{},
		unique:          map[string]map[string]struct{}{},
	}
}

// IdentityStoreID is the d-xxxxxxxxxx id that ssoadmin ListInstances returns.
func (s *Store) IdentityStoreID() string { return s.identityStoreID }

// newID returns an id in the ResourceId format `[0-9a-f]{10}-UUID`
// (identity-center-scim.md §10 "Id equivalence").
func (s *Store) newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return fmt.Sprintf("%s-%s-%s-%s-%s-%s", s.idPrefix, h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// CreateUser stores a new user, enforcing uniqueness of userName, primary
// email and externalId (§4 "Uniqueness → 409").
func (s *Store) CreateUser(attrs map[string]any) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkUserUnique("", attrs); err != nil {
		return User{}, err
	}
	s.seq++
	now := s.now()
	u := &User{ID: s.newID(), Attrs: deepCopy(attrs), Created: now, LastModified: now, seq: s.seq}
	s.users[u.ID] = u
	s.index(u.ID, userIndexKeys(u.Attrs), nil)
	return u.copy(), nil
}

// User returns the user with id.
func (s *Store) User(id string) (User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.users[id]
	if !ok {
		return User{}, fmt.Errorf("user %q: %w", id, ErrNotFound)
	}
	return u.copy(), nil
}

// UpdateUser applies fn to a copy of the user's attributes and stores the
// result only if fn succeeds and uniqueness still holds, so a refused change
// changes nothing.
func (s *Store) UpdateUser(id string, fn func(attrs map[string]any) (map[string]any, error)) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return User{}, fmt.Errorf("user %q: %w", id, ErrNotFound)
	}
	next, err := fn(deepCopy(u.Attrs))
	if err != nil {
		return User{}, err
	}
	if err := s.checkUserUnique(id, next); err != nil {
		return User{}, err
	}
	s.index(id, userIndexKeys(next), userIndexKeys(u.Attrs))
	u.Attrs = deepCopy(next)
	u.LastModified = s.now()
	return u.copy(), nil
}

// DeleteUser removes the user and its memberships.
func (s *Store) DeleteUser(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return fmt.Errorf("user %q: %w", id, ErrNotFound)
	}
	s.index(id, nil, userIndexKeys(u.Attrs))
	delete(s.users, id)
	for _, m := range s.members {
		delete(m, id)
	}
	return nil
}

// Users returns every user in creation order: a stable order for paging.
func (s *Store) Users() []User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, u.copy())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// CreateGroup stores a new group with its initial members, enforcing
// uniqueness of displayName and externalId (§5 "Group displayName and
// externalId must be unique"). Every member must be an existing user.
func (s *Store) CreateGroup(displayName, externalID string, memberIDs []string) (Group, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkGroupUnique("", displayName, externalID); err != nil {
		return Group{}, err
	}
	for _, uid := range memberIDs {
		if _, ok := s.users[uid]; !ok {
			return Group{}, fmt.Errorf("member %q: %w", uid, ErrNotFound)
		}
	}
	s.seq++
	now := s.now()
	g := &Group{ID: s.newID(), DisplayName: displayName, ExternalID: externalID, Created: now, LastModified: now, seq: s.seq}
	s.groups[g.ID] = g
	s.index(g.ID, groupIndexKeys(displayName, externalID), nil)
	s.members[g.ID] = map[string]*Membership{}
	for _, uid := range memberIDs {
		s.addMemberLocked(g.ID, uid)
	}
	return *g, nil
}

// Group returns the group with id.
func (s *Store) Group(id string) (Group, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, ok := s.groups[id]
	if !ok {
		return Group{}, fmt.Errorf("group %q: %w", id, ErrNotFound)
	}
	return *g, nil
}

// GroupChange is an atomic change to a group: new name and/or external id,
// members to add and to remove. Nil pointers leave a field unchanged.
type GroupChange struct {
	DisplayName *string
	ExternalID  *string
	Add         []string
	Remove      []string
}

// UpdateGroup applies a change atomically: if any part is refused (unknown
// member, uniqueness), nothing changes.
func (s *Store) UpdateGroup(id string, c GroupChange) (Group, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[id]
	if !ok {
		return Group{}, fmt.Errorf("group %q: %w", id, ErrNotFound)
	}
	name, ext := g.DisplayName, g.ExternalID
	if c.DisplayName != nil {
		name = *c.DisplayName
	}
	if c.ExternalID != nil {
		ext = *c.ExternalID
	}
	if err := s.checkGroupUnique(id, name, ext); err != nil {
		return Group{}, err
	}
	for _, uid := range c.Add {
		if _, ok := s.users[uid]; !ok {
			return Group{}, fmt.Errorf("member %q: %w", uid, ErrNotFound)
		}
	}
	s.index(id, groupIndexKeys(name, ext), groupIndexKeys(g.DisplayName, g.ExternalID))
	g.DisplayName, g.ExternalID = name, ext
	for _, uid := range c.Add {
		s.addMemberLocked(id, uid)
	}
	for _, uid := range c.Remove {
		delete(s.members[id], uid)
	}
	g.LastModified = s.now()
	return *g, nil
}

// DeleteGroup removes the group and its memberships.
func (s *Store) DeleteGroup(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[id]
	if !ok {
		return fmt.Errorf("group %q: %w", id, ErrNotFound)
	}
	s.index(id, nil, groupIndexKeys(g.DisplayName, g.ExternalID))
	delete(s.groups, id)
	delete(s.members, id)
	return nil
}

// Groups returns every group in creation order.
func (s *Store) Groups() []Group {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Group, 0, len(s.groups))
	for _, g := range s.groups {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// Members returns the group's memberships in the order they were made.
func (s *Store) Members(groupID string) ([]Membership, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.members[groupID]
	if !ok {
		return nil, fmt.Errorf("group %q: %w", groupID, ErrNotFound)
	}
	out := make([]Membership, 0, len(m))
	for _, ms := range m {
		out = append(out, *ms)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out, nil
}

// MembershipsOf returns the user's memberships, ordered by group creation.
func (s *Store) MembershipsOf(userID string) ([]Membership, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.users[userID]; !ok {
		return nil, fmt.Errorf("user %q: %w", userID, ErrNotFound)
	}
	var out []Membership
	for _, m := range s.members {
		if ms, ok := m[userID]; ok {
			out = append(out, *ms)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return s.groups[out[i].GroupID].seq < s.groups[out[j].GroupID].seq
	})
	return out, nil
}

// IsMember reports whether the user is a member of the group.
func (s *Store) IsMember(groupID, userID string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.members[groupID][userID]
	return ok
}

func (s *Store) addMemberLocked(groupID, userID string) {
	if _, ok := s.members[groupID][userID]; ok {
		return // adding an existing member is a no-op, not a duplicate
	}
	s.seq++
	s.members[groupID][userID] = &Membership{ID: s.newID(), GroupID: groupID, UserID: userID, seq: s.seq}
}

// checkUserUnique refuses a userName (case-insensitively: the stricter reading),
// primary email or externalId already held by another user.
func (s *Store) checkUserUnique(selfID string, attrs map[string]any) error {
	if s.skipUserUnique {
		return nil
	}
	name, email, ext := userKeys(attrs)
	switch {
	case name != "" && s.heldByOther(selfID, userNameKey(name)):
		return fmt.Errorf("userName %q: %w", name, ErrConflict)
	case email != "" && s.heldByOther(selfID, userEmailKey(email)):
		return fmt.Errorf("primary email %q: %w", email, ErrConflict)
	case ext != "" && s.heldByOther(selfID, userExtKey(ext)):
		return fmt.Errorf("externalId %q: %w", ext, ErrConflict)
	}
	return nil
}

func (s *Store) checkGroupUnique(selfID, displayName, externalID string) error {
	if s.skipGroupUnique {
		return nil
	}
	if s.heldByOther(selfID, groupNameKey(displayName)) {
		return fmt.Errorf("group displayName %q: %w", displayName, ErrConflict)
	}
	if externalID != "" && s.heldByOther(selfID, groupExtKey(externalID)) {
		return fmt.Errorf("group externalId %q: %w", externalID, ErrConflict)
	}
	return nil
}

// heldByOther reports whether a resource other than selfID holds key.
func (s *Store) heldByOther(selfID, key string) bool {
	for id := range s.unique[key] {
		if id != selfID {
			return true
		}
	}
	return false
}

// index moves id from the old unique keys to the new ones.
func (s *Store) index(id string, add, remove []string) {
	for _, k := range remove {
		delete(s.unique[k], id)
		if len(s.unique[k]) == 0 {
			delete(s.unique, k)
		}
	}
	for _, k := range add {
		if s.unique[k] == nil {
			s.unique[k] = map[string]struct{}{}
		}
		s.unique[k][id] = struct{}{}
	}
}

func userIndexKeys(attrs map[string]any) []string {
	name, email, ext := userKeys(attrs)
	var keys []string
	if name != "" {
		keys = append(keys, userNameKey(name))
	}
	if email != "" {
		keys = append(keys, userEmailKey(email))
	}
	if ext != "" {
		keys = append(keys, userExtKey(ext))
	}
	return keys
}

func groupIndexKeys(displayName, externalID string) []string {
	keys := []string{groupNameKey(displayName)}
	if externalID != "" {
		keys = append(keys, groupExtKey(externalID))
	}
	return keys
}

// userKeys returns the attributes that must be unique: userName, the primary
// (else only) email value, and externalId.
func userKeys(attrs map[string]any) (userName, email, externalID string) {
	userName, _ = attrs["userName"].(string)
	externalID, _ = attrs["externalId"].(string)
	emails, _ := attrs["emails"].([]any)
	for i, e := range emails {
		m, _ := e.(map[string]any)
		if p, _ := m["primary"].(bool); p || i == 0 {
			email, _ = m["value"].(string)
			if p {
				break
			}
		}
	}
	return userName, email, externalID
}

func (u *User) copy() User {
	c := *u
	c.Attrs = deepCopy(u.Attrs)
	return c
}

// deepCopy copies a decoded-JSON value tree, so stored maps are never
// shared with callers. It walks the tree rather than round-tripping it
// through encoding/json: every read copies, and the round trip was the
// largest cost of a GET.
func deepCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopy(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = copyValue(x)
		}
		return out
	}
	// Strings, numbers, booleans and nil are immutable values.
	return v
}
