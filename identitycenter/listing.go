package identitycenter

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// Okta pages with startIndex/count (okta-scim-client.md §1.2: "count=100 is
// always used"); Identity Center pages only with a cursor and ignores
// startIndex (identity-center-scim.md §3). The lister bridges the two:
//
//   - A filtered list (Okta's create lookup, `userName eq "…"`) goes straight
//     upstream, one request for a unique attribute, and is never cached: the
//     create that follows must see the truth.
//   - An import page (count ≥ 100, or any startIndex > 1) is served from a
//     snapshot of the whole collection, walked once with the cursor and kept
//     for the TTL, so an import of n resources costs n/100 upstream requests,
//     not n²/20000. startIndex=1 starts a fresh walk: a new import sees
//     today's directory. totalResults is exact.
//   - The credential probe (startIndex=1, count<100, okta-scim-client.md §1.1)
//     costs one upstream request: walking 100,000 users (1,000 requests) to
//     answer count=2 would take minutes and could trip throttling. Its
//     totalResults is exact when the directory fits one upstream page (or a
//     fresh snapshot exists); otherwise it is a lower bound (first page + 1)
//     and the request log names the fallback "list.total-lower-bound". A
//     client that pages on from there gets a full walk and exact totals.
const (
	upstreamPage     = 100     // identity-center-scim.md §3: "count is 1–100, default 100."
	importPageSize   = 100     // Okta's import page (okta-scim-client.md §1.2)
	maxSnapshots     = 16      // distinct cached collections (resource type + filter)
	maxSnapshotItems = 200_000 // twice the default identity store quota (identity-center-scim.md §4 Lifecycle "100,000 users … 100,000 groups")
	walkTimeout      = 10 * time.Minute
)

// FallbackTotalLowerBound names the probe answer whose totalResults is a lower bound.
const FallbackTotalLowerBound = "list.total-lower-bound"

// listSource is one collection the lister can serve. The groups half of the
// Provisioner builds one for /Groups (Kind "Groups", Fetch c.ListGroups).
type listSource struct {
	Kind    string // "Users" or "Groups": cache key and messages
	Fetch   func(ctx context.Context, filter []Eq, cursor string, count int) (Page, error)
	Filters [][]string // attribute combinations Identity Center answers, canonical spelling, any order
}

// lister caches import snapshots. One per Provisioner; safe for concurrent use.
type lister struct {
	ttl      time.Duration
	log      *zap.Logger
	maxItems int
	now      func() time.Time

	mu    sync.Mutex
	snaps map[string]*snapshot
}

// snapshot is one walk of a collection; done closes when it ends.
type snapshot struct {
	done      chan struct{}
	resources []Resource
	err       error
	taken     time.Time // when the walk ended
}

func newLister(ttl time.Duration, log *zap.Logger) *lister {
	return &lister{ttl: ttl, log: log, maxItems: maxSnapshotItems, now: time.Now, snaps: map[string]*snapshot{}}
}

// list answers one Okta list request.
func (l *lister) list(ctx context.Context, src listSource, q ListQuery) (ListResult, error) {
	start := q.StartIndex
	if start < 1 {
		start = 1 // RFC 7644 §3.4.2.4: "A value less than 1 SHALL be interpreted as 1."
	}
	count := q.Count
	switch {
	case count == 0:
		count = importPageSize // absent: Okta's page size
	case count < 0:
		count = 0 // RFC 7644 §3.4.2.4: "A negative value SHALL be interpreted as 0."
	}
	if len(q.Filter) > 0 {
		filter, err := canonicalFilter(src, q.Filter)
		if err != nil {
			return ListResult{}, err
		}
		all, err := walk(ctx, src, filter)
		if err != nil {
			return ListResult{}, err
		}
		return pageOf(all, start, count), nil
	}
	if start == 1 && count < importPageSize {
		return l.probe(ctx, src, count)
	}
	all, err := l.snapshot(ctx, src, start == 1)
	if err != nil {
		return ListResult{}, err
	}
	return pageOf(all, start, count), nil
}

// probe answers a small first page from a fresh snapshot, else from one
// upstream page.
func (l *lister) probe(ctx context.Context, src listSource, count int) (ListResult, error) {
	if all, ok := l.cached(src.Kind); ok {
		return pageOf(all, 1, count), nil
	}
	p, err := src.Fetch(ctx, nil, "", upstreamPage)
	if err != nil {
		return ListResult{}, fmt.Errorf("list %s: %w", src.Kind, err)
	}
	res := pageOf(p.Resources, 1, count)
	if p.NextCursor != "" {
		res.TotalResults = len(p.Resources) + 1
		reqlog.From(ctx).Fallback(FallbackTotalLowerBound)
	}
	return res, nil
}

// cached returns a finished, unexpired snapshot.
func (l *lister) cached(key string) ([]Resource, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.snaps[key]
	if s == nil {
		return nil, false
	}
	select {
	case <-s.done:
		if s.err == nil && l.now().Sub(s.taken) < l.ttl {
			return s.resources, true
		}
	default:
	}
	return nil, false
}

// snapshot returns the whole collection: the walk in progress if there is
// one, else a fresh cached one unless restart, else a new walk. The walk runs
// detached from ctx so that a request Okta gave up on still leaves a
// snapshot for its retry.
func (l *lister) snapshot(ctx context.Context, src listSource, restart bool) ([]Resource, error) {
	key := src.Kind
	l.mu.Lock()
	s := l.snaps[key]
	if s != nil {
		select {
		case <-s.done:
			if restart || s.err != nil || l.now().Sub(s.taken) >= l.ttl {
				s = nil
			}
		default: // in progress: the newest walk there is, share it
		}
	}
	if s == nil {
		s = &snapshot{done: make(chan struct{})}
		l.evictLocked()
		l.snaps[key] = s
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), walkTimeout)
		go func() {
			defer cancel()
			l.fill(wctx, src, s)
		}()
	}
	l.mu.Unlock()
	select {
	case <-s.done:
		return s.resources, s.err
	case <-ctx.Done():
		return nil, fmt.Errorf("list %s: waiting for the import snapshot: %w", src.Kind, ctx.Err())
	}
}

// fill walks the collection into s and keeps it for the TTL, or forgets it
// at once when it failed or is too big to hold.
func (l *lister) fill(ctx context.Context, src listSource, s *snapshot) {
	all, err := walk(ctx, src, nil)
	l.mu.Lock()
	defer l.mu.Unlock()
	s.resources, s.err, s.taken = all, err, l.now()
	close(s.done)
	keep := err == nil && len(all) <= l.maxItems
	if !keep {
		if l.snaps[src.Kind] == s {
			delete(l.snaps, src.Kind)
		}
		if err == nil {
			l.log.Warn("import snapshot too large to cache; later pages walk again",
				zap.String("kind", src.Kind), zap.Int("resources", len(all)), zap.Int("limit", l.maxItems))
		}
		return
	}
	l.log.Debug("import snapshot taken", zap.String("kind", src.Kind), zap.Int("resources", len(all)))
	time.AfterFunc(l.ttl, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.snaps[src.Kind] == s {
			delete(l.snaps, src.Kind)
		}
	})
}

// evictLocked keeps at most maxSnapshots entries, dropping the oldest finished.
func (l *lister) evictLocked() {
	for len(l.snaps) >= maxSnapshots {
		oldest := ""
		var at time.Time
		for k, s := range l.snaps {
			select {
			case <-s.done:
				if oldest == "" || s.taken.Before(at) {
					oldest, at = k, s.taken
				}
			default:
			}
		}
		if oldest == "" {
			return
		}
		delete(l.snaps, oldest)
	}
}

// walk follows the cursor to the end, in Identity Center's order. A cursor
// seen before would loop forever and is an upstream fault.
func walk(ctx context.Context, src listSource, filter []Eq) ([]Resource, error) {
	var all []Resource
	seen := map[string]bool{}
	cursor := ""
	for {
		p, err := src.Fetch(ctx, filter, cursor, upstreamPage)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", src.Kind, err)
		}
		all = append(all, p.Resources...)
		if p.NextCursor == "" {
			return all, nil
		}
		if seen[p.NextCursor] {
			return nil, &Error{Status: http.StatusBadGateway, Upstream: true,
				Detail: fmt.Sprintf("Identity Center's %s cursor does not end (after %d resources)", src.Kind, len(all))}
		}
		seen[p.NextCursor] = true
		cursor = p.NextCursor
	}
}

// pageOf cuts Okta's page out of the whole list. The resources are deep
// copies, so a caller that edits them cannot corrupt a cached snapshot.
func pageOf(all []Resource, start, count int) ListResult {
	res := ListResult{TotalResults: len(all), StartIndex: start, Resources: []Resource{}}
	if from := start - 1; from < len(all) {
		to := min(from+count, len(all))
		for _, r := range all[from:to] {
			res.Resources = append(res.Resources, deepCopyValue(r).(Resource))
		}
	}
	return res
}

func deepCopyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopyValue(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopyValue(e)
		}
		return l
	default:
		return v
	}
}

// canonicalFilter checks that Identity Center can answer the filter and
// spells its attributes as AWS does. identity-center-scim.md §3: "Only eq is
// supported, and it can only be combined with and" and only in the listed
// combinations; anything else is a 400 here rather than a refusal upstream.
func canonicalFilter(src listSource, filter []Eq) ([]Eq, error) {
	for _, combo := range src.Filters {
		if len(combo) != len(filter) {
			continue
		}
		out := make([]Eq, len(filter))
		used := make([]bool, len(combo))
		ok := true
		for i, t := range filter {
			j := indexFold(combo, used, t.Attr)
			if j < 0 {
				ok = false
				break
			}
			used[j] = true
			out[i] = Eq{Attr: combo[j], Value: t.Value}
		}
		if ok {
			return out, nil
		}
	}
	accepted := make([]string, len(src.Filters))
	for i, c := range src.Filters {
		accepted[i] = strings.Join(c, " and ")
	}
	sort.Strings(accepted)
	return nil, &Error{Status: http.StatusBadRequest, ScimType: "invalidFilter",
		Detail: fmt.Sprintf("filter on %s: Identity Center answers %s filters only on %s, each with eq (identity-center-scim.md §3)",
			filterAttrs(filter), src.Kind, strings.Join(accepted, "; "))}
}

// Caps on the attributes a refused filter's detail names: a filter of
// thousands of terms must not become a 20 KB error body and log line.
const (
	detailAttrs    = 3  // attributes named
	detailAttrLen  = 64 // characters kept of each name
	detailAttrMore = "and %d more"
)

// filterAttrs names the first few attributes of a filter, each cut short,
// and counts the rest.
func filterAttrs(filter []Eq) string {
	n := min(len(filter), detailAttrs)
	names := make([]string, 0, n+1)
	for _, t := range filter[:n] {
		name := t.Attr
		if r := []rune(name); len(r) > detailAttrLen {
			name = string(r[:detailAttrLen]) + "…"
		}
		names = append(names, name)
	}
	if rest := len(filter) - n; rest > 0 {
		names = append(names, fmt.Sprintf(detailAttrMore, rest))
	}
	return strings.Join(names, " and ")
}

func indexFold(list []string, used []bool, s string) int {
	for i, x := range list {
		if !used[i] && strings.EqualFold(x, s) {
			return i
		}
	}
	return -1
}
