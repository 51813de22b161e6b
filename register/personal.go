package register

import (
	"fmt"
	"log/slog"
	"strconv"
)

// PersonalData is personal data in clear, as an [Event] carries it before
// the Log seals it. It is a byte slice, so callers assign and read it as
// one (Personal: []byte(`{"nome":"…"}`)), but it redacts itself however it
// is printed or logged: fmt with any verb, log/slog's text and JSON
// handlers, encoding/json, and inside slices, maps and structs, where a
// LogValue method of the containing value would not be called.
type PersonalData []byte

// redacted is what a PersonalData prints instead of its content.
const redacted = "[REDACTED]"

var (
	_ fmt.Formatter  = PersonalData(nil)
	_ fmt.Stringer   = PersonalData(nil)
	_ fmt.GoStringer = PersonalData(nil)
	_ slog.LogValuer = PersonalData(nil)
	_ fmt.Formatter  = Sealed(nil)
	_ slog.LogValuer = Sealed(nil)
)

// String returns "[REDACTED]", or "" when there is no data.
func (p PersonalData) String() string {
	if len(p) == 0 {
		return ""
	}
	return redacted
}

// GoString returns the same as String.
func (p PersonalData) GoString() string { return p.String() }

// Format prints String for every verb and flag.
func (p PersonalData) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// LogValue returns String.
func (p PersonalData) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MarshalJSON returns String as a JSON string, or null when there is no
// data.
func (p PersonalData) MarshalJSON() ([]byte, error) {
	if len(p) == 0 {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(redacted)), nil
}

// MarshalText returns String, so that encoders that prefer text (such as
// log/slog's text handler) redact too.
func (p PersonalData) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Sealed is personal data as a [Sealer] sealed it, as an [Entry] carries
// it. It is a byte slice; printed, logged or marshalled it shows only its
// length, so that logs never fill with ciphertext.
type Sealed []byte

// String returns "[sealed N bytes]", or "" when there is no data.
func (s Sealed) String() string {
	if len(s) == 0 {
		return ""
	}
	return "[sealed " + strconv.Itoa(len(s)) + " bytes]"
}

// GoString returns the same as String.
func (s Sealed) GoString() string { return s.String() }

// Format prints String for every verb and flag.
func (s Sealed) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue returns String.
func (s Sealed) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON returns String as a JSON string, or null when there is no
// data.
func (s Sealed) MarshalJSON() ([]byte, error) {
	if len(s) == 0 {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(s.String())), nil
}

// MarshalText returns String.
func (s Sealed) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
