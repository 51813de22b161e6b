package guideline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/it"
)

// Spec is a guideline as plain data: what [Load] reads from JSON and what
// [New] validates. A municipality other than Milan writes its own Spec (or
// starts from Milano2021().Spec()) to run the same procedure with its own
// contacts, territories and policy.
type Spec struct {
	// Version identifies this edition of the guideline; every register
	// entry carries it, so that an incident is judged against the procedure
	// in force when it happened. Change it whenever the content changes.
	Version string `json:"version" validate:"required,max=100"`
	// Title is the document's title.
	Title string `json:"title" validate:"required,max=300"`
	// Municipality is the issuing municipality, such as "Milano".
	Municipality string `json:"municipality" validate:"required,max=100"`
	// Issued is the date of issue as YYYY-MM-DD.
	Issued string `json:"issued" validate:"required,datetime=2006-01-02"`
	// Issuers are the offices that signed the document.
	Issuers []string `json:"issuers" validate:"min=1,dive,required,max=200"`
	// Steps are the steps of both phases; each of [StepIDs] exactly once.
	Steps []Step `json:"steps" validate:"min=1,dive"`
	// Contacts say how roles are reached; at most one per role. The Police
	// Command needs an e-mail address and the Operations Centre a phone
	// number.
	Contacts []Contact `json:"contacts" validate:"min=1,dive"`
	// Policy holds the values the document leaves to the municipality.
	Policy Policy `json:"policy"`
	// Territories are the territories with their own social service.
	Territories []Territory `json:"territories" validate:"min=1,dive"`
}

// Guideline is a validated, immutable guideline. Build one with [New],
// [Load] or [Milano2021]; its accessors return copies. The zero value has
// no steps and no contacts: it is not a usable procedure.
type Guideline struct {
	spec     Spec
	loc      *time.Location
	calendar *cal.BusinessCalendar
}

var validate = sync.OnceValue(NewValidator)

// New validates spec and returns the guideline it describes, or a
// [*ValidationError] naming every invalid field.
func New(spec Spec) (Guideline, error) {
	spec = spec.clone()
	v := validate()
	var fields []FieldError
	if err := v.Struct(spec); err != nil {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			return Guideline{}, err
		}
		fields = ve.Fields
	}
	fields = append(fields, crossCheck(v, spec)...)
	if len(fields) > 0 {
		return Guideline{}, &ValidationError{Fields: fields}
	}
	loc, err := time.LoadLocation(spec.Policy.TimeZone)
	if err != nil {
		return Guideline{}, &ValidationError{Fields: []FieldError{v.Fail("policy.time_zone", "timezone", "")}}
	}
	bc := cal.NewBusinessCalendar()
	bc.AddHoliday(it.Holidays...)
	bc.AddHoliday(sanFrancesco)
	for _, md := range spec.Policy.LocalHolidays {
		m, _ := strconv.Atoi(md[:2])
		d, _ := strconv.Atoi(md[3:])
		bc.AddHoliday(&cal.Holiday{Name: md, Type: cal.ObservancePublic, Month: time.Month(m), Day: d, Func: cal.CalcDayOfMonth})
	}
	return Guideline{spec: spec, loc: loc, calendar: bc}, nil
}

// sanFrancesco is the national holiday of 4 October restored by law 151 of
// 2025 from 2026, which the Italian calendar of rickar/cal/v2 (v2.1.13) does
// not have yet.
var sanFrancesco = &cal.Holiday{
	Name:      "San Francesco d'Assisi",
	Type:      cal.ObservancePublic,
	Month:     time.October,
	Day:       4,
	StartYear: 2026,
	Func:      cal.CalcDayOfMonth,
}

// crossCheck applies the rules that span several fields.
func crossCheck(v *Validator, s Spec) []FieldError {
	var out []FieldError
	seenStep := map[StepID]bool{}
	seenNumber := map[Phase]map[int]bool{}
	for i, st := range s.Steps {
		if seenStep[st.ID] {
			out = append(out, v.Fail(fmt.Sprintf("steps[%d].id", i), "unique", ""))
		}
		seenStep[st.ID] = true
		if seenNumber[st.Phase] == nil {
			seenNumber[st.Phase] = map[int]bool{}
		}
		if seenNumber[st.Phase][st.Number] {
			out = append(out, v.Fail(fmt.Sprintf("steps[%d].number", i), "unique", ""))
		}
		seenNumber[st.Phase][st.Number] = true
	}
	for _, id := range StepIDs() {
		if !seenStep[id] {
			out = append(out, v.Fail("steps", "missing", string(id)))
		}
	}
	seenRole := map[Role]bool{}
	for i, c := range s.Contacts {
		if seenRole[c.Role] {
			out = append(out, v.Fail(fmt.Sprintf("contacts[%d].role", i), "unique", ""))
		}
		seenRole[c.Role] = true
	}
	if c, ok := findContact(s.Contacts, RolePoliceCommand); !ok || c.Email == "" {
		out = append(out, v.Fail("contacts", "missing", "police_command.email"))
	}
	if c, ok := findContact(s.Contacts, RoleOperationsCentre); !ok || c.Phone == "" {
		out = append(out, v.Fail("contacts", "missing", "operations_centre.phone"))
	}
	out = append(out, escalationErrors(v, s.Policy.Escalation)...)
	seenTerritory := map[string]bool{}
	for i, t := range s.Territories {
		if seenTerritory[t.ID] {
			out = append(out, v.Fail(fmt.Sprintf("territories[%d].id", i), "unique", ""))
		}
		seenTerritory[t.ID] = true
	}
	return out
}

func findContact(cs []Contact, r Role) (Contact, bool) {
	i := slices.IndexFunc(cs, func(c Contact) bool { return c.Role == r })
	if i < 0 {
		return Contact{}, false
	}
	return cs[i], true
}

func (s Spec) clone() Spec {
	s.Issuers = slices.Clone(s.Issuers)
	s.Steps = slices.Clone(s.Steps)
	for i := range s.Steps {
		s.Steps[i].Counterparts = slices.Clone(s.Steps[i].Counterparts)
	}
	s.Contacts = slices.Clone(s.Contacts)
	s.Territories = slices.Clone(s.Territories)
	s.Policy.LocalHolidays = slices.Clone(s.Policy.LocalHolidays)
	s.Policy.Escalation = slices.Clone(s.Policy.Escalation)
	return s
}

// MaxSpecSize is the largest JSON document [Load] and
// [Guideline.UnmarshalJSON] accept: 1 MiB. A guideline is a few kilobytes
// (Milan's is under 10 KiB); the bound keeps a wrong or hostile input from
// taking the memory and time of the program that loads it.
const MaxSpecSize = 1 << 20

// ErrTooLarge is returned by [Load] and [Guideline.UnmarshalJSON] for a
// document larger than [MaxSpecSize].
var ErrTooLarge = errors.New("guideline: document larger than MaxSpecSize (1 MiB)")

// Load reads a guideline from JSON and validates it. It reads at most
// [MaxSpecSize] bytes, and refuses a longer document with [ErrTooLarge]
// without reading the rest.
//
// Unknown fields are an error, so that a misspelt field is not silently
// ignored: each is reported as a [FieldError] with the rule
// "unknown_field" and the path of the object that holds it ("" for the
// document itself, "policy", "steps[2]"), never with the field's name,
// since a key may be any text, personal data included. Field names match
// as encoding/json matches them, ignoring case.
//
// Every invalid field is reported at once in one [*ValidationError]: a
// field of the wrong type (rule "type"), an unknown field, and what [New]
// refuses. A document that is not JSON, or whose top level is not an
// object, is an error matching [ErrInvalid] that says where the JSON
// breaks.
func Load(r io.Reader) (Guideline, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSpecSize+1))
	if err != nil {
		return Guideline{}, fmt.Errorf("guideline: reading the document: %w", err)
	}
	return parse(data)
}

// parse decodes and validates a JSON document as [Load] describes.
func parse(data []byte) (Guideline, error) {
	if len(data) > MaxSpecSize {
		return Guideline{}, ErrTooLarge
	}
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return Guideline{}, malformed(err)
	}
	v := validate()
	var fields []FieldError
	for _, path := range unknownFields(raw, reflect.TypeFor[Spec](), "") {
		fields = append(fields, v.Fail(path, "unknown_field", ""))
	}
	var spec Spec
	skipped := ""
	if err := json.Unmarshal(data, &spec); err != nil {
		// encoding/json skips a field of the wrong type and decodes the
		// rest, so spec is validated as well; errors on the skipped field
		// itself, left at its zero value, are dropped.
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field == "" {
			return Guideline{}, malformed(err)
		}
		skipped = te.Field
		fields = append(fields, v.Fail(te.Field, "type", te.Value))
	}
	g, err := New(spec)
	var ve *ValidationError
	switch {
	case err == nil && len(fields) == 0:
		return g, nil
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			if skipped == "" || f.Path != skipped {
				fields = append(fields, f)
			}
		}
	case err != nil:
		return Guideline{}, err
	}
	return Guideline{}, &ValidationError{Fields: fields}
}

// malformed describes a document that is not JSON, or not a JSON object,
// with where it breaks. encoding/json's syntax and type errors quote at
// most one character of the input, never a key or a value.
func malformed(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: malformed JSON at byte %d: %w", ErrInvalid, se.Offset, err)
	}
	return fmt.Errorf("%w: malformed JSON document: %w", ErrInvalid, err)
}

// unknownFields returns the paths of the objects in raw (a document
// decoded into any) that hold a key t does not define, once per such key,
// in a stable order. Values of a type with its own UnmarshalJSON, and
// values of the wrong JSON type (reported by encoding/json), are not
// walked.
func unknownFields(raw any, t reflect.Type, path string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return nil
	}
	var out []string
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return nil
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			f, name, ok := jsonField(t, k)
			if !ok {
				out = append(out, path)
				continue
			}
			sub := name
			if path != "" {
				sub = path + "." + name
			}
			out = append(out, unknownFields(obj[k], f.Type, sub)...)
		}
	case reflect.Slice, reflect.Array:
		arr, ok := raw.([]any)
		if !ok {
			return nil
		}
		for i, e := range arr {
			out = append(out, unknownFields(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

// jsonField finds the exported field of struct type t that encoding/json
// decodes key into: the one whose json name is key, else the first whose
// json name equals key ignoring case.
func jsonField(t reflect.Type, key string) (reflect.StructField, string, bool) {
	var fold reflect.StructField
	foldName, found := "", false
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		if name == key {
			return f, name, true
		}
		if !found && strings.EqualFold(name, key) {
			fold, foldName, found = f, name, true
		}
	}
	return fold, foldName, found
}

// MarshalJSON writes the guideline's [Spec].
func (g Guideline) MarshalJSON() ([]byte, error) { return json.Marshal(g.spec) }

// UnmarshalJSON reads and validates a [Spec] exactly as [Load] does:
// at most [MaxSpecSize] bytes, unknown fields are an error and every
// invalid field is reported.
func (g *Guideline) UnmarshalJSON(b []byte) error {
	ng, err := parse(b)
	if err != nil {
		return err
	}
	*g = ng
	return nil
}

// Spec returns a copy of the guideline's data, to derive another guideline.
func (g Guideline) Spec() Spec { return g.spec.clone() }

// Version returns the identifier of this edition of the guideline.
func (g Guideline) Version() string { return g.spec.Version }

// Title returns the document's title.
func (g Guideline) Title() string { return g.spec.Title }

// Municipality returns the issuing municipality.
func (g Guideline) Municipality() string { return g.spec.Municipality }

// Issued returns the date of issue, at midnight in the policy's time zone.
func (g Guideline) Issued() time.Time {
	if g.loc == nil {
		return time.Time{}
	}
	t, _ := time.ParseInLocation(time.DateOnly, g.spec.Issued, g.loc)
	return t
}

// Issuers returns the offices that signed the document.
func (g Guideline) Issuers() []string { return slices.Clone(g.spec.Issuers) }

// Policy returns the policy values.
func (g Guideline) Policy() Policy {
	p := g.spec.Policy
	p.LocalHolidays = slices.Clone(p.LocalHolidays)
	p.Escalation = slices.Clone(p.Escalation)
	return p
}

// Location returns the policy's time zone (UTC for the zero Guideline).
func (g Guideline) Location() *time.Location {
	if g.loc == nil {
		return time.UTC
	}
	return g.loc
}

// Steps returns the steps of phase in order; of both phases, preventive
// first, when phase is empty.
func (g Guideline) Steps(phase Phase) []Step {
	var out []Step
	for _, p := range Phases() {
		if phase != "" && p != phase {
			continue
		}
		for _, s := range g.spec.Steps {
			if s.Phase == p {
				s.Counterparts = slices.Clone(s.Counterparts)
				out = append(out, s)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Step) int {
		if a.Phase != b.Phase {
			return slices.Index(Phases(), a.Phase) - slices.Index(Phases(), b.Phase)
		}
		return a.Number - b.Number
	})
	return out
}

// Step returns the step with this identifier.
func (g Guideline) Step(id StepID) (Step, bool) {
	for _, s := range g.Steps("") {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

// Duties returns the steps in which role acts: what the guideline asks of
// that role, each with its clause.
func (g Guideline) Duties(role Role) []Step {
	var out []Step
	for _, s := range g.Steps("") {
		if s.Actor == role {
			out = append(out, s)
		}
	}
	return out
}

// Contact returns how role is reached, if the guideline says.
func (g Guideline) Contact(role Role) (Contact, bool) { return findContact(g.spec.Contacts, role) }

// Contacts returns every contact.
func (g Guideline) Contacts() []Contact { return slices.Clone(g.spec.Contacts) }

// Territories returns the territories.
func (g Guideline) Territories() []Territory { return slices.Clone(g.spec.Territories) }

// Territory returns the territory with this identifier.
func (g Guideline) Territory(id string) (Territory, bool) {
	i := slices.IndexFunc(g.spec.Territories, func(t Territory) bool { return t.ID == id })
	if i < 0 {
		return Territory{}, false
	}
	return g.spec.Territories[i], true
}

// IsWorkingDay reports whether t's date, in the policy's time zone, is a
// working day: Monday to Friday, not a national or local holiday.
func (g Guideline) IsWorkingDay(t time.Time) bool {
	if g.calendar == nil {
		wd := t.Weekday()
		return wd != time.Saturday && wd != time.Sunday
	}
	return g.calendar.IsWorkday(t.In(g.Location()))
}

// maxLeadCount bounds the days LeadTime walks: a request years ahead has a
// lead time of at least this many working days, which exceeds any policy.
const maxLeadCount = 366

// LeadTime returns the notice a request sent at sent gives for an
// appointment at appointment: the number of working days after the day of
// sending up to and including the day of the appointment, in the policy's
// time zone. A request sent on Monday for Thursday gives 3 working days; one
// sent on the day of the appointment, or after it, gives 0. The count stops
// at 366.
func (g Guideline) LeadTime(sent, appointment time.Time) WorkingDays {
	loc := g.Location()
	d := noon(sent.In(loc)).AddDate(0, 0, 1)
	end := noon(appointment.In(loc))
	n := 0
	for i := 0; !d.After(end) && i < maxLeadCount; i++ {
		if g.IsWorkingDay(d) {
			n++
		}
		d = d.AddDate(0, 0, 1)
	}
	return WorkingDays(n)
}

func noon(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 12, 0, 0, 0, t.Location())
}
