package emulator

import (
	"container/heap"
	"iter"
	"maps"
	"slices"
	"sort"
	"strings"
)

// isMemberFunc answers membership questions while the store's read lock is
// held, so list predicates never re-enter the lock.
type isMemberFunc func(groupID, userID string) bool

// page is one slice of a filtered, creation-ordered listing. SCIM lists and
// the identitystore API both page with it: a page continues after the
// sequence number of the last item returned, so resources created or deleted
// between pages are neither skipped nor repeated.
type page[T any] struct {
	Items   []T
	Total   int    // every match, not only those after the cursor
	LastSeq uint64 // seq of the last item returned, for the next cursor
	More    bool   // matches remain after this page
}

// narrowing names the only resources a filter can match, read from an index
// instead of a scan of the store: an id, a unique key (see Store.unique), or
// the members of a group. The zero value narrows nothing. The query's match
// function still decides, so a narrowing only has to be a superset.
type narrowing struct {
	id       string // the resource with this id
	key      string // the resources holding this unique-index key
	memberOf string // users: the members of this group
}

// queryUsers returns, in creation order, at most limit (≤0: all) users that
// match and were created after afterSeq. Only the returned users are copied.
func (s *Store) queryUsers(n narrowing, match func(u *User, isMember isMemberFunc) bool, afterSeq uint64, limit int) page[User] {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cands := maps.Values(s.users)
	switch {
	case n.id != "":
		cands = byIDs(s.users, slices.Values([]string{n.id}))
	case n.key != "":
		cands = byIDs(s.users, maps.Keys(s.unique[n.key]))
	case n.memberOf != "":
		cands = byIDs(s.users, maps.Keys(s.members[n.memberOf]))
	}
	return takePage(cands, func(u *User) uint64 { return u.seq },
		func(u *User) bool { return match(u, s.isMemberLocked) }, afterSeq, limit, (*User).copy)
}

// queryGroups is queryUsers for groups.
func (s *Store) queryGroups(n narrowing, match func(g *Group, isMember isMemberFunc) bool, afterSeq uint64, limit int) page[Group] {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cands := maps.Values(s.groups)
	switch {
	case n.id != "":
		cands = byIDs(s.groups, slices.Values([]string{n.id}))
	case n.key != "":
		cands = byIDs(s.groups, maps.Keys(s.unique[n.key]))
	}
	return takePage(cands, func(g *Group) uint64 { return g.seq },
		func(g *Group) bool { return match(g, s.isMemberLocked) }, afterSeq, limit, func(g *Group) Group { return *g })
}

// byIDs yields the resources of m named by ids, skipping ids m does not hold.
func byIDs[R any](m map[string]R, ids iter.Seq[string]) iter.Seq[R] {
	return func(yield func(R) bool) {
		for id := range ids {
			if r, ok := m[id]; ok && !yield(r) {
				return
			}
		}
	}
}

func (s *Store) isMemberLocked(groupID, userID string) bool {
	_, ok := s.members[groupID][userID]
	return ok
}

// userNameKey, userExtKey, groupNameKey and groupExtKey are the unique-index
// keys; userName and group displayName are unique case-insensitively (the
// stricter reading), externalIds exactly.
func userNameKey(name string) string   { return "user.name:" + strings.ToLower(name) }
func userEmailKey(email string) string { return "user.email:" + strings.ToLower(email) }
func userExtKey(ext string) string     { return "user.ext:" + ext }
func groupNameKey(name string) string  { return "group.name:" + strings.ToLower(name) }
func groupExtKey(ext string) string    { return "group.ext:" + ext }

// takePage returns, in sequence order, the first limit (≤0: all) of the
// matching candidates whose sequence number is above after, copied by out;
// how many candidates match in all; and where the page ends. It keeps only
// limit+1 candidates in a max-heap, so a page of a large store costs
// O(n log limit), not a sort of the whole store.
func takePage[P, T any](cands iter.Seq[P], seq func(P) uint64, match func(P) bool, after uint64, limit int, out func(P) T) page[T] {
	var p page[T]
	h := &seqHeap[P]{seq: seq}
	if limit > 0 {
		h.items = make([]P, 0, limit+1)
	}
	for c := range cands {
		if match != nil && !match(c) {
			continue
		}
		p.Total++
		s := seq(c)
		switch {
		case s <= after:
		case limit <= 0:
			h.items = append(h.items, c)
		case h.Len() < limit+1:
			heap.Push(h, c)
		case s < seq(h.items[0]):
			h.items[0] = c
			heap.Fix(h, 0)
		}
	}
	kept := h.items
	sort.Slice(kept, func(i, j int) bool { return seq(kept[i]) < seq(kept[j]) })
	if limit > 0 && len(kept) > limit {
		kept, p.More = kept[:limit], true
	}
	p.Items = make([]T, len(kept))
	for i, c := range kept {
		p.Items[i] = out(c)
	}
	if len(kept) > 0 {
		p.LastSeq = seq(kept[len(kept)-1])
	}
	return p
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
