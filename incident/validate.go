package incident

import (
	"sync"
	"unicode/utf8"

	validatorpkg "github.com/go-playground/validator/v10"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// Rules of this package, and guideline's that it checks by hand.
const (
	// ruleLine: guideline's "line" rule (see guideline.ValidLine).
	ruleLine = "line"
	// ruleText: guideline's "text" rule (see guideline.ValidText).
	ruleText = "text"
	// ruleKinds: a valid, non-empty Kinds set.
	ruleKinds = "kinds"
	// ruleID: an incident ID in canonical form.
	ruleID = "incidentid"
	// ruleReporter: a role that may report an incident.
	ruleReporter = "reporter"
	// ruleTaxCode: the shape of a codice fiscale.
	ruleTaxCode = "taxcode"
	// ruleAfterStart: a shift ends after it starts.
	ruleAfterStart = "after_start"
	// ruleReason: an EscalationReason.
	ruleReason = "reason"
	// ruleEmergencyStep: step 1 or 2 of an emergency.
	ruleEmergencyStep = "emergency_step"
)

// validator is guideline's validator with this package's rules and
// messages (ruleTexts), naming each field by its label (fieldLabels).
// Built once; safe for concurrent use.
var validator = sync.OnceValue(func() *guideline.Validator {
	v := guideline.NewValidator()
	str := func(ok func(string) bool) validatorpkg.Func {
		return func(fl validatorpkg.FieldLevel) bool { return ok(fl.Field().String()) }
	}
	// The rules checked by a function; the others are guideline's, or
	// checked by hand with Fail.
	fns := map[string]validatorpkg.Func{
		ruleKinds:  func(fl validatorpkg.FieldLevel) bool { return Kinds(fl.Field().Uint()).Valid() },
		ruleID:     str(func(s string) bool { return ID(s).Valid() }),
		ruleReason: str(func(s string) bool { return EscalationReason(s).Valid() }),
		ruleEmergencyStep: str(func(s string) bool {
			return s == string(StepAlertColleagues) || s == string(StepCallOperationsCentre)
		}),
	}
	for _, r := range ruleTexts {
		// Fixed data: an error here is a programming error caught by
		// this package's tests.
		if err := v.RegisterRuleText(r.tag, fns[r.tag], r.text); err != nil {
			panic(err)
		}
	}
	labels := guideline.Labels{}
	for _, f := range fieldLabels {
		labels[f.path] = [2]string{f.it, f.en}
	}
	return v.WithLabels(labels)
})

func runeCount(s string) int { return utf8.RuneCountInString(s) }

// validTaxCode reports whether s has the shape of a codice fiscale, as
// register.Pseudonymizer accepts it.
func validTaxCode(s string) bool {
	_, err := register.NormalizeCodiceFiscale(s)
	return err == nil
}

// structErrors validates s with v and returns its invalid fields.
func structErrors(v *guideline.Validator, s any) []guideline.FieldError {
	err := v.Struct(s)
	if err == nil {
		return nil
	}
	ve, ok := err.(*guideline.ValidationError)
	if !ok {
		// Struct fails otherwise only for a value that is not a struct,
		// which this package never passes.
		return []guideline.FieldError{v.Fail("", "type", "")}
	}
	return ve.Fields
}

// under puts the paths of fs under prefix, such as "incident." or
// "shifts[2].". The fields are labelled by their own paths first.
func under(prefix string, fs []guideline.FieldError) []guideline.FieldError {
	for i := range fs {
		fs[i].Path = prefix + fs[i].Path
	}
	return fs
}

// venueErrors checks what guideline.Venue's tags do not: each field is one
// line of valid text, since it goes into subjects and headers.
func venueErrors(v *guideline.Validator, venue guideline.Venue) []guideline.FieldError {
	var out []guideline.FieldError
	for _, f := range []struct{ name, value string }{
		{"name", venue.Name}, {"address", venue.Address}, {"territory", venue.Territory},
	} {
		if !guideline.ValidLine(f.value) {
			out = append(out, v.Fail("venue."+f.name, ruleLine, ""))
		}
	}
	return out
}
