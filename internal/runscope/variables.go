package runscope

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
)

var varRef = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)

// expand replaces every {{name}} in s. An undefined variable is an error:
// sending the literal "{{x}}" would test nothing.
func expand(s string, vars map[string]string) (string, error) {
	var missing []string
	out := varRef.ReplaceAllStringFunc(s, func(m string) string {
		name := varRef.FindStringSubmatch(m)[1]
		v, ok := vars[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("undefined variable(s) %s", strings.Join(missing, ", "))
	}
	return out, nil
}

// InitialVariables returns the variables Okta's initial script
// (Initial_Script_Spec.txt) sets, as okta-scim-client.md §9 "Variables"
// tabulates them. The runner's caller adds SCIMBaseURL and auth.
func InitialVariables(r *rand.Rand) map[string]string {
	given := fmt.Sprintf("Runscope%03d", r.IntN(1000)) // "Runscope" + 3 digits
	family := string(rune('A' + r.IntN(26)))           // one upper-case letter
	for range 8 {                                      // + 8 lower-case letters
		family += string(rune('a' + r.IntN(26)))
	}
	family += fmt.Sprintf("%03d", r.IntN(1000)) // + 3 digits
	email := given + family + "@atko.com"
	return map[string]string{
		"randomGivenName":        given,
		"randomFamilyName":       family,
		"randomEmail":            email,
		"randomUsername":         email,
		"randomUsernameCaps":     strings.ToUpper(email),
		"InvalidUserEmail":       "abcdefgh@atko.com",
		"UserIdThatDoesNotExist": "010101001010101011001010101011",
		// Format not specified by the reference; a name no other step uses.
		"randomGroupName": fmt.Sprintf("Group-%s%03d", family, r.IntN(1000)),
	}
}
