package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/types"
)

// Injected 500s reach a client over a real connection in each API's own
// error shape: SCIM's AWS error body, and identitystore's typed exception.
func TestErrorFaultOverRealListener(t *testing.T) {
	h := newAWSHarness(t, Options{Tenant: testTenant, Tokens: []string{testToken}, Faults: Faults{ErrorRate: 1}})
	req, _ := http.NewRequest(http.MethodPost, h.url+"/"+testTenant+"/scim/v2/Users", strings.NewReader(`{"userName":"a@example.com","displayName":"A","name":{"givenName":"A","familyName":"A"}}`))
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	// §6: "500 InternalServerException", in AWS's error body (status a string).
	if resp.StatusCode != http.StatusInternalServerError || body["status"] != "500" || resp.Header.Get("X-Amzn-Requestid") == "" {
		t.Errorf("SCIM under ErrorRate 1: %d %v", resp.StatusCode, body)
	}
	if n := len(h.store.Users()); n != 0 {
		t.Errorf("a request answered with an injected 500 created %d users", n)
	}

	noRetry := h.identityStore(func(o *identitystore.Options) { o.Retryer = aws.NopRetryer{} })
	_, err = noRetry.ListUsers(context.Background(), &identitystore.ListUsersInput{IdentityStoreId: h.storeID})
	var ise *types.InternalServerException
	if !errors.As(err, &ise) {
		t.Errorf("identitystore under ErrorRate 1: err = %v, want *types.InternalServerException", err)
	}
	if st := h.emu.Stats(); st[OpFaulted] != 2 {
		t.Errorf("stats %v: want Faulted 2", st)
	}
}

// Latency delays a request before it is handled; a client that gives up
// during the delay leaves nothing half done, and its handler returns at once
// (the server's Close waits for handlers, so one stuck in the hour-long
// delay fails the hang guard).
func TestLatencyFaultHoldsTheRequestAndHonoursCancellation(t *testing.T) {
	e := newTestEmulator(t, Options{Faults: Faults{Latency: time.Hour}})
	srv := httptest.NewServer(e)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/"+testTenant+"/scim/v2/Users",
		strings.NewReader(`{"userName":"late@example.com","displayName":"L","name":{"givenName":"L","familyName":"L"}}`))
	req.Header.Set("Authorization", "Bearer "+testToken)
	done := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	// Cancel once the request has reached the emulator (it is counted
	// before the delay), not after a guessed interval.
	for e.Stats()["CreateUser"] == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("request under an hour of latency: err = %v, want it cancelled by the client", err)
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(time.Minute): // a hang guard, not a timing assertion
		t.Fatal("the handler is still waiting out its latency after the client went away")
	}
	if n := len(e.Store().Users()); n != 0 {
		t.Errorf("a request cancelled during its latency created %d users", n)
	}
}
