package conformance

import "net/http"

// authCases cover §1: bearer auth, tenant, request id.
func authCases() []Case {
	return []Case{
		{
			Name: "auth/bearer-required",
			Rule: "auth.bearer",
			Ref:  `§1 "401 UnauthorizedException is returned when the Authorization header is missing or invalid."`,
			Run: func(t T, c *Conn) {
				spc := c.target.BaseURL + "/ServiceProviderConfig"
				users := c.target.BaseURL + "/Users" + Query{Filter: Eq("userName", c.prefix+"@example.com")}.String()
				c.ExpectStatus(c.DoURL(http.MethodGet, spc, "", nil), "no Authorization header", http.StatusUnauthorized)
				c.ExpectStatus(c.DoURL(http.MethodGet, users, "", nil), "no Authorization header", http.StatusUnauthorized)
				c.ExpectStatus(c.DoURL(http.MethodGet, users, "Bearer "+c.target.Token+"x", nil), "wrong token", http.StatusUnauthorized)
				c.ExpectStatus(c.DoURL(http.MethodGet, users, "Bearer ", nil), "empty bearer token", http.StatusUnauthorized)
				// §1 "Auth: oauthbearertoken only": the right token in another scheme is refused.
				c.ExpectStatus(c.DoURL(http.MethodGet, users, "Basic "+c.target.Token, nil), "token in the Basic scheme", http.StatusUnauthorized)
				// A refused write changes nothing.
				body := c.UserBody("noauth")
				c.ExpectStatus(c.DoURL(http.MethodPost, c.target.BaseURL+"/Users", "", body), "create without auth", http.StatusUnauthorized)
				c.NoUserNamed(body["userName"].(string))
				// The right token works: the refusals above are about auth.
				c.ExpectStatus(c.Do(http.MethodGet, "/ServiceProviderConfig", nil), "valid token", http.StatusOK)
			},
		},
		{
			Name: "auth/wrong-tenant",
			Rule: "auth.tenant",
			Ref:  `§1 "401 UnauthorizedException … is also returned when the tenant id is wrong."`,
			Skip: func(tg Target) string {
				if tg.WrongTenantURL == "" {
					return "no WrongTenantURL and none can be derived from BaseURL (…/{tenant}/scim/v2)"
				}
				return ""
			},
			Run: func(t T, c *Conn) {
				auth := "Bearer " + c.target.Token
				c.ExpectStatus(c.DoURL(http.MethodGet, c.target.WrongTenantURL+"/ServiceProviderConfig", auth, nil), "valid token, wrong tenant", http.StatusUnauthorized)
				c.ExpectStatus(c.DoURL(http.MethodGet, c.target.WrongTenantURL+"/Users", auth, nil), "valid token, wrong tenant", http.StatusUnauthorized)
				body := c.UserBody("tenant")
				c.ExpectStatus(c.DoURL(http.MethodPost, c.target.WrongTenantURL+"/Users", auth, body), "create in wrong tenant", http.StatusUnauthorized)
				c.NoUserNamed(body["userName"].(string))
			},
		},
		{
			Name: "auth/request-id-header",
			Rule: "auth.request-id-header",
			Ref:  `§1 "Responses carry an x-amzn-RequestId header."`,
			Run: func(t T, c *Conn) {
				for _, r := range []*Response{
					c.Do(http.MethodGet, "/ServiceProviderConfig", nil),
					c.Do(http.MethodGet, "/Users/"+c.prefix+"-missing", nil),
					c.DoURL(http.MethodGet, c.target.BaseURL+"/Users", "", nil),
					c.Do(http.MethodGet, "/Users"+Query{Filter: `userName sw "x"`}.String(), nil),
				} {
					if r.Header.Get("x-amzn-RequestId") == "" {
						t.Errorf("no x-amzn-RequestId header: %s", r)
					}
				}
				a := c.Do(http.MethodGet, "/ServiceProviderConfig", nil).Header.Get("x-amzn-RequestId")
				b := c.Do(http.MethodGet, "/ServiceProviderConfig", nil).Header.Get("x-amzn-RequestId")
				if a != "" && a == b {
					t.Errorf("two requests got the same x-amzn-RequestId %q; it identifies a request", a)
				}
			},
		},
	}
}
