package incident

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
)

// Redacted is what a [Private] value, and every type holding one, prints
// in place of the personal data.
const Redacted = "[redacted]"

// ErrRedacted is returned when decoding the JSON that a redacted value
// prints: the data it stood for is gone, and taking the placeholder for
// data would store it silently.
var ErrRedacted = errors.New("incident: a redacted value cannot be decoded")

var (
	_ slog.LogValuer   = Private{}
	_ fmt.Formatter    = Private{}
	_ json.Marshaler   = Private{}
	_ json.Unmarshaler = (*Private)(nil)
)

// Private is text that is or may be personal data of a service user (a
// name, a codice fiscale, what someone did). It never prints its content:
// String, every fmt verb, slog (handlers of text and JSON, inside slices,
// maps and structs) and encoding/json all give [Redacted]. Only
// [Private.Reveal] returns the text, for the register to seal it.
//
// The text is held behind a pointer, so that even fmt printing a struct
// with a Private in an unexported field (where fmt cannot call methods)
// shows an address, not the text. The zero value is empty text. Private
// values are immutable and safe to copy.
type Private struct {
	s *string
}

// NewPrivate returns s as private text.
func NewPrivate(s string) Private {
	if s == "" {
		return Private{}
	}
	return Private{s: &s}
}

// Reveal returns the text in clear. Call it only to seal the text or to
// show it to a person entitled to read it.
func (p Private) Reveal() string {
	if p.s == nil {
		return ""
	}
	return *p.s
}

// IsZero reports whether the text is empty.
func (p Private) IsZero() bool { return p.s == nil || *p.s == "" }

// String returns [Redacted], or "" for empty text.
func (p Private) String() string {
	if p.IsZero() {
		return ""
	}
	return Redacted
}

// Format prints [Private.String] for every verb and flag.
func (p Private) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p.String()) }

// LogValue returns [Private.String] as a string value.
func (p Private) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MarshalJSON writes [Redacted] as a JSON string, or "" for empty text.
func (p Private) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }

// UnmarshalJSON reads the text in clear from a JSON string (or null, for
// empty text). It refuses [Redacted] with [ErrRedacted].
func (p *Private) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s != nil && *s == Redacted {
		return ErrRedacted
	}
	if s == nil {
		*p = Private{}
		return nil
	}
	*p = NewPrivate(*s)
	return nil
}

// formatRedacted writes s for any verb, quoted for %q.
func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

var (
	_ slog.LogValuer = Aggressor{}
	_ fmt.Formatter  = Aggressor{}
)

// Aggressor is who committed the violent event, as personal data only:
// every field is [Private], and the register seals it (see
// [Incident.Personal]). It is never part of a message, a log, an error or
// the register's clear Data. The zero value is "not known", which a
// report may carry: in an emergency nobody waits for a name.
type Aggressor struct {
	// Name is the person's name, if known.
	Name Private `json:"name"`
	// TaxCode is the person's codice fiscale, if known; it is also what a
	// register.Pseudonymizer turns into the entry's Pseudonym.
	TaxCode Private `json:"tax_code"`
	// Description says who the person is or how to recognise them (the
	// service user, a relative, a stranger; how they look), if useful.
	Description Private `json:"description"`
}

// IsZero reports whether nothing is known of the aggressor.
func (a Aggressor) IsZero() bool {
	return a.Name.IsZero() && a.TaxCode.IsZero() && a.Description.IsZero()
}

// String returns "incident.Aggressor{[redacted]}", or
// "incident.Aggressor{}" when nothing is known; never the data.
func (a Aggressor) String() string {
	if a.IsZero() {
		return "incident.Aggressor{}"
	}
	return "incident.Aggressor{" + Redacted + "}"
}

// Format prints [Aggressor.String] for every verb and flag.
func (a Aggressor) Format(f fmt.State, verb rune) { formatRedacted(f, verb, a.String()) }

// LogValue returns whether anything is known, never the data.
func (a Aggressor) LogValue() slog.Value {
	return slog.GroupValue(slog.Bool("known", !a.IsZero()))
}
