// Package scim is the inbound SCIM 2.0 server that Okta talks to. It is built
// on github.com/elimity-com/scim, which parses and validates Okta's requests
// against the RFC 7643 User and Group schemas; this package adds bearer auth,
// base-path handling, Okta's lifecycle naming for the request log, and maps
// every outcome to the SCIM reply Okta expects. It knows Okta, not AWS: the
// validated attributes go unchanged to identitycenter.Users / Groups, whose
// translate layer turns them into Identity Center's dialect.
package scim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	elimity "github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/internal/reqlog"
)

// BasePath is where Okta's base URL points: http(s)://HOST/scim/v2.
const BasePath = "/scim/v2"

// maxBodyBytes is the default cap on a request body (limits.go).
const maxBodyBytes = DefaultMaxBodyBytes

// DefaultRequestTimeout bounds one Okta request end to end, every upstream
// call and wait included. okta-scim-client.md §6: "The timeout is 60
// seconds if Okta doesn't receive anything from the socket"; one request
// may make several upstream calls (a PATCH split in two, a lookup walking
// cursor pages), each with its own 25 s retry budget (identitycenter
// RetryPolicy), so without this bound two of them could outlast Okta. 45 s
// leaves 15 s for the network, a load balancer and writing the answer.
// When it runs out Okta gets a 429 with Retry-After, which it re-queues.
const DefaultRequestTimeout = 45 * time.Second

// Config is what NewHandler needs.
type Config struct {
	Tokens func() []string       // accepted bearer tokens (one or two during rotation), read per request
	Users  identitycenter.Users  // required
	Groups identitycenter.Groups // nil until groups land: then /Groups answers with a clear SCIM error, not a panic
	Logger *zap.Logger           // the request log goes here
	Limits Limits                // body, header and nesting caps; zero values → defaults (limits.go)
	// RequestTimeout bounds one request, upstream calls included; 0 →
	// DefaultRequestTimeout. Past it Okta gets a 429 with Retry-After.
	RequestTimeout time.Duration
}

// NewHandler serves /scim/v2/... and /scim/v2 (with or without a trailing
// slash, duplicate slashes collapsed) and nothing else. Every request is
// authenticated and written to the request log (reqlog.Middleware).
func NewHandler(cfg Config) (http.Handler, error) {
	if cfg.Tokens == nil {
		return nil, errors.New("scim: Config.Tokens is required")
	}
	if cfg.Users == nil {
		return nil, errors.New("scim: Config.Users is required")
	}
	var groups backend = disabledGroups{}
	if cfg.Groups != nil {
		groups = groupBackend{cfg.Groups}
	}
	userSchema, groupSchema := schema.CoreUserSchema(), schema.CoreGroupSchema()
	userType := elimity.ResourceType{
		ID:          optional.NewString("User"),
		Name:        "User",
		Description: optional.NewString("Okta users, provisioned into Identity Center"),
		Endpoint:    "/Users",
		// RFC 7643 User with the enterprise extension: okta-scim-client.md §2.1
		// "Other attributes appear when mapped, e.g. title and the enterprise
		// extension …department". The full core schema accepts everything Okta
		// sends (password, groups, emails[].display, primary); what Identity
		// Center refuses is dropped by the Provisioner's translate layer.
		Schema: userSchema,
		SchemaExtensions: []elimity.SchemaExtension{
			{Schema: schema.ExtensionEnterpriseUser()},
		},
		Handler: &resourceHandler{kind: userKind, be: userBackend{cfg.Users}, schema: newAttrSchema(userSchema)},
	}
	groupType := elimity.ResourceType{
		ID:          optional.NewString("Group"),
		Name:        "Group",
		Description: optional.NewString("Okta push groups, provisioned into Identity Center"),
		Endpoint:    "/Groups",
		Schema:      groupSchema,
		Handler:     &resourceHandler{kind: groupKind, be: groups, schema: newAttrSchema(groupSchema)},
	}
	srv, err := elimity.NewServer(&elimity.ServerArgs{
		ServiceProviderConfig: &elimity.ServiceProviderConfig{
			AuthenticationSchemes: []elimity.AuthenticationScheme{{
				Type:        elimity.AuthenticationTypeOauthBearerToken,
				Name:        "OAuth Bearer Token",
				Description: "Authorization: Bearer <token>, the token configured in Okta's provisioning settings.",
				Primary:     true,
			}},
			// okta-scim-client.md §1.2: "count=100 is always used."
			MaxResults:       100,
			SupportFiltering: true,
			SupportPatch:     true,
		},
		ResourceTypes: []elimity.ResourceType{userType, groupType},
	})
	if err != nil {
		return nil, fmt.Errorf("scim: building the SCIM server: %w", err)
	}
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	h := &handler{tokens: cfg.Tokens, limits: cfg.Limits.withDefaults(), timeout: timeout, scim: srv, types: map[kind]elimity.ResourceType{userKind: userType, groupKind: groupType}}
	return reqlog.Middleware(cfg.Logger, h), nil
}

// handler is the outer layer around the elimity server: path, auth, body
// limit, and the rewrite of elimity's reply (see respond.go).
type handler struct {
	tokens  func() []string
	limits  Limits
	timeout time.Duration // per request, upstream calls included
	scim    elimity.Server
	types   map[kind]elimity.ResourceType
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	entry := reqlog.From(r.Context())
	defer func() {
		// Bad input must never crash the bridge; a panic here is our bug.
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			reqlog.SetError(r.Context(), fmt.Errorf("panic: %v", p))
			writeError(w, entry, &scimError{status: http.StatusInternalServerError, detail: internalDetail(r)})
		}
	}()

	rest, ok := scimPath(r.URL.Path)
	if !ok {
		writeError(w, entry, &scimError{status: http.StatusNotFound, detail: fmt.Sprintf("no SCIM endpoint at %q; the base URL is %s", capPath(r.URL.Path), BasePath)})
		return
	}
	k, id := route(rest)
	entry.SetOperation(classify(r.Method, k, id, r.URL.Query()))
	if id != "" {
		entry.SetSubject("id", capString(id, maxIDLen))
	}

	if se := h.limits.checkHeaders(r); se != nil {
		writeError(w, entry, se)
		return
	}
	if !authorized(r.Header.Get("Authorization"), h.tokens()) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="scim-bridge"`)
		writeError(w, entry, &scimError{status: http.StatusUnauthorized, detail: "missing or invalid bearer token: send the Authorization header Okta is configured with (Bearer <token>)"})
		return
	}
	if rest == "" {
		writeError(w, entry, &scimError{status: http.StatusNotFound, detail: "the base URL itself is not a resource; Okta appends /Users or /Groups to " + BasePath})
		return
	}

	if se := idError(k, id); se != nil {
		writeError(w, entry, se)
		return
	}

	ex := &exchange{kind: k, method: r.Method}
	if r.Body != nil && r.Body != http.NoBody {
		body, err := h.limits.readBody(w, r)
		if err != nil {
			writeError(w, entry, toSCIMError(r.Context(), err))
			return
		}
		ex.body = body
	}
	// The identitycenter client sees this deadline and ends its retries in
	// time to answer 429 + Retry-After rather than let Okta time out.
	ctx, cancel := context.WithTimeout(r.Context(), h.timeout)
	defer cancel()
	// The elimity server routes on "/v2/Users…"; it strips the "/v2" itself.
	r2 := r.Clone(withExchange(ctx, ex))
	r2.URL.Path = "/v2" + rest
	r2.URL.RawPath = ""
	r2.Body = newBodyReader(ex.body)
	buf := newBufferedWriter()
	h.scim.ServeHTTP(buf, r2)
	h.finish(w, r2, entry, ex, buf)
}

// scimPath collapses duplicate slashes (a base URL pasted with a trailing
// slash gives "/scim/v2//Users", identity-center-scim.md §9 "a trailing-slash
// endpoint becomes …/scim/v2//Users") and returns the part after /scim/v2.
func scimPath(p string) (string, bool) {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if p == BasePath {
		return "", true
	}
	if !strings.HasPrefix(p, BasePath+"/") {
		return "", false
	}
	// "/Users/" is "/Users": Okta appends to the base URL as configured.
	return strings.TrimSuffix(strings.TrimPrefix(p, BasePath), "/"), true
}

// route finds the resource kind and id in the path below /scim/v2.
func route(rest string) (kind, string) {
	for _, k := range []kind{userKind, groupKind} {
		ep := "/" + k.endpoint()
		if rest == ep {
			return k, ""
		}
		if id, ok := strings.CutPrefix(rest, ep+"/"); ok {
			return k, id
		}
	}
	return noKind, ""
}

func capPath(p string) string {
	if len(p) > 128 {
		return p[:128] + "…"
	}
	return p
}
