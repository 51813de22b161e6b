package request

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ErrCodiceFiscale is wrapped by every error of [ParseCodiceFiscale] and
// [CodiceFiscale.ConsistentWith]. No such error repeats the code.
var ErrCodiceFiscale = errors.New("request: invalid codice fiscale")

// CodiceFiscaleProblem says what is wrong with a codice fiscale.
type CodiceFiscaleProblem string

// The problems [ParseCodiceFiscale] and [CodiceFiscale.ConsistentWith]
// report. The first five are about the code's shape; the others say which
// personal data the code does not agree with.
const (
	// CFLength: the code does not have 16 characters.
	CFLength CodiceFiscaleProblem = "length"
	// CFCharacter: a character is not a letter where a letter must be, or
	// not a digit (or its omocodic letter) where a digit must be.
	CFCharacter CodiceFiscaleProblem = "character"
	// CFMonth: the ninth character is not one of the month letters.
	CFMonth CodiceFiscaleProblem = "month"
	// CFDay: the day of birth is not 1–31 (men) or 41–71 (women), or not
	// a day of the month.
	CFDay CodiceFiscaleProblem = "day"
	// CFCheckCharacter: the last character does not match the others.
	CFCheckCharacter CodiceFiscaleProblem = "check_character"
	// CFFamilyName: the first three letters do not come from the family
	// name.
	CFFamilyName CodiceFiscaleProblem = "family_name"
	// CFGivenName: letters four to six do not come from the given name.
	CFGivenName CodiceFiscaleProblem = "given_name"
	// CFBirthDate: year, month or day do not match the date of birth.
	CFBirthDate CodiceFiscaleProblem = "birth_date"
	// CFSex: the day of birth says the other sex (women add 40).
	CFSex CodiceFiscaleProblem = "sex"
)

// CodiceFiscaleError is the error of [ParseCodiceFiscale] and
// [CodiceFiscale.ConsistentWith]: it says what is wrong and where, never
// the code itself. It wraps [ErrCodiceFiscale].
type CodiceFiscaleError struct {
	// Problem says what is wrong.
	Problem CodiceFiscaleProblem
	// Position is the 1-based position of the character at fault, for
	// CFCharacter; 0 otherwise.
	Position int
}

// Error returns an English description without the code.
func (e *CodiceFiscaleError) Error() string {
	switch e.Problem {
	case CFLength:
		return "request: codice fiscale: must have 16 characters"
	case CFCharacter:
		return fmt.Sprintf("request: codice fiscale: unexpected character at position %d", e.Position)
	case CFMonth:
		return "request: codice fiscale: unknown month letter"
	case CFDay:
		return "request: codice fiscale: impossible day of birth"
	case CFCheckCharacter:
		return "request: codice fiscale: check character does not match"
	case CFFamilyName, CFGivenName, CFBirthDate, CFSex:
		return "request: codice fiscale: does not match the " + strings.ReplaceAll(string(e.Problem), "_", " ")
	}
	return "request: codice fiscale: " + string(e.Problem)
}

// Unwrap returns [ErrCodiceFiscale].
func (e *CodiceFiscaleError) Unwrap() error { return ErrCodiceFiscale }

// CodiceFiscale is an Italian tax code (codice fiscale) of a person. It is
// personal data: String, Format, LogValue and MarshalJSON print it
// redacted. [ParseCodiceFiscale] returns it checked and in upper case;
// a value decoded from elsewhere is checked by validation.
type CodiceFiscale string

// The layout of a codice fiscale: which positions hold a digit (or, in an
// omocodic code, the letter standing for it).
var cfDigitPositions = [...]int{6, 7, 9, 10, 12, 13, 14}

// omocodia is the letter that replaces each digit in an omocodic code.
const omocodia = "LMNPQRSTUV"

// monthLetters are the month letters, January to December.
const monthLetters = "ABCDEHLMPRST"

// cfOdd is the value of each digit (0–9) and letter (A–Z) in an odd
// position (1st, 3rd, …) for the check character.
var cfOdd = [36]uint8{
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // 0-9
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // A-J
	2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23, // K-Z
}

// cfValue returns the value of c in an even position (digits 0–9, letters
// 0–25) and its index in cfOdd.
func cfValue(c byte) (even, oddIndex int) {
	if c >= '0' && c <= '9' {
		return int(c - '0'), int(c - '0')
	}
	return int(c - 'A'), int(c-'A') + 10
}

// checkCharacter returns the check character of the first 15 characters
// of an upper-case code.
func checkCharacter(code [16]byte) byte {
	sum := 0
	for i := range 15 {
		even, odd := cfValue(code[i])
		if i%2 == 0 { // 1st, 3rd, … character: odd position
			sum += int(cfOdd[odd])
		} else {
			sum += even
		}
	}
	return byte('A' + sum%26)
}

func isDigitPosition(i int) bool {
	for _, p := range cfDigitPositions {
		if p == i {
			return true
		}
	}
	return false
}

// cfParts is a codice fiscale decoded: omocodic letters turned back into
// digits.
type cfParts struct {
	code          [16]byte // trimmed, upper case
	family, given [3]byte
	year          int // two digits
	month         time.Month
	day           int // 1–31
	sex           Sex
	omocodic      bool
}

// ParseCodiceFiscale checks that s is a well-formed codice fiscale: 16
// letters and digits in their places (spaces around it and lower case are
// accepted), a month letter, a day of birth of 1–31 for men or 41–71 for
// women that exists in that month, and the check character. Omocodic codes,
// where the Agenzia delle Entrate replaced digits by letters to tell apart
// two people with the same code, are accepted and decoded.
//
// The place of birth (the codice catastale in positions 12–15) is checked
// for shape only: checking it against a municipality needs the Agenzia's
// table of places, which this library does not ship.
//
// Errors are [*CodiceFiscaleError], wrap [ErrCodiceFiscale] and never
// repeat s.
func ParseCodiceFiscale(s string) (CodiceFiscale, error) {
	p, err := decodeCF(s)
	if err != nil {
		return "", err
	}
	return CodiceFiscale(p.code[:]), nil
}

// normalizeCF trims spaces around s and puts its letters in upper case.
func normalizeCF(s string) ([16]byte, bool) {
	var b [16]byte
	s = strings.TrimSpace(s)
	if len(s) != 16 {
		return b, false
	}
	for i := range 16 {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		b[i] = c
	}
	return b, true
}

// decodeCF checks a code (spaces around it and lower case accepted) and
// decodes it.
func decodeCF(s string) (cfParts, error) {
	var p cfParts
	code, ok := normalizeCF(s)
	if !ok {
		return p, &CodiceFiscaleError{Problem: CFLength}
	}
	p.code = code
	var digits [16]byte
	for i := range 16 {
		c := code[i]
		isLetter := c >= 'A' && c <= 'Z'
		switch {
		case isDigitPosition(i):
			if c >= '0' && c <= '9' {
				digits[i] = c
			} else if j := strings.IndexByte(omocodia, c); j >= 0 {
				digits[i] = byte('0' + j)
				p.omocodic = true
			} else {
				return p, &CodiceFiscaleError{Problem: CFCharacter, Position: i + 1}
			}
		case !isLetter:
			return p, &CodiceFiscaleError{Problem: CFCharacter, Position: i + 1}
		}
	}
	m := strings.IndexByte(monthLetters, code[8])
	if m < 0 {
		return p, &CodiceFiscaleError{Problem: CFMonth}
	}
	p.month = time.Month(m + 1)
	p.year = int(digits[6]-'0')*10 + int(digits[7]-'0')
	day := int(digits[9]-'0')*10 + int(digits[10]-'0')
	p.sex = SexMale
	if day > 40 {
		day -= 40
		p.sex = SexFemale
	}
	if day < 1 || day > maxDay(p.year, p.month) {
		return p, &CodiceFiscaleError{Problem: CFDay}
	}
	p.day = day
	if checkCharacter(code) != code[15] {
		return p, &CodiceFiscaleError{Problem: CFCheckCharacter}
	}
	copy(p.family[:], code[0:3])
	copy(p.given[:], code[3:6])
	return p, nil
}

// maxDay returns the last day of month in a year known by its last two
// digits: 29 February is possible when the year is a leap year in either
// century.
func maxDay(yy int, m time.Month) int {
	if m == time.February {
		if yy%4 == 0 {
			return 29
		}
		return 28
	}
	return time.Date(2001, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Normalized returns the code trimmed and in upper case when it is well
// formed, and "" otherwise.
func (c CodiceFiscale) Normalized() CodiceFiscale {
	p, err := decodeCF(string(c))
	if err != nil {
		return ""
	}
	return CodiceFiscale(p.code[:])
}

// Sex returns the sex the code records, or "" if the code is malformed.
func (c CodiceFiscale) Sex() Sex {
	p, err := decodeCF(string(c))
	if err != nil {
		return ""
	}
	return p.sex
}

// Omocodic reports whether the code is a well-formed omocodic code.
func (c CodiceFiscale) Omocodic() bool {
	p, err := decodeCF(string(c))
	return err == nil && p.omocodic
}

// Decoded returns the code with omocodia undone: letters standing for
// digits turned back into digits and the check character recomputed. For a
// code that is not omocodic it returns the code itself; for a malformed one,
// "". Two omocodic variants of the same code have the same Decoded form.
func (c CodiceFiscale) Decoded() CodiceFiscale {
	p, err := decodeCF(string(c))
	if err != nil {
		return ""
	}
	b := p.code
	for _, i := range cfDigitPositions {
		if j := strings.IndexByte(omocodia, b[i]); j >= 0 {
			b[i] = byte('0' + j)
		}
	}
	b[15] = checkCharacter(b)
	return CodiceFiscale(b[:])
}

// ConsistentWith reports whether the code agrees with p: the family name's
// and the given name's letters, the year, month and day of birth, and the
// sex. Names are read as the Agenzia delle Entrate reads them: accented
// letters count as the plain letter, apostrophes, spaces and hyphens are
// ignored. Omocodic codes are accepted. A field of p left blank, a zero
// BirthDate or a Sex other than M or F is not compared. The place of birth is not compared (see
// [ParseCodiceFiscale]).
//
// It returns nil, the parse error of a malformed code, or one
// [*CodiceFiscaleError] per disagreement joined with [errors.Join]; each
// wraps [ErrCodiceFiscale].
func (c CodiceFiscale) ConsistentWith(p PersonalData) error {
	parts, err := decodeCF(string(c))
	if err != nil {
		return err
	}
	var errs []error
	if strings.TrimSpace(p.FamilyName) != "" && familyCode(p.FamilyName) != parts.family {
		errs = append(errs, &CodiceFiscaleError{Problem: CFFamilyName})
	}
	if strings.TrimSpace(p.GivenName) != "" && givenCode(p.GivenName) != parts.given {
		errs = append(errs, &CodiceFiscaleError{Problem: CFGivenName})
	}
	if !p.BirthDate.IsZero() {
		y, m, d := p.BirthDate.Date()
		if y%100 != parts.year || m != parts.month || d != parts.day {
			errs = append(errs, &CodiceFiscaleError{Problem: CFBirthDate})
		}
	}
	if p.Sex.Valid() && p.Sex != parts.sex {
		errs = append(errs, &CodiceFiscaleError{Problem: CFSex})
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// Problems returns the problems an error of [ParseCodiceFiscale] or
// [CodiceFiscale.ConsistentWith] reports, in order; none for nil.
func Problems(err error) []CodiceFiscaleProblem {
	var out []CodiceFiscaleProblem
	var walk func(error)
	walk = func(err error) {
		var ce *CodiceFiscaleError
		switch x := err.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walk(e)
			}
		default:
			if errors.As(err, &ce) {
				out = append(out, ce.Problem)
			}
		}
	}
	walk(err)
	return out
}

// nameLetters splits a name into its consonants and vowels, in order, as
// upper-case ASCII letters: accents are dropped, and everything that is not
// a letter (apostrophes, spaces, hyphens, dots) is ignored. It does not
// allocate for names in ASCII or Latin-1.
type nameLetters struct {
	cons, vows [4]byte // only the first four consonants and three vowels matter
	nc, nv     int
}

func (n *nameLetters) add(c byte) {
	switch c {
	case 'A', 'E', 'I', 'O', 'U':
		if n.nv < len(n.vows) {
			n.vows[n.nv] = c
		}
		n.nv++
	default:
		if n.nc < len(n.cons) {
			n.cons[n.nc] = c
		}
		n.nc++
	}
}

func splitName(s string) nameLetters {
	var n nameLetters
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z':
				n.add(c - ('a' - 'A'))
			case c >= 'A' && c <= 'Z':
				n.add(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if b := foldLetter(r); b != 0 {
			n.add(b)
		}
	}
	return n
}

// foldLetter returns the plain upper-case ASCII letter of a letter with
// diacritics (À, é, ç, ñ, ö, ş …), or 0 for anything else.
func foldLetter(r rune) byte {
	if !unicode.IsLetter(r) {
		return 0
	}
	var src [utf8.UTFMax]byte
	var dst [4 * utf8.UTFMax]byte
	d := norm.NFD.Append(dst[:0], utf8.AppendRune(src[:0], r)...)
	if len(d) == 0 || d[0] >= utf8.RuneSelf {
		return 0
	}
	c := d[0]
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	if c < 'A' || c > 'Z' {
		return 0
	}
	return c
}

// code3 fills three letters from consonants, then vowels, then X.
func (n *nameLetters) code3(cons []byte) [3]byte {
	out := [3]byte{'X', 'X', 'X'}
	k := 0
	for _, c := range cons {
		if k == 3 {
			return out
		}
		out[k] = c
		k++
	}
	for i := 0; i < min(n.nv, len(n.vows)) && k < 3; i++ {
		out[k] = n.vows[i]
		k++
	}
	return out
}

// familyCode returns the three letters of a family name: its first three
// consonants, then its vowels, then X.
func familyCode(s string) [3]byte {
	n := splitName(s)
	return n.code3(n.cons[:min(n.nc, 3)])
}

// givenCode returns the three letters of a given name: the first, third
// and fourth consonants when it has four or more, else as a family name.
func givenCode(s string) [3]byte {
	n := splitName(s)
	if n.nc >= 4 {
		return [3]byte{n.cons[0], n.cons[2], n.cons[3]}
	}
	return n.code3(n.cons[:n.nc])
}

// String returns a redacted form that shows only whether the value is
// empty.
func (c CodiceFiscale) String() string {
	if c == "" {
		return "request.CodiceFiscale{}"
	}
	return "request.CodiceFiscale{redacted}"
}

// Format implements [fmt.Formatter]: every verb prints [CodiceFiscale.String].
func (c CodiceFiscale) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue implements [slog.LogValuer] with the redacted form.
func (c CodiceFiscale) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON writes the redacted form, so that a log or an API that
// encodes a value holding a code as JSON does not leak it. Storage uses
// [MarshalPersonal].
func (c CodiceFiscale) MarshalJSON() ([]byte, error) { return redactedJSON, nil }
