package identitycenter

import (
	"strings"
	"testing"
	"time"
)

func TestUpstreamErrorMapping(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		body       string
		wantStatus int
		wantType   string
		wantDetail string // exact, or prefix when it ends in "…"
		wantReqID  string
	}{
		{
			name:       "409 real body, string status (§6)",
			status:     409,
			body:       `{"schema":["urn:ietf:params:scim:api:messages:2.0:Error"],"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Refused to create a new, duplicate resource.","status":"409","exceptionRequestId":"abc-123","timeStamp":"2022-03-18 10:57:08.014"}`,
			wantStatus: 409, wantType: "uniqueness", wantDetail: "Refused to create a new, duplicate resource.", wantReqID: "abc-123",
		},
		{
			name: "400 numeric status", status: 400,
			body:       `{"status":400,"detail":"Request is unparsable, syntactically incorrect, or violates schema."}`,
			wantStatus: 400, wantDetail: "Request is unparsable, syntactically incorrect, or violates schema.",
		},
		{
			name: "400 keeps a scimType if AWS ever sends one", status: 400,
			body:       `{"status":"400","scimType":"invalidValue","detail":"bad"}`,
			wantStatus: 400, wantType: "invalidValue", wantDetail: "bad",
		},
		{
			name: "401 is not passed on as 401 (§12.2)", status: 401,
			body:       `{"status":"401","detail":"Unauthorized"}`,
			wantStatus: 502, wantDetail: DetailTokenRejected + "…",
		},
		{
			name: "403", status: 403, body: `{"__type":"AccessDeniedException","message":"User is not authorized"}`,
			wantStatus: 502, wantDetail: DetailTokenRejected + " (Identity Center answered 403: User is not authorized)",
		},
		{
			name: "404", status: 404, body: `{"status":"404","detail":"Resource not found"}`,
			wantStatus: 404, wantDetail: "Resource not found",
		},
		{
			name: "HTML from a load balancer", status: 502, body: "<html>\n<body>Bad   Gateway</body>\n</html>",
			wantStatus: 502, wantDetail: "<html> <body>Bad Gateway</body> </html>",
		},
		{
			name: "empty body", status: 500, body: "",
			wantStatus: 502, wantDetail: "Internal Server Error",
		},
		{
			name: "JSON-protocol type only", status: 400, body: `{"__type":"ThrottlingException"}`,
			wantStatus: 400, wantDetail: "ThrottlingException",
		},
		{
			name: "a redirect is not an answer", status: 302, body: "",
			wantStatus: 502, wantDetail: "Found",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, reqID := upstreamError(c.status, []byte(c.body))
			if e.Status != c.wantStatus || e.ScimType != c.wantType || !e.Upstream {
				t.Errorf("got %+v, want status %d scimType %q upstream", e, c.wantStatus, c.wantType)
			}
			if p, ok := strings.CutSuffix(c.wantDetail, "…"); ok {
				if !strings.HasPrefix(e.Detail, p) {
					t.Errorf("detail %q, want prefix %q", e.Detail, p)
				}
			} else if e.Detail != c.wantDetail {
				t.Errorf("detail %q, want %q", e.Detail, c.wantDetail)
			}
			if reqID != c.wantReqID {
				t.Errorf("request id %q, want %q", reqID, c.wantReqID)
			}
		})
	}
}

func TestExcerptCutsOnRuneBoundary(t *testing.T) {
	s := strings.Repeat("é", 150) // 300 bytes
	got := excerpt(s, 201)
	if !strings.HasSuffix(got, "…") || len(got) > 201+len("…") || !strings.HasPrefix(got, "éé") {
		t.Errorf("excerpt = %q", got)
	}
	for _, r := range strings.TrimSuffix(got, "…") {
		if r != 'é' {
			t.Fatalf("excerpt split a rune: %q", got)
		}
	}
}

func TestExhaustedErrorRetryAfterIsWholeSecondsRoundedUp(t *testing.T) {
	cases := map[time.Duration]time.Duration{
		0:                       time.Second,
		300 * time.Millisecond:  time.Second,
		1600 * time.Millisecond: 2 * time.Second,
		40 * time.Second:        40 * time.Second,
	}
	for in, want := range cases {
		e := exhaustedError(3, "503 busy", in)
		if e.Status != 429 || e.RetryAfter != want {
			t.Errorf("exhaustedError(%v) = %+v, want 429 RetryAfter %v", in, e, want)
		}
	}
}
