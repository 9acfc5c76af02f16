package emulator

import "net/http"

// serveAWSJSON serves the identitystore and ssoadmin JSON APIs.
func (e *Emulator) serveAWSJSON(w http.ResponseWriter, r *http.Request) {
	http.Error(w, `{"__type":"UnknownOperationException"}`, http.StatusBadRequest)
}
