package loadgen

import (
	"fmt"
	"sync"
)

// Plan is the traffic of one run: who is provisioned and what happens to
// them. It is deterministic, so the state it intends can be computed.
type Plan struct {
	Users   int // users created, updated, and some deactivated/reactivated
	Groups  int // groups pushed; 0 = users only
	Members int // members per group (K); users are shared round-robin
	// Change is how many members each group swaps in the membership-change
	// phase (removes and adds, in one PATCH as Okta sends it, §1.10).
	Change int
}

// Validate refuses plans that cannot be carried out.
func (p Plan) Validate() error {
	if p.Users < 1 {
		return fmt.Errorf("plan: %d users: want at least 1", p.Users)
	}
	if p.Groups < 0 || p.Members < 0 || p.Change < 0 {
		return fmt.Errorf("plan: negative groups, members or change")
	}
	if p.Groups > 0 && p.Members+p.Change > p.Users {
		return fmt.Errorf("plan: %d members + %d changed per group exceeds %d users", p.Members, p.Change, p.Users)
	}
	if p.Change > p.Members {
		return fmt.Errorf("plan: change %d exceeds members %d", p.Change, p.Members)
	}
	return nil
}

// UserName is user i's Okta login, unique per run.
func UserName(i int) string { return fmt.Sprintf("load.user%06d@okta.local", i) }

// ExternalID is user i's Okta user id (okta-scim-client.md §2.1:
// "externalId is the Okta user id (00u…)").
func ExternalID(i int) string { return fmt.Sprintf("00uload%013d", i) }

// GroupName is group g's displayName.
func GroupName(g int) string { return fmt.Sprintf("Load Group %04d", g) }

func familyName(i int) string { return fmt.Sprintf("User%06d", i) }

// updatedDisplayName is what the update phase sets.
func updatedDisplayName(i int) string { return fmt.Sprintf("Load User%06d (updated)", i) }

// Deactivated reports whether the deactivate phase touches user i: every third.
func (p Plan) Deactivated(i int) bool { return i%3 == 0 }

// Reactivated reports whether the reactivate phase brings user i back:
// half of the deactivated ones.
func (p Plan) Reactivated(i int) bool { return i%6 == 0 }

// Active is user i's intended final active flag.
func (p Plan) Active(i int) bool { return !p.Deactivated(i) || p.Reactivated(i) }

// initialMembers are the user indexes group g is pushed with.
func (p Plan) initialMembers(g int) []int {
	out := make([]int, p.Members)
	for j := range out {
		out[j] = (g*p.Members + j) % p.Users
	}
	return out
}

// change is what the membership-change phase does to group g: the first
// Change initial members leave, the next Change users after the initial
// block join.
func (p Plan) change(g int) (remove, add []int) {
	init := p.initialMembers(g)
	remove = init[:p.Change]
	for j := range p.Change {
		add = append(add, (g*p.Members+p.Members+j)%p.Users)
	}
	return remove, add
}

// FinalMembers are the user indexes group g is intended to hold at the end.
func (p Plan) FinalMembers(g int) []int {
	remove, add := p.change(g)
	gone := map[int]bool{}
	for _, u := range remove {
		gone[u] = true
	}
	var out []int
	seen := map[int]bool{}
	for _, u := range append(p.initialMembers(g), add...) {
		if !gone[u] && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// ids holds the ids the target assigned, by user and group index. A task
// writes only its own index; phases are separated by a barrier.
type ids struct {
	mu     sync.Mutex
	users  []string
	groups []string
}

func newIDs(p Plan) *ids {
	return &ids{users: make([]string, p.Users), groups: make([]string, p.Groups)}
}

func (s *ids) user(i int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users[i]
}

func (s *ids) setUser(i int, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[i] = id
}

func (s *ids) group(g int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.groups[g]
}

func (s *ids) setGroup(g int, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[g] = id
}
