package incident

import (
	"encoding/json"
	"strings"

	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/register"
)

// Kind is one kind of violent event of the guideline: verbal or physical
// aggression, threat, damage. Its value is the code stored in the register
// under [register.DataIncidentKind] and counted by [register.Log.Summary].
type Kind string

// The kinds of violent event, as the guideline lists them.
const (
	// VerbalAggression is a verbal aggression against staff (aggressione
	// verbale).
	VerbalAggression Kind = register.IncidentVerbalAggression
	// PhysicalAggression is a physical aggression against staff
	// (aggressione fisica).
	PhysicalAggression Kind = register.IncidentPhysicalAggression
	// Threat is a threat against staff (minaccia).
	Threat Kind = register.IncidentThreat
	// Damage is damage to the premises or to property (danneggiamento).
	Damage Kind = register.IncidentDamage
)

// bySeverity lists the kinds from the most severe to the least: harm done
// to a person first, then harm announced to a person, then harm to
// property, then words. It is the order in which [Kinds] lists its
// members and the rule by which [Kinds.Primary] picks one.
var bySeverity = [...]Kind{PhysicalAggression, Threat, Damage, VerbalAggression}

// KindsBySeverity returns every kind, from the most severe to the least:
// physical aggression, threat, damage, verbal aggression.
func KindsBySeverity() []Kind { return bySeverity[:] }

// Valid reports whether k is one of the four kinds.
func (k Kind) Valid() bool { return k.bit() != 0 }

// bit returns k's bit in a [Kinds] set, or 0 for an unknown kind.
func (k Kind) bit() Kinds {
	for i, x := range bySeverity {
		if x == k {
			return 1 << i
		}
	}
	return 0
}

// String returns the code.
func (k Kind) String() string { return string(k) }

// NameKey is the catalog key of the kind's name ("aggressione fisica").
func (k Kind) NameKey() string { return "incident.kind." + string(k) + ".name" }

// SentenceKey is the catalog key of the sentence that says it is
// happening ("È in corso un'aggressione fisica al personale."), as the
// call script reads it.
func (k Kind) SentenceKey() string { return "incident.kind." + string(k) + ".sentence" }

// Name returns the kind's name in the printer's language. The printer must
// come from a catalog holding [Messages], such as [Catalog].
func (k Kind) Name(p *message.Printer) string { return p.Sprintf(k.NameKey()) }

// Kinds is a set of kinds: more than one may apply to one event (a threat
// followed by damage). The zero value is the empty set, which a report
// cannot carry. Kinds is a value: copies do not share state.
//
// In JSON a set is an array of codes, from the most severe to the least,
// such as ["physical_aggression","threat"]. A code that is not a kind
// decodes to a set that validation reports on its field, naming no value.
type Kinds uint8

// invalidKinds marks a set decoded with an unknown code.
const invalidKinds Kinds = 1 << 7

// allKinds is the set of every kind.
const allKinds Kinds = 1<<len(bySeverity) - 1

// NewKinds returns the set of ks. An unknown kind makes the set invalid
// (see [Kinds.Valid]).
func NewKinds(ks ...Kind) Kinds {
	var s Kinds
	for _, k := range ks {
		s = s.With(k)
	}
	return s
}

// With returns the set with k added. An unknown k makes the set invalid.
func (s Kinds) With(k Kind) Kinds {
	if b := k.bit(); b != 0 {
		return s | b
	}
	return s | invalidKinds
}

// Has reports whether k is in the set.
func (s Kinds) Has(k Kind) bool { b := k.bit(); return b != 0 && s&b != 0 }

// Len returns the number of kinds in the set.
func (s Kinds) Len() int { return len(s.List()) }

// Valid reports whether the set holds at least one kind and nothing else.
func (s Kinds) Valid() bool { return s != 0 && s&^allKinds == 0 }

// List returns the kinds in the set, from the most severe to the least.
func (s Kinds) List() []Kind {
	var out []Kind
	for i, k := range bySeverity {
		if s&(1<<i) != 0 {
			out = append(out, k)
		}
	}
	return out
}

// Primary returns the most severe kind in the set, or "" for an empty
// set. It is the one code the register's monitoring counts the incident
// under ([register.DataIncidentKind]): physical aggression before threat,
// threat before damage, damage before verbal aggression. An event is
// counted once, under its gravest kind; the whole set is kept beside it
// under [DataKinds].
func (s Kinds) Primary() Kind {
	if l := s.List(); len(l) > 0 {
		return l[0]
	}
	return ""
}

// DataKinds is the name of the Data field of a [register.KindIncidentReported]
// entry that holds every kind of the event, as a JSON array of codes from
// the most severe; [register.DataIncidentKind] holds the primary one.
const DataKinds = "incident_kinds"

// Data returns the Data fields that describe the set in a
// [register.KindIncidentReported] entry: [register.DataIncidentKind] with
// the primary kind, and [DataKinds] with all of them. Both are codes,
// never personal data.
func (s Kinds) Data() map[string]any {
	l := s.List()
	codes := make([]string, len(l))
	for i, k := range l {
		codes[i] = string(k)
	}
	return map[string]any{register.DataIncidentKind: string(s.Primary()), DataKinds: codes}
}

// String returns the codes joined with "+", such as
// "physical_aggression+threat", or "none" for the empty set.
func (s Kinds) String() string {
	l := s.List()
	if len(l) == 0 {
		if s&invalidKinds != 0 {
			return "invalid"
		}
		return "none"
	}
	codes := make([]string, len(l))
	for i, k := range l {
		codes[i] = string(k)
	}
	out := strings.Join(codes, "+")
	if s&invalidKinds != 0 {
		out += "+invalid"
	}
	return out
}

// Names returns the names of the kinds in the set, from the most severe,
// joined as a list in the printer's language ("aggressione fisica,
// minaccia").
func (s Kinds) Names(p *message.Printer) string {
	l := s.List()
	names := make([]string, len(l))
	for i, k := range l {
		names[i] = k.Name(p)
	}
	return strings.Join(names, ", ")
}

// MarshalJSON writes the set as an array of codes, from the most severe.
// An invalid member is not written.
func (s Kinds) MarshalJSON() ([]byte, error) {
	codes := make([]string, 0, len(bySeverity))
	for _, k := range s.List() {
		codes = append(codes, string(k))
	}
	return json.Marshal(codes)
}

// UnmarshalJSON reads an array of codes. It never fails on content: a
// value that is not an array of known codes gives an invalid set, which
// validation reports on the field without repeating the value. A code
// repeated counts once.
func (s *Kinds) UnmarshalJSON(b []byte) error {
	var codes []string
	if err := json.Unmarshal(b, &codes); err != nil {
		*s = invalidKinds
		return nil
	}
	var out Kinds
	for _, c := range codes {
		out = out.With(Kind(c))
	}
	*s = out
	return nil
}
