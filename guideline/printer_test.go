package guideline_test

import (
	"testing"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
)

// Every method that renders a text for a printer renders it in Italian
// from BaseCatalog when the printer is nil, or when it was not built from
// a catalog holding Messages: never a bare catalog key, never a panic.
func TestTextsWithoutTheCatalogsPrinter(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	step := g.Steps(guideline.PhaseEmergency)[0]
	clause := guideline.Clause{Phase: guideline.PhaseEmergency, Paragraph: 1, Item: 2}
	rung := g.Policy().Ladder(guideline.StepAlertColleagues)[0]
	texts := map[string]func(p *message.Printer) string{
		"Role.Name":             guideline.RoleOperator.Name,
		"Phase.Name":            guideline.PhasePreventive.Name,
		"Step.Name":             step.Name,
		"Step.Duty":             step.Duty,
		"Step.Text":             step.Text,
		"Clause.Text":           clause.Text,
		"Clause.Text paragraph": guideline.Clause{Phase: guideline.PhasePreventive, Paragraph: 3}.Text,
		"WorkingDays.Text":      guideline.WorkingDays(3).Text,
		"Days.Text":             guideline.Days(7).Text,
		"Duration.Text":         guideline.Duration(2 * time.Minute).Text,
		"Duration.Text hours":   guideline.Duration(3 * time.Hour).Text,
		"EscalationAction.Name": guideline.EscalateOfficial.Name,
		"EscalationRung.Text":   rung.Text,
		"Guideline.RuleText": func(p *message.Printer) string {
			return g.RuleText(p, guideline.RuleAlertColleaguesTimeout)
		},
		"Guideline.RuleText supplementary": func(p *message.Printer) string {
			return g.RuleText(p, guideline.RuleSupportOffered)
		},
	}
	other, err := guideline.NewCatalog([]guideline.Text{guideline.NewText("other.text", "Altro", "Other")})
	if err != nil {
		t.Fatal(err)
	}
	italian := guideline.BaseCatalog().Printer(language.Italian)
	english := guideline.BaseCatalog().Printer(language.English)
	for name, text := range texts {
		want := text(italian)
		if want == "" || want == text(english) {
			t.Errorf("%s: Italian %q, English %q", name, want, text(english))
		}
		for pname, p := range map[string]*message.Printer{
			"nil":                   nil,
			"default catalog":       message.NewPrinter(language.English),
			"catalog without texts": other.Printer(language.English),
		} {
			got := func() (s string) {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s with a %s printer panics: %v", name, pname, r)
					}
				}()
				return text(p)
			}()
			if got != want {
				t.Errorf("%s with a %s printer = %q, want %q", name, pname, got, want)
			}
		}
	}
}
