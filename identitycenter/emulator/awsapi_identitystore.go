package emulator

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
)

// identitystore reads of users and groups (identity-center-scim.md §10
// "Calls"), served from the same store, and so the same ids, as SCIM (§10 "A
// SCIM id is the same value as the identitystore UserId or GroupId.").

type isFilter struct {
	AttributePath  *string
	AttributeValue *string
}

// awsCheckStore checks that a well-formed IdentityStoreId (its format is
// checked first, as a ValidationException) names this store. For another store the
// emulator answers ResourceNotFoundException IDENTITY_STORE; whether AWS says
// that or AccessDeniedException is UNCONFIRMED, and a client should treat
// both as "wrong store".
func (e *Emulator) awsCheckStore(id *string) *awsError {
	if id != nil && *id != e.store.IdentityStoreID() { // nil is a validation error already
		return awsNotFound("IDENTITY_STORE", *id, "identity store "+*id)
	}
	return nil
}

// awsCheckFilters validates the deprecated Filters member (identity-center-scim.md
// §10: "Filters (max 1) is DEPRECATED: use GetUserId / GetGroupId") and
// returns the one filter, or nil. path is the only attribute path allowed.
func awsCheckFilters(v *awsValidationErrors, filters []isFilter, path string) *isFilter {
	switch {
	case len(filters) == 0:
		return nil
	case len(filters) > 1:
		v.add("Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 1")
		return nil
	}
	f := filters[0]
	if f.AttributePath == nil || f.AttributeValue == nil {
		v.add("Value null at 'filters.1.member' failed to satisfy constraint: Member must not be null")
		return nil
	}
	if *f.AttributePath != path {
		v.add("Value '%s' at 'filters.1.member.attributePath' is not supported: only %s can be filtered", awsClip(*f.AttributePath), path)
		return nil
	}
	return &f
}

func awsCheckExtensions(v *awsValidationErrors, ext []string) {
	for i, x := range ext {
		if x != awsEnterpriseExtension {
			v.add("Value '%s' at 'extensions.%d.member' failed to satisfy constraint: Member must be %s", awsClip(x), i+1, awsEnterpriseExtension)
		}
	}
}

func (e *Emulator) isListUsers(_ context.Context, body []byte) (any, *awsError) {
	var in struct {
		awsListInput
		Extensions []string
		Filters    []isFilter
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return nil, aerr
	}
	var f *isFilter
	return awsList(e, "ListUsers", "Users", in.awsListInput, "",
		func(v *awsValidationErrors) {
			awsCheckExtensions(v, in.Extensions)
			f = awsCheckFilters(v, in.Filters, "UserName")
		},
		func(pg awsPageRequest) (page[User], *awsError) {
			var n narrowing
			match := func(*User, isMemberFunc) bool { return true }
			if f != nil {
				n.key = userNameKey(*f.AttributeValue)
				match = func(u *User, _ isMemberFunc) bool { return awsStr(u.Attrs, "userName") == *f.AttributeValue }
			}
			return e.store.queryUsers(n, match, pg.after, pg.limit), nil
		},
		func(storeID string, u User) isUser { return awsUserShape(storeID, u, in.Extensions) })
}

func (e *Emulator) isListGroups(_ context.Context, body []byte) (any, *awsError) {
	var in struct {
		awsListInput
		Filters []isFilter
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return nil, aerr
	}
	var f *isFilter
	// identity-center-scim.md §10: "ListGroups has no members."
	return awsList(e, "ListGroups", "Groups", in.awsListInput, "",
		func(v *awsValidationErrors) { f = awsCheckFilters(v, in.Filters, "DisplayName") },
		func(pg awsPageRequest) (page[Group], *awsError) {
			var n narrowing
			match := func(*Group, isMemberFunc) bool { return true }
			if f != nil {
				n.key = groupNameKey(*f.AttributeValue)
				match = func(g *Group, _ isMemberFunc) bool { return g.DisplayName == *f.AttributeValue }
			}
			return e.store.queryGroups(n, match, pg.after, pg.limit), nil
		}, awsGroupShape)
}

func (e *Emulator) isDescribeUser(_ context.Context, body []byte) (any, *awsError) {
	var in struct {
		IdentityStoreId *string
		UserId          *string
		Extensions      []string
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return nil, aerr
	}
	if aerr := e.awsCheckInput(in.IdentityStoreId, func(v *awsValidationErrors) *awsError {
		awsCheckResourceID(v, "userId", in.UserId)
		awsCheckExtensions(v, in.Extensions)
		return nil
	}); aerr != nil {
		return nil, aerr
	}
	u, err := e.store.User(*in.UserId)
	if err != nil {
		return nil, awsStoreError(err, "USER", *in.UserId)
	}
	return awsUserShape(*in.IdentityStoreId, u, in.Extensions), nil
}

func (e *Emulator) isDescribeGroup(_ context.Context, body []byte) (any, *awsError) {
	var in struct {
		IdentityStoreId *string
		GroupId         *string
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return nil, aerr
	}
	if aerr := e.awsCheckInput(in.IdentityStoreId, func(v *awsValidationErrors) *awsError {
		awsCheckResourceID(v, "groupId", in.GroupId)
		return nil
	}); aerr != nil {
		return nil, aerr
	}
	g, err := e.store.Group(*in.GroupId)
	if err != nil {
		return nil, awsStoreError(err, "GROUP", *in.GroupId)
	}
	return awsGroupShape(*in.IdentityStoreId, g), nil
}

// awsAlternateIdentifier is the AlternateIdentifier union: exactly one member set.
type awsAlternateIdentifier struct {
	ExternalId *struct {
		Issuer *string
		Id     *string
	}
	UniqueAttribute *struct {
		AttributePath  *string
		AttributeValue json.RawMessage
	}
}

// awsLookup is a validated alternate identifier: either an external id (under
// issuer) or a unique attribute path and its string value.
type awsLookup struct {
	issuer, externalID string
	path, value        string
}

// awsCheckAlternateIdentifier validates the union; paths lists the unique
// attributes allowed (identity-center-scim.md §10 GetUserId "UniqueAttribute
// with path userName or emails.value"; GetGroupId "path displayName").
func awsCheckAlternateIdentifier(v *awsValidationErrors, a *awsAlternateIdentifier, paths ...string) awsLookup {
	switch {
	case a == nil:
		v.add("Value null at 'awsAlternateIdentifier' failed to satisfy constraint: Member must not be null")
		return awsLookup{}
	case (a.ExternalId == nil) == (a.UniqueAttribute == nil):
		v.add("Value at 'awsAlternateIdentifier' failed to satisfy constraint: exactly one of ExternalId or UniqueAttribute must be set")
		return awsLookup{}
	case a.ExternalId != nil:
		x := a.ExternalId
		// §10 "ExternalId: Issuer 1–100 chars and may not start with arn: or aws:. Id 1–256 chars."
		switch {
		case x.Issuer == nil || len(*x.Issuer) < 1 || len(*x.Issuer) > 100:
			v.add("Value at 'awsAlternateIdentifier.externalId.issuer' failed to satisfy constraint: Member must have length between 1 and 100")
		case strings.HasPrefix(*x.Issuer, "arn:") || strings.HasPrefix(*x.Issuer, "aws:"):
			v.add("Value '%s' at 'awsAlternateIdentifier.externalId.issuer' failed to satisfy constraint: Member must not start with arn: or aws:", awsClip(*x.Issuer))
		}
		if x.Id == nil || len(*x.Id) < 1 || len(*x.Id) > 256 {
			v.add("Value at 'awsAlternateIdentifier.externalId.id' failed to satisfy constraint: Member must have length between 1 and 256")
		}
		if len(*v) > 0 {
			return awsLookup{}
		}
		return awsLookup{issuer: *x.Issuer, externalID: *x.Id}
	}
	u := a.UniqueAttribute
	if u.AttributePath == nil || !slices.Contains(paths, *u.AttributePath) {
		v.add("Value at 'awsAlternateIdentifier.uniqueAttribute.attributePath' failed to satisfy constraint: Member must be one of [%s]", strings.Join(paths, ", "))
		return awsLookup{}
	}
	var val string
	if err := json.Unmarshal(u.AttributeValue, &val); err != nil || val == "" {
		v.add("Value at 'awsAlternateIdentifier.uniqueAttribute.attributeValue' failed to satisfy constraint: Member must be a non-empty string")
		return awsLookup{}
	}
	return awsLookup{path: *u.AttributePath, value: val}
}

// awsDecodeLookup decodes and checks the input GetUserId and GetGroupId
// share: an IdentityStoreId and an AlternateIdentifier whose unique
// attribute is one of paths. It returns the store id and the lookup.
func (e *Emulator) awsDecodeLookup(body []byte, paths ...string) (string, awsLookup, *awsError) {
	var in struct {
		IdentityStoreId     *string
		AlternateIdentifier *awsAlternateIdentifier
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return "", awsLookup{}, aerr
	}
	var l awsLookup
	if aerr := e.awsCheckInput(in.IdentityStoreId, func(v *awsValidationErrors) *awsError {
		l = awsCheckAlternateIdentifier(v, in.AlternateIdentifier, paths...)
		return nil
	}); aerr != nil {
		return "", awsLookup{}, aerr
	}
	return *in.IdentityStoreId, l, nil
}

func (e *Emulator) isGetUserID(_ context.Context, body []byte) (any, *awsError) {
	storeID, l, aerr := e.awsDecodeLookup(body, "userName", "emails.value")
	if aerr != nil {
		return nil, aerr
	}
	// Matching is exact: whether AWS folds case in these lookups is
	// UNCONFIRMED, so the emulator does not, and a client must not rely on it.
	var n narrowing
	switch l.path {
	case "userName":
		n.key = userNameKey(l.value)
	case "":
		n.key = userExtKey(l.externalID)
	}
	p := e.store.queryUsers(n, func(u *User, _ isMemberFunc) bool {
		a := u.Attrs
		switch l.path {
		case "userName":
			return awsStr(a, "userName") == l.value
		case "emails.value":
			for _, em := range awsTypedValues(a["emails"]) {
				if em.Value == l.value {
					return true
				}
			}
			return false
		}
		return l.issuer == SCIMExternalIDIssuer && awsStr(a, "externalId") == l.externalID
	}, 0, 1)
	if len(p.Items) == 0 {
		return nil, awsNotFound("USER", "", "user with the given alternate identifier")
	}
	u := p.Items[0]
	return struct{ IdentityStoreId, UserId, UserArn string }{
		storeID, u.ID, "arn:aws:identitystore:::user/" + u.ID,
	}, nil
}

func (e *Emulator) isGetGroupID(_ context.Context, body []byte) (any, *awsError) {
	storeID, l, aerr := e.awsDecodeLookup(body, "displayName")
	if aerr != nil {
		return nil, aerr
	}
	n := narrowing{key: groupExtKey(l.externalID)}
	if l.path == "displayName" {
		n.key = groupNameKey(l.value)
	}
	p := e.store.queryGroups(n, func(g *Group, _ isMemberFunc) bool {
		if l.path == "displayName" {
			return g.DisplayName == l.value
		}
		return l.issuer == SCIMExternalIDIssuer && g.ExternalID == l.externalID
	}, 0, 1)
	if len(p.Items) == 0 {
		return nil, awsNotFound("GROUP", "", "group with the given alternate identifier")
	}
	g := p.Items[0]
	return struct{ GroupId, GroupArn, IdentityStoreId string }{
		g.ID, "arn:aws:identitystore:::group/" + g.ID, storeID,
	}, nil
}

// awsCheckInput runs the checks every identitystore call makes, in AWS's
// order: the IdentityStoreId format, then the call's own members (check, which
// may also return a later error, such as a NextToken this service did not
// issue), then that the store is this one.
func (e *Emulator) awsCheckInput(storeID *string, check func(v *awsValidationErrors) *awsError) *awsError {
	var v awsValidationErrors
	awsCheckIdentityStoreID(&v, storeID)
	later := check(&v)
	return awsFirstErr(v.err(), later, e.awsCheckStore(storeID))
}

// awsFirstErr returns the first non-nil error, so checks run in AWS's order:
// input validation before resource lookups. A nil *awsError stays nil.
func awsFirstErr(errs ...*awsError) *awsError {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func awsDeref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
