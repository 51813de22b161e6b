package register

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Pseudonym is a keyed pseudonym of a service user: the same codice fiscale
// always gives the same Pseudonym under the same key, so monitoring can
// count repeated cases about one person without knowing who.
//
// It is the hex encoding of HMAC-SHA256(key, normalised codice fiscale).
// A plain hash would not do: there are few enough valid codici fiscali
// (they are built from name, birth date and place) that anyone can hash
// every candidate and look the result up, reversing the hash. Without the
// key, which is held outside the database, a Pseudonym cannot be linked
// back to a person.
type Pseudonym string

// String returns the pseudonym as stored.
func (p Pseudonym) String() string { return string(p) }

// Valid reports whether p has the shape a [Pseudonymizer] produces: 64
// lower-case hexadecimal digits. A codice fiscale, or any other identifier
// in clear, is not valid.
func (p Pseudonym) Valid() bool {
	if len(p) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// MinPseudonymKeySize is the smallest key [NewPseudonymizer] accepts.
const MinPseudonymKeySize = 32

// Pseudonymizer computes [Pseudonym] values with one secret key. It is
// safe for concurrent use. Create it with [NewPseudonymizer]: the zero
// value has no key and refuses to compute pseudonyms, because an unkeyed
// one would be as reversible as a plain hash.
type Pseudonymizer struct {
	key []byte
}

// NewPseudonymizer returns a Pseudonymizer with key, which must be at least
// [MinPseudonymKeySize] random bytes kept outside the database. Changing
// the key changes every pseudonym, so keep it for as long as cases must be
// linked.
func NewPseudonymizer(key []byte) (*Pseudonymizer, error) {
	if len(key) < MinPseudonymKeySize {
		return nil, fmt.Errorf("%w: at least %d bytes are required", ErrInvalidKey, MinPseudonymKeySize)
	}
	return &Pseudonymizer{key: append([]byte(nil), key...)}, nil
}

// CodiceFiscale returns the pseudonym of a codice fiscale. The code is
// normalised first (spaces removed, upper case) and must have the shape of
// a personal codice fiscale (16 letters and digits) or of a numeric one
// (11 digits); the error never repeats the value. It fails with
// [ErrInvalidKey] on a Pseudonymizer not made by [NewPseudonymizer].
func (p *Pseudonymizer) CodiceFiscale(cf string) (Pseudonym, error) {
	if p == nil || len(p.key) < MinPseudonymKeySize {
		return "", fmt.Errorf("%w: pseudonymizer without a key", ErrInvalidKey)
	}
	n, err := NormalizeCodiceFiscale(cf)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte("codice-fiscale:"))
	m.Write([]byte(n))
	return Pseudonym(hex.EncodeToString(m.Sum(nil))), nil
}

// NormalizeCodiceFiscale removes spaces and turns a codice fiscale to
// upper case, and checks its shape (not its check character).
func NormalizeCodiceFiscale(cf string) (string, error) {
	n := strings.ToUpper(strings.Join(strings.Fields(cf), ""))
	switch len(n) {
	case 16:
		for i := 0; i < len(n); i++ {
			if !isAlnum(n[i]) {
				return "", ErrInvalidCodiceFiscale
			}
		}
	case 11:
		for i := 0; i < len(n); i++ {
			if n[i] < '0' || n[i] > '9' {
				return "", ErrInvalidCodiceFiscale
			}
		}
	default:
		return "", ErrInvalidCodiceFiscale
	}
	return n, nil
}

func isAlnum(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' }
