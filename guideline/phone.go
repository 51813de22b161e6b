package guideline

import (
	"errors"
	"strings"
)

// Phone is a telephone number stored in E.164 form ("+390277270282"). It
// is kept as a string, never a number, so that it is not grouped with
// thousands separators when printed. The zero value is "no number".
type Phone string

// ErrPhone is wrapped by [ParsePhone]'s errors.
var ErrPhone = errors.New("guideline: invalid phone number")

// ParsePhone reads a number written in E.164 form ("+39 02 7727 0282") or,
// when it has no country code, as dialled in Italy ("02 77270282"). Spaces,
// dots, dashes and slashes are ignored.
func ParsePhone(s string) (Phone, error) {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == strings.IndexFunc(s, func(r rune) bool { return r != ' ' }):
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '/':
		default:
			return "", ErrPhone
		}
	}
	n := b.String()
	switch {
	case strings.HasPrefix(n, "+"):
	case strings.HasPrefix(n, "00"):
		n = "+" + n[2:]
	default:
		n = "+39" + n
	}
	p := Phone(n)
	if !p.Valid() {
		return "", ErrPhone
	}
	return p, nil
}

// Valid reports whether p is in E.164 form: a plus sign, a country code not
// starting with 0, and at most 15 digits in all.
func (p Phone) Valid() bool {
	s := string(p)
	if len(s) < 4 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// italian reports whether p is an Italian number, and its national part.
func (p Phone) italian() (string, bool) {
	s, ok := strings.CutPrefix(string(p), "+39")
	return s, ok && p.Valid()
}

// Dial returns the digits a person dials: the national number for an
// Italian number ("0277270282"), the international form otherwise.
func (p Phone) Dial() string {
	if n, ok := p.italian(); ok {
		return n
	}
	return string(p)
}

// Display returns the number as it is written for a person to dial. For an
// Italian landline the area code is set apart: two digits for 02 (Milan)
// and 06 (Rome), three for the others, which is right for every provincial
// capital's main code but only approximate for some four-digit codes; a
// mobile number (3xx) is grouped after the operator prefix. Other numbers
// are shown in E.164 form.
func (p Phone) Display() string {
	n, ok := p.italian()
	if !ok {
		return string(p)
	}
	cut := 3
	if strings.HasPrefix(n, "02") || strings.HasPrefix(n, "06") {
		cut = 2
	}
	if len(n) <= cut {
		return n
	}
	return n[:cut] + " " + n[cut:]
}

// URI returns the tel: URI of the number (RFC 3966), for a link a phone can
// dial.
func (p Phone) URI() string {
	if p == "" {
		return ""
	}
	return "tel:" + string(p)
}

// String returns the number in E.164 form.
func (p Phone) String() string { return string(p) }
