package identitycenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/scim-bridge/scim-bridge/identitycenter/translate"
	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// probeConcurrency bounds the GET /Users calls made to find which member ids
// do not exist, after Identity Center refused a batch (error path only).
const probeConcurrency = 8

// plan is the upstream work for one Okta request on a group's members.
type plan struct {
	groupID string
	head    []translate.Op // attribute ops (rename, externalId), in the first batch
	// undoHead restores the attributes head changes, for a rollback.
	undoHead []translate.Op
	changes  []translate.MemberChange
	// rollback undoes what batches[:done] applied, when a later batch is
	// refused for a reason that holds for the whole request. nil → undo the
	// member changes (and head) with PATCHes.
	rollback func(ctx context.Context) error
	// already describes what was applied before the batches (a create), for
	// the partial-failure detail.
	already string
	// retryHint tells Okta's admin how a retry converges; "" → the default
	// for a PATCH or PUT retried as it is.
	retryHint string
}

const defaultRetryHint = "Retrying this request converges: the bridge re-reads the group's members and sends only the changes still missing"

// apply sends the plan as PATCHes of at most 100 membership changes, in
// order. identity-center-scim.md §5: "At most 100 membership changes per
// request"; "Replacing or removing ALL members in one request → 400": no
// batch holds a replace or a remove-all, only {"value": id} members.
//
// When a batch is refused because a member id is not a user, the batches
// before it are undone and Okta gets a 400 naming the ids, nothing applied.
// When a batch fails otherwise (after the client's retries), Okta gets the
// error with a detail saying which batches were applied; Okta's retry of the
// request converges because the bridge re-reads the members and sends only
// the changes still missing (translate.ResolveMembers skips the rest).
func (p *Provisioner) apply(ctx context.Context, pl plan) error {
	batches := translate.Batches(pl.head, pl.changes, translate.MaxMemberChanges)
	if len(batches) > 1 {
		reqlog.From(ctx).Rule(translate.RuleMembersBatched)
	}
	for i, b := range batches {
		err := p.client.PatchGroup(ctx, pl.groupID, toPatchOps(b.Ops))
		if err == nil {
			continue
		}
		if missing := p.missingUsers(ctx, err, b.Changes); len(missing) > 0 {
			undoErr := error(nil)
			if i > 0 || pl.already != "" {
				undoErr = p.rollback(ctx, pl, batches[:i])
				if undoErr == nil {
					reqlog.From(ctx).Rule(translate.RuleMembersRolledBack)
				}
			}
			return unknownMembersError(missing, undoErr, pl, batches[:i])
		}
		return partialError(err, pl, batches, i)
	}
	return nil
}

func (p *Provisioner) rollback(ctx context.Context, pl plan, done []translate.Batch) error {
	if pl.rollback != nil {
		return pl.rollback(ctx)
	}
	var changes []translate.MemberChange
	for _, b := range done {
		changes = append(changes, b.Changes...)
	}
	for _, b := range translate.Batches(pl.undoHead, translate.Undo(changes), translate.MaxMemberChanges) {
		if err := p.client.PatchGroup(ctx, pl.groupID, toPatchOps(b.Ops)); err != nil {
			return err
		}
	}
	return nil
}

// missingUsers finds, after Identity Center refused a batch with 400,
// which of the users the batch adds do not exist: §5 "Members are users
// only", and a group push names users Okta believes are provisioned.
// Identity Center's detail does not reliably name the id, so each is looked
// up (GET /Users/{id}; at most 100, only on this error path).
func (p *Provisioner) missingUsers(ctx context.Context, err error, changes []translate.MemberChange) []string {
	var e *Error
	if !errors.As(err, &e) || !e.Upstream || e.Status != http.StatusBadRequest {
		return nil
	}
	var adds []string
	for _, c := range changes {
		if c.Add {
			adds = append(adds, c.ID)
		}
	}
	return p.probeUsers(ctx, adds)
}

// probeUsers returns the ids among ids that Identity Center says are not users.
func (p *Provisioner) probeUsers(ctx context.Context, ids []string) []string {
	var (
		mu      sync.Mutex
		missing []string
		wg      sync.WaitGroup
	)
	sem := make(chan struct{}, probeConcurrency)
	for _, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, err := p.client.GetUser(ctx, id)
			var e *Error
			if errors.As(err, &e) && e.Status == http.StatusNotFound {
				mu.Lock()
				missing = append(missing, id)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	order := make(map[string]int, len(ids))
	for i, id := range ids {
		order[id] = i
	}
	sort.Slice(missing, func(i, j int) bool { return order[missing[i]] < order[missing[j]] })
	return missing
}

// unknownMembersError is the 400 Okta gets for member ids that are not
// users in Identity Center.
func unknownMembersError(missing []string, undoErr error, pl plan, done []translate.Batch) error {
	const show = 10
	names := make([]string, 0, min(len(missing), show))
	for _, id := range missing[:min(len(missing), show)] {
		names = append(names, fmt.Sprintf("%q", id))
	}
	list := strings.Join(names, ", ")
	if len(missing) > show {
		list += fmt.Sprintf(" and %d more", len(missing)-show)
	}
	detail := fmt.Sprintf("members: no user with id %s in Identity Center (identity-center-scim.md §5: members are users only); provision the user first, then push the group again", list)
	switch {
	case undoErr != nil:
		detail += fmt.Sprintf("; CAUTION: %s were applied before the refusal and undoing them failed (%v)", appliedSummary(pl, done), undoErr)
	default:
		detail += "; nothing was applied"
	}
	return &Error{Status: http.StatusBadRequest, ScimType: "invalidValue", Detail: detail}
}

// partialError adds to err what was applied before batch failed.
func partialError(err error, pl plan, batches []translate.Batch, failed int) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	if failed == 0 && pl.already == "" {
		if len(batches) > 1 {
			c.Detail = fmt.Sprintf("%s (upstream PATCH 1 of %d failed; nothing was applied)", e.Detail, len(batches))
		}
		return &c
	}
	hint := pl.retryHint
	if hint == "" {
		hint = defaultRetryHint
	}
	c.Detail = fmt.Sprintf("%s (upstream PATCH %d of %d failed; %s; the rest was not sent. %s)",
		e.Detail, failed+1, len(batches), appliedSummary(pl, batches[:failed]), hint)
	return &c
}

// appliedSummary says what the done batches (and a create before them) applied.
func appliedSummary(pl plan, done []translate.Batch) string {
	adds, removes := 0, 0
	for _, b := range done {
		for _, ch := range b.Changes {
			if ch.Add {
				adds++
			} else {
				removes++
			}
		}
	}
	var parts []string
	if pl.already != "" {
		parts = append(parts, pl.already)
	}
	if len(done) > 0 {
		which := fmt.Sprintf("PATCHes 1–%d", len(done))
		if len(done) == 1 {
			which = "PATCH 1"
		}
		s := fmt.Sprintf("%s applied %d of %d membership changes (+%d −%d)", which, adds+removes, len(pl.changes), adds, removes)
		if len(pl.head) > 0 {
			s += " and the displayName/externalId change"
		}
		parts = append(parts, s)
	} else if pl.already != "" {
		parts = append(parts, fmt.Sprintf("none of the %d further membership changes", len(pl.changes)))
	}
	return strings.Join(parts, "; ")
}

func toPatchOps(ops []translate.Op) []PatchOp {
	out := make([]PatchOp, len(ops))
	for i, op := range ops {
		out[i] = PatchOp(op)
	}
	return out
}
