package emulator

import (
	"fmt"
	"maps"
	"slices"
)

// Read-only Store queries the identitystore API needs, paged by takePage as
// SCIM lists are. Each takes s.mu for reading and copies only what it
// returns.

// awsMembersPage returns a page of the group's memberships in the order they
// were made.
func (s *Store) awsMembersPage(groupID string, after uint64, limit int) (page[Membership], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.members[groupID]
	if !ok {
		return page[Membership]{}, fmt.Errorf("group %q: %w", groupID, ErrNotFound)
	}
	return takePage(maps.Values(m), func(ms *Membership) uint64 { return ms.seq }, nil, after, limit,
		func(ms *Membership) Membership { return *ms }), nil
}

// awsMembershipsOfPage returns a page of the user's memberships ordered by group
// creation; the page continues after a group's sequence number.
func (s *Store) awsMembershipsOfPage(userID string, after uint64, limit int) (page[Membership], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.users[userID]; !ok {
		return page[Membership]{}, fmt.Errorf("user %q: %w", userID, ErrNotFound)
	}
	var groups []*Group
	for gid, m := range s.members {
		if _, ok := m[userID]; ok {
			groups = append(groups, s.groups[gid])
		}
	}
	return takePage(slices.Values(groups), func(g *Group) uint64 { return g.seq }, nil, after, limit,
		func(g *Group) Membership { return *s.members[g.ID][userID] }), nil
}

// awsMembershipsOfIn reports, for each group id, whether userID is a member,
// read under one lock so the answers are consistent with each other.
func (s *Store) awsMembershipsOfIn(userID string, groupIDs []string) (map[string]bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.users[userID]; !ok {
		return nil, fmt.Errorf("user %q: %w", userID, ErrNotFound)
	}
	out := make(map[string]bool, len(groupIDs))
	for _, gid := range groupIDs {
		_, out[gid] = s.members[gid][userID]
	}
	return out, nil
}
