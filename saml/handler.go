package saml

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Handler serves /saml/idp-metadata.xml, /saml/sp-metadata.xml and
// /saml/sp.json. It answers with or without the /saml prefix, so it works
// both mounted at /saml/ and behind http.StripPrefix("/saml", …).
func (b *Broker) Handler() http.Handler {
	return http.HandlerFunc(b.serveHTTP)
}

func (b *Broker) serveHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	p := strings.TrimPrefix(r.URL.Path, "/saml")
	switch p {
	case "/idp-metadata.xml", "/sp-metadata.xml", "/sp.json":
	default:
		http.Error(w, "not found: the SAML broker serves /saml/idp-metadata.xml, /saml/sp-metadata.xml and /saml/sp.json", http.StatusNotFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch p {
	case "/idp-metadata.xml":
		c := b.idp.Load()
		if c == nil && b.idpSource == "" {
			http.Error(w, "no IdP metadata: set --saml-idp-metadata-url or --saml-idp-metadata-file", http.StatusNotFound)
			return
		}
		if c == nil {
			// The reason stays in the log: it may name internal hosts or
			// paths, and this listener faces the internet.
			w.Header().Set("Retry-After", strconv.Itoa(int(b.nextRefresh(false).Seconds())))
			http.Error(w, "IdP metadata not loaded yet: no load has succeeded since start; the bridge's log says why "+
				"(\"SAML IdP metadata load failed\")", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Last-Modified", c.loadedAt.UTC().Format(http.TimeFormat))
		writeXML(w, r, c.md.Raw, "okta-idp-metadata.xml")
	case "/sp-metadata.xml":
		if b.sp == nil {
			http.Error(w, "no SP values: set --saml-sp-metadata-file, or --saml-acs-url and --saml-issuer", http.StatusNotFound)
			return
		}
		writeXML(w, r, b.sp.Raw, "identity-center-sp-metadata.xml")
	case "/sp.json":
		if b.sp == nil {
			http.Error(w, "no SP values: set --saml-sp-metadata-file, or --saml-acs-url and --saml-issuer", http.StatusNotFound)
			return
		}
		// Not HTML-escaped: these values are copied into Okta as they are.
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(b.sp.OktaSettings()); err != nil {
			http.Error(w, "encode SP settings", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet {
			_, _ = w.Write(out.Bytes())
		}
	}
}

func writeXML(w http.ResponseWriter, r *http.Request, data []byte, filename string) {
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	// attachment: a browser saves the file, ready to upload.
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	if r.Method == http.MethodGet {
		_, _ = w.Write(data)
	}
}
