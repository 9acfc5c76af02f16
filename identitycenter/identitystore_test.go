package identitycenter

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// awsDenied answers every AWS JSON call as IAM does without the permission,
// counting the calls per X-Amz-Target.
type awsDenied struct {
	mu    sync.Mutex
	calls map[string]int
}

func (d *awsDenied) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	d.calls[r.Header.Get("X-Amz-Target")]++
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprint(w, `{"__type":"AccessDeniedException","message":"User is not authorized to perform: sso:ListInstances"}`)
}

func (d *awsDenied) count(target string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls[target]
}

// Without sso:ListInstances, membership reads fail (and fall back to SCIM)
// without calling ListInstances for every Okta request: sso-admin's 20 TPS
// are shared by the whole account (identity-center-scim.md §7).
func TestListInstancesFailureIsNotRetriedPerRequest(t *testing.T) {
	denied := &awsDenied{calls: map[string]int{}}
	srv := httptest.NewServer(denied)
	t.Cleanup(srv.Close)
	cfg, err := LoadAWSConfig(context.Background(), "eu-west-1", credentials.NewStaticCredentialsProvider("AKIDTEST", "test-secret", ""))
	if err != nil {
		t.Fatal(err)
	}
	r := NewIdentityStoreReader(IdentityStoreConfig{AWS: cfg, Endpoint: srv.URL})
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r.now = func() time.Time { return clock }
	const listInstances = "SWBExternalService.ListInstances"

	for range 3 {
		ctx, _ := gpCtx()
		if _, err := r.GroupMembers(ctx, "9067729b3d-94f1e0b3-c394-48d5-8ab1-2b5b3f6a0c3e"); err == nil || !strings.Contains(err.Error(), "ListInstances") {
			t.Fatalf("read without permission: %v", err)
		}
	}
	if n := denied.count(listInstances); n != 1 {
		t.Fatalf("ListInstances called %d times for 3 reads within a minute, want 1", n)
	}
	clock = clock.Add(listInstancesRetry)
	ctx, entry := gpCtx()
	if _, err := r.GroupMembers(ctx, "9067729b3d-94f1e0b3-c394-48d5-8ab1-2b5b3f6a0c3e"); err == nil {
		t.Fatal("read succeeded")
	}
	if n := denied.count(listInstances); n != 2 {
		t.Fatalf("ListInstances called %d times after the retry interval, want 2", n)
	}
	if calls := entry.Snapshot().Upstream; len(calls) != 1 || calls[0].Path != "ssoadmin.ListInstances" || calls[0].Err == "" {
		t.Fatalf("request record %+v", calls)
	}
}

// The SDK's warnings land in the bridge's JSON log, not as plain text on
// stderr where a log pipeline would not parse them.
func TestSDKWarningsGoToTheJSONLog(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	sdkLogger(zap.New(core)).Logf(logging.Warn, "failed to discard remaining HTTP response body: %v", "use of closed network connection")
	entries := logs.All()
	if len(entries) != 1 || entries[0].Level != zap.WarnLevel || !strings.Contains(entries[0].Message, "use of closed network connection") ||
		entries[0].ContextMap()["component"] != "aws-sdk" {
		t.Fatalf("log entries %+v", entries)
	}
}
