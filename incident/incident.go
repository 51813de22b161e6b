package incident

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
)

// Staff is a member of staff: who reports an incident, who is involved in
// it, who is on duty at a venue (see [Roster]). Staff are not service
// users; their names appear in the messages of an emergency (the alert
// says who raised it).
type Staff struct {
	// ID identifies the person within the municipality (a staff number);
	// it becomes the ID of the register.Actor of what they do.
	ID string `json:"id" validate:"required,max=64,line"`
	// Name is how colleagues know the person, such as "Giulia Bianchi".
	Name string `json:"name" validate:"notblank,max=200,line"`
	// Role is the person's role in the guideline; empty means
	// [guideline.RoleOperator].
	Role guideline.Role `json:"role,omitempty" validate:"omitempty,role"`
	// Email is the person's e-mail address, if any.
	Email string `json:"email,omitempty" validate:"omitempty,max=254,email"`
	// Phone is the person's phone number in E.164 form, if any.
	Phone guideline.Phone `json:"phone,omitempty" validate:"omitempty,phone"`
	// Endpoint is a URL that reaches the person's device (a paging app's
	// webhook), if any.
	Endpoint string `json:"endpoint,omitempty" validate:"omitempty,max=2000,url"`
}

// GuidelineRole returns the person's role, [guideline.RoleOperator] when
// Role is empty.
func (s Staff) GuidelineRole() guideline.Role {
	if s.Role == "" {
		return guideline.RoleOperator
	}
	return s.Role
}

// Recipient returns the person as the addressee of a message.
func (s Staff) Recipient() notify.Recipient {
	return notify.Recipient{
		Role:     s.GuidelineRole(),
		Name:     s.Name,
		Email:    s.Email,
		Phone:    string(s.Phone),
		Endpoint: s.Endpoint,
	}
}

// Incident is a violent event against staff as it is reported: the
// emergency of the guideline. It holds what the alert and the call to the
// Operations Centre need (where, what, who raised it, whether someone is
// hurt, how many people are present), the staff involved, and, as
// personal data that the register seals, who the aggressor is and what
// happened in the reporter's words.
//
// Validate it with [Incident.Validate], or decode and validate a report
// with [ParseIncident].
type Incident struct {
	// ID identifies the incident and is its register stream. A report may
	// leave it empty for the lifecycle to assign.
	ID ID `json:"id,omitempty" validate:"omitempty,incidentid"`
	// Kinds are the kinds of violent event: at least one.
	Kinds Kinds `json:"kinds" validate:"kinds"`
	// Venue is where it is happening. Its Territory is the territory of
	// the register's entries and of the monitoring; a report is not
	// refused for lacking it, because nothing must delay an alarm.
	Venue guideline.Venue `json:"venue"`
	// PrivateVenue marks a venue whose name, like its address, is
	// personal data: a service user's home, or any place whose name says
	// who lives or is seen there. The register seals every venue's name
	// and address whatever it says (see [DataVenue]); it changes only the
	// wording of what goes out later: the copy of the patrol's report
	// shared with the Directorate speaks of "a private place" instead of
	// naming it. The alert and the call scripts, which go to the staff
	// who must find the place, name it as given.
	PrivateVenue bool `json:"private_venue,omitempty"`
	// Reporter is the operator who raised the alarm (an operator, or the
	// responsible official).
	Reporter Staff `json:"reporter"`
	// StaffInvolved are the staff members the event is directed at or who
	// witnessed it, besides the reporter.
	StaffInvolved []Staff `json:"staff_involved,omitempty" validate:"max=50,dive"`
	// Aggressor is who committed it, as personal data (sealed).
	Aggressor Aggressor `json:"aggressor"`
	// Description is what happened, in the reporter's words: optional,
	// and personal data (sealed), because it may name people.
	Description Private `json:"description"`
	// Injured reports whether someone is hurt.
	Injured bool `json:"injured"`
	// PeoplePresent is how many people are present; 0 means not known.
	PeoplePresent int `json:"people_present" validate:"gte=0,lte=10000"`
}

// ErrInvalid is wrapped, with a [*guideline.ValidationError], by the
// errors of [Incident.Validate] and [ParseIncident].
var ErrInvalid = errors.New("incident: invalid report")

// Limits of the personal data of a report, in characters.
const (
	maxAggressorName        = 200
	maxAggressorDescription = 2000
	maxDescription          = 4000
)

// Validate returns nil or an error wrapping [ErrInvalid] and a
// [*guideline.ValidationError] that lists every invalid field at once by
// its JSON path, with a message in Italian and English naming the field
// as a person knows it ("Indirizzo della sede: campo obbligatorio"),
// never its value.
func (inc Incident) Validate() error {
	if fs := inc.fieldErrors(""); len(fs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalid, &guideline.ValidationError{Fields: fs})
	}
	return nil
}

// fieldErrors returns the invalid fields of inc, their paths under prefix.
func (inc Incident) fieldErrors(prefix string) []guideline.FieldError {
	v := validator()
	fs := structErrors(v, inc)
	fs = append(fs, venueErrors(v, inc.Venue)...)
	if r := inc.Reporter.Role; r != "" && r != guideline.RoleOperator && r != guideline.RoleResponsibleOfficial {
		fs = append(fs, v.Fail("reporter.role", "reporter", ""))
	}
	check := func(path string, p Private, rule string, valid func(string) bool, max int) {
		s := p.Reveal()
		switch {
		case !valid(s):
			fs = append(fs, v.Fail(path, rule, ""))
		case runeCount(s) > max:
			fs = append(fs, v.Fail(path, "max", fmt.Sprint(max)))
		}
	}
	check("aggressor.name", inc.Aggressor.Name, ruleLine, guideline.ValidLine, maxAggressorName)
	if tc := inc.Aggressor.TaxCode; !tc.IsZero() && !validTaxCode(tc.Reveal()) {
		fs = append(fs, v.Fail("aggressor.tax_code", ruleTaxCode, ""))
	}
	check("aggressor.description", inc.Aggressor.Description, ruleText, guideline.ValidText, maxAggressorDescription)
	check("description", inc.Description, ruleText, guideline.ValidText, maxDescription)
	return under(prefix, fs)
}

// Territory returns the territory of the venue, possibly empty.
func (inc Incident) Territory() string { return inc.Venue.Territory }

// personal is the sealed part of an incident, in clear.
type personal struct {
	Aggressor   *aggressorClear `json:"aggressor,omitempty"`
	Description string          `json:"description,omitempty"`
}

type aggressorClear struct {
	Name        string `json:"name,omitempty"`
	TaxCode     string `json:"tax_code,omitempty"`
	Description string `json:"description,omitempty"`
}

// Personal returns the incident's personal data in clear, as JSON, for
// the Personal field of the register event that reports it (the register
// seals it before storing it): the aggressor and the description. It
// returns nil when there is none. [Incident.SetPersonal] reads it back.
func (inc Incident) Personal() ([]byte, error) {
	var p personal
	if !inc.Aggressor.IsZero() {
		p.Aggressor = &aggressorClear{
			Name:        inc.Aggressor.Name.Reveal(),
			TaxCode:     inc.Aggressor.TaxCode.Reveal(),
			Description: inc.Aggressor.Description.Reveal(),
		}
	}
	p.Description = inc.Description.Reveal()
	if p.Aggressor == nil && p.Description == "" {
		return nil, nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("incident: encoding personal data: %w", err)
	}
	return b, nil
}

// ErrPersonal is wrapped by the errors of [Incident.SetPersonal].
var ErrPersonal = errors.New("incident: personal data not readable")

// SetPersonal sets the aggressor and the description from personal data
// written by [Incident.Personal] (after the register unsealed it). Empty
// data clears them. The error never repeats the data.
func (inc *Incident) SetPersonal(b []byte) error {
	var p personal
	if len(b) > 0 {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return ErrPersonal
		}
		if _, err := dec.Token(); err != io.EOF {
			return ErrPersonal
		}
	}
	inc.Aggressor = Aggressor{}
	if a := p.Aggressor; a != nil {
		inc.Aggressor = Aggressor{Name: NewPrivate(a.Name), TaxCode: NewPrivate(a.TaxCode), Description: NewPrivate(a.Description)}
	}
	inc.Description = NewPrivate(p.Description)
	return nil
}

// LogValue returns what identifies the incident and nothing personal: ID,
// kinds, territory, whether someone is injured, how many people are
// present, how many staff are involved, whether anything is known of the
// aggressor.
func (inc Incident) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", string(inc.ID)),
		slog.String("kinds", inc.Kinds.String()),
		slog.String("territory", inc.Venue.Territory),
		slog.Bool("injured", inc.Injured),
		slog.Int("people_present", inc.PeoplePresent),
		slog.Int("staff_involved", len(inc.StaffInvolved)),
		slog.Bool("aggressor_known", !inc.Aggressor.IsZero()),
	)
}

// MaxReportSize is the largest report [ParseIncident] reads, in bytes.
const MaxReportSize = 64 << 10

// ErrReport is wrapped by the errors of [ParseIncident] for a report that
// is not readable JSON of an incident.
var ErrReport = errors.New("incident: unreadable report")

// ParseIncident decodes a report from JSON (the shape of [Incident]'s
// json tags) and validates it. It refuses a report larger than
// [MaxReportSize], a field it does not know, and anything after the
// report, with errors wrapping [ErrReport] that never repeat the input. A
// field of the wrong type is reported with every other invalid field as a
// [*guideline.ValidationError] wrapped with [ErrInvalid].
func ParseIncident(data []byte) (Incident, error) {
	if len(data) > MaxReportSize {
		return Incident{}, fmt.Errorf("%w: larger than %d bytes", ErrReport, MaxReportSize)
	}
	var inc Incident
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(&inc)
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, ErrRedacted):
		return Incident{}, fmt.Errorf("%w: %w", ErrReport, ErrRedacted)
	case errors.As(err, &te) && te.Field != "":
		fs := []guideline.FieldError{validator().Fail(te.Field, "type", "")}
		for _, f := range inc.fieldErrors("") {
			if f.Path != te.Field {
				fs = append(fs, f)
			}
		}
		return Incident{}, fmt.Errorf("%w: %w", ErrInvalid, &guideline.ValidationError{Fields: fs})
	case err != nil:
		return Incident{}, fmt.Errorf("%w: %s", ErrReport, jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return Incident{}, fmt.Errorf("%w: content after the report", ErrReport)
	}
	if err := inc.Validate(); err != nil {
		return Incident{}, err
	}
	return inc, nil
}

// jsonProblem describes a decoding error without repeating the input
// (encoding/json's messages quote unknown field names and bad tokens).
func jsonProblem(err error) string {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d", se.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated JSON"
	case bytes.HasPrefix([]byte(err.Error()), []byte("json: unknown field")):
		return "unknown field"
	}
	return "not an incident report"
}
