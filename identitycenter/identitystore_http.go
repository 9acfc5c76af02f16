package identitycenter

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// inMemoryBodies hands net/http every SDK request body as a *bytes.Reader.
//
// Why: smithy-go closes the request body as soon as the HTTP client returns
// a response, and its closed body's WriteTo answers io.EOF. net/http, after
// sending a body of known length, reads it once more to check for extra
// bytes (transfer.go writeBody); when the server answered first — a loopback
// emulator does, within microseconds — that check meets the closed body,
// the transport takes the io.EOF as a failed write and closes the
// connection under the response being read. The SDK then retries "use of
// closed network connection" (about one read in 300 on loopback). A body
// net/http knows to be in memory is written from the bytes.Reader, which
// the SDK's Close does not touch, so the race is gone.
type inMemoryBodies struct{ next aws.HTTPClient }

// Do implements aws.HTTPClient.
func (c inMemoryBodies) Do(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return c.next.Do(req)
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("read %s request body: %w", req.Header.Get("X-Amz-Target"), err)
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(b))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return c.next.Do(out)
}
