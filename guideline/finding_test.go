package guideline_test

import (
	"testing"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

func TestFindingRendersThroughItsCatalog(t *testing.T) {
	t.Parallel()
	const code = "late_step"
	cat, err := guideline.NewCatalog(guideline.Messages(), []guideline.Text{
		guideline.NewText(guideline.FindingKey(code),
			"Il passo è stato compiuto da %[1]s dopo %[2]d minuti, oltre il limite (%[3]s).",
			"The step was taken by %[1]s after %[2]d minutes, past the limit (%[3]s)."),
	})
	if err != nil {
		t.Fatal(err)
	}
	clause := guideline.Clause{Phase: guideline.PhaseEmergency, Paragraph: 1, Item: 2}
	f := guideline.Finding{
		Code: code, Severity: guideline.SeverityError, Clause: clause, Entry: 3, Kind: "incident.operations_centre_called",
		Args: []any{guideline.RoleOperator, 7, clause}, Catalog: cat,
	}
	if got, want := f.Message(language.Italian), "Il passo è stato compiuto da Operatore dei servizi sociali dopo 7 minuti, oltre il limite (Gestione dell'emergenza, capoverso 1, punto 2)."; got != want {
		t.Errorf("Italian:\n%s\nwant\n%s", got, want)
	}
	if got, want := f.Message(language.English), "The step was taken by Social services operator after 7 minutes, past the limit (Emergency management, paragraph 1, item 2)."; got != want {
		t.Errorf("English:\n%s\nwant\n%s", got, want)
	}
	if got := f.Text(language.Italian); got != f.Message(language.Italian)+" (Gestione dell'emergenza, capoverso 1, punto 2)" {
		t.Errorf("Text: %s", got)
	}
	if got := f.String(); got != "late_step [error] entry 3" {
		t.Errorf("String: %s", got)
	}
	f.Entry = guideline.NoEntry
	if got := f.String(); got != "late_step [error]" {
		t.Errorf("String without entry: %s", got)
	}
	if !guideline.SeverityWarning.Valid() || guideline.Severity("fatal").Valid() {
		t.Error("Severity.Valid")
	}
}
