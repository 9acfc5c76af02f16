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
		IdentityStoreId *string
		GroupId         *string
		MaxResults      *int32
		NextToken       *string
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return nil, aerr
	}
	var v awsValidationErrors
	awsCheckIdentityStoreID(&v, in.IdentityStoreId)
	awsCheckResourceID(&v, "groupId", in.GroupId)
	scope := awsDeref(in.IdentityStoreId) + "/" + awsDeref(in.GroupId)
	pg, tokErr := awsCheckPage(&v, "ListGroupMemberships", scope, in.MaxResults, in.NextToken)
	if aerr := awsFirstErr(v.err(), tokErr, e.awsCheckStore(in.IdentityStoreId)); aerr != nil {
		return nil, aerr
	}
	// A missing group is ResourceNotFoundException GROUP (the stricter
	// reading; whether AWS returns an empty list instead is UNCONFIRMED).
	p, err := e.store.awsMembersPage(*in.GroupId, pg.after, pg.limit)
	if err != nil {
		return nil, awsStoreError(err, "GROUP", *in.GroupId)
	}
	out := make([]isMembership, len(p.Items))
	for i, m := range p.Items {
		out[i] = awsMembershipShape(*in.IdentityStoreId, m)
	}
	return struct {
		GroupMemberships []isMembership
		NextToken        *string `json:",omitempty"`
	}{out, awsNextToken("ListGroupMemberships", scope, p.LastSeq, p.More)}, nil
}

func (e *Emulator) isListGroupMembershipsForMember(_ context.Context, body []byte) (any, *awsError) {
	var in struct {
		IdentityStoreId *string
		MemberId        *isMemberIDInput
		MaxResults      *int32
		NextToken       *string
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return nil, aerr
	}
	var v awsValidationErrors
	awsCheckIdentityStoreID(&v, in.IdentityStoreId)
	userID := awsCheckMemberID(&v, in.MemberId)
	scope := awsDeref(in.IdentityStoreId) + "/" + awsDeref(userID)
	pg, tokErr := awsCheckPage(&v, "ListGroupMembershipsForMember", scope, in.MaxResults, in.NextToken)
	if aerr := awsFirstErr(v.err(), tokErr, e.awsCheckStore(in.IdentityStoreId)); aerr != nil {
		return nil, aerr
	}
	p, err := e.store.awsMembershipsOfPage(*userID, pg.after, pg.limit)
	if err != nil {
		return nil, awsStoreError(err, "USER", *userID)
	}
	out := make([]isMembership, len(p.Items))
	for i, m := range p.Items {
		out[i] = awsMembershipShape(*in.IdentityStoreId, m)
	}
	return struct {
		GroupMemberships []isMembership
		NextToken        *string `json:",omitempty"`
	}{out, awsNextToken("ListGroupMembershipsForMember", scope, p.LastSeq, p.More)}, nil
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
	var v awsValidationErrors
	awsCheckIdentityStoreID(&v, in.IdentityStoreId)
	userID := awsCheckMemberID(&v, in.MemberId)
	switch n := len(in.GroupIds); {
	case n < 1 || n > awsMaxGroupIDs:
		v.add("Value at 'groupIds' failed to satisfy constraint: Member must have length between 1 and %d, got %d", awsMaxGroupIDs, n)
	default:
		for i := range in.GroupIds {
			awsCheckResourceID(&v, "groupIds."+strconv.Itoa(i+1)+".member", &in.GroupIds[i])
		}
	}
	if aerr := awsFirstErr(v.err(), e.awsCheckStore(in.IdentityStoreId)); aerr != nil {
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
