package loadgen

import (
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/identitycenter/emulator"
	"github.com/scim-bridge/scim-bridge/scim"
)

// Fixed credentials of the in-process stack: loopback only, never real.
const (
	tenant        = "4c0ad5e1-7b2f-4e8a-9c3d-5f6a7b8c9d0e"
	upstreamToken = "loadgen-upstream-token-not-a-secret"
	// OktaToken is the bearer token the in-process bridge accepts.
	OktaToken = "loadgen-okta-token-not-a-secret"
)

// UpstreamOptions configure the emulator behind a target.
type UpstreamOptions struct {
	Faults emulator.Faults
	Seed   uint64
	// LostReplyRate is the fraction of requests the emulator carries out
	// and whose reply is then lost (the connection is closed instead): the
	// ambiguous failure a retry must not turn into a duplicate
	// (identity-center-scim.md §12.4). The emulator's own DropRate drops
	// before handling; this drops after.
	LostReplyRate float64
}

// Upstream is an emulator on a loopback listener.
type Upstream struct {
	Emu  *emulator.Emulator
	URL  string // SCIM endpoint http://127.0.0.1:PORT/TENANT/scim/v2
	Host string // 127.0.0.1:PORT
	// LostReplies counts replies dropped after the emulator acted.
	LostReplies atomic.Int64
	srv         *server
}

// StartUpstream starts an empty emulator.
func StartUpstream(opts UpstreamOptions) (*Upstream, error) {
	emu, err := emulator.New(emulator.Options{Tenant: tenant, Tokens: []string{upstreamToken}, Seed: opts.Seed, Faults: opts.Faults})
	if err != nil {
		return nil, err
	}
	u := &Upstream{Emu: emu}
	var h http.Handler = emu
	if opts.LostReplyRate > 0 {
		h = &lostReplies{next: emu, rate: opts.LostReplyRate, rng: rand.New(rand.NewPCG(opts.Seed, 7)), count: &u.LostReplies}
	}
	if u.srv, err = listen(h); err != nil {
		return nil, err
	}
	u.Host = u.srv.addr()
	u.URL = "http://" + u.Host + "/" + tenant + "/scim/v2"
	return u, nil
}

// Token is the bearer token the emulator accepts.
func (u *Upstream) Token() string { return upstreamToken }

// Requests is how many requests the emulator has received.
func (u *Upstream) Requests() int64 { return u.Emu.Stats().Requests() }

// Close stops the emulator's listener.
func (u *Upstream) Close() { u.srv.close() }

// Direct is a Client straight at the emulator, in AWS's dialect.
func (u *Upstream) Direct(conns int) *Client {
	return &Client{Base: u.URL, Token: upstreamToken, Dialect: DialectAWS, HTTP: NewHTTPClient(conns)}
}

// Target is a SCIM endpoint the load runs against.
type Target struct {
	Name   string
	Client *Client
	// Groups is false when the endpoint cannot serve /Groups.
	Groups bool
	srv    *server
}

// Close stops the target's own listener (not the upstream's).
func (t *Target) Close() {
	if t.srv != nil {
		t.srv.close()
	}
}

// DirectTarget is the emulator itself.
func DirectTarget(up *Upstream, conns int) *Target {
	return &Target{Name: "direct", Client: up.Direct(conns), Groups: true}
}

// ProxyTarget is a bare httputil.ReverseProxy in front of the emulator that
// only rewrites /scim/v2 to /TENANT/scim/v2: the cost of one more HTTP hop
// with nothing else. Traffic is in AWS's dialect, as for DirectTarget.
func ProxyTarget(up *Upstream, conns int) (*Target, error) {
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = up.Host
			pr.Out.Host = up.Host
			pr.Out.URL.Path = "/" + tenant + pr.In.URL.Path
			pr.Out.URL.RawPath = ""
		},
		Transport: &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: 90 * time.Second},
		ErrorLog:  nil,
	}
	srv, err := listen(rp)
	if err != nil {
		return nil, err
	}
	return &Target{
		Name:   "proxy",
		Client: &Client{Base: "http://" + srv.addr() + "/scim/v2", Token: upstreamToken, Dialect: DialectAWS, HTTP: NewHTTPClient(conns)},
		Groups: true,
		srv:    srv,
	}, nil
}

// BridgeOptions configure the in-process bridge.
type BridgeOptions struct {
	// Log receives the request log (zap JSON, as serve writes it); nil
	// encodes it and throws it away, so its cost is measured.
	Log   io.Writer
	Retry identitycenter.RetryPolicy // zero: serve's defaults
	// MaxInFlight caps concurrent upstream requests: 0 → serve's default
	// (identitycenter.DefaultMaxInFlight), <0 → no cap.
	MaxInFlight int
	// SCIMMemberReads reads group members with the SCIM filter instead of
	// the identitystore API (serve's fallback without AWS credentials).
	SCIMMemberReads bool
}

// BridgeTarget is the bridge wired as serve wires it — scim handler →
// Provisioner with the identitystore member reader → Identity Center client,
// serve's http.Server timeouts — in front of the emulator, with Okta's
// dialect. Not included: serve's Prometheus middleware and log sampling
// (package main), and TLS.
func BridgeTarget(up *Upstream, conns int, opts BridgeOptions) (*Target, error) {
	w := opts.Log
	if w == nil {
		w = io.Discard
	}
	logger := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(w), zap.InfoLevel))
	client, err := identitycenter.NewClient(identitycenter.ClientConfig{
		BaseURL:     up.URL,
		Token:       func() string { return upstreamToken },
		Retry:       opts.Retry,
		MaxInFlight: opts.MaxInFlight,
	})
	if err != nil {
		return nil, fmt.Errorf("bridge client: %w", err)
	}
	prov := identitycenter.NewProvisioner(identitycenter.ProvisionerConfig{Client: client, Names: identitycenter.NamesDerive, Logger: logger})
	var members identitycenter.MemberReader = identitycenter.SCIMMembers{Client: client}
	if !opts.SCIMMemberReads {
		if members, err = identityStoreMembers(up.URL, client, logger); err != nil {
			return nil, err
		}
	}
	users := prov.WithMemberReader(members)
	cfg := scim.Config{Tokens: func() []string { return []string{OktaToken} }, Users: users, Groups: users, Logger: logger}
	h, err := scim.NewHandler(cfg)
	if err != nil {
		return nil, fmt.Errorf("bridge handler: %w", err)
	}
	srv, err := listen(h)
	if err != nil {
		return nil, err
	}
	return &Target{
		Name:   "bridge",
		Client: &Client{Base: "http://" + srv.addr() + scim.BasePath, Token: OktaToken, Dialect: DialectOkta, HTTP: NewHTTPClient(conns)},
		Groups: true,
		srv:    srv,
	}, nil
}

// identityStoreMembers is serve's member reader in emulator mode
// (cmd/scim-bridge/serve_groups.go): the AWS SDK's identitystore client
// against the emulator's JSON API with dummy keys, falling back to the SCIM
// filter. DESIGN.md: "Reads that SCIM cannot answer (a group's current
// members — AWS never returns them) go through the identitystore API".
func identityStoreMembers(upstreamURL string, client *identitycenter.Client, logger *zap.Logger) (identitycenter.MemberReader, error) {
	u, err := url.Parse(upstreamURL)
	if err != nil {
		return nil, fmt.Errorf("upstream URL: %w", err)
	}
	awsCfg, err := identitycenter.LoadAWSConfig(context.Background(), "us-east-1", credentials.NewStaticCredentialsProvider("AKIDLOADGEN", "loadgen", ""))
	if err != nil {
		return nil, fmt.Errorf("AWS SDK configuration: %w", err)
	}
	reader := identitycenter.NewIdentityStoreReader(identitycenter.IdentityStoreConfig{AWS: awsCfg, Endpoint: u.Scheme + "://" + u.Host})
	return identitycenter.FallbackMembers{Primary: reader, Secondary: identitycenter.SCIMMembers{Client: client}, Logger: logger}, nil
}

// server is an http.Server on a loopback port, with serve's timeouts.
type server struct {
	http *http.Server
	ln   net.Listener
	done chan struct{}
}

func listen(h http.Handler) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("loopback listener: %w", err)
	}
	s := &server{
		// The same bounds as serve's newServer (cmd/scim-bridge/serve_bridge.go).
		http: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      65 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          quietLog(),
		},
		ln:   ln,
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		// Serve fails only if the listener does; requests then fail and
		// are counted by the load's own error report.
		_ = s.http.Serve(ln)
	}()
	return s, nil
}

func (s *server) addr() string { return s.ln.Addr().String() }

func (s *server) close() {
	_ = s.http.Close()
	<-s.done
}

// lostReplies carries a request out, then closes the connection instead of
// replying.
type lostReplies struct {
	next  http.Handler
	rate  float64
	mu    sync.Mutex
	rng   *rand.Rand
	count *atomic.Int64
}

func (l *lostReplies) draw() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rng.Float64() < l.rate
}

func (l *lostReplies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !l.draw() {
		l.next.ServeHTTP(w, r)
		return
	}
	l.next.ServeHTTP(&swallow{h: http.Header{}}, r)
	l.count.Add(1)
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// swallow is a ResponseWriter that keeps nothing.
type swallow struct{ h http.Header }

func (s *swallow) Header() http.Header         { return s.h }
func (s *swallow) Write(p []byte) (int, error) { return len(p), nil }
func (s *swallow) WriteHeader(int)             {}

// quietLog drops net/http's own server log (dropped connections are
// expected under chaos and counted elsewhere).
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }
