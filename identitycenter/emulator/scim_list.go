package emulator

import "net/http"

func (e *Emulator) listUsers(w http.ResponseWriter, r *http.Request) *scimError {
	q, err := e.parseListQuery(r, "Users")
	if err != nil {
		return err
	}
	terms, err := e.listTerms(q, allowedUserFilters, "Users")
	if err != nil {
		return err
	}
	after, skip := e.startAfter(q)
	p := e.store.queryUsers(e.userNarrowing(terms), e.userMatcher(terms), after, limitWithSkip(e.pageSize(q), skip))
	items := p.Items[min(skip, len(p.Items)):]
	res := make([]any, len(items))
	for i, u := range items {
		res[i] = userResource(u)
	}
	writeJSON(w, http.StatusOK, e.listResponse(q, "Users", res, p.Total, p.LastSeq, p.More))
	return nil
}

func (e *Emulator) listGroups(w http.ResponseWriter, r *http.Request) *scimError {
	q, err := e.parseListQuery(r, "Groups")
	if err != nil {
		return err
	}
	terms, err := e.listTerms(q, allowedGroupFilters, "Groups")
	if err != nil {
		return err
	}
	after, skip := e.startAfter(q)
	p := e.store.queryGroups(groupNarrowing(terms), e.groupMatcher(terms), after, limitWithSkip(e.pageSize(q), skip))
	items := p.Items[min(skip, len(p.Items)):]
	res := make([]any, len(items))
	for i, g := range items {
		res[i] = e.groupResource(g)
	}
	writeJSON(w, http.StatusOK, e.listResponse(q, "Groups", res, p.Total, p.LastSeq, p.More))
	return nil
}

func (e *Emulator) listTerms(q listQuery, allowed map[string]bool, resource string) ([]eqTerm, *scimError) {
	if q.filter == "" {
		return nil, nil
	}
	terms, err := e.parseFilter(q.filter, false)
	if err != nil {
		if err.rule == RuleFilterEqOnly && e.lenient(RuleFilterEqOnly) {
			return nil, nil // a naive server: a filter it cannot read matches everything
		}
		return nil, err
	}
	if err := e.checkFilterAttrs(terms, allowed, resource); err != nil {
		return nil, err
	}
	return terms, nil
}

// startAfter turns the query into a store position: the cursor's seq, or (for
// a lenient emulator honouring startIndex, which AWS ignores) a number of
// matches to skip.
func (e *Emulator) startAfter(q listQuery) (afterSeq uint64, skip int) {
	if e.lenient(RuleStartIndexIgnored) && !q.cursorMode {
		return 0, int(q.afterSeq)
	}
	return q.afterSeq, 0
}

// limitWithSkip widens a page limit by the matches a lenient startIndex skips.
func limitWithSkip(limit, skip int) int {
	if limit <= 0 {
		return 0
	}
	return limit + skip
}
