package emulator

import "sort"

// isMemberFunc answers membership questions while the store's read lock is
// held, so list predicates never re-enter the lock.
type isMemberFunc func(groupID, userID string) bool

// page is one slice of a filtered, creation-ordered listing.
type page[T any] struct {
	Items   []T
	Total   int    // every match, not only those after the cursor
	LastSeq uint64 // seq of the last item returned, for the next cursor
	More    bool   // matches remain after this page
}

// queryUsers returns, in creation order, at most limit (≤0: all) users that
// match and were created after afterSeq. Only the returned users are copied.
func (s *Store) queryUsers(match func(u *User, isMember isMemberFunc) bool, afterSeq uint64, limit int) page[User] {
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := make([]*User, 0, len(s.users))
	for _, u := range s.users {
		all = append(all, u)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	var p page[User]
	isMember := s.isMemberLocked
	for _, u := range all {
		if !match(u, isMember) {
			continue
		}
		p.Total++
		if u.seq <= afterSeq {
			continue
		}
		if limit > 0 && len(p.Items) == limit {
			p.More = true
			continue
		}
		p.Items = append(p.Items, u.copy())
		p.LastSeq = u.seq
	}
	return p
}

// queryGroups is queryUsers for groups.
func (s *Store) queryGroups(match func(g *Group, isMember isMemberFunc) bool, afterSeq uint64, limit int) page[Group] {
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := make([]*Group, 0, len(s.groups))
	for _, g := range s.groups {
		all = append(all, g)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	var p page[Group]
	isMember := s.isMemberLocked
	for _, g := range all {
		if !match(g, isMember) {
			continue
		}
		p.Total++
		if g.seq <= afterSeq {
			continue
		}
		if limit > 0 && len(p.Items) == limit {
			p.More = true
			continue
		}
		p.Items = append(p.Items, *g)
		p.LastSeq = g.seq
	}
	return p
}

func (s *Store) isMemberLocked(groupID, userID string) bool {
	_, ok := s.members[groupID][userID]
	return ok
}
