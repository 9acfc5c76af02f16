package identitycenter

import (
	"context"
	"errors"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter/translate"
	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// NamePolicy says what to do when Okta sends no givenName, familyName or
// displayName, which Identity Center requires (identity-center-scim.md §4).
type NamePolicy = translate.NamePolicy

const (
	// NamesDerive (the default) fills a missing name part from the others or from userName.
	NamesDerive = translate.NamesDerive
	// NamesReject answers 400 naming the missing attribute.
	NamesReject = translate.NamesReject
)

// DefaultListCacheTTL is how long an import snapshot serves later pages.
const DefaultListCacheTTL = 2 * time.Minute

// ProvisionerConfig configures a Provisioner.
type ProvisionerConfig struct {
	Client       *Client
	Names        NamePolicy    // NamesDerive (zero value) or NamesReject
	ListCacheTTL time.Duration // 0 → DefaultListCacheTTL
	Logger       *zap.Logger   // nil → no logging
	// Members reads group membership for /Groups (an IdentityStoreReader,
	// or FallbackMembers around one); nil → SCIMMembers over Client.
	Members MemberReader
}

// Provisioner serves Okta's /Users (and, in groups*.go, /Groups) requests:
// it translates them into Identity Center's dialect (package translate),
// sends them with the Client, and records every rule applied on the
// request's reqlog entry.
type Provisioner struct {
	client  *Client
	names   NamePolicy
	log     *zap.Logger
	lists   *lister
	members MemberReader // groups*.go
}

var _ Users = (*Provisioner)(nil)

// NewProvisioner returns a Provisioner over cfg.Client.
func NewProvisioner(cfg ProvisionerConfig) *Provisioner {
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	ttl := cfg.ListCacheTTL
	if ttl <= 0 {
		ttl = DefaultListCacheTTL
	}
	members := cfg.Members
	if members == nil {
		members = SCIMMembers{Client: cfg.Client}
	}
	return &Provisioner{
		client:  cfg.Client,
		names:   cfg.Names,
		log:     log,
		lists:   newLister(ttl, log),
		members: members,
	}
}

// applied records translation rules on the request's log entry.
func applied(ctx context.Context, rules []string) {
	e := reqlog.From(ctx)
	for _, r := range rules {
		e.Rule(r)
	}
}

// badRequest turns a translation refusal into the SCIM 400 Okta sees.
func badRequest(err error) error {
	var te *translate.Error
	if errors.As(err, &te) {
		return &Error{Status: http.StatusBadRequest, ScimType: te.ScimType, Detail: te.Detail}
	}
	return err
}
