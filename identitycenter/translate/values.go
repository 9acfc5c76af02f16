package translate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reserved names. identity-center-scim.md §4: ""Administrator" and
// "AWSAdministrators" are reserved: they cannot be used as user or group names."
var reservedNames = []string{"Administrator", "AWSAdministrators"}

// IsReservedName reports whether s is a name Identity Center reserves. The
// comparison ignores case: whether AWS does is UNCONFIRMED, and refusing is
// safe either way. Exported for the groups half of the Provisioner.
func IsReservedName(s string) bool {
	for _, r := range reservedNames {
		if strings.EqualFold(s, r) {
			return true
		}
	}
	return false
}

// checkString applies Identity Center's length and character rules for k.
func checkString(attr, s string, k kind) *Error {
	n := utf8.RuneCountInString(s)
	if !utf8.ValidString(s) {
		return invalid(attr, "is not valid UTF-8")
	}
	// identity-center-scim.md §4 Lengths: "userName 1–128; most strings 1–1024; externalId 1–256".
	limit := 1024
	switch k {
	case kindUserName:
		limit = 128
	case kindExternalID:
		limit = 256
	}
	if n > limit {
		return invalid(attr, "is %d characters; Identity Center accepts at most %d (identity-center-scim.md §4 Lengths)", n, limit)
	}
	for i, r := range s {
		if k == kindUserName {
			// identity-center-scim.md §4 Characters: userName "[\p{L}\p{M}\p{S}\p{N}\p{P}]+, so no spaces".
			if !userNameRune(r) {
				return invalid(attr, "character %s at byte %d is not allowed; a userName may hold only letters, marks, symbols, numbers and punctuation, no spaces or control characters (identity-center-scim.md §4 Characters)", quoteRune(r), i)
			}
		} else if !textRune(r) {
			return invalid(attr, "character %s at byte %d is not allowed by Identity Center (identity-center-scim.md §4 Characters)", quoteRune(r), i)
		}
		// identity-center-scim.md §4 Characters: "Do not use <>;:% in synced attributes."
		if (k == kindUserName || k == kindText) && strings.ContainsRune("<>;:%", r) {
			return invalid(attr, "character %s is not allowed; Identity Center excludes <>;:%% (identity-center-scim.md §4 Characters)", quoteRune(r))
		}
	}
	if k == kindUserName && IsReservedName(s) {
		return invalid(attr, "%q is reserved by Identity Center (identity-center-scim.md §4 Uniqueness)", s)
	}
	return nil
}

func userNameRune(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.S, unicode.N, unicode.P)
}

// textRune: identity-center-scim.md §4 Characters: other strings
// "[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r  　]+" (space, no-break space, ideographic space).
func textRune(r rune) bool {
	switch r {
	case '\t', '\n', '\r', ' ', '\u00a0', '\u3000':
		return true
	}
	return userNameRune(r)
}

func quoteRune(r rune) string {
	if unicode.IsPrint(r) && r != ' ' {
		return "'" + string(r) + "'"
	}
	return fmt.Sprintf("U+%04X", r)
}

// isEmpty reports values that mean "absent": null and "".
// identity-center-scim.md §4 Empty strings: "A field must be null/absent or hold a literal value (min length 1)."
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

// toBool accepts JSON booleans and the strings "true"/"false" in any case.
func toBool(attr string, v any, rules *ruleSet) (bool, *Error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			rules.add(RuleBooleanCoerced)
			return true, nil
		case "false":
			rules.add(RuleBooleanCoerced)
			return false, nil
		}
	}
	return false, invalid(attr, "must be a boolean")
}

// toString checks a string attribute of kind k.
func toString(attr string, v any, k kind) (string, *Error) {
	s, ok := v.(string)
	if !ok {
		return "", invalid(attr, "must be a string")
	}
	if err := checkString(attr, s, k); err != nil {
		return "", err
	}
	return s, nil
}
