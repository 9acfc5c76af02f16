package emulator

// Rule names one refusal or behaviour of Identity Center that the emulator
// enforces. Each rule cites the line of shared/reference/identity-center-scim.md
// it implements. The conformance suite (identitycenter/conformance) has at
// least one case per rule, tagged with the same name, and a lenient emulator
// (Options.Lenient) with one rule off must make that case fail.
type Rule string

// The rules, grouped as the reference groups them.
const (
	// §1 Base URL, tenant, auth.
	RuleAuthBearer  Rule = "auth.bearer"            // §1 "401 UnauthorizedException is returned when the Authorization header is missing or invalid."
	RuleAuthTenant  Rule = "auth.tenant"            // §1 "It is also returned when the tenant id is wrong."
	RuleRequestIDHd Rule = "auth.request-id-header" // §1 "Responses carry an x-amzn-RequestId header."

	// §2 Endpoints and methods.
	RuleNoGroupPut        Rule = "endpoint.no-group-put"        // §2 "/Groups/{id} PUT none — no PutGroup; unsupported"
	RuleNoBulkMeSearch    Rule = "endpoint.no-bulk-me-search"   // §2 "/Me, /Bulk, /Search any none — unsupported"
	RuleDiscoveryReadOnly Rule = "endpoint.discovery-read-only" // §2 "/ServiceProviderConfig GET … read-only"; /Schemas, /ResourceTypes GET only
	RuleDeleteStatus      Rule = "endpoint.delete-204-404"      // §2 "DELETE … HTTP/1.1 204, empty body; 404 if missing"
	RuleCreateStatus      Rule = "endpoint.create-201"          // §2 "POST … 201 with the resource body"

	// §3 Filters and pagination.
	RuleFilterEqOnly      Rule = "filter.eq-and-only"        // §3 "Only eq is supported, and it can only be combined with and."
	RuleFilterAttributes  Rule = "filter.attributes"         // §3 "ListUsers filter combinations …"; "ListGroups filter combinations …"
	RuleFilterMembers     Rule = "filter.members-value"      // §3 "GET /Groups?cursor&filter=members.value eq "<user-id>" returns every group that contains the user."
	RuleCursorBare        Rule = "paging.cursor-bare"        // §3 "The first page needs a bare cursor parameter with no value"
	RuleCursorNext        Rule = "paging.cursor-next"        // §3 "with a cursor: itemsPerPage, nextCursor"; "The last page has no nextCursor."
	RuleCountRange        Rule = "paging.count-1-100"        // §3 "count is 1–100, default 100."
	RuleStartIndexIgnored Rule = "paging.startindex-ignored" // §3 "ListUsers does not support startIndex"
	RuleTruncation        Rule = "paging.truncation"         // §3 "Without a cursor, lists are silently truncated … now at 100."

	// §4 User attribute rules.
	RuleUserRequired     Rule = "user.required"               // §4 "Required on create (POST) and replace (PUT): userName, name.givenName, name.familyName, displayName."
	RuleEmailPrimary     Rule = "user.email-primary"          // §4 "If emails is sent, its single value must have primary: true."
	RuleUserGroupsCreate Rule = "user.no-groups-on-create"    // §4 "groups cannot be set in CreateUser."
	RuleSingleValued     Rule = "user.single-valued"          // §4 "emails, addresses, phoneNumbers and roles take at most ONE value. More than one → 400."
	RuleUnsupportedAttr  Rule = "user.unsupported-attributes" // §4 "Attributes: password, ims, photos, x509Certificates, entitlements."
	RuleDisplaySubAttr   Rule = "user.display-sub-attribute"  // §4 "Sub-attributes: display of emails, addresses, phoneNumbers …; manager.displayName; meta.version"
	RuleEmptyString      Rule = "user.empty-string"           // §4 "An empty string "" is rejected."
	RuleLengths          Rule = "user.lengths"                // §4 "Lengths: userName 1–128; most strings 1–1024; externalId 1–256"
	RuleCharacters       Rule = "user.characters"             // §4 "Characters: userName [\p{L}\p{M}\p{S}\p{N}\p{P}]+ …; Do not use <>;:%"
	RuleReservedNames    Rule = "user.reserved-names"         // §4 ""Administrator" and "AWSAdministrators" are reserved"
	RuleUserUnique       Rule = "user.unique"                 // §4 "userName, the user's primary email, and externalId … A duplicate gets 409"
	RuleAddressComplete  Rule = "user.address-complete"       // §4 Lifecycle "address updates need all five fields"; §12.3 "send an address only with all five parts"

	// §4 PatchUser.
	RulePatchOpShape     Rule = "patch.op-shape"                  // §4 "op is required. path is required for remove. value is required for add and replace."
	RulePatchUserAttrs   Rule = "patch.user-attributes"           // §4 "Only these attributes can be modified: userName, active, externalId, …"
	RulePatchNoRemoveKey Rule = "patch.no-remove-username-active" // §4 "no remove of userName or active"
	RulePatchOneKeyOp    Rule = "patch.one-op-username-active"    // §4 "no more than one op on userName or active in one request"
	RulePatchFilterEq    Rule = "patch.path-filter-eq"            // §4 "path filters use eq only."
	RulePatchPathless    Rule = "patch.pathless-single"           // §5 "PATCH without path is accepted only for add or replace of a single attribute."

	// §5 Group rules.
	RuleGroupDisplayName Rule = "group.display-name-required"     // §5 "displayName is required"
	RuleGroupCreateMax   Rule = "group.create-max-100"            // §5 "at most 100 members in the create request"
	RuleGroupUnique      Rule = "group.unique"                    // §5 "Group displayName and externalId must be unique."
	RuleMembersHidden    Rule = "group.members-hidden"            // §5 "GetGroup and ListGroups ALWAYS return "members": []."
	RuleGroupPatchAttrs  Rule = "group.patch-attributes"          // §5 "Only displayName, members and externalId can be changed."
	RuleGroupPatchMax    Rule = "group.patch-max-100"             // §5 "At most 100 membership changes per request."
	RuleNoMembersReplace Rule = "group.no-members-replace"        // §5 "replace on members is not supported."
	RuleNoRemoveAll      Rule = "group.no-remove-all"             // §5 ""remove all" is not supported."
	RuleNoFilteredRemove Rule = "group.no-filtered-member-remove" // §5 "remove with the filtered path members[value eq "<id>"] … UNCONFIRMED" (refused: the safe reading)
	RuleMembersUsersOnly Rule = "group.members-users-only"        // §5 "Members are users only"

	// §6 Errors.
	RuleErrorBody Rule = "error.body" // §6 "status is a STRING"; "extra non-standard keys: schema, exceptionRequestId, timeStamp"; "no scimType"

	// Added with the SCIM endpoint.
	RuleSchemaTypes     Rule = "schema.types"         // §6 "400 ValidationException: unparsable, violates schema": a value of the wrong JSON type, an unknown attribute or a malformed PATCH path
	RuleGroupAttributes Rule = "group.attributes"     // §5 "Only displayName, members and externalId can be changed." — applied to create too (other attributes UNCONFIRMED: refused, the safe reading)
	RuleNoAttributesArg Rule = "paging.no-attributes" // §3 "ListUsers does not support startIndex, attributes or excludedAttributes." — attributes/excludedAttributes refused (ignored or refused is UNCONFIRMED; refusing is safe)
	RuleMemberDisplay   Rule = "group.member-display" // §4 "Sub-attributes: display of … any multi-valued attribute" — members[].display refused
)
