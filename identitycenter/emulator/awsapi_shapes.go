package emulator

import (
	"strconv"
	"time"
)

// SCIMExternalIDIssuer is the ExternalId Issuer under which identitystore
// shows an externalId written through SCIM. identity-center-scim.md §10: "The
// Issuer used for externalIds written via SCIM is UNCONFIRMED." The emulator
// uses this value and matches GetUserId/GetGroupId ExternalId lookups only
// under it; a client that must work against AWS should look resources up by
// UniqueAttribute (userName, displayName) rather than depend on the Issuer.
const SCIMExternalIDIssuer = "SCIM"

// awsEnterpriseExtension is the one extension DescribeUser/ListUsers return on
// request (identity-center-scim.md §10: "Extensions (only
// aws:identitystore:enterprise)"), filled from SCIM's enterprise schema.
const (
	awsEnterpriseExtension = "aws:identitystore:enterprise"
	awsSCIMEnterpriseURN   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
)

// Wire shapes of identitystore (botocore identitystore): member names are the
// JSON keys; absent values are omitted, never null.
type (
	isName struct {
		Formatted       string `json:",omitempty"`
		FamilyName      string `json:",omitempty"`
		GivenName       string `json:",omitempty"`
		MiddleName      string `json:",omitempty"`
		HonorificPrefix string `json:",omitempty"`
		HonorificSuffix string `json:",omitempty"`
	}
	isTyped struct { // Email, PhoneNumber, Role
		Value   string `json:",omitempty"`
		Type    string `json:",omitempty"`
		Primary bool   `json:",omitempty"`
	}
	isAddress struct {
		StreetAddress string `json:",omitempty"`
		Locality      string `json:",omitempty"`
		Region        string `json:",omitempty"`
		PostalCode    string `json:",omitempty"`
		Country       string `json:",omitempty"`
		Formatted     string `json:",omitempty"`
		Type          string `json:",omitempty"`
		Primary       bool   `json:",omitempty"`
	}
	isExternalID struct {
		Issuer string
		Id     string
	}
	isUser struct {
		IdentityStoreId   string
		UserId            string
		UserArn           string
		Revision          string
		UserName          string                    `json:",omitempty"`
		ExternalIds       []isExternalID            `json:",omitempty"`
		Name              *isName                   `json:",omitempty"`
		DisplayName       string                    `json:",omitempty"`
		NickName          string                    `json:",omitempty"`
		ProfileUrl        string                    `json:",omitempty"`
		Emails            []isTyped                 `json:",omitempty"`
		Addresses         []isAddress               `json:",omitempty"`
		PhoneNumbers      []isTyped                 `json:",omitempty"`
		Roles             []isTyped                 `json:",omitempty"`
		UserType          string                    `json:",omitempty"`
		Title             string                    `json:",omitempty"`
		PreferredLanguage string                    `json:",omitempty"`
		Locale            string                    `json:",omitempty"`
		Timezone          string                    `json:",omitempty"`
		UserStatus        string                    `json:",omitempty"`
		Extensions        map[string]map[string]any `json:",omitempty"`
		CreatedAt         float64                   `json:",omitempty"`
		UpdatedAt         float64                   `json:",omitempty"`
	}
	isGroup struct {
		GroupId         string
		GroupArn        string
		IdentityStoreId string
		Revision        string
		DisplayName     string         `json:",omitempty"`
		ExternalIds     []isExternalID `json:",omitempty"`
		CreatedAt       float64        `json:",omitempty"`
		UpdatedAt       float64        `json:",omitempty"`
	}
	isMemberID struct {
		UserId string
	}
	isMembership struct {
		IdentityStoreId string
		MembershipId    string
		MembershipArn   string
		GroupId         string
		MemberId        isMemberID
	}
)

// awsUserShape maps a stored SCIM user to identitystore's User. SCIM's
// multi-valued attributes hold at most one value in AWS (§4 "emails,
// addresses, phoneNumbers and roles take at most ONE value"), but every value
// stored is mapped, so the emulator never hides data.
func awsUserShape(storeID string, u User, extensions []string) isUser {
	a := u.Attrs
	out := isUser{
		IdentityStoreId:   storeID,
		UserId:            u.ID,
		UserArn:           "arn:aws:identitystore:::user/" + u.ID,
		Revision:          awsRevision(u.LastModified),
		UserName:          awsStr(a, "userName"),
		DisplayName:       awsStr(a, "displayName"),
		NickName:          awsStr(a, "nickName"),
		ProfileUrl:        awsStr(a, "profileUrl"),
		UserType:          awsStr(a, "userType"),
		Title:             awsStr(a, "title"),
		PreferredLanguage: awsStr(a, "preferredLanguage"),
		Locale:            awsStr(a, "locale"),
		Timezone:          awsStr(a, "timezone"),
		ExternalIds:       awsExternalIDs(awsStr(a, "externalId")),
		Emails:            awsTypedValues(a["emails"]),
		PhoneNumbers:      awsTypedValues(a["phoneNumbers"]),
		Roles:             awsTypedValues(a["roles"]),
		Addresses:         awsAddresses(a["addresses"]),
		// SCIM active ↔ identitystore UserStatus: inferred from the model's
		// ENABLED/DISABLED (the reference does not state the mapping).
		UserStatus: "ENABLED",
		CreatedAt:  awsEpoch(u.Created),
		UpdatedAt:  awsEpoch(u.LastModified),
	}
	if active, ok := a["active"].(bool); ok && !active {
		out.UserStatus = "DISABLED"
	}
	if n, ok := a["name"].(map[string]any); ok {
		name := isName{
			Formatted:       awsStr(n, "formatted"),
			FamilyName:      awsStr(n, "familyName"),
			GivenName:       awsStr(n, "givenName"),
			MiddleName:      awsStr(n, "middleName"),
			HonorificPrefix: awsStr(n, "honorificPrefix"),
			HonorificSuffix: awsStr(n, "honorificSuffix"),
		}
		if name != (isName{}) {
			out.Name = &name
		}
	}
	for _, x := range extensions {
		// Only aws:identitystore:enterprise exists; its member names are taken
		// from SCIM's enterprise schema (AWS's own spelling is UNCONFIRMED).
		if ent, ok := a[awsSCIMEnterpriseURN].(map[string]any); x == awsEnterpriseExtension && ok && len(ent) > 0 {
			out.Extensions = map[string]map[string]any{awsEnterpriseExtension: ent}
		}
	}
	return out
}

func awsGroupShape(storeID string, g Group) isGroup {
	return isGroup{
		GroupId:         g.ID,
		GroupArn:        "arn:aws:identitystore:::group/" + g.ID,
		IdentityStoreId: storeID,
		Revision:        awsRevision(g.LastModified),
		DisplayName:     g.DisplayName,
		ExternalIds:     awsExternalIDs(g.ExternalID),
		CreatedAt:       awsEpoch(g.Created),
		UpdatedAt:       awsEpoch(g.LastModified),
	}
}

func awsMembershipShape(storeID string, m Membership) isMembership {
	return isMembership{
		IdentityStoreId: storeID,
		MembershipId:    m.ID,
		MembershipArn:   "arn:aws:identitystore:::membership/" + m.ID,
		GroupId:         m.GroupID,
		MemberId:        isMemberID{UserId: m.UserID},
	}
}

func awsExternalIDs(id string) []isExternalID {
	if id == "" {
		return nil
	}
	return []isExternalID{{Issuer: SCIMExternalIDIssuer, Id: id}}
}

func awsTypedValues(v any) []isTyped {
	list, _ := v.([]any)
	var out []isTyped
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		p, _ := m["primary"].(bool)
		out = append(out, isTyped{Value: awsStr(m, "value"), Type: awsStr(m, "type"), Primary: p})
	}
	return out
}

func awsAddresses(v any) []isAddress {
	list, _ := v.([]any)
	var out []isAddress
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		p, _ := m["primary"].(bool)
		out = append(out, isAddress{
			StreetAddress: awsStr(m, "streetAddress"),
			Locality:      awsStr(m, "locality"),
			Region:        awsStr(m, "region"),
			PostalCode:    awsStr(m, "postalCode"),
			Country:       awsStr(m, "country"),
			Formatted:     awsStr(m, "formatted"),
			Type:          awsStr(m, "type"),
			Primary:       p,
		})
	}
	return out
}

func awsStr(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// awsEpoch is the AWS JSON timestamp form: seconds since the epoch, with
// fractions.
func awsEpoch(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMilli()) / 1000
}

// awsRevision is an opaque value that changes whenever the resource does.
func awsRevision(lastModified time.Time) string {
	return strconv.FormatInt(lastModified.UnixNano(), 36)
}
