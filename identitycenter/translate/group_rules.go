package translate

// SchemaGroup is the core Group schema, the only one a group carries.
const SchemaGroup = "urn:ietf:params:scim:schemas:core:2.0:Group"

// MaxMemberChanges is Identity Center's cap on membership changes per
// request. identity-center-scim.md §5: "At most 100 membership changes per
// request." and CreateGroup "at most 100 members in the create request".
const MaxMemberChanges = 100

// Group rule names, logged on the request line; docs/groups.md has one row
// per rule.
const (
	// identity-center-scim.md §4 Unsupported sub-attributes: "display of … any
	// multi-valued attribute"; §5 Accepted PATCH forms send only {"value": id}.
	RuleMemberDisplayDropped = "group.members.display.dropped"
	// Okta sends the same member twice (add after add); one change is enough.
	RuleMembersDeduplicated = "group.members.deduplicated"
	// okta-scim-client.md §1.10: removes come as `members[value eq "<id>"]`;
	// identity-center-scim.md §5: that filtered path "appears in no source:
	// UNCONFIRMED", so it is sent in the proven form: remove, path members,
	// value [{"value": id}].
	RuleMemberFilteredRemove = "group.members.filtered-remove"
	// okta-scim-client.md §1.11 full push `replace` of members; identity-center-scim.md
	// §5: "replace on members is not supported" → a diff against the current
	// members, sent as adds and removes.
	RuleMembersReplaceAsDiff = "group.members.replace-as-diff"
	// RFC 7644 §3.5.2.2 remove of "members" without a value means all of them;
	// identity-center-scim.md §5: ""remove all" is not supported" → removes of
	// each current member.
	RuleMembersRemoveAllAsDiff = "group.members.remove-all-as-diff"
	// identity-center-scim.md §5: "At most 100 membership changes per request."
	RuleMembersBatched = "group.members.batched"
	// identity-center-scim.md §5 CreateGroup: "at most 100 members in the create
	// request"; the rest follow as PATCH adds.
	RuleCreateMembersBatched = "group.create.members-batched"
	// Changes already in effect (add of a member, remove of a non-member) are
	// not sent: they cost a request and their upstream answer is UNCONFIRMED.
	RuleMembersNoopSkipped = "group.members.noop-skipped"
	// okta-scim-client.md §1.9: path-less replace {id, displayName}; identity-center-scim.md
	// §5 "PATCH without path is accepted only for add or replace of a single
	// attribute" → replace with path displayName.
	RuleGroupPathless = "group.pathless.split"
	// okta-scim-client.md §1.9: "The group name update operation is triggered
	// each time there's a group membership update operation." An unchanged
	// name is not sent.
	RuleRenameUnchanged = "group.rename.unchanged-skipped"
	// identity-center-scim.md §2: "/Groups/{id} PUT none — no PutGroup" → the
	// custom app's PUT becomes a rename plus a member diff.
	RuleGroupPutAsPatch = "group.put-as-patch"
	// A PUT without "members" leaves them as they are rather than emptying the
	// group: the safe reading of an ambiguous body.
	RuleGroupPutMembersKept = "group.put.members-absent-kept"
	// A later batch was refused for a reason that applies to the whole
	// request (an unknown member); the batches before it were undone.
	RuleMembersRolledBack = "group.members.rolled-back"
)
