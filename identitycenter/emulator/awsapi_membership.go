package emulator

import (
	"context"
	"strconv"
)

// identitystore membership reads: the way to see a group's members, which
// SCIM GET never returns (identity-center-scim.md §5 "GetGroup and ListGroups
// ALWAYS return "members": []"; §10 ListGroupMemberships "The way to read
// membership, since SCIM GET hides members.").

// isMemberIDInput is the MemberId union; UserId is its only member
// (identity-center-scim.md §5 "the identitystore MemberId union has only UserId").
type isMemberIDInput struct {
	UserId *string
}

// awsCheckMemberID validates a MemberId union and returns its user id.
func awsCheckMemberID(v *awsValidationErrors, m *isMemberIDInput) *string {
	if m == nil {
		v.add("Value null at 'memberId' failed to satisfy constraint: Member must not be null")
		return nil
	}
	awsCheckResourceID(v, "memberId.userId", m.UserId)
	return m.UserId
}

func (e *Emulator) isListGroupMemberships(_ context.Context, body []byte) (any, *awsError) {
	var in struct {
		awsListInput
		GroupId *string
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return nil, aerr
	}
	return awsList(e, "ListGroupMemberships", "GroupMemberships", in.awsListInput, awsDeref(in.GroupId),
		func(v *awsValidationErrors) { awsCheckResourceID(v, "groupId", in.GroupId) },
		func(pg awsPageRequest) (page[Membership], *awsError) {
			// A missing group is ResourceNotFoundException GROUP (the stricter
			// reading; whether AWS returns an empty list instead is UNCONFIRMED).
			p, err := e.store.awsMembersPage(*in.GroupId, pg.after, pg.limit)
			return awsStorePage(p, err, "GROUP", *in.GroupId)
		}, awsMembershipShape)
}

func (e *Emulator) isListGroupMembershipsForMember(_ context.Context, body []byte) (any, *awsError) {
	var in struct {
		awsListInput
		MemberId *isMemberIDInput
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return nil, aerr
	}
	var userID *string
	scope := ""
	if in.MemberId != nil {
		scope = awsDeref(in.MemberId.UserId)
	}
	return awsList(e, "ListGroupMembershipsForMember", "GroupMemberships", in.awsListInput, scope,
		func(v *awsValidationErrors) { userID = awsCheckMemberID(v, in.MemberId) },
		func(pg awsPageRequest) (page[Membership], *awsError) {
			p, err := e.store.awsMembershipsOfPage(*userID, pg.after, pg.limit)
			return awsStorePage(p, err, "USER", *userID)
		}, awsMembershipShape)
}

// awsMaxGroupIDs bounds IsMemberInGroups (identity-center-scim.md §10
// "IsMemberInGroups(MemberId, GroupIds) GroupIds ≤100").
const awsMaxGroupIDs = 100

func (e *Emulator) isIsMemberInGroups(_ context.Context, body []byte) (any, *awsError) {
	var in struct {
		IdentityStoreId *string
		MemberId        *isMemberIDInput
		GroupIds        []string
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return nil, aerr
	}
	var userID *string
	if aerr := e.awsCheckInput(in.IdentityStoreId, func(v *awsValidationErrors) *awsError {
		userID = awsCheckMemberID(v, in.MemberId)
		switch n := len(in.GroupIds); {
		case n < 1 || n > awsMaxGroupIDs:
			v.add("Value at 'groupIds' failed to satisfy constraint: Member must have length between 1 and %d, got %d", awsMaxGroupIDs, n)
		default:
			for i := range in.GroupIds {
				awsCheckResourceID(v, "groupIds."+strconv.Itoa(i+1)+".member", &in.GroupIds[i])
			}
		}
		return nil
	}); aerr != nil {
		return nil, aerr
	}
	// An unknown member is ResourceNotFoundException USER; an unknown group
	// id simply has no membership. How AWS treats either is UNCONFIRMED.
	member, err := e.store.awsMembershipsOfIn(*userID, in.GroupIds)
	if err != nil {
		return nil, awsStoreError(err, "USER", *userID)
	}
	type result struct {
		GroupId          string
		MemberId         isMemberID
		MembershipExists bool
	}
	out := make([]result, len(in.GroupIds))
	for i, gid := range in.GroupIds {
		out[i] = result{GroupId: gid, MemberId: isMemberID{UserId: *userID}, MembershipExists: member[gid]}
	}
	return struct{ Results []result }{out}, nil
}
