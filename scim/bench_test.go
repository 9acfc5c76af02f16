package scim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// The two benchmarks below are compared as a ratio: the cost of serving an
// import page through the handler (auth, elimity, paging fix, request log)
// against listing and encoding the same page directly.

func benchUsers(b *testing.B) *fakeUsers {
	f := newFakeUsers()
	for i := range 100 {
		f.add(fmt.Sprintf("user%03d@example.com", i))
	}
	return f
}

func BenchmarkImportPageHandler(b *testing.B) {
	f := benchUsers(b)
	h, err := NewHandler(Config{Users: f, Tokens: func() []string { return []string{testToken} }, Logger: zap.NewNop()})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/scim/v2/Users?startIndex=1&count=100", nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

func BenchmarkImportPageDirect(b *testing.B) {
	f := benchUsers(b)
	b.ReportAllocs()
	for b.Loop() {
		res, err := f.ListUsers(b.Context(), identitycenter.ListQuery{StartIndex: 1, Count: 100})
		if err != nil {
			b.Fatal(err)
		}
		if err := json.NewEncoder(io.Discard).Encode(res.Resources); err != nil {
			b.Fatal(err)
		}
	}
}
