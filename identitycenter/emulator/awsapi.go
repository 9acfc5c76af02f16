package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// The AWS JSON 1.1 protocol as the SDK speaks it: POST /, the operation in
// X-Amz-Target as "<service>.<Op>", a JSON body in both directions.
const (
	identityStoreService = "AWSIdentityStore"   // identitystore's X-Amz-Target prefix
	ssoAdminService      = "SWBExternalService" // sso-admin's X-Amz-Target prefix
	awsJSONContentType   = "application/x-amz-json-1.1"
	maxAWSRequestBytes   = 1 << 20
)

// awsService is one JSON API served by the emulator.
type awsService struct {
	signingName string // the SigV4 credential-scope service
	ops         map[string]awsOp
}

// awsOp handles one operation: it decodes body itself and returns the
// response shape to encode, or an AWS error.
type awsOp func(e *Emulator, ctx context.Context, body []byte) (any, *awsError)

// awsServices maps an X-Amz-Target prefix to its operations. It is built
// once and never written.
var awsServices = map[string]awsService{
	identityStoreService: {signingName: "identitystore", ops: map[string]awsOp{
		"ListUsers":                     (*Emulator).isListUsers,
		"ListGroups":                    (*Emulator).isListGroups,
		"DescribeUser":                  (*Emulator).isDescribeUser,
		"DescribeGroup":                 (*Emulator).isDescribeGroup,
		"GetUserId":                     (*Emulator).isGetUserID,
		"GetGroupId":                    (*Emulator).isGetGroupID,
		"ListGroupMemberships":          (*Emulator).isListGroupMemberships,
		"ListGroupMembershipsForMember": (*Emulator).isListGroupMembershipsForMember,
		"IsMemberInGroups":              (*Emulator).isIsMemberInGroups,
	}},
	ssoAdminService: {signingName: "sso", ops: map[string]awsOp{
		"ListInstances": (*Emulator).ssoListInstances,
	}},
}

// serveAWSJSON serves the identitystore and ssoadmin JSON APIs. Injected
// faults (throttling as identity-center-scim.md §7 "HTTP 400 with __type
// ThrottlingException, "Rate exceeded"") are applied by ServeHTTP before it
// routes here.
func (e *Emulator) serveAWSJSON(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	// Like every AWS API, each response carries its request id
	// (identity-center-scim.md §1: "Responses carry an x-amzn-RequestId header.").
	w.Header().Set(requestIDHeader, reqID)

	svcName, opName, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	svc, ok := awsServices[svcName]
	op := svc.ops[opName]
	if !ok || op == nil || r.Method != http.MethodPost {
		writeAWSError(w, reqID, &awsError{Status: http.StatusBadRequest, Type: "UnknownOperationException",
			Message: fmt.Sprintf("operation %q is not served (POST with X-Amz-Target AWSIdentityStore.<Op> or SWBExternalService.<Op>)", r.Header.Get("X-Amz-Target"))})
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, awsJSONContentType) {
		writeAWSError(w, reqID, &awsError{Status: http.StatusBadRequest, Type: "SerializationException",
			Message: fmt.Sprintf("Content-Type must be %s, got %q", awsJSONContentType, ct)})
		return
	}
	if aerr := awsCheckSigV4Header(r.Header.Get("Authorization"), svc.signingName); aerr != nil {
		writeAWSError(w, reqID, aerr)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAWSRequestBytes))
	if err != nil {
		writeAWSError(w, reqID, &awsError{Status: http.StatusBadRequest, Type: "SerializationException",
			Message: fmt.Sprintf("reading request body: %v", err)})
		return
	}
	out, aerr := op(e, r.Context(), body)
	if aerr != nil {
		writeAWSError(w, reqID, aerr)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeAWSError(w, reqID, &awsError{Status: http.StatusInternalServerError, Type: "InternalServerException",
			Message: fmt.Sprintf("encoding response: %v", err)})
		return
	}
	w.Header().Set("Content-Type", awsJSONContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// awsCheckSigV4Header requires a SigV4 Authorization header scoped to the
// service. The emulator cannot verify signatures (it does not know the secret
// key), so a present, well-formed header is all it asks for.
// The exact exception names and statuses AWS uses for a missing or mis-scoped
// signature are not in the reference (UNCONFIRMED); these follow the usual
// AWS JSON-protocol answers.
func awsCheckSigV4Header(auth, signingName string) *awsError {
	if auth == "" {
		return &awsError{Status: http.StatusBadRequest, Type: "MissingAuthenticationTokenException",
			Message: "Missing Authentication Token"}
	}
	alg, rest, _ := strings.Cut(auth, " ")
	if alg != "AWS4-HMAC-SHA256" && alg != "AWS4-ECDSA-P256-SHA256" {
		return &awsError{Status: http.StatusBadRequest, Type: "IncompleteSignatureException",
			Message: "Authorization header must be AWS Signature Version 4"}
	}
	_, cred, ok := strings.Cut(rest, "Credential=")
	if !ok {
		return &awsError{Status: http.StatusBadRequest, Type: "IncompleteSignatureException",
			Message: "Authorization header requires 'Credential' parameter"}
	}
	cred, _, _ = strings.Cut(cred, ",")
	// Credential=AKID/date/region/service/aws4_request (SigV4A omits region).
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) < 4 || parts[len(parts)-1] != "aws4_request" {
		return &awsError{Status: http.StatusBadRequest, Type: "IncompleteSignatureException",
			Message: "Credential must have the form <key>/<date>/<region>/<service>/aws4_request"}
	}
	if svc := parts[len(parts)-2]; svc != signingName {
		return &awsError{Status: http.StatusForbidden, Type: "InvalidSignatureException",
			Message: fmt.Sprintf("Credential should be scoped to correct service: '%s'.", signingName)}
	}
	return nil
}

// decodeAWSInput decodes a request body into in. An empty body is {}.
func decodeAWSInput(body []byte, in any) *awsError {
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, in); err != nil {
		var te *json.UnmarshalTypeError
		msg := "request body is not valid JSON"
		if errors.As(err, &te) {
			msg = fmt.Sprintf("field %s: expected %s", te.Field, te.Type)
		}
		return &awsError{Status: http.StatusBadRequest, Type: "SerializationException", Message: msg}
	}
	return nil
}
