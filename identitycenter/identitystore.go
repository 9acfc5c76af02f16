package identitycenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	sstypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// LoadAWSConfig loads the default AWS configuration (credential chain:
// environment, shared files, web identity, container and instance roles) for
// region, with an HTTP client the SDK can add AWS_CA_BUNDLE to. creds, when
// set, replaces the chain (the emulator's dummy keys).
func LoadAWSConfig(ctx context.Context, region string, creds aws.CredentialsProvider) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(region),
		config.WithHTTPClient(awshttp.NewBuildableClient()),
	}
	if creds != nil {
		opts = append(opts, config.WithCredentialsProvider(creds))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
}

// IdentityStoreConfig configures an IdentityStoreReader.
type IdentityStoreConfig struct {
	AWS             aws.Config // region, credentials and HTTP client (LoadAWSConfig)
	Endpoint        string     // "" → AWS's endpoint for the region; the emulator's URL in emulator mode
	IdentityStoreID string     // "" → found with ssoadmin ListInstances on first use
	// Logger receives the SDK's own warnings as JSON lines; nil → the SDK's
	// default, plain text on stderr.
	Logger *zap.Logger
}

// IdentityStoreReader reads group membership with the identitystore API.
// identity-center-scim.md §10: ListGroupMemberships is "The way to read
// membership, since SCIM GET hides members"; "A SCIM id is the same value as
// the identitystore UserId or GroupId". Safe for concurrent use.
type IdentityStoreReader struct {
	is  *identitystore.Client
	sso *ssoadmin.Client

	mu      sync.Mutex
	storeID string
	findErr error     // the last ListInstances failure, answered until retryAt
	retryAt time.Time // when ListInstances may be called again
	now     func() time.Time
}

// listInstancesRetry is how long a failed ListInstances is answered from
// memory. identity-center-scim.md §7: "The IAM Identity Center (sso-admin)
// APIs share a collective 20 TPS, which cannot be changed": one call per
// Okta request while a permission is missing would spend the account's
// budget, and every read falls back to SCIM meanwhile anyway.
const listInstancesRetry = time.Minute

// maxSDKAttempts: throttling arrives as "HTTP 400, Rate exceeded"
// (identity-center-scim.md §10 ThrottlingException), which the SDK's
// standard retryer recognises; a few more attempts than its default 3.
const maxSDKAttempts = 5

// NewIdentityStoreReader returns a reader; nothing is called until first use.
func NewIdentityStoreReader(cfg IdentityStoreConfig) *IdentityStoreReader {
	retryer := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = maxSDKAttempts })
	}
	r := &IdentityStoreReader{storeID: cfg.IdentityStoreID, now: time.Now}
	if cfg.Logger != nil {
		cfg.AWS.Logger = sdkLogger(cfg.Logger)
	}
	r.is = identitystore.NewFromConfig(cfg.AWS, func(o *identitystore.Options) {
		o.Retryer = retryer()
		o.HTTPClient = inMemoryBodies{next: o.HTTPClient}
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	r.sso = ssoadmin.NewFromConfig(cfg.AWS, func(o *ssoadmin.Options) {
		o.Retryer = retryer()
		o.HTTPClient = inMemoryBodies{next: o.HTTPClient}
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	return r
}

// IdentityStoreID returns the configured store id, or finds it with ssoadmin
// ListInstances (identity-center-scim.md §10 "Locating the identity store":
// "ssoadmin.ListInstances returns Instances[{InstanceArn, IdentityStoreId, …
// Status}]"). Exactly one ACTIVE instance must exist; otherwise the operator
// must name the store. A found id is kept; a failure is answered again for
// listInstancesRetry, then retried.
func (r *IdentityStoreReader) IdentityStoreID(ctx context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.storeID != "" {
		return r.storeID, nil
	}
	if r.findErr != nil && r.now().Before(r.retryAt) {
		return "", r.findErr
	}
	id, err := r.findStore(ctx)
	switch {
	case err == nil:
		r.storeID, r.findErr = id, nil
	case ctx.Err() == nil: // not this request ending: a failure worth remembering
		r.findErr, r.retryAt = err, r.now().Add(listInstancesRetry)
	}
	return id, err
}

// findStore lists the instances and picks the one active identity store.
func (r *IdentityStoreReader) findStore(ctx context.Context) (string, error) {
	var active []string
	p := ssoadmin.NewListInstancesPaginator(r.sso, &ssoadmin.ListInstancesInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		start := time.Now()
		out, err := p.NextPage(ctx)
		record(ctx, "ssoadmin.ListInstances", "", start, resultMetadata(out), err)
		if err != nil {
			return "", fmt.Errorf("find the identity store with ssoadmin ListInstances: %w", err)
		}
		for _, in := range out.Instances {
			// §10: "Status is one of CREATE_IN_PROGRESS, CREATE_FAILED, DELETE_IN_PROGRESS, ACTIVE."
			if in.Status == sstypes.InstanceStatusActive || in.Status == "" {
				active = append(active, aws.ToString(in.IdentityStoreId))
			}
		}
	}
	switch len(active) {
	case 1:
		return active[0], nil
	case 0:
		return "", errors.New("ssoadmin ListInstances found no active IAM Identity Center instance: set --identity-store-id")
	default:
		return "", fmt.Errorf("ssoadmin ListInstances found %d active instances (%s): set --identity-store-id to the one the SCIM endpoint belongs to", len(active), strings.Join(active, ", "))
	}
}

// GroupMembers implements MemberReader with ListGroupMemberships, 100 per
// page (§10 "Paginated, MaxResults 1–100").
func (r *IdentityStoreReader) GroupMembers(ctx context.Context, groupID string) ([]string, error) {
	storeID, err := r.IdentityStoreID(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	p := identitystore.NewListGroupMembershipsPaginator(r.is, &identitystore.ListGroupMembershipsInput{
		IdentityStoreId: aws.String(storeID), GroupId: aws.String(groupID), MaxResults: aws.Int32(100),
	})
	for p.HasMorePages() {
		start := time.Now()
		out, err := p.NextPage(ctx)
		record(ctx, "identitystore.ListGroupMemberships", groupID, start, resultMetadata(out), err)
		if err != nil {
			var nf *istypes.ResourceNotFoundException
			if errors.As(err, &nf) && nf.ResourceType == istypes.ResourceTypeGroup {
				return nil, &Error{Status: http.StatusNotFound, Detail: fmt.Sprintf("no group with id %q in Identity Center", groupID), Upstream: true}
			}
			return nil, fmt.Errorf("identitystore ListGroupMemberships for group %s: %w", groupID, err)
		}
		for _, m := range out.GroupMemberships {
			// §5: "the identitystore MemberId union has only UserId."
			if u, ok := m.MemberId.(*istypes.MemberIdMemberUserId); ok && u.Value != "" {
				ids = append(ids, u.Value)
			}
		}
	}
	return ids, nil
}

// sdkLogger keeps the SDK's warnings (e.g. a response body it could not
// drain) in the bridge's JSON log instead of plain text on stderr.
func sdkLogger(log *zap.Logger) logging.Logger {
	log = log.With(zap.String("component", "aws-sdk"))
	return logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		msg := fmt.Sprintf(format, v...)
		if c == logging.Warn {
			log.Warn(msg)
			return
		}
		log.Debug(msg)
	})
}

func resultMetadata(out any) middleware.Metadata {
	switch o := out.(type) {
	case *identitystore.ListGroupMembershipsOutput:
		if o != nil {
			return o.ResultMetadata
		}
	case *ssoadmin.ListInstancesOutput:
		if o != nil {
			return o.ResultMetadata
		}
	}
	return middleware.Metadata{}
}

// record adds one AWS API call to the request log line, as the SCIM client
// does for its calls. Nothing in it is secret: operation and group id.
func record(ctx context.Context, op, subject string, start time.Time, md middleware.Metadata, err error) {
	c := reqlog.UpstreamCall{Method: "AWS", Path: op, Duration: time.Since(start), Attempts: 1, Status: http.StatusOK}
	if subject != "" {
		c.Path += " " + subject
	}
	if res, ok := retry.GetAttemptResults(md); ok && len(res.Results) > 0 {
		c.Attempts = len(res.Results)
		for _, a := range res.Results {
			if a.Err != nil && a.Retried {
				c.RetryCauses = append(c.RetryCauses, sdkRetryCause(a.Err))
			}
		}
	}
	if err != nil {
		c.Err = err.Error()
		c.Status = 0
		var mae *retry.MaxAttemptsError // the output, and its metadata, is lost
		if errors.As(err, &mae) {
			c.Attempts = mae.Attempt
		}
		var re *awshttp.ResponseError
		if errors.As(err, &re) {
			c.Status = re.HTTPStatusCode()
		}
	}
	reqlog.From(ctx).AddUpstream(c)
}

// sdkRetryCause names why the SDK retried, as reqlog.UpstreamCall.RetryCauses
// does for SCIM calls: "429" (throttling, which identitystore sends as 400
// ThrottlingException, identity-center-scim.md §10), "5xx" or "network".
func sdkRetryCause(err error) string {
	var te *istypes.ThrottlingException
	if errors.As(err, &te) {
		return "429"
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		switch s := re.HTTPStatusCode(); {
		case s == http.StatusTooManyRequests:
			return "429"
		case s >= 500:
			return "5xx"
		}
	}
	return "network"
}
