package checkin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id parameters of a code's hash. They are written
// in every hash ([Hash.Encoded]), so they can be raised later: hashes made
// with older parameters still verify, and [Params.Weaker] says which to
// renew at the next change of code.
type Params struct {
	// Time is the number of passes over the memory.
	Time uint32
	// MemoryKiB is the memory used, in KiB.
	MemoryKiB uint32
	// Threads is the degree of parallelism.
	Threads uint8
}

// DefaultParams returns the parameters of new hashes: argon2id with 2
// passes over 19 MiB and one thread, OWASP's recommended minimum (Password
// Storage Cheat Sheet, 2023), about 20–40 ms on a server core. A
// check-out verifies two hashes (see [CodeStore]). A municipality with the
// memory to spare raises them, to RFC 9106's second recommendation (3
// passes over 64 MiB, 4 threads) for instance.
func DefaultParams() Params { return Params{Time: 2, MemoryKiB: 19 * 1024, Threads: 1} }

// Weaker reports whether p is weaker than q in any parameter.
func (p Params) Weaker(q Params) bool {
	return p.Time < q.Time || p.MemoryKiB < q.MemoryKiB || p.Threads < q.Threads
}

// Bounds of the parameters a hash may carry: what [ParseHash] accepts, so
// that a corrupt or hostile hash cannot ask for an absurd computation.
const (
	MaxTime      = 64
	MaxMemoryKiB = 4 << 20 // 4 GiB
	minMemoryKiB = 8
	saltLen      = 16
	keyLen       = 32
)

func (p Params) valid() bool {
	return p.Time >= 1 && p.Time <= MaxTime && p.MemoryKiB >= minMemoryKiB && p.MemoryKiB <= MaxMemoryKiB &&
		p.Threads >= 1 && p.MemoryKiB >= 8*uint32(p.Threads)
}

// Lengths of a code, in characters.
const (
	// MinCodeLen is the least length of a code: a short PIN is guessed
	// online in a few tries and offline, from its hash, in moments.
	MinCodeLen = 6
	// MaxCodeLen is the greatest length of a code.
	MaxCodeLen = 64
)

// Hash is the salted argon2id hash of a code, in the PHC string format:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt, base64 without padding>$<hash, base64 without padding>
//
// It is what a [CodeStore] keeps; the code itself is never kept. Its
// String, Format and LogValue give only the algorithm and parameters.
type Hash struct {
	params Params
	salt   []byte
	key    []byte
}

// ErrHash is wrapped by the errors of [ParseHash].
var ErrHash = fmt.Errorf("checkin: invalid code hash")

// HashCode returns a new hash of code with p and a random salt. The code
// must be valid ([ValidCode]); the error never repeats it. Parameters out
// of range give an error matching [ErrConfig].
func HashCode(code string, p Params) (Hash, error) {
	if !ValidCode(code) {
		return Hash{}, &Error{Reason: ReasonCodeFormat}
	}
	if !p.valid() {
		return Hash{}, fmt.Errorf("%w: argon2id parameters out of range", ErrConfig)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return Hash{}, fmt.Errorf("checkin: salt: %w", err)
	}
	return Hash{params: p, salt: salt, key: derive(code, salt, p)}, nil
}

func derive(code string, salt []byte, p Params) []byte {
	return argon2.IDKey([]byte(code), salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
}

// ValidCode reports whether code may be a code: MinCodeLen to MaxCodeLen
// characters of valid UTF-8, without spaces or control characters.
func ValidCode(code string) bool {
	n := utf8.RuneCountInString(code)
	return utf8.ValidString(code) && n >= MinCodeLen && n <= MaxCodeLen &&
		!strings.ContainsFunc(code, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}

// IsZero reports whether h is the zero Hash (no code set).
func (h Hash) IsZero() bool { return h.key == nil }

// Params returns the parameters the hash was made with.
func (h Hash) Params() Params { return h.params }

var b64 = base64.RawStdEncoding

// Encoded returns the hash in the PHC string format, for storing.
func (h Hash) Encoded() string {
	if h.IsZero() {
		return ""
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.MemoryKiB, h.params.Time, h.params.Threads, b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

// ParseHash reads a hash in the PHC string format that [Hash.Encoded]
// writes. It accepts only argon2id version 19 with parameters within
// [MaxTime] and [MaxMemoryKiB], a salt of 8 to 64 bytes and a hash of 16
// to 64 bytes; the error never repeats the input.
func ParseHash(s string) (Hash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return Hash{}, fmt.Errorf("%w: not an argon2id v19 PHC string", ErrHash)
	}
	var p Params
	for i, kv := range strings.Split(parts[3], ",") {
		name, value, ok := strings.Cut(kv, "=")
		want := [...]string{"m", "t", "p"}
		if !ok || i >= len(want) || name != want[i] || value == "" || (len(value) > 1 && value[0] == '0') {
			return Hash{}, fmt.Errorf("%w: parameters", ErrHash)
		}
		n, err := strconv.ParseUint(value, 10, 32)
		if err != nil {
			return Hash{}, fmt.Errorf("%w: parameters", ErrHash)
		}
		switch name {
		case "m":
			p.MemoryKiB = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return Hash{}, fmt.Errorf("%w: parameters", ErrHash)
			}
			p.Threads = uint8(n)
		}
	}
	if !p.valid() {
		return Hash{}, fmt.Errorf("%w: parameters out of range", ErrHash)
	}
	salt, err1 := b64.Strict().DecodeString(parts[4])
	key, err2 := b64.Strict().DecodeString(parts[5])
	// The decoder skips line breaks: only the canonical text is accepted.
	if err1 != nil || err2 != nil || b64.EncodeToString(salt) != parts[4] || b64.EncodeToString(key) != parts[5] || len(salt) < 8 || len(salt) > 64 || len(key) < 16 || len(key) > 64 {
		return Hash{}, fmt.Errorf("%w: salt or hash", ErrHash)
	}
	return Hash{params: p, salt: salt, key: key}, nil
}

// Matches reports whether code is the code h was made from, comparing in
// constant time. It always computes the whole hash, whatever code is: a
// code that is not even valid costs as much as a right one.
func (h Hash) Matches(code string) bool {
	if h.IsZero() {
		// Spend the same effort, so that a missing hash is not faster.
		derive(code, make([]byte, saltLen), DefaultParams())
		return false
	}
	got := argon2.IDKey([]byte(code), h.salt, h.params.Time, h.params.MemoryKiB, h.params.Threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}

// String returns the algorithm and parameters, never the salt or hash.
func (h Hash) String() string {
	if h.IsZero() {
		return "argon2id(none)"
	}
	return fmt.Sprintf("argon2id(m=%d,t=%d,p=%d)", h.params.MemoryKiB, h.params.Time, h.params.Threads)
}

// Format prints String for every verb.
func (h Hash) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(h.String())) }

// LogValue returns String.
func (h Hash) LogValue() slog.Value { return slog.StringValue(h.String()) }

// Codes are a person's check-out and duress codes, as hashes.
type Codes struct {
	// CheckOut is the hash of the code that closes a session.
	CheckOut Hash
	// Duress is the hash of the code that closes a session in the same
	// way to anyone watching, and silently raises an emergency.
	Duress Hash
}

// NewCodes hashes a person's two codes with p. Both must be valid
// ([ValidCode]) and different; the errors ([*Error] with
// [ReasonCodeFormat] or [ReasonCodesEqual]) never repeat them.
func NewCodes(checkOut, duress string, p Params) (Codes, error) {
	if !ValidCode(checkOut) || !ValidCode(duress) {
		return Codes{}, &Error{Reason: ReasonCodeFormat}
	}
	if subtle.ConstantTimeCompare([]byte(checkOut), []byte(duress)) == 1 {
		return Codes{}, &Error{Reason: ReasonCodesEqual}
	}
	c, err := HashCode(checkOut, p)
	if err != nil {
		return Codes{}, err
	}
	d, err := HashCode(duress, p)
	if err != nil {
		return Codes{}, err
	}
	return Codes{CheckOut: c, Duress: d}, nil
}

// match says which of the two codes code is. Both hashes are computed
// every time, and the results combined without branching on the first,
// so that the time taken does not tell a duress code from a check-out
// code.
func (c Codes) match(code string) (checkOut, duress bool) {
	a := c.CheckOut.Matches(code)
	b := c.Duress.Matches(code)
	return a, b
}

// CodeStore keeps each person's [Codes], by staff ID: the port an
// integrator implements over the staff directory. [MemCodeStore] is an
// in-memory one.
//
// There is no store over the register: the register is append-only, so a
// changed or revoked code's hash would stay readable for ever (and codes
// get reused), and every reading of a sealed value writes an access entry,
// one per check-out. A directory that can overwrite and delete is the
// right place.
//
// Implementations must be safe for concurrent use and honour ctx.
type CodeStore interface {
	// Codes returns the person's codes, or an error wrapping [ErrNoCodes].
	Codes(ctx context.Context, staffID string) (Codes, error)
	// SetCodes sets (or replaces) the person's codes.
	SetCodes(ctx context.Context, staffID string, c Codes) error
}

var _ CodeStore = (*MemCodeStore)(nil)

// MemCodeStore is a [CodeStore] in memory. The zero value is empty and
// ready to use; it is safe for concurrent use.
type MemCodeStore struct {
	mu    sync.RWMutex
	codes map[string]Codes
}

// Codes returns the person's codes, or an error wrapping [ErrNoCodes].
func (m *MemCodeStore) Codes(ctx context.Context, staffID string) (Codes, error) {
	if err := ctx.Err(); err != nil {
		return Codes{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, ok := m.codes[staffID]
	if !ok {
		return Codes{}, &Error{Reason: ReasonNoCodes}
	}
	return c, nil
}

// SetCodes sets the person's codes; both hashes are required.
func (m *MemCodeStore) SetCodes(ctx context.Context, staffID string, c Codes) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if staffID == "" || c.CheckOut.IsZero() || c.Duress.IsZero() {
		return &Error{Reason: ReasonCodeFormat}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.codes == nil {
		m.codes = map[string]Codes{}
	}
	m.codes[staffID] = c
	return nil
}
