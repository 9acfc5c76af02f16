package scim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"

	elimity "github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// exchange carries one request's state between the outer handler and the
// resource handler that elimity calls in between.
type exchange struct {
	kind   kind
	method string
	body   []byte
	called bool      // elimity accepted the request and called the resource handler
	err    error     // the resource handler's failure; finish writes it
	list   *listInfo // set on a successful list
}

type listInfo struct {
	items      int // resources in this page
	startIndex int // as the Provisioner answered; 0 keeps elimity's
}

type exchangeKey struct{}

func withExchange(ctx context.Context, ex *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, ex)
}

// exchangeFrom never returns nil, so a handler called outside NewHandler
// (it cannot be) would still not panic.
func exchangeFrom(ctx context.Context) *exchange {
	if ex, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		return ex
	}
	return &exchange{}
}

func (ex *exchange) fail(err error) (elimity.Resource, error) {
	ex.err = err
	return elimity.Resource{}, errHandled
}

// result converts the Provisioner's answer. A nil resource is an error unless
// allowEmpty (PATCH may answer 204): Okta fails a create that "returned empty
// user" (okta-scim-client.md §1.3).
func (ex *exchange) result(res identitycenter.Resource, err error, needBody bool) (elimity.Resource, error) {
	if err != nil {
		return ex.fail(err)
	}
	if len(res) == 0 {
		if needBody {
			return ex.fail(errors.New("the provisioner returned an empty resource"))
		}
		return elimity.Resource{}, nil
	}
	out, cerr := toElimity(res)
	if cerr != nil {
		return ex.fail(cerr)
	}
	return out, nil
}

// toElimity splits a SCIM resource into the parts elimity re-assembles
// (id, externalId, meta) and the rest. password is never returned
// (RFC 7643 §4.1.1 "returned: never").
func toElimity(res identitycenter.Resource) (elimity.Resource, error) {
	id, _ := res["id"].(string)
	if id == "" {
		return elimity.Resource{}, errors.New("the provisioner returned a resource without an id")
	}
	out := elimity.Resource{ID: id, Attributes: make(elimity.ResourceAttributes, len(res))}
	if ext, ok := res["externalId"].(string); ok && ext != "" {
		out.ExternalID = optional.NewString(ext)
	}
	if m, ok := res["meta"].(map[string]any); ok {
		out.Meta.Created = parseTime(m["created"])
		out.Meta.LastModified = parseTime(m["lastModified"])
		if v, ok := m["version"].(string); ok {
			out.Meta.Version = v
		}
	}
	for k, v := range res {
		switch k {
		case "id", "externalId", "meta", "schemas", "password":
			continue
		}
		out.Attributes[k] = v
	}
	return out, nil
}

func parseTime(v any) *time.Time {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

func newBodyReader(b []byte) io.ReadCloser {
	return io.NopCloser(bytes.NewReader(b))
}
