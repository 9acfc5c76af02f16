package identitycenter

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
)

type rt struct {
	c    *http.Client
	mu   sync.Mutex
	logs []string
}

type logBody struct {
	io.ReadCloser
	r  *rt
	id int
	n  int
}

func (b *logBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += n
	if err != nil && err != io.EOF {
		b.r.add(fmt.Sprintf("body %d read err after %d bytes: %v", b.id, b.n, err))
	}
	return n, err
}
func (b *logBody) Close() error {
	b.r.add(fmt.Sprintf("body %d close after %d bytes at\n%s", b.id, b.n, ""))
	return b.ReadCloser.Close()
}
func (r *rt) add(s string) { r.mu.Lock(); r.logs = append(r.logs, s); r.mu.Unlock() }

var seq int

func (r *rt) Do(req *http.Request) (*http.Response, error) {
	seq++
	id := seq
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		r.add(fmt.Sprintf("req %d conn %s reused=%v idle=%v %v", id, i.Conn.LocalAddr(), i.Reused, i.WasIdle, i.IdleTime))
	}, WroteRequest: func(i httptrace.WroteRequestInfo) {
		r.add(fmt.Sprintf("req %d wrote err=%v", id, i.Err))
	}, PutIdleConn: func(err error) {
		r.add(fmt.Sprintf("req %d putidle err=%v", id, err))
	}, GotFirstResponseByte: func() { r.add(fmt.Sprintf("req %d first byte", id)) }}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := r.c.Do(req)
	if err != nil {
		r.add(fmt.Sprintf("req %d err %v", id, err))
		return resp, err
	}
	r.add(fmt.Sprintf("req %d status %d cl=%d te=%v", id, resp.StatusCode, resp.ContentLength, resp.TransferEncoding))
	resp.Body = &logBody{ReadCloser: resp.Body, r: r, id: id}
	return resp, nil
}

func TestZZDiag(t *testing.T) {
	env := gpNew(t, true)
	ids := env.users(t, 250)
	gid := env.create(t, "Diag", ids)
	ctx := context.Background()
	cfg := env.aws.Copy()
	b := cfg.HTTPClient.(*awshttp.BuildableClient)
	wrap := &rt{c: &http.Client{Transport: b.GetTransport()}}
	cfg.HTTPClient = wrap
	r := NewIdentityStoreReader(IdentityStoreConfig{AWS: cfg, Endpoint: env.url})
	storeID, err := r.IdentityStoreID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	retries := 0
	for i := 0; i < 1000; i++ {
		wrap.mu.Lock()
		if len(wrap.logs) > 20 {
			wrap.logs = wrap.logs[len(wrap.logs)-20:]
		}
		wrap.mu.Unlock()
		out, err := r.is.ListGroupMemberships(ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: aws.String(storeID), GroupId: aws.String(gid), MaxResults: aws.Int32(100)})
		if err != nil {
			t.Fatal(err)
		}
		if res, ok := retry.GetAttemptResults(out.ResultMetadata); ok {
			for _, a := range res.Results {
				if a.Err != nil {
					retries++
					if retries < 3 {
						t.Logf("attempt err: %v", a.Err)
						for _, l := range wrap.logs {
							t.Log(l)
						}
					}
				}
			}
		}
	}
	t.Logf("retries: %d", retries)
}
