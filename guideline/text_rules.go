package guideline

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
)

// ValidLine reports whether s is one line of valid text, as the "line"
// rule requires: valid UTF-8, without control characters (CR, LF and NUL
// among them), line or paragraph separators, or bidirectional overrides.
// Names and addresses that go into a subject or a header must be.
func ValidLine(s string) bool { return validText(s, false) }

// ValidText reports whether s is valid text of one or more lines, as the
// "text" rule requires: as [ValidLine], but tab, CR and LF are allowed.
func ValidText(s string) bool { return validText(s, true) }

func validText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r), r == '\u2028', r == '\u2029',
			r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return false
		}
	}
	return true
}

// maxChars is the "maxchars" rule: at most as many characters (not bytes)
// as its parameter.
func maxChars(fl validator.FieldLevel) bool {
	n, err := strconv.Atoi(fl.Param())
	return err == nil && utf8.RuneCountInString(fl.Field().String()) <= n
}
