package saml

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Fetch limits. Okta's IdP metadata is a few kilobytes; a megabyte leaves
// room for several certificates while refusing anything absurd.
const (
	MaxMetadataBytes = 1 << 20
	FetchTimeout     = 30 * time.Second
)

// NewHTTPClient returns the client used to fetch metadata: a timeout, no
// shared state with http.DefaultClient, and no redirect from https down to
// plain http.
func NewHTTPClient() *http.Client {
	return &http.Client{
		Timeout:   FetchTimeout,
		Transport: http.DefaultTransport.(*http.Transport).Clone(),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			if req.URL.Scheme != "https" && via[0].URL.Scheme == "https" && !isLoopback(req.URL.Hostname()) {
				return fmt.Errorf("refusing redirect from https to %s", redactURL(req.URL))
			}
			return nil
		},
	}
}

// ReadMetadata reads metadata from src: an http(s) URL or a file path.
// Plain http is refused unless the host is loopback or requireSigned is set
// (an XML signature then authenticates the content), because whoever can
// change the metadata in transit decides which certificate may sign users in.
func ReadMetadata(ctx context.Context, client *http.Client, src string, requireSigned bool) ([]byte, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		data, err := readFileLimited(src)
		if err != nil {
			return nil, err
		}
		return data, nil
	}
	u, err := url.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("metadata URL: %w", err)
	}
	if u.Scheme == "http" && !requireSigned && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("metadata URL %s is plain http: use https (or configure signature verification)", redactURL(u))
	}
	return fetch(ctx, client, u)
}

func fetch(ctx context.Context, client *http.Client, u *url.URL) ([]byte, error) {
	if client == nil {
		client = NewHTTPClient()
	}
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("build metadata request: %w", err)
	}
	req.Header.Set("Accept", "application/samlmetadata+xml, application/xml, text/xml")
	resp, err := client.Do(req)
	if err != nil {
		// *url.Error repeats the URL with its query, which redactURL
		// exists to keep out of the log: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("fetch metadata from %s: %w", redactURL(u), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch metadata from %s: HTTP %d", redactURL(u), resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxMetadataBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read metadata from %s: %w", redactURL(u), err)
	}
	if len(data) > MaxMetadataBytes {
		return nil, fmt.Errorf("metadata from %s is larger than %d bytes", redactURL(u), MaxMetadataBytes)
	}
	return data, nil
}

func readFileLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open metadata file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxMetadataBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read metadata file %s: %w", path, err)
	}
	if len(data) > MaxMetadataBytes {
		return nil, fmt.Errorf("metadata file %s is larger than %d bytes", path, MaxMetadataBytes)
	}
	return data, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactURL drops userinfo and the query, which may carry credentials, so
// the URL can be logged.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		c.RawQuery = "REDACTED"
	}
	return c.String()
}

// RedactSource returns src fit for a log line.
func RedactSource(src string) string {
	u, err := url.Parse(src)
	if err != nil || u.Scheme == "" {
		return src
	}
	return redactURL(u)
}
