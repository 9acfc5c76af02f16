package saml

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Broker holds the current IdP metadata (refreshed in the background) and
// the SP values, and serves both.
type Broker struct {
	cfg         Config
	log         *zap.Logger
	client      *http.Client
	now         func() time.Time
	verifyCerts []*x509.Certificate
	idpSource   string // URL or file; "" if no IdP side
	sp          *SP    // nil if no SP side
	idp         atomic.Pointer[idpCopy]
}

// idpCopy is the last good IdP metadata.
type idpCopy struct {
	md       *IdPMetadata
	loadedAt time.Time
}

// NewBroker loads the SP side, failing if it does not pass validation (it
// is configuration), and starts loading the IdP metadata: at once, then
// every RefreshInterval until ctx is done, keeping the last good copy when a
// load fails. A failed first load does not fail NewBroker: Okta or DNS being
// down while a pod starts must not take SCIM provisioning down with it. The
// failure is logged, /saml/idp-metadata.xml answers 503, and the load is
// retried every RetryInterval until it succeeds.
func NewBroker(ctx context.Context, cfg Config, log *zap.Logger) (*Broker, error) {
	b, err := newBroker(cfg, log, NewHTTPClient(), time.Now)
	if err != nil {
		return nil, err
	}
	if err := b.start(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// newBroker builds a Broker without loading anything, so tests can give it
// a clock and a client.
func newBroker(cfg Config, log *zap.Logger, client *http.Client, now func() time.Time) (*Broker, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("saml config: %w", err)
	}
	if log == nil {
		log = zap.NewNop()
	}
	b := &Broker{cfg: cfg, log: log.With(zap.String("component", "saml")), client: client, now: now}
	b.idpSource = cfg.IdPMetadataURL
	if b.idpSource == "" {
		b.idpSource = cfg.IdPMetadataFile
	}
	if cfg.VerifyCertFile != "" {
		if b.verifyCerts, err = ReadCertFile(cfg.VerifyCertFile); err != nil {
			return nil, fmt.Errorf("saml metadata verification certificate: %w", err)
		}
	}
	return b, nil
}

func (b *Broker) start(ctx context.Context) error {
	if err := b.loadSP(); err != nil {
		return err
	}
	if b.idpSource != "" {
		err := b.refresh(ctx)
		go b.refreshLoop(ctx, err == nil)
	}
	b.logExpiries()
	return nil
}

func (b *Broker) loadSP() error {
	var err error
	switch {
	case b.cfg.SPMetadataFile != "":
		data, rerr := readFileLimited(b.cfg.SPMetadataFile)
		if rerr != nil {
			return fmt.Errorf("saml: SP metadata: %w", rerr)
		}
		b.sp, err = ParseSPMetadata(data)
	case b.cfg.ACSURL != "":
		b.sp, err = SPFromValues(b.cfg.ACSURL, b.cfg.SPIssuer)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("saml: SP: %w", err)
	}
	now := b.now()
	fs := b.sp.Check(now, b.cfg.WarnBefore)
	fs = append(fs, checkExpected(b.sp, b.cfg.ACSURL, b.cfg.SPIssuer)...)
	b.logFindings(fs, "SP")
	if err := fs.Err(); err != nil {
		return fmt.Errorf("saml: SP values: %w", err)
	}
	b.log.Info("SAML SP values loaded", zap.String("acs_url", b.sp.ACSURL()), zap.String("issuer", b.sp.Issuer()),
		zap.String("region", b.sp.Region()), zap.Bool("from_file", b.sp.FromFile))
	return nil
}

// load reads, parses and checks the IdP metadata without storing it.
func (b *Broker) load(ctx context.Context) (*IdPMetadata, Findings, error) {
	data, err := ReadMetadata(ctx, b.client, b.idpSource, len(b.verifyCerts) > 0)
	if err != nil {
		return nil, nil, err
	}
	md, err := ParseIdPMetadata(data, b.verifyCerts)
	if err != nil {
		return nil, nil, err
	}
	fs := md.Check(b.now(), b.cfg.WarnBefore)
	if b.sp != nil {
		fs = append(fs, checkPair(md, b.sp)...)
	}
	if err := fs.Err(); err != nil {
		return nil, fs, fmt.Errorf("IdP metadata failed validation: %w", err)
	}
	return md, fs, nil
}

// refresh loads the IdP metadata and, if it is good, makes it current.
// On failure the last good copy stays in place and the reason is logged.
func (b *Broker) refresh(ctx context.Context) error {
	src := RedactSource(b.idpSource)
	md, fs, err := b.load(ctx)
	if err != nil {
		fields := []zap.Field{zap.String("source", src), zap.Error(err)}
		if last := b.idp.Load(); last != nil {
			fields = append(fields, zap.Time("last_good_loaded_at", last.loadedAt))
			b.log.Error("SAML IdP metadata refresh failed; keeping the last good copy", fields...)
		} else {
			b.log.Error("SAML IdP metadata load failed; /saml/idp-metadata.xml answers 503 until a load succeeds",
				append(fields, zap.Duration("retry_in", b.nextRefresh(false)))...)
		}
		return err
	}
	prev := b.idp.Swap(&idpCopy{md: md, loadedAt: b.now()})
	b.logFindings(fs, "IdP")
	fields := []zap.Field{zap.String("source", src), zap.String("entity_id", md.Entity.EntityID),
		zap.Int("signing_certs", len(md.SigningCerts())), zap.Bool("signature_verified", md.Signed)}
	if prev == nil {
		b.log.Info("SAML IdP metadata loaded", fields...)
	} else if !sameCerts(prev.md, md) {
		// identity-center-scim.md §11: IdC "supports several active
		// external-IdP certificates at once", so adding the new one is enough.
		b.log.Warn("SAML IdP signing certificates changed: make sure Identity Center has the new certificate "+
			"(Settings → Identity source → Manage authentication: add it, or upload /saml/idp-metadata.xml)", fields...)
	} else {
		b.log.Debug("SAML IdP metadata refreshed", fields...)
	}
	return nil
}

// refreshLoop reloads the IdP metadata every RefreshInterval, or sooner
// (RetryInterval) after a failed load, so that a passing network fault
// leaves the served copy stale for minutes rather than hours.
func (b *Broker) refreshLoop(ctx context.Context, lastOK bool) {
	t := time.NewTimer(b.nextRefresh(lastOK))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			lastOK = b.refresh(ctx) == nil
			// A failed refresh keeps the last good copy, whose
			// certificates still expire: warn about them either way.
			b.logExpiries()
			t.Reset(b.nextRefresh(lastOK))
		}
	}
}

func (b *Broker) nextRefresh(lastOK bool) time.Duration {
	if !lastOK && b.cfg.RetryInterval < b.cfg.RefreshInterval {
		return b.cfg.RetryInterval
	}
	return b.cfg.RefreshInterval
}

func sameCerts(a, b *IdPMetadata) bool {
	ca, cb := a.SigningCerts(), b.SigningCerts()
	if len(ca) != len(cb) {
		return false
	}
	for i := range ca {
		if ca[i].X509 == nil || cb[i].X509 == nil || !ca[i].X509.Equal(cb[i].X509) {
			return false
		}
	}
	return true
}

// logFindings logs warnings and errors; certificate dates are left to
// logExpiries, which covers every certificate the broker watches.
func (b *Broker) logFindings(fs Findings, side string) {
	for _, f := range fs {
		if f.Code == "cert-expiring" || f.Code == "cert-expired" {
			continue
		}
		fields := []zap.Field{zap.String("side", side), zap.String("code", f.Code), zap.String("fix", f.Fix)}
		switch f.Severity {
		case Error:
			b.log.Error("SAML check: "+f.Message, fields...)
		case Warning:
			b.log.Warn("SAML check: "+f.Message, fields...)
		}
	}
}

// logExpiries writes one warning line per certificate that expires within
// WarnBefore (an error line once it has expired).
func (b *Broker) logExpiries() {
	now := b.now()
	for _, e := range b.CertificateExpiries() {
		left := e.NotAfter.Sub(now)
		if left > b.cfg.WarnBefore {
			continue
		}
		fields := []zap.Field{zap.String("role", e.Role), zap.String("subject", e.Subject), zap.String("serial", e.Serial),
			zap.Time("not_after", e.NotAfter), zap.Int("days_left", int(left/(24*time.Hour)))}
		if strings.HasPrefix(e.Role, "idp-") {
			fields = append(fields, zap.String("fix", idpRotateFix))
		}
		if left <= 0 {
			b.log.Error("SAML certificate has expired", fields...)
		} else {
			b.log.Warn("SAML certificate expires soon", fields...)
		}
	}
}

// IdPMetadataLoadedAt is when the current IdP metadata was loaded: the last
// successful load, since a failed refresh keeps the previous copy. It is the
// zero time while no load has succeeded, and ok is false when no IdP
// metadata source is configured.
func (b *Broker) IdPMetadataLoadedAt() (at time.Time, ok bool) {
	if b.idpSource == "" {
		return time.Time{}, false
	}
	if c := b.idp.Load(); c != nil {
		return c.loadedAt, true
	}
	return time.Time{}, true
}

// CertificateExpiries lists every certificate the broker watches: the IdP
// certificates of the current metadata, the SP's, and the metadata
// verification certificates, soonest expiry first.
func (b *Broker) CertificateExpiries() []CertExpiry {
	var out []CertExpiry
	if c := b.idp.Load(); c != nil {
		for _, cert := range c.md.Certs {
			if cert.X509 != nil {
				out = append(out, cert.Expiry())
			}
		}
	}
	if b.sp != nil {
		for _, cert := range b.sp.Certs {
			if cert.X509 != nil {
				out = append(out, cert.Expiry())
			}
		}
	}
	for _, x := range b.verifyCerts {
		out = append(out, CertExpiry{Role: RoleMetadataSigning, Subject: x.Subject.String(), Serial: x.SerialNumber.String(), NotAfter: x.NotAfter})
	}
	sortExpiries(out)
	return out
}
