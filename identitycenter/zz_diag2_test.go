package identitycenter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"testing"
)

func TestZZPlain(t *testing.T) {
	env := gpNew(t, true)
	ids := env.users(t, 250)
	gid := env.create(t, "Diag", ids)
	storeID, err := env.reader.IdentityStoreID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := awshttp.NewBuildableClient()
	fails := 0
	for i := 0; i < 1000; i++ {
		body := fmt.Sprintf(`{"IdentityStoreId":%q,"GroupId":%q,"MaxResults":100}`, storeID, gid)
		req, _ := http.NewRequest("POST", env.url+"/", bytes.NewReader([]byte(body)))
		req.Header.Set("X-Amz-Target", "AWSIdentityStore.ListGroupMemberships")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/identitystore/aws4_request, SignedHeaders=host, Signature=abc")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			fails++
			t.Logf("decode: %v", err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			t.Logf("discard: %v", err)
		}
		resp.Body.Close()
	}
	t.Logf("fails %d", fails)
}
