package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

// awsHarness is an emulator on an httptest server with real SDK clients
// pointed at it, as the bridge would configure them.
type awsHarness struct {
	emu     *Emulator
	store   *Store
	storeID *string
	is      *identitystore.Client
	sso     *ssoadmin.Client
	cfg     aws.Config
	url     string
}

func newAWSHarness(t testing.TB, opts Options) *awsHarness {
	t.Helper()
	if opts.Tenant == "" {
		opts.Tenant = "t-emulator"
	}
	if len(opts.Tokens) == 0 {
		opts.Tokens = []string{"scim-token"}
	}
	emu, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	// AWS_CA_BUNDLE is set on this machine and in CI: the SDK needs a
	// buildable client to add the bundle to.
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDEMULATOR", "emulator-secret", "")),
		config.WithHTTPClient(awshttp.NewBuildableClient()),
	)
	if err != nil {
		t.Fatalf("load AWS config: %v", err)
	}
	h := &awsHarness{emu: emu, store: emu.Store(), cfg: cfg, url: srv.URL}
	h.storeID = aws.String(h.store.IdentityStoreID())
	h.is = h.identityStore()
	h.sso = ssoadmin.NewFromConfig(cfg, func(o *ssoadmin.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	return h
}

// identityStore returns an identitystore client with extra options.
func (h *awsHarness) identityStore(opts ...func(*identitystore.Options)) *identitystore.Client {
	return identitystore.NewFromConfig(h.cfg, append([]func(*identitystore.Options){
		func(o *identitystore.Options) { o.BaseEndpoint = aws.String(h.url) },
	}, opts...)...)
}

// scimUser is a user as the SCIM endpoint stores it.
func scimUser(n int) map[string]any {
	return map[string]any{
		"userName":    fmt.Sprintf("user%02d@example.com", n),
		"name":        map[string]any{"givenName": fmt.Sprintf("Given%02d", n), "familyName": "Family"},
		"displayName": fmt.Sprintf("User %02d", n),
		"emails":      []any{map[string]any{"value": fmt.Sprintf("user%02d@example.com", n), "type": "work", "primary": true}},
		"externalId":  fmt.Sprintf("okta-%02d", n),
		"active":      true,
	}
}

func (h *awsHarness) mustUser(t *testing.T, attrs map[string]any) User {
	t.Helper()
	u, err := h.store.CreateUser(attrs)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

func (h *awsHarness) mustGroup(t *testing.T, name, ext string, members ...string) Group {
	t.Helper()
	g, err := h.store.CreateGroup(name, ext, members)
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	return g
}

func TestAWSListInstancesNamesTheStore(t *testing.T) {
	h := newAWSHarness(t, Options{})
	out, err := h.sso.ListInstances(context.Background(), &ssoadmin.ListInstancesInput{})
	if err != nil {
		t.Fatalf("ListInstances: %v", err)
	}
	if len(out.Instances) != 1 {
		t.Fatalf("got %d instances, want 1", len(out.Instances))
	}
	in := out.Instances[0]
	if aws.ToString(in.IdentityStoreId) != h.store.IdentityStoreID() {
		t.Errorf("IdentityStoreId = %q, want the store's %q", aws.ToString(in.IdentityStoreId), h.store.IdentityStoreID())
	}
	if in.Status != ssotypes.InstanceStatusActive {
		t.Errorf("Status = %q, want ACTIVE", in.Status)
	}
	if arn := aws.ToString(in.InstanceArn); !regexp.MustCompile(`^arn:aws:sso:::instance/ssoins-[a-zA-Z0-9-.]{16}$`).MatchString(arn) {
		t.Errorf("InstanceArn = %q, not an ssoins ARN", arn)
	}
	if out.NextToken != nil {
		t.Errorf("NextToken = %q on the only page", *out.NextToken)
	}
}

func TestAWSListUsersPagesInCreationOrderWithSCIMIds(t *testing.T) {
	h := newAWSHarness(t, Options{})
	var want []string
	for i := range 7 {
		want = append(want, h.mustUser(t, scimUser(i)).ID)
	}
	var got []string
	pages := 0
	p := identitystore.NewListUsersPaginator(h.is, &identitystore.ListUsersInput{IdentityStoreId: h.storeID, MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListUsers page %d: %v", pages+1, err)
		}
		pages++
		if len(out.Users) > 3 {
			t.Fatalf("page %d has %d users, MaxResults was 3", pages, len(out.Users))
		}
		for _, u := range out.Users {
			got = append(got, aws.ToString(u.UserId))
		}
	}
	if pages != 3 {
		t.Errorf("7 users at 3 a page took %d pages, want 3", pages)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("user ids over all pages:\n got %v\nwant %v (the store's, and so SCIM's, ids in creation order)", got, want)
	}
}

func TestAWSListUsersDoesNotSkipWhenUsersChangeBetweenPages(t *testing.T) {
	h := newAWSHarness(t, Options{})
	var ids []string
	for i := range 6 {
		ids = append(ids, h.mustUser(t, scimUser(i)).ID)
	}
	ctx := context.Background()
	first, err := h.is.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: h.storeID, MaxResults: aws.Int32(3)})
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	// A user already seen is deleted and a new one created before page 2.
	if err := h.store.DeleteUser(ids[1]); err != nil {
		t.Fatal(err)
	}
	added := h.mustUser(t, scimUser(99)).ID
	second, err := h.is.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: h.storeID, MaxResults: aws.Int32(10), NextToken: first.NextToken})
	if err != nil {
		t.Fatalf("ListUsers page 2: %v", err)
	}
	var got []string
	for _, u := range second.Users {
		got = append(got, aws.ToString(u.UserId))
	}
	want := []string{ids[3], ids[4], ids[5], added}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("page 2 = %v, want %v: no user skipped or repeated", got, want)
	}
	if second.NextToken != nil {
		t.Errorf("last page has NextToken %q", *second.NextToken)
	}
}

func TestAWSDescribeUserMapsSCIMAttributes(t *testing.T) {
	h := newAWSHarness(t, Options{})
	attrs := map[string]any{
		"userName":     "ada@example.com",
		"name":         map[string]any{"givenName": "Ada", "familyName": "Lovelace", "middleName": "King", "honorificPrefix": "Countess"},
		"displayName":  "Ada Lovelace",
		"nickName":     "ada",
		"title":        "Analyst",
		"userType":     "Employee",
		"locale":       "en-GB",
		"timezone":     "Europe/London",
		"emails":       []any{map[string]any{"value": "ada@example.com", "type": "work", "primary": true}},
		"phoneNumbers": []any{map[string]any{"value": "+44 20 7946 0000", "type": "work"}},
		"addresses": []any{map[string]any{"streetAddress": "12 St James's Square", "locality": "London",
			"region": "LND", "postalCode": "SW1Y 4LB", "country": "GB", "type": "work", "primary": true}},
		"externalId": "00u1ada",
		"active":     false,
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"department": "Engines", "costCenter": "42"},
	}
	u := h.mustUser(t, attrs)
	out, err := h.is.DescribeUser(context.Background(), &identitystore.DescribeUserInput{
		IdentityStoreId: h.storeID, UserId: aws.String(u.ID), Extensions: []string{"aws:identitystore:enterprise"}})
	if err != nil {
		t.Fatalf("DescribeUser: %v", err)
	}
	checks := []struct{ field, got, want string }{
		{"UserId", aws.ToString(out.UserId), u.ID},
		{"IdentityStoreId", aws.ToString(out.IdentityStoreId), h.store.IdentityStoreID()},
		{"UserName", aws.ToString(out.UserName), "ada@example.com"},
		{"DisplayName", aws.ToString(out.DisplayName), "Ada Lovelace"},
		{"NickName", aws.ToString(out.NickName), "ada"},
		{"Title", aws.ToString(out.Title), "Analyst"},
		{"UserType", aws.ToString(out.UserType), "Employee"},
		{"Locale", aws.ToString(out.Locale), "en-GB"},
		{"Timezone", aws.ToString(out.Timezone), "Europe/London"},
		{"UserStatus", string(out.UserStatus), "DISABLED"},
		{"UserArn", aws.ToString(out.UserArn), "arn:aws:identitystore:::user/" + u.ID},
	}
	if out.Name != nil {
		checks = append(checks,
			struct{ field, got, want string }{"Name.GivenName", aws.ToString(out.Name.GivenName), "Ada"},
			struct{ field, got, want string }{"Name.FamilyName", aws.ToString(out.Name.FamilyName), "Lovelace"},
			struct{ field, got, want string }{"Name.MiddleName", aws.ToString(out.Name.MiddleName), "King"},
			struct{ field, got, want string }{"Name.HonorificPrefix", aws.ToString(out.Name.HonorificPrefix), "Countess"})
	} else {
		t.Error("Name is missing")
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if len(out.Emails) != 1 || aws.ToString(out.Emails[0].Value) != "ada@example.com" || !out.Emails[0].Primary || aws.ToString(out.Emails[0].Type) != "work" {
		t.Errorf("Emails = %+v, want one primary work email ada@example.com", out.Emails)
	}
	if len(out.PhoneNumbers) != 1 || aws.ToString(out.PhoneNumbers[0].Value) != "+44 20 7946 0000" || out.PhoneNumbers[0].Primary {
		t.Errorf("PhoneNumbers = %+v, want one non-primary number", out.PhoneNumbers)
	}
	if len(out.Addresses) != 1 || aws.ToString(out.Addresses[0].PostalCode) != "SW1Y 4LB" || aws.ToString(out.Addresses[0].Country) != "GB" ||
		aws.ToString(out.Addresses[0].Locality) != "London" || aws.ToString(out.Addresses[0].Region) != "LND" {
		t.Errorf("Addresses = %+v, want the London address", out.Addresses)
	}
	if len(out.ExternalIds) != 1 || aws.ToString(out.ExternalIds[0].Id) != "00u1ada" || aws.ToString(out.ExternalIds[0].Issuer) != SCIMExternalIDIssuer {
		t.Errorf("ExternalIds = %+v, want [{%s 00u1ada}]", out.ExternalIds, SCIMExternalIDIssuer)
	}
	if out.CreatedAt == nil || out.CreatedAt.Sub(u.Created).Abs() > time.Millisecond {
		t.Errorf("CreatedAt = %v, want %v", out.CreatedAt, u.Created)
	}
	ext, ok := out.Extensions["aws:identitystore:enterprise"]
	if !ok {
		t.Fatalf("Extensions = %v, want the enterprise extension", out.Extensions)
	}
	var ent map[string]any
	if err := ext.UnmarshalSmithyDocument(&ent); err != nil {
		t.Fatalf("enterprise extension: %v", err)
	}
	if ent["department"] != "Engines" {
		t.Errorf("enterprise extension = %v, want department Engines", ent)
	}
}

func TestAWSDescribeGroupAndListGroups(t *testing.T) {
	h := newAWSHarness(t, Options{})
	var want []string
	for i := range 5 {
		want = append(want, h.mustGroup(t, fmt.Sprintf("Team %d", i), fmt.Sprintf("okta-g%d", i)).ID)
	}
	ctx := context.Background()
	d, err := h.is.DescribeGroup(ctx, &identitystore.DescribeGroupInput{IdentityStoreId: h.storeID, GroupId: aws.String(want[2])})
	if err != nil {
		t.Fatalf("DescribeGroup: %v", err)
	}
	if aws.ToString(d.DisplayName) != "Team 2" || len(d.ExternalIds) != 1 || aws.ToString(d.ExternalIds[0].Id) != "okta-g2" {
		t.Errorf("DescribeGroup = %q %+v, want Team 2 with external id okta-g2", aws.ToString(d.DisplayName), d.ExternalIds)
	}
	var got []string
	pages := 0
	p := identitystore.NewListGroupsPaginator(h.is, &identitystore.ListGroupsInput{IdentityStoreId: h.storeID, MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListGroups: %v", err)
		}
		pages++
		for _, g := range out.Groups {
			got = append(got, aws.ToString(g.GroupId))
		}
	}
	if pages != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ListGroups over %d pages = %v, want 3 pages of %v", pages, got, want)
	}
}

func TestAWSGroupMembershipsBothWaysOverPages(t *testing.T) {
	h := newAWSHarness(t, Options{})
	var users []string
	for i := range 5 {
		users = append(users, h.mustUser(t, scimUser(i)).ID)
	}
	team := h.mustGroup(t, "Team", "", users...)
	var groups []string
	for i := range 3 {
		groups = append(groups, h.mustGroup(t, fmt.Sprintf("G%d", i), "", users[0]).ID)
	}
	h.mustGroup(t, "Empty", "")
	ctx := context.Background()

	var members []string
	pages := 0
	p := identitystore.NewListGroupMembershipsPaginator(h.is, &identitystore.ListGroupMembershipsInput{
		IdentityStoreId: h.storeID, GroupId: aws.String(team.ID), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListGroupMemberships: %v", err)
		}
		pages++
		for _, m := range out.GroupMemberships {
			if aws.ToString(m.GroupId) != team.ID || aws.ToString(m.MembershipId) == "" {
				t.Errorf("membership %+v: want group %s and a membership id", m, team.ID)
			}
			uid, ok := m.MemberId.(*types.MemberIdMemberUserId)
			if !ok {
				t.Fatalf("MemberId is %T, want a UserId", m.MemberId)
			}
			members = append(members, uid.Value)
		}
	}
	if pages != 3 || fmt.Sprint(members) != fmt.Sprint(users) {
		t.Errorf("members over %d pages = %v, want 3 pages of %v", pages, members, users)
	}

	var of []string
	pages = 0
	pf := identitystore.NewListGroupMembershipsForMemberPaginator(h.is, &identitystore.ListGroupMembershipsForMemberInput{
		IdentityStoreId: h.storeID, MemberId: &types.MemberIdMemberUserId{Value: users[0]}, MaxResults: aws.Int32(2)})
	for pf.HasMorePages() {
		out, err := pf.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListGroupMembershipsForMember: %v", err)
		}
		pages++
		for _, m := range out.GroupMemberships {
			of = append(of, aws.ToString(m.GroupId))
		}
	}
	wantOf := append([]string{team.ID}, groups...)
	if pages != 2 || fmt.Sprint(of) != fmt.Sprint(wantOf) {
		t.Errorf("groups of user over %d pages = %v, want 2 pages of %v", pages, of, wantOf)
	}
}

func TestAWSIsMemberInGroups(t *testing.T) {
	h := newAWSHarness(t, Options{})
	u := h.mustUser(t, scimUser(1)).ID
	other := h.mustUser(t, scimUser(2)).ID
	in := h.mustGroup(t, "In", "", u).ID
	out := h.mustGroup(t, "Out", "", other).ID
	const unknown = "0123456789-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
	res, err := h.is.IsMemberInGroups(context.Background(), &identitystore.IsMemberInGroupsInput{
		IdentityStoreId: h.storeID, MemberId: &types.MemberIdMemberUserId{Value: u}, GroupIds: []string{in, out, unknown}})
	if err != nil {
		t.Fatalf("IsMemberInGroups: %v", err)
	}
	want := map[string]bool{in: true, out: false, unknown: false}
	if len(res.Results) != len(want) {
		t.Fatalf("got %d results, want %d", len(res.Results), len(want))
	}
	for _, r := range res.Results {
		if w, ok := want[aws.ToString(r.GroupId)]; !ok || r.MembershipExists != w {
			t.Errorf("group %s: MembershipExists = %v, want %v", aws.ToString(r.GroupId), r.MembershipExists, w)
		}
	}

	ids := make([]string, 101)
	for i := range ids {
		ids[i] = in
	}
	_, err = h.is.IsMemberInGroups(context.Background(), &identitystore.IsMemberInGroupsInput{
		IdentityStoreId: h.storeID, MemberId: &types.MemberIdMemberUserId{Value: u}, GroupIds: ids})
	var ve *types.ValidationException
	if !errors.As(err, &ve) {
		t.Errorf("101 GroupIds: err = %v, want *types.ValidationException", err)
	}
}

func TestAWSGetUserIdAndGetGroupId(t *testing.T) {
	h := newAWSHarness(t, Options{})
	h.mustUser(t, scimUser(1))
	u := h.mustUser(t, scimUser(2))
	g := h.mustGroup(t, "Platform", "okta-grp-7")
	ctx := context.Background()

	userBy := map[string]types.AlternateIdentifier{
		"userName": &types.AlternateIdentifierMemberUniqueAttribute{Value: types.UniqueAttribute{
			AttributePath: aws.String("userName"), AttributeValue: document.NewLazyDocument("user02@example.com")}},
		"emails.value": &types.AlternateIdentifierMemberUniqueAttribute{Value: types.UniqueAttribute{
			AttributePath: aws.String("emails.value"), AttributeValue: document.NewLazyDocument("user02@example.com")}},
		"externalId": &types.AlternateIdentifierMemberExternalId{Value: types.ExternalId{
			Issuer: aws.String(SCIMExternalIDIssuer), Id: aws.String("okta-02")}},
	}
	for name, alt := range userBy {
		out, err := h.is.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: h.storeID, AlternateIdentifier: alt})
		if err != nil {
			t.Errorf("GetUserId by %s: %v", name, err)
			continue
		}
		if aws.ToString(out.UserId) != u.ID {
			t.Errorf("GetUserId by %s = %s, want %s", name, aws.ToString(out.UserId), u.ID)
		}
	}

	groupBy := map[string]types.AlternateIdentifier{
		"displayName": &types.AlternateIdentifierMemberUniqueAttribute{Value: types.UniqueAttribute{
			AttributePath: aws.String("displayName"), AttributeValue: document.NewLazyDocument("Platform")}},
		"externalId": &types.AlternateIdentifierMemberExternalId{Value: types.ExternalId{
			Issuer: aws.String(SCIMExternalIDIssuer), Id: aws.String("okta-grp-7")}},
	}
	for name, alt := range groupBy {
		out, err := h.is.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: h.storeID, AlternateIdentifier: alt})
		if err != nil {
			t.Errorf("GetGroupId by %s: %v", name, err)
			continue
		}
		if aws.ToString(out.GroupId) != g.ID {
			t.Errorf("GetGroupId by %s = %s, want %s", name, aws.ToString(out.GroupId), g.ID)
		}
	}

	misses := map[string]types.AlternateIdentifier{
		"unknown userName": &types.AlternateIdentifierMemberUniqueAttribute{Value: types.UniqueAttribute{
			AttributePath: aws.String("userName"), AttributeValue: document.NewLazyDocument("nobody@example.com")}},
		"other issuer": &types.AlternateIdentifierMemberExternalId{Value: types.ExternalId{
			Issuer: aws.String("some-other-idp"), Id: aws.String("okta-02")}},
	}
	for name, alt := range misses {
		_, err := h.is.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: h.storeID, AlternateIdentifier: alt})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) || nf.ResourceType != types.ResourceTypeUser {
			t.Errorf("GetUserId by %s: err = %v, want *types.ResourceNotFoundException USER", name, err)
		}
	}

	_, err := h.is.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: h.storeID,
		AlternateIdentifier: &types.AlternateIdentifierMemberUniqueAttribute{Value: types.UniqueAttribute{
			AttributePath: aws.String("displayName"), AttributeValue: document.NewLazyDocument("User 02")}}})
	var ve *types.ValidationException
	if !errors.As(err, &ve) {
		t.Errorf("GetUserId by displayName: err = %v, want *types.ValidationException (only userName and emails.value)", err)
	}
}

func TestAWSMissingAndMalformedIdsAreTypedErrors(t *testing.T) {
	h := newAWSHarness(t, Options{})
	g := h.mustGroup(t, "G", "")
	ctx := context.Background()
	const missing = "0123456789-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

	_, err := h.is.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: h.storeID, UserId: aws.String(missing)})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("DescribeUser(missing): err = %v, want *types.ResourceNotFoundException", err)
	}
	if nf.ResourceType != types.ResourceTypeUser || aws.ToString(nf.ResourceId) != missing || aws.ToString(nf.RequestId) == "" {
		t.Errorf("ResourceNotFoundException = type %q id %q request %q; want USER, the id and a request id",
			nf.ResourceType, aws.ToString(nf.ResourceId), aws.ToString(nf.RequestId))
	}

	_, err = h.is.DescribeGroup(ctx, &identitystore.DescribeGroupInput{IdentityStoreId: h.storeID, GroupId: aws.String(missing)})
	if !errors.As(err, &nf) || nf.ResourceType != types.ResourceTypeGroup {
		t.Errorf("DescribeGroup(missing): err = %v, want ResourceNotFoundException GROUP", err)
	}
	_, err = h.is.ListGroupMemberships(ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: h.storeID, GroupId: aws.String(missing)})
	if !errors.As(err, &nf) || nf.ResourceType != types.ResourceTypeGroup {
		t.Errorf("ListGroupMemberships(missing group): err = %v, want ResourceNotFoundException GROUP", err)
	}
	_, err = h.is.ListGroupMembershipsForMember(ctx, &identitystore.ListGroupMembershipsForMemberInput{
		IdentityStoreId: h.storeID, MemberId: &types.MemberIdMemberUserId{Value: missing}})
	if !errors.As(err, &nf) || nf.ResourceType != types.ResourceTypeUser {
		t.Errorf("ListGroupMembershipsForMember(missing user): err = %v, want ResourceNotFoundException USER", err)
	}

	otherStore := "d-0000000000"
	if otherStore == h.store.IdentityStoreID() {
		otherStore = "d-1111111111"
	}
	_, err = h.is.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: aws.String(otherStore)})
	if !errors.As(err, &nf) || nf.ResourceType != types.ResourceTypeIdentityStore {
		t.Errorf("ListUsers(another store): err = %v, want ResourceNotFoundException IDENTITY_STORE", err)
	}

	h.mustUser(t, scimUser(1))
	h.mustUser(t, scimUser(2))
	var ve *types.ValidationException
	for name, call := range map[string]func() error{
		"malformed store id": func() error {
			_, err := h.is.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: aws.String("not-a-store")})
			return err
		},
		"malformed user id": func() error {
			_, err := h.is.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: h.storeID, UserId: aws.String("bob")})
			return err
		},
		"MaxResults 101": func() error {
			_, err := h.is.ListGroups(ctx, &identitystore.ListGroupsInput{IdentityStoreId: h.storeID, MaxResults: aws.Int32(101)})
			return err
		},
		"MaxResults 0": func() error {
			_, err := h.is.ListGroups(ctx, &identitystore.ListGroupsInput{IdentityStoreId: h.storeID, MaxResults: aws.Int32(0)})
			return err
		},
		"NextToken outside the pattern": func() error {
			_, err := h.is.ListGroups(ctx, &identitystore.ListGroupsInput{IdentityStoreId: h.storeID, NextToken: aws.String("not a token!")})
			return err
		},
		"NextToken not issued": func() error {
			_, err := h.is.ListGroups(ctx, &identitystore.ListGroupsInput{IdentityStoreId: h.storeID, NextToken: aws.String("abcd")})
			return err
		},
		"NextToken from another list": func() error {
			users, err := h.is.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: h.storeID, MaxResults: aws.Int32(1)})
			if err != nil {
				return err
			}
			if users.NextToken == nil {
				return errors.New("no NextToken to reuse")
			}
			_, err = h.is.ListGroupMemberships(ctx, &identitystore.ListGroupMembershipsInput{
				IdentityStoreId: h.storeID, GroupId: aws.String(g.ID), NextToken: users.NextToken})
			return err
		},
	} {
		if err := call(); !errors.As(err, &ve) {
			t.Errorf("%s: err = %v, want *types.ValidationException", name, err)
		}
	}
}

// scimDo sends one SCIM request to the emulator and decodes the reply.
func (h *awsHarness) scimDo(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, h.url+"/t-emulator/scim/v2"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer scim-token")
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out) // 204s have no body
	return resp.StatusCode, out
}

func TestAWSReadsWhatSCIMWroteUnderTheSameIds(t *testing.T) {
	h := newAWSHarness(t, Options{})
	ctx := context.Background()
	status, user := h.scimDo(t, http.MethodPost, "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"grace@example.com","name":{"givenName":"Grace","familyName":"Hopper"},"displayName":"Grace Hopper",
		"emails":[{"value":"grace@example.com","type":"work","primary":true}],"externalId":"00u-grace","active":true}`)
	if status != http.StatusCreated {
		t.Fatalf("SCIM POST /Users = %d %v", status, user)
	}
	userID, _ := user["id"].(string)
	status, group := h.scimDo(t, http.MethodPost, "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Admirals"}`)
	if status != http.StatusCreated {
		t.Fatalf("SCIM POST /Groups = %d %v", status, group)
	}
	groupID, _ := group["id"].(string)
	status, _ = h.scimDo(t, http.MethodPatch, "/Groups/"+groupID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"add","path":"members","value":[{"value":"`+userID+`"}]}]}`)
	if status >= 300 {
		t.Fatalf("SCIM PATCH add member = %d", status)
	}

	d, err := h.is.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: h.storeID, UserId: aws.String(userID)})
	if err != nil {
		t.Fatalf("DescribeUser(SCIM id %s): %v", userID, err)
	}
	if aws.ToString(d.UserName) != "grace@example.com" || aws.ToString(d.Name.FamilyName) != "Hopper" {
		t.Errorf("DescribeUser = %s %s, want what SCIM wrote", aws.ToString(d.UserName), aws.ToString(d.Name.FamilyName))
	}
	// SCIM GET never shows members (§5); identitystore does.
	m, err := h.is.ListGroupMemberships(ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: h.storeID, GroupId: aws.String(groupID)})
	if err != nil {
		t.Fatalf("ListGroupMemberships: %v", err)
	}
	if len(m.GroupMemberships) != 1 || m.GroupMemberships[0].MemberId.(*types.MemberIdMemberUserId).Value != userID {
		t.Errorf("memberships = %+v, want the one member SCIM added", m.GroupMemberships)
	}
}

func TestAWSEndpointFromEnvironment(t *testing.T) {
	h := newAWSHarness(t, Options{})
	// The service-specific endpoint variables the bridge's operators may set.
	t.Setenv("AWS_ENDPOINT_URL_SSO_ADMIN", h.url)
	t.Setenv("AWS_ENDPOINT_URL_IDENTITYSTORE", h.url)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDEMULATOR", "emulator-secret", "")),
		config.WithHTTPClient(awshttp.NewBuildableClient()))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := ssoadmin.NewFromConfig(cfg).ListInstances(ctx, &ssoadmin.ListInstancesInput{})
	if err != nil || len(inst.Instances) != 1 {
		t.Fatalf("ListInstances via AWS_ENDPOINT_URL_SSO_ADMIN: %v", err)
	}
	u := h.mustUser(t, scimUser(1))
	got, err := identitystore.NewFromConfig(cfg).ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: inst.Instances[0].IdentityStoreId})
	if err != nil || len(got.Users) != 1 || aws.ToString(got.Users[0].UserId) != u.ID {
		t.Fatalf("ListUsers via AWS_ENDPOINT_URL_IDENTITYSTORE with the store from ListInstances = %v, %v; want user %s", got, err, u.ID)
	}
}
