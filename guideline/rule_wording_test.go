package guideline_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

// The rules every package applies to what a person types have one
// wording, the label, a colon and what is wrong, which the catalog holds
// under RuleKey for the packages that render it themselves.
func TestCommonRulesHaveOneWording(t *testing.T) {
	t.Parallel()
	type form struct {
		Name  string `json:"name" validate:"notblank"`
		Code  string `json:"code" validate:"required"`
		Venue string `json:"venue" validate:"line"`
		Notes string `json:"notes" validate:"text"`
		Short string `json:"short" validate:"maxchars=1"`
		Long  string `json:"long" validate:"maxchars=1000"`
	}
	labels := guideline.Labels{}
	for _, f := range []string{"name", "code", "venue", "notes", "short", "long"} {
		labels[f] = [2]string{"Campo " + f, "Field " + f}
	}
	err := guideline.NewValidator().WithLabels(labels).Struct(form{
		Name: " ", Venue: "Via Tibaldi\n41", Notes: "a\x00b", Short: "èè", Long: strings.Repeat("x", 1001),
	})
	var ve *guideline.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *guideline.ValidationError", err)
	}
	want := map[string]struct{ rule, it, en string }{
		"name":  {"notblank", "Campo name: campo obbligatorio, non può contenere solo spazi", "Field name: required field, must not be only spaces"},
		"code":  {"required", "Campo code: campo obbligatorio", "Field code: required field"},
		"venue": {"line", "Campo venue: deve stare su una riga, senza caratteri di controllo o non validi", "Field venue: must be one line, without control or invalid characters"},
		"notes": {"text", "Campo notes: non può contenere caratteri di controllo o non validi", "Field notes: must not contain control or invalid characters"},
		"short": {"maxchars", "Campo short: al massimo 1 carattere", "Field short: at most 1 character"},
		"long":  {"maxchars", "Campo long: al massimo 1.000 caratteri", "Field long: at most 1,000 characters"},
	}
	if len(ve.Fields) != len(want) {
		t.Errorf("%d fields, want %d: %v", len(ve.Fields), len(want), err)
	}
	it := guideline.BaseCatalog().Printer(language.Italian)
	en := guideline.BaseCatalog().Printer(language.English)
	for _, f := range ve.Fields {
		w, ok := want[f.Path]
		if !ok {
			t.Errorf("unexpected %s: %s", f.Path, f.Italian)
			continue
		}
		if f.Rule != w.rule || f.Italian != w.it || f.English != w.en {
			t.Errorf("%s: %s %q / %q, want %s %q / %q", f.Path, f.Rule, f.Italian, f.English, w.rule, w.it, w.en)
		}
		label := labels[f.Path]
		if got := it.Sprintf(guideline.RuleKey(f.Rule), label[0], param(f.Param)); got != f.Italian {
			t.Errorf("%s: the catalog's Italian text of %s is %q, the validator's %q", f.Path, f.Rule, got, f.Italian)
		}
		if got := en.Sprintf(guideline.RuleKey(f.Rule), label[1], param(f.Param)); got != f.English {
			t.Errorf("%s: the catalog's English text of %s is %q, the validator's %q", f.Path, f.Rule, got, f.English)
		}
	}
}

// param is a rule's parameter as the catalog's texts take it.
func param(s string) any {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}
