package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

var (
	tokenExpiryDesc = prometheus.NewDesc(namespace+"_upstream_token_expiry_timestamp_seconds",
		"Configured expiry of the Identity Center token (unix seconds); absent when not configured.", nil, nil)
	tokenExpiresInDesc = prometheus.NewDesc(namespace+"_upstream_token_expires_in_seconds",
		"Seconds until the Identity Center token expires (negative once expired).", nil, nil)
	certExpiryDesc = prometheus.NewDesc(namespace+"_saml_certificate_expiry_timestamp_seconds",
		"NotAfter of each known SAML signing certificate (unix seconds).", []string{"role", "serial"}, nil)
	certExpiresInDesc = prometheus.NewDesc(namespace+"_saml_certificate_expires_in_seconds",
		"Seconds until each known SAML signing certificate expires (negative once expired).", []string{"role", "serial"}, nil)
	tlsExpiryDesc = prometheus.NewDesc(namespace+"_tls_certificate_expiry_timestamp_seconds",
		"NotAfter of the Okta-facing listener's TLS certificate (unix seconds); absent when TLS is off.", nil, nil)
	tlsExpiresInDesc = prometheus.NewDesc(namespace+"_tls_certificate_expires_in_seconds",
		"Seconds until the Okta-facing listener's TLS certificate expires (negative once expired); absent when TLS is off.", nil, nil)
	samlMetadataDesc = prometheus.NewDesc(namespace+"_saml_idp_metadata_last_success_timestamp_seconds",
		"When the SAML IdP metadata was last loaded successfully (unix seconds; 0 if never); absent without an IdP metadata source.", nil, nil)
)

// expiryCollector reads the token expiry and the certificates at scrape
// time, so a reload or a new certificate shows at the next scrape and the
// expires-in gauges are always current.
type expiryCollector struct {
	cfg Config
}

func (c *expiryCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- tokenExpiryDesc
	ch <- tokenExpiresInDesc
	ch <- certExpiryDesc
	ch <- certExpiresInDesc
	ch <- tlsExpiryDesc
	ch <- tlsExpiresInDesc
	ch <- samlMetadataDesc
}

func (c *expiryCollector) Collect(ch chan<- prometheus.Metric) {
	now := c.cfg.Now()
	if c.cfg.UpstreamTokenExpiry != nil {
		// identity-center-scim.md §8: "An access token is valid for 1 year"
		// and AWS offers no API to read its expiry, so it is configured.
		if at, ok := c.cfg.UpstreamTokenExpiry(); ok {
			ch <- prometheus.MustNewConstMetric(tokenExpiryDesc, prometheus.GaugeValue, float64(at.Unix()))
			ch <- prometheus.MustNewConstMetric(tokenExpiresInDesc, prometheus.GaugeValue, at.Sub(now).Seconds())
		}
	}
	if c.cfg.TLSCertificateNotAfter != nil {
		// Read at scrape, so a certificate the reloader swapped in shows at once.
		if at, ok := c.cfg.TLSCertificateNotAfter(); ok {
			ch <- prometheus.MustNewConstMetric(tlsExpiryDesc, prometheus.GaugeValue, float64(at.Unix()))
			ch <- prometheus.MustNewConstMetric(tlsExpiresInDesc, prometheus.GaugeValue, at.Sub(now).Seconds())
		}
	}
	if c.cfg.SAMLMetadataLastSuccess != nil {
		if at, ok := c.cfg.SAMLMetadataLastSuccess(); ok {
			// Never loaded is 0 (1970), not absent: the staleness alert then fires.
			v := 0.0
			if !at.IsZero() {
				v = float64(at.Unix())
			}
			ch <- prometheus.MustNewConstMetric(samlMetadataDesc, prometheus.GaugeValue, v)
		}
	}
	if c.cfg.Certificates == nil {
		return
	}
	seen := map[[2]string]bool{}
	for _, cert := range c.cfg.Certificates() {
		role, serial := boundedName(cert.Role), cert.Serial
		if serial == "" || len(serial) > 64 {
			serial = "unknown"
		}
		// The same certificate may appear twice in metadata (signing and
		// encryption uses); a duplicate series would fail the scrape.
		if seen[[2]string{role, serial}] {
			continue
		}
		seen[[2]string{role, serial}] = true
		ch <- prometheus.MustNewConstMetric(certExpiryDesc, prometheus.GaugeValue, float64(cert.NotAfter.Unix()), role, serial)
		ch <- prometheus.MustNewConstMetric(certExpiresInDesc, prometheus.GaugeValue, cert.NotAfter.Sub(now).Seconds(), role, serial)
	}
}
