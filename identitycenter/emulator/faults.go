package emulator

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Faults are failures injected on demand, for SCIM and the AWS JSON API alike.
type Faults struct {
	Rate  float64 // requests/s of a token bucket; 0 = no throttling
	Burst int     // bucket size; <1 means 1 when Rate is set
	// RetryAfter is sent as Retry-After on a SCIM 429 and as RetryAfterSeconds
	// on an identitystore throttle. 0 = no Retry-After header: the header on
	// SCIM 429 is UNCONFIRMED for AWS (identity-center-scim.md §7).
	RetryAfter time.Duration
	ErrorRate  float64       // fraction of requests answered 500
	Latency    time.Duration // added before every request is handled
	DropRate   float64       // fraction of connections closed without a response
}

// tokenBucket is the throttling state; guarded by Emulator.faultMu.
type tokenBucket struct {
	tokens float64
	last   time.Time
}

// SetFaults replaces the injected faults; safe while serving. The token
// bucket starts full.
func (e *Emulator) SetFaults(f Faults) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	if f.Burst < 1 {
		f.Burst = 1
	}
	e.faults = f
	e.bucket = tokenBucket{tokens: float64(f.Burst), last: e.now()}
}

// Faults returns the faults in force.
func (e *Emulator) Faults() Faults {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	return e.faults
}

// faultDecision is what to do with one request.
type faultDecision int

const (
	faultNone faultDecision = iota
	faultThrottle
	faultError
	faultDrop
)

// decideFault draws the fate of one request under the lock, so the seeded
// sequence is the same for the same sequence of requests.
func (e *Emulator) decideFault() (faultDecision, Faults) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	f := e.faults
	if f.DropRate > 0 && e.rng.Float64() < f.DropRate {
		return faultDrop, f
	}
	if f.Rate > 0 {
		now := e.now()
		b := &e.bucket
		b.tokens = math.Min(float64(f.Burst), b.tokens+now.Sub(b.last).Seconds()*f.Rate)
		b.last = now
		if b.tokens < 1 {
			return faultThrottle, f
		}
		b.tokens--
	}
	if f.ErrorRate > 0 && e.rng.Float64() < f.ErrorRate {
		return faultError, f
	}
	return faultNone, f
}

// injectFault applies the configured faults to one request and reports
// whether it answered (or dropped) it. ServeHTTP calls it before routing, for
// SCIM and the AWS JSON API alike; handlers need not call it again.
func (e *Emulator) injectFault(w http.ResponseWriter, r *http.Request, awsJSON bool) (handled bool) {
	decision, f := e.decideFault()
	if f.Latency > 0 {
		if !bufferBody(r) {
			return true // the client is gone; there is no one to answer
		}
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch decision {
	case faultDrop:
		e.stats.add(OpDropped)
		dropConnection(w)
		return true
	case faultThrottle:
		e.stats.add(OpThrottled)
		e.writeThrottle(w, awsJSON, f.RetryAfter)
		return true
	case faultError:
		e.stats.add(OpFaulted)
		e.writeInternalError(w, awsJSON)
		return true
	}
	return false
}

// bufferBody reads the request body (up to the handlers' own limit) before a
// delay, and reports false if reading it failed. net/http notices that a
// client went away, and cancels the request's context, only once the body
// has been read to its end; without this a POST whose client gave up would
// hold its handler for the whole latency.
func bufferBody(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	head, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return false
	}
	if len(head) > maxBody {
		// Let the handler refuse the oversized body itself.
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(head), r.Body))
		return true
	}
	r.Body = io.NopCloser(bytes.NewReader(head))
	return true
}

// dropConnection closes the client's connection without a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// No hijackable connection (HTTP/2, a recorder): abort the handler, which
	// net/http turns into a reset stream or closed connection.
	panic(http.ErrAbortHandler)
}

func (e *Emulator) writeThrottle(w http.ResponseWriter, awsJSON bool, retryAfter time.Duration) {
	secs := int(math.Ceil(retryAfter.Seconds()))
	if awsJSON {
		// §7: "identitystore throttling arrives as HTTP 400 with __type
		// ThrottlingException, "Rate exceeded"." and "The identitystore API's
		// ThrottlingException body has RetryAfterSeconds."
		writeAWSError(w, newRequestID(), &awsError{Status: http.StatusBadRequest, Type: "ThrottlingException",
			Message: "Rate exceeded", RetryAfterSeconds: secs})
		return
	}
	if !e.lenient(RuleRequestIDHd) {
		w.Header().Set(requestIDHeader, newRequestID())
	}
	if secs > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	// §6: "429 ThrottlingException".
	e.writeError(w, &scimError{status: http.StatusTooManyRequests, detail: "Rate exceeded"})
}

func (e *Emulator) writeInternalError(w http.ResponseWriter, awsJSON bool) {
	if awsJSON {
		writeAWSError(w, newRequestID(), &awsError{Status: http.StatusInternalServerError, Type: "InternalServerException",
			Message: "Internal server error (injected fault)"})
		return
	}
	if !e.lenient(RuleRequestIDHd) {
		w.Header().Set(requestIDHeader, newRequestID())
	}
	// §6: "500 InternalServerException".
	e.writeError(w, &scimError{status: http.StatusInternalServerError, detail: "Internal server error (injected fault)."})
}
