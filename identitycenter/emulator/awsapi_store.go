package emulator

import (
	"container/heap"
	"fmt"
	"sort"
)

// Read-only Store queries the identitystore API needs. Each takes s.mu for
// reading and copies only what it returns, so paging a large store costs one
// awsPage of copies, not the whole store.

// awsPage is one page of a list in creation order: the items, the sequence
// number to continue after, and whether more follow.
type awsPage[T any] struct {
	items []T
	last  uint64
	more  bool
}

// awsTakePage returns, in sequence order, the first limit of ptrs whose
// sequence number is above after, the last one's sequence number, and
// whether more follow. It keeps only limit+1 candidates in a max-heap, so a
// awsPage of a large store costs O(n log limit), not a sort of the whole store.
func awsTakePage[P any](ptrs []P, seq func(P) uint64, after uint64, limit int) (kept []P, last uint64, more bool) {
	h := &seqHeap[P]{seq: seq, items: make([]P, 0, limit+1)}
	for _, p := range ptrs {
		s := seq(p)
		switch {
		case s <= after:
		case h.Len() < limit+1:
			heap.Push(h, p)
		case s < seq(h.items[0]):
			h.items[0] = p
			heap.Fix(h, 0)
		}
	}
	kept = h.items
	sort.Slice(kept, func(i, j int) bool { return seq(kept[i]) < seq(kept[j]) })
	if len(kept) > limit {
		kept, more = kept[:limit], true
	}
	if len(kept) > 0 {
		last = seq(kept[len(kept)-1])
	}
	return kept, last, more
}

// seqHeap is a max-heap by sequence number (container/heap).
type seqHeap[P any] struct {
	items []P
	seq   func(P) uint64
}

func (h *seqHeap[P]) Len() int           { return len(h.items) }
func (h *seqHeap[P]) Less(i, j int) bool { return h.seq(h.items[i]) > h.seq(h.items[j]) }
func (h *seqHeap[P]) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *seqHeap[P]) Push(x any)         { h.items = append(h.items, x.(P)) }
func (h *seqHeap[P]) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// awsUsersPage returns the users matching keep (all when nil), created after the
// sequence number after, at most limit of them.
func (s *Store) awsUsersPage(after uint64, limit int, keep func(attrs map[string]any) bool) awsPage[User] {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ptrs := make([]*User, 0, len(s.users))
	for _, u := range s.users {
		if keep == nil || keep(u.Attrs) {
			ptrs = append(ptrs, u)
		}
	}
	kept, last, more := awsTakePage(ptrs, func(u *User) uint64 { return u.seq }, after, limit)
	out := make([]User, len(kept))
	for i, u := range kept {
		out[i] = u.copy()
	}
	return awsPage[User]{items: out, last: last, more: more}
}

// awsGroupsPage is awsUsersPage for groups.
func (s *Store) awsGroupsPage(after uint64, limit int, keep func(g *Group) bool) awsPage[Group] {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ptrs := make([]*Group, 0, len(s.groups))
	for _, g := range s.groups {
		if keep == nil || keep(g) {
			ptrs = append(ptrs, g)
		}
	}
	kept, last, more := awsTakePage(ptrs, func(g *Group) uint64 { return g.seq }, after, limit)
	out := make([]Group, len(kept))
	for i, g := range kept {
		out[i] = *g
	}
	return awsPage[Group]{items: out, last: last, more: more}
}

// awsMembersPage returns a page of the group's memberships in the order they
// were made.
func (s *Store) awsMembersPage(groupID string, after uint64, limit int) (awsPage[Membership], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.members[groupID]
	if !ok {
		return awsPage[Membership]{}, fmt.Errorf("group %q: %w", groupID, ErrNotFound)
	}
	ptrs := make([]*Membership, 0, len(m))
	for _, ms := range m {
		ptrs = append(ptrs, ms)
	}
	kept, last, more := awsTakePage(ptrs, func(ms *Membership) uint64 { return ms.seq }, after, limit)
	out := make([]Membership, len(kept))
	for i, ms := range kept {
		out[i] = *ms
	}
	return awsPage[Membership]{items: out, last: last, more: more}, nil
}

// awsMembershipsOfPage returns a page of the user's memberships ordered by group
// creation; the page continues after a group's sequence number.
func (s *Store) awsMembershipsOfPage(userID string, after uint64, limit int) (awsPage[Membership], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.users[userID]; !ok {
		return awsPage[Membership]{}, fmt.Errorf("user %q: %w", userID, ErrNotFound)
	}
	var groups []*Group
	for gid, m := range s.members {
		if _, ok := m[userID]; ok {
			groups = append(groups, s.groups[gid])
		}
	}
	kept, last, more := awsTakePage(groups, func(g *Group) uint64 { return g.seq }, after, limit)
	out := make([]Membership, len(kept))
	for i, g := range kept {
		out[i] = *s.members[g.ID][userID]
	}
	return awsPage[Membership]{items: out, last: last, more: more}, nil
}

// awsFindUser returns the first user (in creation order) whose attributes
// match, or ErrNotFound.
func (s *Store) awsFindUser(match func(attrs map[string]any) bool) (User, error) {
	p := s.awsUsersPage(0, 1, match)
	if len(p.items) == 0 {
		return User{}, fmt.Errorf("user: %w", ErrNotFound)
	}
	return p.items[0], nil
}

// awsFindGroup returns the first group (in creation order) that matches, or
// ErrNotFound.
func (s *Store) awsFindGroup(match func(g *Group) bool) (Group, error) {
	p := s.awsGroupsPage(0, 1, match)
	if len(p.items) == 0 {
		return Group{}, fmt.Errorf("group: %w", ErrNotFound)
	}
	return p.items[0], nil
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
