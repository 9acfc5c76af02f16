package runscope

import "testing"

// The embedded copy is Okta's SPEC suite as okta-scim-client.md §9 describes
// it: 12 request steps, "Required Test"/"Optional Test" notes, step 6 POSTing
// body A.
func TestOktaSPECSuiteEmbedded(t *testing.T) {
	s, err := OktaSPECSuite()
	if err != nil {
		t.Fatal(err)
	}
	var requests, posts int
	for _, st := range s.Steps {
		if st.StepType == "request" {
			requests++
			if st.Method == "POST" {
				posts++
			}
		}
	}
	if requests != 12 || posts != 2 {
		t.Errorf("%q: %d request steps (%d POST), want 12 (2 POST)", s.Name, requests, posts)
	}
}
