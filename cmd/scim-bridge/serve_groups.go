package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// envIdentityStoreID names the identity store whose membership the bridge
// reads; unset, it is found with ssoadmin ListInstances.
const envIdentityStoreID = "SCIM_BRIDGE_IDENTITY_STORE_ID"

// identity-center-scim.md §10: "IdentityStoreId format: d-[0-9a-f]{10} or a
// UUID, at most 36 characters."
var identityStoreIDPattern = regexp.MustCompile(`^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// How long start-up waits for the AWS credential chain and ListInstances.
const (
	credentialsTimeout = 5 * time.Second
	listInstTimeout    = 10 * time.Second
)

// groupsConfig is the /Groups part of serve's settings.
type groupsConfig struct {
	identityStoreID string
}

func (g *groupsConfig) registerFlags(fs *flag.FlagSet) {
	fs.StringVar(&g.identityStoreID, "identity-store-id", "", "identity store id (d-xxxxxxxxxx) whose group memberships are read with the identitystore API; unset = found with sso-admin ListInstances (env "+envIdentityStoreID+")")
}

// resolve applies the environment under a flag not given on the command line.
func (g *groupsConfig) resolve(fs *flag.FlagSet, getenv func(string) string) error {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "identity-store-id" })
	if !set {
		g.identityStoreID = getenv(envIdentityStoreID)
	}
	if g.identityStoreID != "" && !identityStoreIDPattern.MatchString(g.identityStoreID) {
		return fmt.Errorf("%s / --identity-store-id %q: want d-<10 hex digits> or a UUID (identity-center-scim.md §10)", envIdentityStoreID, g.identityStoreID)
	}
	return nil
}

// withGroups makes the Provisioner serve /Groups, reading group membership
// (which SCIM GET never returns, identity-center-scim.md §5) with the
// identitystore API when it can, else with the SCIM filter.
func withGroups(ctx context.Context, users identitycenter.Users, client *identitycenter.Client, gc groupsConfig, upstreamURL string, emu *builtinUpstream, log *zap.Logger) identitycenter.Users {
	p, ok := users.(*identitycenter.Provisioner)
	if !ok {
		return users
	}
	return p.WithMemberReader(newMemberReader(ctx, client, gc, upstreamURL, emu, log))
}

func newMemberReader(ctx context.Context, client *identitycenter.Client, gc groupsConfig, upstreamURL string, emu *builtinUpstream, log *zap.Logger) identitycenter.MemberReader {
	scimReader := identitycenter.SCIMMembers{Client: client}
	fallback := func(why string, err error) identitycenter.MemberReader {
		fields := []zap.Field{zap.String("reason", why), zap.String("fallback", identitycenter.FallbackMembershipViaSCIM)}
		if err != nil {
			fields = append(fields, zap.Error(err))
		}
		log.Warn("group membership will be read with the SCIM groups.value filter, not the identitystore API; "+
			"give the bridge AWS credentials with identitystore:ListGroupMemberships and sso:ListInstances to use it", fields...)
		return scimReader
	}
	cfg := identitycenter.IdentityStoreConfig{IdentityStoreID: gc.identityStoreID, Logger: log}
	if emu != nil {
		// Emulator mode: the SDK talks to the emulator's identitystore and
		// sso-admin API with dummy keys, so this path is the one exercised.
		aws, err := identitycenter.LoadAWSConfig(ctx, "us-east-1", credentials.NewStaticCredentialsProvider("AKIDEMULATOR", "emulator", ""))
		if err != nil {
			return fallback("AWS SDK configuration", err)
		}
		u, err := url.Parse(emu.url)
		if err != nil {
			return fallback("emulator URL", err)
		}
		cfg.AWS, cfg.Endpoint = aws, u.Scheme+"://"+u.Host
	} else {
		// identity-center-scim.md §1: the endpoint is https://scim.<region>.amazonaws.com/…
		// Behind a proxy with another host name, AWS_REGION (or the shared
		// config's region) names it instead: region "" leaves it to the SDK.
		region, _ := identitycenter.Region(upstreamURL)
		aws, err := identitycenter.LoadAWSConfig(ctx, region, nil)
		if err != nil {
			return fallback("AWS SDK configuration", err)
		}
		if aws.Region == "" {
			return fallback("the upstream host is not scim.<region>.amazonaws.com and AWS_REGION is not set, so the AWS region is unknown", nil)
		}
		cctx, cancel := context.WithTimeout(ctx, credentialsTimeout)
		_, err = aws.Credentials.Retrieve(cctx)
		cancel()
		if err != nil {
			return fallback("no AWS credentials in the default chain", err)
		}
		cfg.AWS = aws
	}
	reader := identitycenter.NewIdentityStoreReader(cfg)
	lctx, cancel := context.WithTimeout(ctx, listInstTimeout)
	defer cancel()
	storeID, err := reader.IdentityStoreID(lctx)
	if err != nil {
		// Kept: the store is looked up again on the next read, and each
		// failing read falls back to SCIM, named on its log line.
		log.Warn("identity store not found yet; membership reads fall back to the SCIM filter until it is",
			zap.Error(err), zap.String("fallback", identitycenter.FallbackMembershipViaSCIM))
	} else {
		log.Info("group membership read with the identitystore API", zap.String("identity_store_id", storeID), zap.Bool("emulator", emu != nil))
	}
	return identitycenter.FallbackMembers{Primary: reader, Secondary: scimReader, Logger: log}
}
