package checkin_test

import (
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/checkin"
	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
)

// What a person reads in Italian has no anglicism (check-in, check-out)
// and nothing ambiguous ("l'operatore solo in servizio" reads as "only
// the operator"), in this package's texts and in the incident texts that
// speak of its sessions. English keeps check-in and check-out.
func TestItalianTextsInPlainItalian(t *testing.T) {
	t.Parallel()
	for _, pkg := range []struct {
		name  string
		c     *guideline.Catalog
		texts []guideline.Text
	}{
		{"checkin", checkin.Catalog(), checkin.Messages()},
		{"incident", incident.Catalog(), append(incident.Messages(), incident.FindingMessages()...)},
	} {
		it := pkg.c.Printer(language.Italian)
		for _, text := range pkg.texts {
			s := strings.ToLower(it.Sprintf(text.Key, 2, "x", "y"))
			for _, bad := range []string{"check-in", "check-out", "checkin", "checkout", "operatore solo in servizio"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s: %s says %q in Italian", pkg.name, text.Key, bad)
				}
			}
		}
	}
	en := checkin.Catalog().Printer(language.English)
	if s := en.Sprintf("checkin.error.codes_equal"); !strings.Contains(s, "check-out") {
		t.Errorf("the English text lost its check-out: %q", s)
	}
}
