package emulator

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// listQuery is a parsed list request.
type listQuery struct {
	filter     string
	count      int  // page size asked for; 0 = not given
	cursorMode bool // a cursor parameter was present, bare or with a value
	afterSeq   uint64
}

// maxPage: §3 "count is 1–100, default 100"; "Without a cursor, lists are
// silently truncated: … now at 100."
const maxPage = 100

// cursorChars: §3 "The cursor value matches [-a-zA-Z0-9+=/:_]*".
var cursorChars = regexp.MustCompile(`^[-a-zA-Z0-9+=/:_]*$`)

// parseListQuery reads the raw query itself: Go's url.Values cannot tell a
// bare `cursor` from an absent one (§3 "Go url.Values drops empty values").
func (e *Emulator) parseListQuery(r *http.Request, resource string) (listQuery, *scimError) {
	var q listQuery
	for _, part := range strings.Split(r.URL.RawQuery, "&") {
		if part == "" {
			continue
		}
		rawKey, rawVal, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(rawKey)
		val, err2 := url.QueryUnescape(rawVal)
		if err1 != nil || err2 != nil {
			return q, badRequest("", "malformed query string.")
		}
		switch strings.ToLower(key) {
		case "filter":
			q.filter = val
		case "count":
			n, err := strconv.Atoi(val)
			// §3: "count is 1–100, default 100."
			if err != nil || n < 1 || n > maxPage {
				if !e.lenient(RuleCountRange) {
					return q, badRequest(RuleCountRange, "count %q must be an integer from 1 to %d.", val, maxPage)
				}
				if err != nil || n < 1 {
					n = 0
				}
			}
			q.count = n
		case "cursor":
			// §3: "The first page needs a bare cursor parameter with no value";
			// "Following pages send cursor=<nextCursor from the previous page>".
			q.cursorMode = true
			if val != "" {
				seq, err := e.decodeCursor(val, resource)
				if err != nil {
					return q, err
				}
				q.afterSeq = seq
			}
		case "startindex":
			// §3: "ListUsers does not support startIndex": ignored.
			if e.lenient(RuleStartIndexIgnored) {
				if n, err := strconv.Atoi(val); err == nil && n > 1 {
					q.afterSeq = uint64(n - 1) // lenient stand-in, resolved in list()
				}
			}
		case "attributes", "excludedattributes":
			// §3: "ListUsers does not support … attributes or excludedAttributes."
			if !e.lenient(RuleNoAttributesArg) {
				return q, badRequest(RuleNoAttributesArg, "%s is not supported.", key)
			}
		}
	}
	// A lenient emulator (RuleCursorBare) pages by cursor even when not asked.
	if e.lenient(RuleCursorBare) {
		q.cursorMode = true
	}
	return q, nil
}

// pageSize is the number of resources one response may hold.
func (e *Emulator) pageSize(q listQuery) int {
	n := q.count
	if n == 0 {
		n = maxPage
	}
	if !q.cursorMode && e.lenient(RuleTruncation) && q.count == 0 {
		return 0 // all
	}
	if n > maxPage && !e.lenient(RuleCountRange) {
		n = maxPage
	}
	return n
}

// Cursors are opaque to clients: base64 of "<resource>:<seq of last item>",
// which matches the documented character class.
func encodeCursor(resource string, seq uint64) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "%s:%d", resource, seq))
}

func (e *Emulator) decodeCursor(c, resource string) (uint64, *scimError) {
	bad := badRequest(RuleCursorNext, "cursor %q is not a cursor this endpoint issued for /%s.", c, resource)
	if !cursorChars.MatchString(c) {
		return 0, bad
	}
	raw, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return 0, bad
	}
	res, seqStr, ok := strings.Cut(string(raw), ":")
	if !ok || res != resource {
		return 0, bad
	}
	seq, err := strconv.ParseUint(seqStr, 10, 64)
	if err != nil {
		return 0, bad
	}
	return seq, nil
}

// listResponse builds the ListResponse. §3 "Response keys": without a
// cursor `totalResults`, `startIndex`, `itemsPerPage`; with a cursor
// `itemsPerPage`, `nextCursor`; "The last page has no nextCursor."
func (e *Emulator) listResponse(q listQuery, resource string, resources []any, total int, lastSeq uint64, more bool) map[string]any {
	if resources == nil {
		resources = []any{}
	}
	out := map[string]any{
		"schemas":      []any{listSchema},
		"itemsPerPage": len(resources),
		"Resources":    resources,
	}
	if !q.cursorMode {
		out["totalResults"] = total
		out["startIndex"] = 1
		return out
	}
	if more && !e.lenient(RuleCursorNext) {
		out["nextCursor"] = encodeCursor(resource, lastSeq)
	}
	return out
}
