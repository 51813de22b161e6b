package guideline

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"golang.org/x/text/feature/plural"
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

// RuleKey returns the catalog key of the message of rule, one of the
// rules whose wording the module's packages share ("required",
// "notblank", "line", "text", "maxchars"): "validation." followed by the
// rule. [Messages] holds these texts, and every [Validator] uses them.
func RuleKey(rule string) string { return "validation." + rule }

// commonRule is a rule with its shared wording.
type commonRule struct {
	tag  string
	fn   validator.Func // nil for the validator's own "required"
	text Text
}

// commonRules are the rules the module's packages word alike: the
// field's label (argument 1), a colon and what is wrong, with the rule's
// parameter as argument 2 (see [Validator.RegisterRuleText]).
func commonRules() []commonRule {
	rule := func(tag string, fn validator.Func, it, en string) commonRule {
		return commonRule{tag, fn, NewText(RuleKey(tag), "%[1]s: "+it, "%[1]s: "+en)}
	}
	return []commonRule{
		rule("required", nil, "campo obbligatorio", "required field"),
		rule("notblank", stringRule(func(s string) bool { return strings.TrimSpace(s) != "" }),
			"campo obbligatorio, non può contenere solo spazi",
			"required field, must not be only spaces"),
		rule("line", stringRule(ValidLine),
			"deve stare su una riga, senza caratteri di controllo o non validi",
			"must be one line, without control or invalid characters"),
		rule("text", stringRule(ValidText),
			"non può contenere caratteri di controllo o non validi",
			"must not contain control or invalid characters"),
		{"maxchars", maxChars, Text{
			Key: RuleKey("maxchars"),
			Italian: plural.Selectf(2, "%d",
				plural.One, "%[1]s: al massimo %[2]d carattere", plural.Other, "%[1]s: al massimo %[2]d caratteri"),
			English: plural.Selectf(2, "%d",
				plural.One, "%[1]s: at most %[2]d character", plural.Other, "%[1]s: at most %[2]d characters"),
		}},
	}
}

// commonRuleTexts returns the texts of commonRules, for [Messages].
func commonRuleTexts() []Text {
	rs := commonRules()
	out := make([]Text, len(rs))
	for i, r := range rs {
		out[i] = r.text
	}
	return out
}

// maxChars is the "maxchars" rule: at most as many characters (not bytes)
// as its parameter.
func maxChars(fl validator.FieldLevel) bool {
	n, err := strconv.Atoi(fl.Param())
	return err == nil && utf8.RuneCountInString(fl.Field().String()) <= n
}
