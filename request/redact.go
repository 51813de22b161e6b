package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/sostegno/sostegno/guideline"
)

// How personal data is printed and stored.
//
// Every type that holds personal data of a service user (CodiceFiscale,
// PersonalData, ServiceUser, Facts, Note, Preventive) prints itself
// redacted through String, every fmt verb (%v, %+v, %#v, %s, %q …), slog
// (LogValue) and encoding/json (MarshalJSON). The redaction follows the
// value wherever it is nested: fmt and the slog text handler call Format on
// the elements of slices and maps and on exported struct fields, and the
// slog JSON handler calls MarshalJSON on them. (fmt cannot reach the
// methods of a value held in an unexported field of another type: do not
// hide personal data there.)
//
// The complete form, for sealing and storage, is written and read only by
// MarshalPersonal and UnmarshalPersonal, on purpose: an explicit call at
// the one place that needs it, never a side effect of logging.

var (
	_ fmt.Formatter  = Preventive{}
	_ slog.LogValuer = Preventive{}
	_ json.Marshaler = Preventive{}
	_ fmt.Formatter  = PersonalData{}
	_ slog.LogValuer = PersonalData{}
	_ json.Marshaler = PersonalData{}
	_ fmt.Formatter  = ServiceUser{}
	_ slog.LogValuer = ServiceUser{}
	_ json.Marshaler = ServiceUser{}
	_ fmt.Formatter  = Facts("")
	_ slog.LogValuer = Facts("")
	_ json.Marshaler = Facts("")
	_ fmt.Formatter  = Note("")
	_ slog.LogValuer = Note("")
	_ json.Marshaler = Note("")
	_ fmt.Formatter  = CodiceFiscale("")
	_ slog.LogValuer = CodiceFiscale("")
	_ json.Marshaler = CodiceFiscale("")
)

// redacted is what the JSON form of a personal value says instead of it.
const redacted = "[redacted]"

var redactedJSON = []byte(strconv.Quote(redacted))

func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// String returns "request.PersonalData{redacted}".
func (p PersonalData) String() string { return "request.PersonalData{redacted}" }

// Format implements [fmt.Formatter]: every verb prints [PersonalData.String].
func (p PersonalData) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p.String()) }

// LogValue implements [slog.LogValuer] with the redacted form.
func (p PersonalData) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MarshalJSON writes "[redacted]". Storage uses [MarshalPersonal].
func (p PersonalData) MarshalJSON() ([]byte, error) { return redactedJSON, nil }

// String returns "request.ServiceUser{redacted}".
func (u ServiceUser) String() string { return "request.ServiceUser{redacted}" }

// Format implements [fmt.Formatter]: every verb prints [ServiceUser.String].
func (u ServiceUser) Format(f fmt.State, verb rune) { formatRedacted(f, verb, u.String()) }

// LogValue implements [slog.LogValuer] with the redacted form.
func (u ServiceUser) LogValue() slog.Value { return slog.StringValue(u.String()) }

// MarshalJSON writes "[redacted]". Storage uses [MarshalPersonal].
func (u ServiceUser) MarshalJSON() ([]byte, error) { return redactedJSON, nil }

// String returns a redacted form with the length in characters only.
func (f Facts) String() string {
	return "request.Facts{redacted, " + strconv.Itoa(len([]rune(f))) + " characters}"
}

// Format implements [fmt.Formatter]: every verb prints [Facts.String].
func (f Facts) Format(s fmt.State, verb rune) { formatRedacted(s, verb, f.String()) }

// LogValue implements [slog.LogValuer] with the redacted form.
func (f Facts) LogValue() slog.Value { return slog.StringValue(f.String()) }

// MarshalJSON writes "[redacted]". Storage uses [MarshalPersonal].
func (f Facts) MarshalJSON() ([]byte, error) { return redactedJSON, nil }

// String returns a redacted form that says only whether the note is empty.
func (n Note) String() string {
	if n == "" {
		return "request.Note{}"
	}
	return "request.Note{redacted}"
}

// Format implements [fmt.Formatter]: every verb prints [Note.String].
func (n Note) Format(f fmt.State, verb rune) { formatRedacted(f, verb, n.String()) }

// LogValue implements [slog.LogValuer] with the redacted form.
func (n Note) LogValue() slog.Value { return slog.StringValue(n.String()) }

// MarshalJSON writes "[redacted]" for a note that is not empty. Storage
// uses [MarshalPersonal].
func (n Note) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte(`""`), nil
	}
	return redactedJSON, nil
}

// String returns the request's ID, kind of appointment, territory and
// start, which are not personal data; nothing about the service user.
func (p Preventive) String() string {
	return fmt.Sprintf("request.Preventive{id=%s kind=%s territory=%s start=%s redacted}",
		p.ID, p.Appointment.Kind, p.Appointment.Venue.Territory, p.Appointment.Start.Format(time.RFC3339))
}

// Format implements [fmt.Formatter]: every verb prints [Preventive.String].
func (p Preventive) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p.String()) }

// LogValue implements [slog.LogValuer]: the same fields as
// [Preventive.String], as a group.
func (p Preventive) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", string(p.ID)),
		slog.String("kind", string(p.Appointment.Kind)),
		slog.String("territory", p.Appointment.Venue.Territory),
		slog.Time("start", p.Appointment.Start),
		slog.Bool("urgent", p.UrgencyReason != ""),
	)
}

// MarshalJSON writes the request with its personal parts (service user,
// facts, risk factors, notes) replaced by "[redacted]": what a log or an
// API that encodes the value sees. Storage uses [MarshalPersonal].
func (p Preventive) MarshalJSON() ([]byte, error) {
	var risks any
	if len(p.RiskFactors) > 0 {
		risks = redacted
	}
	return json.Marshal(struct {
		ID               ID          `json:"id"`
		ServiceUser      ServiceUser `json:"service_user"`
		Appointment      Appointment `json:"appointment"`
		RequestedBy      Official    `json:"requested_by"`
		Facts            Facts       `json:"facts"`
		RiskFactors      any         `json:"risk_factors,omitempty"`
		OtherRiskFactors Note        `json:"other_risk_factors,omitempty"`
		UrgencyReason    Note        `json:"urgency_reason,omitempty"`
	}{p.ID, p.ServiceUser, p.Appointment, p.RequestedBy, p.Facts, risks, p.OtherRiskFactors, p.UrgencyReason})
}

// personalDataJSON and preventiveJSON are the complete form, with plain
// types that do not redact. Their fields and JSON names are those of
// PersonalData and Preventive.
type personalDataJSON struct {
	GivenName     string    `json:"given_name"`
	FamilyName    string    `json:"family_name"`
	BirthDate     time.Time `json:"birth_date"`
	BirthPlace    string    `json:"birth_place"`
	Sex           Sex       `json:"sex"`
	CodiceFiscale string    `json:"codice_fiscale"`
	Residence     string    `json:"residence"`
}

type serviceUserJSON struct {
	PersonalData personalDataJSON `json:"personal_data"`
}

type preventiveJSON struct {
	ID               ID              `json:"id"`
	ServiceUser      serviceUserJSON `json:"service_user"`
	Appointment      Appointment     `json:"appointment"`
	RequestedBy      Official        `json:"requested_by"`
	Facts            string          `json:"facts"`
	RiskFactors      []RiskFactor    `json:"risk_factors,omitempty"`
	OtherRiskFactors string          `json:"other_risk_factors,omitempty"`
	UrgencyReason    string          `json:"urgency_reason,omitempty"`
}

func toJSON(p Preventive) preventiveJSON {
	d := p.ServiceUser.PersonalData
	return preventiveJSON{
		ID: p.ID,
		ServiceUser: serviceUserJSON{PersonalData: personalDataJSON{
			GivenName: d.GivenName, FamilyName: d.FamilyName, BirthDate: d.BirthDate, BirthPlace: d.BirthPlace,
			Sex: d.Sex, CodiceFiscale: string(d.CodiceFiscale), Residence: d.Residence,
		}},
		Appointment:      p.Appointment,
		RequestedBy:      p.RequestedBy,
		Facts:            string(p.Facts),
		RiskFactors:      p.RiskFactors,
		OtherRiskFactors: string(p.OtherRiskFactors),
		UrgencyReason:    string(p.UrgencyReason),
	}
}

func (w preventiveJSON) preventive() Preventive {
	d := w.ServiceUser.PersonalData
	return Preventive{
		ID: w.ID,
		ServiceUser: ServiceUser{PersonalData: PersonalData{
			GivenName: d.GivenName, FamilyName: d.FamilyName, BirthDate: d.BirthDate, BirthPlace: d.BirthPlace,
			Sex: d.Sex, CodiceFiscale: CodiceFiscale(d.CodiceFiscale), Residence: d.Residence,
		}},
		Appointment:      w.Appointment,
		RequestedBy:      w.RequestedBy,
		Facts:            Facts(w.Facts),
		RiskFactors:      w.RiskFactors,
		OtherRiskFactors: Note(w.OtherRiskFactors),
		UrgencyReason:    Note(w.UrgencyReason),
	}
}

// MarshalPersonal returns the complete JSON form of p, personal data in
// clear: what goes into register.Event.Personal, which the register seals
// before storing. [UnmarshalPersonal] reads it back into an equal value.
// The field names are those of the redacted encoding/json form.
func MarshalPersonal(p Preventive) ([]byte, error) {
	b, err := json.Marshal(toJSON(p))
	if err != nil {
		// Only a time outside years 0–9999 makes encoding fail; the
		// encoder's error would not hold personal data, but say which.
		return nil, fmt.Errorf("request: encoding request %s: a date is out of range", p.ID)
	}
	return b, nil
}

// ErrDecode is wrapped by the errors of [UnmarshalPersonal] for input that
// is not one JSON object.
var ErrDecode = errors.New("request: malformed request JSON")

// UnmarshalPersonal reads the complete form written by [MarshalPersonal],
// or sent by a form: one JSON object, unknown fields refused. It does not
// validate the request (see [Preventive.Validate]). A field of the wrong
// type is reported as a [*guideline.ValidationError] naming the field as
// the form does; malformed JSON as an error wrapping [ErrDecode] with the
// byte offset. No error repeats the input.
func UnmarshalPersonal(b []byte) (Preventive, error) {
	var w preventiveJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(&w)
	if err == nil && dec.More() {
		return Preventive{}, fmt.Errorf("%w: data after the object", ErrDecode)
	}
	if err == nil {
		return w.preventive(), nil
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return Preventive{}, &guideline.ValidationError{Fields: []guideline.FieldError{
			validators().forKind("").Fail(te.Field, "type", te.Value),
		}}
	case errors.As(err, &se):
		return Preventive{}, fmt.Errorf("%w at byte %d", ErrDecode, se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// The field's name came from the input: it is not repeated.
		return Preventive{}, fmt.Errorf("%w: unknown field (at byte %d)", ErrDecode, dec.InputOffset())
	}
	// A time or another value that does not parse: its error would
	// repeat the text, so it is not wrapped.
	return Preventive{}, fmt.Errorf("%w: a value cannot be read (at byte %d)", ErrDecode, dec.InputOffset())
}
