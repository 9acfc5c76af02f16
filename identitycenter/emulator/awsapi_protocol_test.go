package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/types"
)

// rawCall sends one AWS JSON request by hand, signed for signingName unless
// signingName is "", and returns the status, the decoded body and headers.
func (h *awsHarness) rawCall(t *testing.T, target, contentType, signingName, body string) (int, map[string]any, http.Header) {
	t.Helper()
	ctx := context.Background()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Content-Type", contentType)
	if signingName != "" {
		creds, err := h.cfg.Credentials.Retrieve(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(body))
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), signingName, "us-east-1", time.Now()); err != nil {
			t.Fatalf("sign: %v", err)
		}
	}
	resp, err := h.cfg.HTTPClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: body %q is not JSON: %v", target, b, err)
	}
	return resp.StatusCode, out, resp.Header
}

func TestAWSProtocolRefusalsAreClearAWSErrors(t *testing.T) {
	h := newAWSHarness(t, Options{})
	listUsers := `{"IdentityStoreId":"` + h.store.IdentityStoreID() + `"}`
	cases := []struct {
		name, target, contentType, signingName, body string
		status                                       int
		errType, messageHas                          string
	}{
		{"no Authorization header", "AWSIdentityStore.ListUsers", awsJSONContentType, "", listUsers,
			400, "MissingAuthenticationTokenException", "Missing Authentication Token"},
		{"signed for another service", "AWSIdentityStore.ListUsers", awsJSONContentType, "sso", listUsers,
			403, "InvalidSignatureException", "'identitystore'"},
		{"unknown operation", "AWSIdentityStore.DeleteEverything", awsJSONContentType, "identitystore", listUsers,
			400, "UnknownOperationException", "DeleteEverything"},
		{"unknown service", "AmazonS3.ListBuckets", awsJSONContentType, "s3", `{}`,
			400, "UnknownOperationException", "AmazonS3.ListBuckets"},
		{"wrong content type", "AWSIdentityStore.ListUsers", "application/json", "identitystore", listUsers,
			400, "SerializationException", "application/x-amz-json-1.1"},
		{"malformed JSON", "AWSIdentityStore.ListUsers", awsJSONContentType, "identitystore", `{"IdentityStoreId":`,
			400, "SerializationException", "not valid JSON"},
		{"wrong JSON type", "AWSIdentityStore.ListUsers", awsJSONContentType, "identitystore", `{"IdentityStoreId":"d-0123456789","MaxResults":"ten"}`,
			400, "SerializationException", "MaxResults"},
		{"missing required member", "AWSIdentityStore.DescribeUser", awsJSONContentType, "identitystore", listUsers,
			400, "ValidationException", "Value null at 'userId' failed to satisfy constraint: Member must not be null"},
		{"two violations reported together", "AWSIdentityStore.ListGroups", awsJSONContentType, "identitystore", `{"IdentityStoreId":"x","MaxResults":500}`,
			400, "ValidationException", "2 validation errors detected"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(h.store.Users())
			status, body, hdr := h.rawCall(t, c.target, c.contentType, c.signingName, c.body)
			if status != c.status || body["__type"] != c.errType {
				t.Errorf("got %d %v, want %d %s", status, body["__type"], c.status, c.errType)
			}
			if msg, _ := body["Message"].(string); !strings.Contains(msg, c.messageHas) {
				t.Errorf("Message = %q, want it to mention %q", msg, c.messageHas)
			}
			if hdr.Get("x-amzn-RequestId") == "" || body["RequestId"] != hdr.Get("x-amzn-RequestId") {
				t.Errorf("x-amzn-RequestId = %q, body RequestId = %v: want the same non-empty id", hdr.Get("x-amzn-RequestId"), body["RequestId"])
			}
			if after := len(h.store.Users()); after != before {
				t.Errorf("store changed: %d users before, %d after", before, after)
			}
		})
	}
}

func TestAWSSignedRawCallSucceedsWithRequestID(t *testing.T) {
	h := newAWSHarness(t, Options{})
	u := h.mustUser(t, scimUser(1))
	status, body, hdr := h.rawCall(t, "AWSIdentityStore.DescribeUser", awsJSONContentType, "identitystore",
		`{"IdentityStoreId":"`+h.store.IdentityStoreID()+`","UserId":"`+u.ID+`"}`)
	if status != http.StatusOK || body["UserId"] != u.ID {
		t.Fatalf("DescribeUser = %d %v, want 200 with UserId %s", status, body, u.ID)
	}
	if hdr.Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId header")
	}
	if ct := hdr.Get("Content-Type"); ct != awsJSONContentType {
		t.Errorf("Content-Type = %q, want %s", ct, awsJSONContentType)
	}
	// Absent values are omitted, never null: the user has no title.
	if _, ok := body["Title"]; ok {
		t.Errorf("Title present as %v for a user without one", body["Title"])
	}
}

func TestAWSThrottledCallIsTypedThrottlingException(t *testing.T) {
	// One request's worth of tokens that refill far slower than the test runs.
	h := newAWSHarness(t, Options{Faults: Faults{Rate: 1e-6, Burst: 1, RetryAfter: 3 * time.Second}})
	noRetry := h.identityStore(func(o *identitystore.Options) { o.Retryer = aws.NopRetryer{} })
	ctx := context.Background()
	in := &identitystore.ListGroupMembershipsInput{IdentityStoreId: h.storeID, GroupId: aws.String(h.mustGroup(t, "G", "").ID)}
	if _, err := noRetry.ListGroupMemberships(ctx, in); err != nil {
		t.Fatalf("first call within the burst: %v", err)
	}
	_, err := noRetry.ListGroupMemberships(ctx, in)
	var te *types.ThrottlingException
	if !errors.As(err, &te) {
		t.Fatalf("second call: err = %v, want *types.ThrottlingException", err)
	}
	if te.RetryAfterSeconds != 3 || !strings.Contains(te.ErrorMessage(), "Rate exceeded") {
		t.Errorf("ThrottlingException = %q RetryAfterSeconds %d, want \"Rate exceeded\" and 3", te.ErrorMessage(), te.RetryAfterSeconds)
	}
	if n := h.emu.Stats()[OpThrottled]; n != 1 {
		t.Errorf("Throttled count = %d, want 1", n)
	}
}

func TestAWSThrottledCallIsRetriedBySDK(t *testing.T) {
	h := newAWSHarness(t, Options{Faults: Faults{Rate: 1e-6, Burst: 1}})
	ctx := context.Background()
	var retriedOn []error
	// The throttle lifts while the SDK backs off, as it would in AWS.
	client := h.identityStore(func(o *identitystore.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Backoff = retry.BackoffDelayerFunc(func(_ int, err error) (time.Duration, error) {
				retriedOn = append(retriedOn, err)
				h.emu.SetFaults(Faults{})
				return 0, nil
			})
		})
	})
	if _, err := client.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: h.storeID}); err != nil {
		t.Fatalf("first call: %v", err)
	}
	out, err := client.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: h.storeID})
	if err != nil || out == nil {
		t.Fatalf("throttled call was not retried to success: %v", err)
	}
	var te *types.ThrottlingException
	if len(retriedOn) != 1 || !errors.As(retriedOn[0], &te) {
		t.Errorf("SDK retried on %v, want once on a ThrottlingException", retriedOn)
	}
	if n := h.emu.Stats()["identitystore.ListUsers"]; n != 3 {
		t.Errorf("identitystore.ListUsers count = %d, want 3 (two calls, one retry)", n)
	}
}
