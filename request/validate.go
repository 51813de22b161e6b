package request

import (
	"errors"
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
	// labels maps a JSON path without list indexes to its Italian and
	// English label.
	labels map[string][2]string
	// texts maps a catalog key to its Italian and English text.
	texts map[string][2]string
}

var validators = sync.OnceValue(newValidatorSet)

func newValidatorSet() *validatorSet {
	c := Catalog()
	it, en := c.Printer(language.Italian), c.Printer(language.English)
	vs := &validatorSet{v: guideline.NewValidator(), labels: map[string][2]string{}, texts: map[string][2]string{}}
	for _, key := range c.Keys() {
		if strings.HasPrefix(key, "request.") {
			vs.texts[key] = [2]string{it.Sprintf(key), en.Sprintf(key)}
		}
	}
	for _, l := range fieldLabels {
		vs.labels[l[0]] = vs.texts[keyFieldPrefix+l[0]]
	}
	fns := map[string]validator.Func{
		"request_id":        stringRule(func(s string) bool { return ID(s).Valid() }),
		"sex":               stringRule(func(s string) bool { return Sex(s).Valid() }),
		"codice_fiscale":    validCodiceFiscale,
		"appointment_kind":  stringRule(func(s string) bool { return AppointmentKind(s).Valid() }),
		"requesting_role":   stringRule(func(s string) bool { return guideline.Role(s) == guideline.RoleResponsibleOfficial }),
		"risk_factor":       stringRule(func(s string) bool { return RiskFactor(s).Valid() }),
		"facts":             stringRule(validFacts),
		"maxchars":          maxChars,
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
	return vs
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

func maxChars(fl validator.FieldLevel) bool {
	n, err := strconv.Atoi(fl.Param())
	return err == nil && utf8.RuneCountInString(fl.Field().String()) <= n
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
	vs := validators()
	var fields []guideline.FieldError
	if err := vs.v.Struct(p); err != nil {
		var ve *guideline.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for _, f := range ve.Fields {
			fields = append(fields, vs.refine(p, f)...)
		}
	}
	if b := p.ServiceUser.PersonalData.BirthDate; !b.IsZero() && b.After(now) {
		fields = append(fields, vs.fail(p, "service_user.personal_data.birth_date", "past", ""))
	}
	a := p.Appointment
	switch t := a.Venue.Territory; {
	case t == "":
		fields = append(fields, vs.fail(p, "appointment.venue.territory", "required", ""))
	case !hasTerritory(g, t):
		fields = append(fields, vs.fail(p, "appointment.venue.territory", "territory", ""))
	}
	if !a.Start.IsZero() {
		if !a.Start.After(now) {
			fields = append(fields, vs.fail(p, "appointment.start", "future", ""))
		} else if n := p.Notice(g, now); n.Short && strings.TrimSpace(string(p.UrgencyReason)) == "" {
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

// label returns the Italian and English label of the field at path, for
// request p; the path's last element when the field has no label.
func (vs *validatorSet) label(p Preventive, path string) [2]string {
	base, index := stripIndexes(path)
	if base == "appointment.start" {
		switch p.Appointment.Kind {
		case ScheduledInterview:
			return vs.texts[keyStartInterview]
		case Reception:
			return vs.texts[keyStartReception]
		}
	}
	l, ok := vs.labels[base]
	if !ok {
		name := path[strings.LastIndexByte(path, '.')+1:]
		return [2]string{name, name}
	}
	if index >= 0 {
		c := Catalog()
		n := index + 1
		return [2]string{
			c.Printer(language.Italian).Sprintf(keyFieldItem, l[0], n),
			c.Printer(language.English).Sprintf(keyFieldItem, l[1], n),
		}
	}
	return l
}

// stripIndexes removes list indexes from a path and returns the last one
// found, or -1.
func stripIndexes(path string) (string, int) {
	if strings.IndexByte(path, '[') < 0 {
		return path, -1
	}
	var b strings.Builder
	index := -1
	for i := 0; i < len(path); i++ {
		if path[i] != '[' {
			b.WriteByte(path[i])
			continue
		}
		j := strings.IndexByte(path[i:], ']')
		if j < 0 {
			b.WriteString(path[i:])
			break
		}
		if n, err := strconv.Atoi(path[i+1 : i+j]); err == nil {
			index = n
		}
		i += j
	}
	return b.String(), index
}

// relabel puts the field's label where the validator wrote its JSON name:
// the validator names fields by their JSON name ({0} in every message),
// which is right for a path but not for a person.
func (vs *validatorSet) relabel(f guideline.FieldError, kind AppointmentKind) guideline.FieldError {
	return vs.relabelFor(Preventive{Appointment: Appointment{Kind: kind}}, f)
}

func (vs *validatorSet) relabelFor(p Preventive, f guideline.FieldError) guideline.FieldError {
	name := f.Path[strings.LastIndexByte(f.Path, '.')+1:]
	l := vs.label(p, f.Path)
	f.Italian = replaceName(f.Italian, name, l[0])
	f.English = replaceName(f.English, name, l[1])
	return f
}

// replaceName replaces the first occurrence of name in msg, which the
// validator put there for {0}, by label; at the start of msg first.
func replaceName(msg, name, label string) string {
	if rest, ok := strings.CutPrefix(msg, name); ok {
		return label + rest
	}
	return strings.Replace(msg, name, label, 1)
}

// fail builds the error of a rule checked by hand.
func (vs *validatorSet) fail(p Preventive, path, rule, param string) guideline.FieldError {
	return vs.relabelFor(p, vs.v.Fail(path, rule, param))
}

// refine relabels one error of the validator; an error of the
// codice_fiscale rule becomes one error per problem, each saying what is
// wrong.
func (vs *validatorSet) refine(p Preventive, f guideline.FieldError) []guideline.FieldError {
	if f.Rule != "codice_fiscale" {
		return []guideline.FieldError{vs.relabelFor(p, f)}
	}
	d := p.ServiceUser.PersonalData
	if d.CodiceFiscale == "" {
		return []guideline.FieldError{vs.fail(p, f.Path, "required", "")}
	}
	problems := Problems(d.CodiceFiscale.ConsistentWith(d))
	if len(problems) == 0 {
		return []guideline.FieldError{vs.relabelFor(p, f)}
	}
	l := vs.label(p, f.Path)
	out := make([]guideline.FieldError, 0, len(problems))
	for _, pr := range problems {
		param := ""
		if pr == CFCharacter {
			var ce *CodiceFiscaleError
			if errors.As(d.CodiceFiscale.ConsistentWith(d), &ce) {
				param = strconv.Itoa(ce.Position)
			}
		}
		t := vs.texts[keyCFPrefix+string(pr)]
		out = append(out, guideline.FieldError{
			Path:    f.Path,
			Rule:    "codice_fiscale",
			Param:   string(pr),
			Italian: strings.Replace(strings.Replace(t[0], "{0}", l[0], 1), "{1}", param, 1),
			English: strings.Replace(strings.Replace(t[1], "{0}", l[1], 1), "{1}", param, 1),
		})
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
