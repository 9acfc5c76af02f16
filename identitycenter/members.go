package identitycenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// MemberReader reads a group's current members (user ids, in a stable
// order). identity-center-scim.md §5: "GetGroup and ListGroups ALWAYS return
// "members": []" — "Never read membership with GET. Use the members.value eq
// filter (§3) or identitystore ListGroupMemberships (§10)."
type MemberReader interface {
	GroupMembers(ctx context.Context, groupID string) ([]string, error)
}

// FallbackMembershipViaSCIM names, on the request log line, a membership
// read made with a SCIM filter instead of the identitystore API.
const FallbackMembershipViaSCIM = "membership_via_scim_filter"

// SCIMMembers reads membership through the SCIM endpoint alone, for bridges
// without AWS credentials: the users whose groups include the group,
// `GET /Users?cursor&filter=groups.value eq "<group id>"`, walked by cursor.
// identity-center-scim.md §3: "ListUsers filter combinations: userName;
// externalId; groups.value; …" (groups.value "appears only in the newer
// text"; the per-user members.value filter on /Groups cannot list the members
// a full push must remove). Each read names FallbackMembershipViaSCIM.
type SCIMMembers struct{ Client *Client }

// GroupMembers implements MemberReader.
func (s SCIMMembers) GroupMembers(ctx context.Context, groupID string) ([]string, error) {
	reqlog.From(ctx).Fallback(FallbackMembershipViaSCIM)
	src := userSource(s.Client)
	users, err := walk(ctx, src, []Eq{{Attr: "groups.value", Value: groupID}})
	if err != nil {
		return nil, fmt.Errorf("read members of group %s with the SCIM groups.value filter: %w", groupID, err)
	}
	ids := make([]string, 0, len(users))
	for _, u := range users {
		if id := str(u["id"]); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		// The filter answers "no users" for a group that does not exist
		// too; without this GET a full push of [] to a deleted group would
		// report success. identitystore answers ResourceNotFound instead.
		if _, err := s.Client.GetGroup(ctx, groupID); err != nil {
			return nil, fmt.Errorf("read group %s: %w", groupID, err)
		}
	}
	return ids, nil
}

// FallbackMembers reads with Primary (identitystore) and, when that fails for
// any reason but the request ending, with Secondary (SCIM), naming the
// fallback on the request log line: both give the same answer, and a
// missing IAM permission should not stop provisioning.
type FallbackMembers struct {
	Primary, Secondary MemberReader
	Logger             *zap.Logger
}

// GroupMembers implements MemberReader.
func (f FallbackMembers) GroupMembers(ctx context.Context, groupID string) ([]string, error) {
	ids, err := f.Primary.GroupMembers(ctx, groupID)
	if err == nil || ctx.Err() != nil || f.Secondary == nil {
		return ids, err
	}
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		return nil, err // the group is gone: the SCIM read would say the same
	}
	if f.Logger != nil {
		f.Logger.Warn("identitystore membership read failed; using the SCIM filter", zap.String("group_id", groupID), zap.Error(err))
	}
	return f.Secondary.GroupMembers(ctx, groupID)
}
