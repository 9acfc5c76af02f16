package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// awsError is an AWS JSON-protocol error: the body names the exception in
// __type (which the SDK maps to a typed error such as
// *types.ResourceNotFoundException) and carries the exception's members.
type awsError struct {
	Status       int
	Type         string
	Message      string
	ResourceType string // ResourceNotFoundException: USER, GROUP, IDENTITY_STORE, …
	ResourceID   string
	Reason       string // ConflictException: UNIQUENESS_CONSTRAINT_VIOLATION, …
	// RetryAfterSeconds: ThrottlingException (identity-center-scim.md §7 "The
	// identitystore API's ThrottlingException body has RetryAfterSeconds").
	RetryAfterSeconds int
}

func (e *awsError) Error() string { return e.Type + ": " + e.Message }

// writeAWSError writes e as {"__type":…,"Message":…} with its members.
// identitystore exceptions carry Message and RequestId (botocore identitystore).
func writeAWSError(w http.ResponseWriter, reqID string, e *awsError) {
	body := map[string]any{"__type": e.Type, "Message": e.Message, "RequestId": reqID}
	if e.ResourceType != "" {
		body["ResourceType"] = e.ResourceType
	}
	if e.ResourceID != "" {
		body["ResourceId"] = e.ResourceID
	}
	if e.Reason != "" {
		body["Reason"] = e.Reason
	}
	if e.RetryAfterSeconds > 0 {
		body["RetryAfterSeconds"] = e.RetryAfterSeconds
	}
	b, err := json.Marshal(body)
	if err != nil { // a map of strings and ints always encodes
		panic(fmt.Sprintf("emulator: encoding AWS error: %v", err))
	}
	w.Header().Set(requestIDHeader, reqID)
	w.Header().Set("Content-Type", awsJSONContentType)
	w.Header().Set("X-Amzn-Errortype", e.Type)
	w.WriteHeader(e.Status)
	_, _ = w.Write(b)
}

func awsNotFound(resourceType, id, what string) *awsError {
	return &awsError{Status: http.StatusBadRequest, Type: "ResourceNotFoundException",
		Message: what + " not found", ResourceType: resourceType, ResourceID: id}
}

// awsStoreError maps a store error to the identitystore exception.
func awsStoreError(err error, resourceType, id string) *awsError {
	switch {
	case errors.Is(err, ErrNotFound):
		return awsNotFound(resourceType, id, strings.ToLower(resourceType[:1])+strings.ToLower(resourceType[1:])+" "+id)
	case errors.Is(err, ErrConflict):
		return &awsError{Status: http.StatusBadRequest, Type: "ConflictException", Message: err.Error(),
			Reason: "UNIQUENESS_CONSTRAINT_VIOLATION"}
	default:
		return &awsError{Status: http.StatusInternalServerError, Type: "InternalServerException", Message: err.Error()}
	}
}

// awsValidationErrors collects AWS-style constraint violations, reported
// together as "N validation errors detected: …" (the form of identitystore's
// own 400 text, identity-center-scim.md §4 "Characters").
type awsValidationErrors []string

func (v *awsValidationErrors) add(format string, args ...any) {
	*v = append(*v, fmt.Sprintf(format, args...))
}

func (v awsValidationErrors) err() *awsError {
	if len(v) == 0 {
		return nil
	}
	noun := "error"
	if len(v) > 1 {
		noun = "errors"
	}
	return awsValidation(fmt.Sprintf("%d validation %s detected: %s", len(v), noun, strings.Join(v, "; ")))
}

func awsValidation(msg string) *awsError {
	return &awsError{Status: http.StatusBadRequest, Type: "ValidationException", Message: msg}
}
