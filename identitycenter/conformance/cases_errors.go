package conformance

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// errorCases cover §6 (error body) and §7 (throttling).
func errorCases() []Case {
	return []Case{
		{
			Name: "errors/body-shape",
			Rule: "error.body",
			Ref:  `§6 "status is a STRING ("409"), not a number."; "It has extra non-standard keys: schema, exceptionRequestId, timeStamp."; "It has no scimType."`,
			Run: func(t T, c *Conn) {
				body := c.UserBody("errors")
				c.CreateUser(body)
				dup := c.Do(http.MethodPost, "/Users", body)
				if c.ExpectStatus(dup, "duplicate CreateUser", http.StatusConflict) {
					checkErrorBody(t, c, dup)
					// §6 real body: "detail":"Refused to create a new, duplicate resource."
					if d := str(dup.JSON(), "detail"); !strings.Contains(strings.ToLower(d), "duplicate") {
						t.Errorf("409 detail %q does not say duplicate", d)
					}
				}
				if r := c.Do(http.MethodGet, userPath(c.prefix+"-missing"), nil); c.ExpectStatus(r, "unknown user", http.StatusNotFound) {
					checkErrorBody(t, c, r)
				}
				if r := c.Do(http.MethodGet, "/Users"+Query{Filter: `userName sw "x"`}.String(), nil); c.ExpectStatus(r, "unsupported filter", http.StatusBadRequest) {
					checkErrorBody(t, c, r)
				}
				if r := c.DoURL(http.MethodGet, c.target.BaseURL+"/Users", "Bearer "+c.target.Token+"x", nil); c.ExpectStatus(r, "wrong token", http.StatusUnauthorized) {
					checkErrorBody(t, c, r)
				}
			},
		},
		{
			Name: "errors/throttling-429",
			Ref:  `§6 "429 ThrottlingException"; §7 "A Retry-After header on SCIM 429 is UNCONFIRMED"`,
			Skip: func(tg Target) string {
				if tg.ThrottledURL == "" {
					return "no ThrottledURL: a throttling fault can only be configured on the emulator"
				}
				return ""
			},
			Run: func(t T, c *Conn) {
				auth := "Bearer " + c.target.Token
				r := c.DoURL(http.MethodGet, c.target.ThrottledURL+"/Users", auth, nil)
				if c.ExpectStatus(r, "throttled ListUsers", http.StatusTooManyRequests) {
					checkErrorBody(t, c, r)
				}
				body := c.UserBody("throttled")
				r = c.DoURL(http.MethodPost, c.target.ThrottledURL+"/Users", auth, body)
				c.ExpectStatus(r, "throttled CreateUser", http.StatusTooManyRequests)
				// Retry-After is UNCONFIRMED on SCIM: when present it must parse.
				if ra := r.Header.Get("Retry-After"); ra != "" {
					if _, err := strconv.Atoi(ra); err != nil {
						if _, err := http.ParseTime(ra); err != nil {
							t.Errorf("Retry-After %q is neither seconds nor an HTTP date", ra)
						}
					}
				}
			},
		},
	}
}

// checkErrorBody checks the error body AWS sends (§6 "Error body (real)").
// The keys seen only in captured bodies are required of the emulator (Strict).
func checkErrorBody(t T, c *Conn, r *Response) {
	t.Helper()
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || !strings.HasSuffix(mt, "json") {
		t.Errorf("error Content-Type %q is not JSON: %s", r.Header.Get("Content-Type"), r)
	}
	e := r.JSON()
	if e == nil {
		t.Errorf("error body is not a JSON object: %s", r)
		return
	}
	if s, _ := e["schemas"].([]any); len(s) != 1 || s[0] != errorSchema {
		t.Errorf("error schemas = %v, want [%s]", e["schemas"], errorSchema)
	}
	status, isString := e["status"].(string)
	if !isString || status != strconv.Itoa(r.Status) {
		t.Errorf("error status = %#v, want the string %q", e["status"], strconv.Itoa(r.Status))
	}
	if str(e, "detail") == "" {
		t.Errorf("error has no detail: %s", r)
	}
	if !c.target.Strict {
		return
	}
	if _, ok := e["scimType"]; ok {
		t.Errorf("error has scimType %v; AWS sends none", e["scimType"])
	}
	if s, _ := e["schema"].([]any); len(s) != 1 || s[0] != errorSchema {
		t.Errorf("error schema = %v, want [%s] (AWS's extra key)", e["schema"], errorSchema)
	}
	for _, k := range []string{"exceptionRequestId", "timeStamp"} {
		if str(e, k) == "" {
			t.Errorf("error lacks %s: %s", k, r)
		}
	}
}
