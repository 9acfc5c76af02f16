package identitycenter

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// closedAfterDo mimics smithy-go's request body: once closed, reads (and
// WriteTo) answer io.EOF.
type closedAfterDo struct {
	r      *strings.Reader
	closed bool
}

func (b *closedAfterDo) Read(p []byte) (int, error) {
	if b.closed {
		return 0, io.EOF
	}
	return b.r.Read(p)
}

func (b *closedAfterDo) Close() error { b.closed = true; return nil }

// nextClient plays net/http: it gets the response "back" (the SDK then
// closes its body) before it finishes with the request body.
type nextClient struct {
	sdkBody *closedAfterDo
	sent    []byte
	length  int64
}

func (c *nextClient) Do(req *http.Request) (*http.Response, error) {
	_ = c.sdkBody.Close() // the SDK closes its body as soon as a response exists
	c.sent, _ = io.ReadAll(req.Body)
	c.length = req.ContentLength
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
}

// The SDK closing its request body early must not cut the body the
// transport is still writing: that cut made net/http drop the connection
// under the response ("use of closed network connection", then an SDK retry).
func TestInMemoryBodiesSurviveSDKClose(t *testing.T) {
	const payload = `{"IdentityStoreId":"d-1234567890","GroupId":"g","MaxResults":100}`
	body := &closedAfterDo{r: strings.NewReader(payload)}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(payload))
	next := &nextClient{sdkBody: body}
	if _, err := (inMemoryBodies{next: next}).Do(req); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(next.sent, []byte(payload)) || next.length != int64(len(payload)) {
		t.Fatalf("transport sent %q (Content-Length %d), want the whole body", next.sent, next.length)
	}
}
