package request

import (
	"errors"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

// validatorSet is guideline's validator with this package's rules, and
// the labels and messages validation uses, rendered once from [Catalog].
type validatorSet struct {
	v *guideline.Validator
	// labels are the fields' labels, as fieldLabels give them.
	labels guideline.Labels
	// byKind is v with labels, and the date of the appointment named for
	// its kind ("Data del colloquio"); byKind[""] names it generically.
	byKind map[AppointmentKind]*guideline.Validator
	// texts maps a catalog key to its Italian and English text.
	texts map[string][2]string
}

var validators = sync.OnceValue(newValidatorSet)

func newValidatorSet() *validatorSet {
	c := Catalog()
	it, en := c.Printer(language.Italian), c.Printer(language.English)
	vs := &validatorSet{v: guideline.NewValidator(), labels: guideline.Labels{}, texts: map[string][2]string{}}
	for _, key := range c.Keys() {
		if strings.HasPrefix(key, "request.") {
			vs.texts[key] = [2]string{it.Sprintf(key), en.Sprintf(key)}
		}
	}
	for _, l := range fieldLabels {
		vs.labels[l[0]] = [2]string{l[1], l[2]}
	}
	fns := map[string]validator.Func{
		"request_id":        stringRule(func(s string) bool { return ID(s).Valid() }),
		"sex":               stringRule(func(s string) bool { return Sex(s).Valid() }),
		"codice_fiscale":    validCodiceFiscale,
		"appointment_kind":  stringRule(func(s string) bool { return AppointmentKind(s).Valid() }),
		"requesting_role":   stringRule(func(s string) bool { return guideline.Role(s) == guideline.RoleResponsibleOfficial }),
		"risk_factor":       stringRule(func(s string) bool { return RiskFactor(s).Valid() }),
		"facts":             stringRule(validFacts),
		"expected_duration": expectedDuration,
	}
	for _, r := range ruleTexts {
		// Rules without a function are checked by hand (future, territory,
		// urgency_reason) or are the validator's own (email, unique),
		// whose messages this package words for a person filling a form.
		if err := vs.v.RegisterRule(r[0], fns[r[0]], r[1], r[2]); err != nil {
			panic(err) // fixed data, checked by the tests
		}
	}
	for _, pr := range cfProblems {
		// One rule a problem of a codice fiscale, checked by hand.
		if err := vs.v.RegisterRule(keyCFPrefix+string(pr), nil, cfTexts[pr][0], cfTexts[pr][1]); err != nil {
			panic(err)
		}
	}
	vs.byKind = map[AppointmentKind]*guideline.Validator{"": vs.v.WithLabels(vs.labels)}
	for kind, key := range map[AppointmentKind]string{ScheduledInterview: keyStartInterview, Reception: keyStartReception} {
		labels := maps.Clone(vs.labels)
		labels["appointment.start"] = vs.texts[key]
		vs.byKind[kind] = vs.v.WithLabels(labels)
	}
	return vs
}

// forKind returns the validator that labels the fields of a request for
// an appointment of kind.
func (vs *validatorSet) forKind(kind AppointmentKind) *guideline.Validator {
	if v, ok := vs.byKind[kind]; ok {
		return v
	}
	return vs.byKind[""]
}

func stringRule(ok func(string) bool) validator.Func {
	return func(fl validator.FieldLevel) bool { return ok(fl.Field().String()) }
}

func validFacts(s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	n := utf8.RuneCountInString(s)
	return n >= MinFactsLength && n <= MaxFactsLength
}

func expectedDuration(fl validator.FieldLevel) bool {
	d := time.Duration(fl.Field().Int())
	return d >= time.Minute && d <= MaxAppointmentDuration
}

var personalDataType = reflect.TypeFor[PersonalData]()

// validCodiceFiscale is the "codice_fiscale" rule: the code is well formed
// and, on a PersonalData, agrees with the rest of it.
func validCodiceFiscale(fl validator.FieldLevel) bool {
	c := CodiceFiscale(fl.Field().String())
	if parent := fl.Parent(); parent.Type() == personalDataType {
		p := parent.Interface().(PersonalData)
		return c.ConsistentWith(p) == nil
	}
	_, err := decodeCF(string(c))
	return err == nil
}

// Validate checks the request as it is about to be sent at now, under g,
// and returns nil or a [*guideline.ValidationError] listing every problem
// at once. Each [guideline.FieldError] has the field's JSON path and a
// message in Italian and in English that names the field as the person
// filling the form knows it ("Codice fiscale", "Data del colloquio") and
// never repeats its value.
//
// Besides each field's own rule, it checks that the date of birth is
// before now; that the codice fiscale agrees with the names, the date of
// birth and the sex; that the appointment is after now and its venue's territory is one of g's; and that the notice
// (see [Preventive.Notice]) is at least the policy's minimum or else that
// an urgency reason is given: short notice is never accepted silently.
func (p Preventive) Validate(g guideline.Guideline, now time.Time) error {
	return p.validate(g, now, now)
}

// validate is [Preventive.Validate] with the notice counted from
// noticeFrom: the first submission, for a re-submission that keeps the
// appointment.
func (p Preventive) validate(g guideline.Guideline, now, noticeFrom time.Time) error {
	vs := validators()
	v := vs.forKind(p.Appointment.Kind)
	var fields []guideline.FieldError
	if err := v.Struct(p); err != nil {
		var ve *guideline.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for _, f := range ve.Fields {
			fields = append(fields, refine(v, p, f)...)
		}
	}
	if b := p.ServiceUser.PersonalData.BirthDate; !b.IsZero() && b.After(now) {
		fields = append(fields, v.Fail("service_user.personal_data.birth_date", "past", ""))
	}
	a := p.Appointment
	switch t := a.Venue.Territory; {
	case t == "":
		fields = append(fields, v.Fail("appointment.venue.territory", "required", ""))
	case !hasTerritory(g, t):
		fields = append(fields, v.Fail("appointment.venue.territory", "territory", ""))
	}
	if !a.Start.IsZero() {
		if !a.Start.After(now) {
			fields = append(fields, v.Fail("appointment.start", "future", ""))
		} else if n := p.Notice(g, noticeFrom); n.Short && strings.TrimSpace(string(p.UrgencyReason)) == "" {
			fields = append(fields, vs.urgencyRequired(n))
		}
	}
	if len(fields) > 0 {
		return &guideline.ValidationError{Fields: fields}
	}
	return nil
}

func hasTerritory(g guideline.Guideline, id string) bool {
	_, ok := g.Territory(id)
	return ok
}

// Notice is the advance notice a request gives: its lead time in working
// days, against the policy's minimum. Its JSON form is meant for the Data
// of the register entry that records the submission; it holds no personal
// data (the urgency reason itself is personal and travels sealed).
type Notice struct {
	// LeadTime is the lead time, as [guideline.Guideline.LeadTime]
	// computes it.
	LeadTime guideline.WorkingDays `json:"lead_time_working_days"`
	// MinLeadTime is the policy's minimum when the request was sent.
	MinLeadTime guideline.WorkingDays `json:"min_lead_time_working_days"`
	// Short reports short notice: LeadTime below MinLeadTime.
	Short bool `json:"short_notice"`
	// UrgencyReasonGiven reports whether the request gives an urgency
	// reason.
	UrgencyReasonGiven bool `json:"urgency_reason_given"`
}

// Notice returns the notice the request gives when sent at sent under g.
func (p Preventive) Notice(g guideline.Guideline, sent time.Time) Notice {
	minimum := g.Policy().MinLeadTime
	lead := g.LeadTime(sent, p.Appointment.Start)
	return Notice{
		LeadTime:           lead,
		MinLeadTime:        minimum,
		Short:              lead < minimum,
		UrgencyReasonGiven: strings.TrimSpace(string(p.UrgencyReason)) != "",
	}
}

// refine returns one error of the validator as it is, but an error of
// the codice_fiscale rule becomes one error per problem, each saying what
// is wrong.
func refine(v *guideline.Validator, p Preventive, f guideline.FieldError) []guideline.FieldError {
	if f.Rule != "codice_fiscale" {
		return []guideline.FieldError{f}
	}
	d := p.ServiceUser.PersonalData
	if d.CodiceFiscale == "" {
		return []guideline.FieldError{v.Fail(f.Path, "required", "")}
	}
	problems := Problems(d.CodiceFiscale.ConsistentWith(d))
	if len(problems) == 0 {
		return []guideline.FieldError{f}
	}
	out := make([]guideline.FieldError, 0, len(problems))
	for _, pr := range problems {
		position := ""
		if pr == CFCharacter {
			var ce *CodiceFiscaleError
			if errors.As(d.CodiceFiscale.ConsistentWith(d), &ce) {
				position = strconv.Itoa(ce.Position)
			}
		}
		e := v.Fail(f.Path, keyCFPrefix+string(pr), position)
		e.Rule, e.Param = "codice_fiscale", string(pr)
		out = append(out, e)
	}
	return out
}

// urgencyRequired is the error of short notice without a reason: it says
// the notice given and the minimum.
func (vs *validatorSet) urgencyRequired(n Notice) guideline.FieldError {
	c := Catalog()
	f := guideline.FieldError{Path: "urgency_reason", Rule: "urgency_reason", Param: strconv.Itoa(int(n.MinLeadTime))}
	l := vs.labels["urgency_reason"]
	it, en := c.Printer(language.Italian), c.Printer(language.English)
	f.Italian = it.Sprintf(keyUrgencyDetail, l[0], n.LeadTime.Text(it), n.MinLeadTime.Text(it))
	f.English = en.Sprintf(keyUrgencyDetail, l[1], n.LeadTime.Text(en), n.MinLeadTime.Text(en))
	return f
}
