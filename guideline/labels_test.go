package guideline_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/feature/plural"

	"github.com/sostegno/sostegno/guideline"
)

type labelledVisit struct {
	Venue  labelledVenue   `json:"venue"`
	People []labelledStaff `json:"people" validate:"max=2,dive"`
	Note   string          `json:"note" validate:"maxchars=3"`
	Code   string          `json:"code" validate:"required"`
}

type labelledVenue struct {
	Address string `json:"address" validate:"notblank"`
}

type labelledStaff struct {
	Name string `json:"name" validate:"required"`
}

var visitLabels = guideline.Labels{
	"venue.address":  {"Indirizzo della sede", "Address of the venue"},
	"people[].name":  {"Nome della persona n. %d", "Name of person no. %d"},
	"note":           {"Nota", "Note"},
	"unknown.path[]": {"Mai usata", "Never used"},
}

func fields(t *testing.T, err error) map[string]guideline.FieldError {
	t.Helper()
	var ve *guideline.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *guideline.ValidationError", err)
	}
	out := map[string]guideline.FieldError{}
	for _, f := range ve.Fields {
		out[f.Path] = f
	}
	return out
}

// A labelled validator names each field by its label, in the messages of
// the upstream rules, of the module's rules and of a rule checked by
// hand, and numbers list items from 1; the paths stay JSON paths, a field
// without a label keeps its name, and the validator it came from is
// unchanged.
func TestWithLabelsNamesFieldsForAPerson(t *testing.T) {
	t.Parallel()
	base := guideline.NewValidator()
	v := base.WithLabels(visitLabels)
	visit := labelledVisit{People: []labelledStaff{{Name: "x"}, {}}, Note: "èèèè", Venue: labelledVenue{Address: " "}}
	got := fields(t, v.Struct(visit))
	for path, want := range map[string][2]string{
		"venue.address":  {"Indirizzo della sede: campo obbligatorio, non può contenere solo spazi", "Address of the venue: required field, must not be only spaces"},
		"people[1].name": {"Nome della persona n. 2: campo obbligatorio", "Name of person no. 2: required field"},
		"note":           {"Nota: al massimo 3 caratteri", "Note: at most 3 characters"},
		"code":           {"code: campo obbligatorio", "code: required field"},
	} {
		f, ok := got[path]
		if !ok {
			t.Errorf("no error for %s: %v", path, got)
			continue
		}
		if f.Italian != want[0] || f.English != want[1] {
			t.Errorf("%s: %q / %q, want %q / %q", path, f.Italian, f.English, want[0], want[1])
		}
	}
	if f := v.Fail("people[0].name", "line", ""); f.Path != "people[0].name" ||
		f.Italian != "Nome della persona n. 1: deve stare su una riga, senza caratteri di controllo o non validi" {
		t.Errorf("Fail: %+v", f)
	}
	if f := base.Fail("venue.address", "notblank", ""); !strings.HasPrefix(f.Italian, "address: ") {
		t.Errorf("the unlabelled validator changed: %q", f.Italian)
	}
}

// A rule registered with catalog texts renders its count in the
// language's way and in the right plural form, uses its "-items" text for
// a list, and takes the label; its messages count for HasMessages.
func TestRegisterRuleTextPluralAndItems(t *testing.T) {
	t.Parallel()
	v := guideline.NewValidator()
	count := func(key, itOne, itOther, enOne, enOther string) guideline.Text {
		return guideline.Text{Key: key,
			Italian: plural.Selectf(2, "%d", plural.One, "%[1]s: al massimo %[2]d "+itOne, plural.Other, "%[1]s: al massimo %[2]d "+itOther),
			English: plural.Selectf(2, "%d", plural.One, "%[1]s: at most %[2]d "+enOne, plural.Other, "%[1]s: at most %[2]d "+enOther)}
	}
	for tag, text := range map[string]guideline.Text{
		"max":       count("test.max", "carattere", "caratteri", "character", "characters"),
		"max-items": count("test.max_items", "elemento", "elementi", "item", "items"),
		"required":  guideline.NewText("test.required", "%[1]s: campo obbligatorio", "%[1]s: required"),
	} {
		if err := v.RegisterRuleText(tag, nil, text); err != nil {
			t.Fatal(err)
		}
	}
	if !v.HasMessages("max-items") {
		t.Error("HasMessages(max-items) = false")
	}
	v = v.WithLabels(visitLabels)
	got := fields(t, v.Struct(labelledVisit{People: make([]labelledStaff, 3), Venue: labelledVenue{Address: "a"}}))
	for path, want := range map[string][2]string{
		"people": {"people: al massimo 2 elementi", "people: at most 2 items"},
		"code":   {"code: campo obbligatorio", "code: required"},
	} {
		if f := got[path]; f.Italian != want[0] || f.English != want[1] {
			t.Errorf("%s: %q / %q, want %q / %q", path, f.Italian, f.English, want[0], want[1])
		}
	}
	if f := v.Fail("note", "max", "1"); f.Italian != "Nota: al massimo 1 carattere" || f.English != "Note: at most 1 character" {
		t.Errorf("Fail: %q / %q", f.Italian, f.English)
	}
	if f := v.Fail("note", "max", "2000"); f.Italian != "Nota: al massimo 2.000 caratteri" || f.English != "Note: at most 2,000 characters" {
		t.Errorf("Fail: %q / %q", f.Italian, f.English)
	}
	if err := v.RegisterRuleText("broken", nil, guideline.Text{Key: "k"}); err == nil {
		t.Error("a text without its languages was accepted")
	}
}

// The line and text rules refuse what would break a header or hide text:
// control characters, separators, bidirectional overrides, invalid UTF-8.
func TestLineAndTextRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s          string
		line, text bool
	}{
		{"Via Tibaldi 41, Milano – è", true, true},
		{"", true, true},
		{"due\nrighe\r\n\tcon tab", false, true},
		{"NUL\x00", false, false},
		{"sep\u2028", false, false},
		{"para\u2029", false, false},
		{"bidi\u202e", false, false},
		{"isolate\u2066", false, false},
		{"bad\xff", false, false},
		{"bell\a", false, false},
	} {
		if got := guideline.ValidLine(tc.s); got != tc.line {
			t.Errorf("ValidLine(%q) = %v", tc.s, got)
		}
		if got := guideline.ValidText(tc.s); got != tc.text {
			t.Errorf("ValidText(%q) = %v", tc.s, got)
		}
	}
}

func ExampleValidator_WithLabels() {
	type venue struct {
		Address string `json:"address" validate:"notblank,line"`
	}
	v := guideline.NewValidator().WithLabels(guideline.Labels{
		"address": {"Indirizzo della sede", "Address of the venue"},
	})
	var ve *guideline.ValidationError
	if errors.As(v.Struct(venue{Address: "Via Tibaldi\n41"}), &ve) {
		for _, f := range ve.Fields {
			fmt.Println(f.Path, "–", f.Italian)
			fmt.Println(f.Path, "–", f.English)
		}
	}
	// Output:
	// address – Indirizzo della sede: deve stare su una riga, senza caratteri di controllo o non validi
	// address – Address of the venue: must be one line, without control or invalid characters
}

// FuzzValidLine checks that the line and text rules never panic, that a
// line is always valid text, and that neither accepts a NUL or invalid
// UTF-8.
func FuzzValidLine(f *testing.F) {
	for _, s := range []string{"", "Via Tibaldi 41", "a\nb", "\x00", "\u202e", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line, text := guideline.ValidLine(s), guideline.ValidText(s)
		if line && !text {
			t.Errorf("%q is a line but not text", s)
		}
		if text && (strings.ContainsRune(s, 0) || !utf8.ValidString(s)) {
			t.Errorf("%q accepted", s)
		}
	})
}
