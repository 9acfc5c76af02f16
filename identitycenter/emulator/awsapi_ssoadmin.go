package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// sso-admin ListInstances: how a client finds the identity store id
// (identity-center-scim.md §10 "Locating the identity store").

// awsInstance is the emulator's one Identity Center instance, derived from the
// store's identity store id so it is stable for the store's lifetime.
type awsInstance struct {
	InstanceArn      string
	IdentityStoreId  string
	IdentityStoreArn string
	OwnerAccountId   string
	Name             string
	Status           string
}

// awsInstanceInfo returns the emulator's instance as
// ssoadmin ListInstances reports it.
func (e *Emulator) awsInstanceInfo() awsInstance {
	storeID := e.store.IdentityStoreID()
	sum := sha256.Sum256([]byte(storeID))
	account := fmt.Sprintf("%012d", binary.BigEndian.Uint64(sum[:8])%1_000_000_000_000)
	return awsInstance{
		// §10 InstanceArn; the ARN pattern is arn:aws:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}.
		InstanceArn:      "arn:aws:sso:::instance/ssoins-" + hex.EncodeToString(sum[8:16]),
		IdentityStoreId:  storeID,
		IdentityStoreArn: "arn:aws:identitystore::" + account + ":identitystore/" + storeID,
		OwnerAccountId:   account,
		Name:             "scim-bridge-emulator",
		// §10 "Status is one of CREATE_IN_PROGRESS, CREATE_FAILED, DELETE_IN_PROGRESS, ACTIVE."
		Status: "ACTIVE",
	}
}

func (e *Emulator) ssoListInstances(_ context.Context, body []byte) (any, *awsError) {
	var in struct {
		MaxResults *int32
		NextToken  *string
	}
	if aerr := decodeAWSInput(body, &in); aerr != nil {
		return nil, aerr
	}
	// §10 "MaxResults is 1–100; paging uses NextToken." With one instance and
	// MaxResults ≥ 1 there is never a second page, so any NextToken is one
	// this service did not issue.
	var v awsValidationErrors
	_, tokErr := awsCheckPage(&v, "ListInstances", "", in.MaxResults, in.NextToken)
	if aerr := awsFirstErr(v.err(), tokErr); aerr != nil {
		return nil, aerr
	}
	if in.NextToken != nil {
		return struct{ Instances []awsInstance }{[]awsInstance{}}, nil
	}
	return struct{ Instances []awsInstance }{[]awsInstance{e.awsInstanceInfo()}}, nil
}
