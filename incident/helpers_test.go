package incident_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sostegno/sostegno/guideline"
)

// field is a field an error must name, with the rule it breaks.
type field struct{ path, rule string }

// assertInvalid checks that err wraps sentinel and a
// *guideline.ValidationError that names every field of want (and no other
// when exact), each labelled for a person; it returns that error.
func assertInvalid(t *testing.T, err, sentinel error, exact bool, want ...field) *guideline.ValidationError {
	t.Helper()
	var ve *guideline.ValidationError
	if !errors.Is(err, sentinel) || !errors.As(err, &ve) {
		t.Fatalf("err = %v, want %v and a *guideline.ValidationError", err, sentinel)
	}
	for _, w := range want {
		if !ve.Has(w.path, w.rule) {
			t.Errorf("error does not name %s (%s): %v", w.path, w.rule, err)
		}
	}
	if exact && len(ve.Fields) != len(want) {
		t.Errorf("%d fields reported, want %d: %v", len(ve.Fields), len(want), err)
	}
	assertLabelled(t, ve)
	return ve
}

// assertLabelled checks that every message of ve has its Italian and
// English text, and names its field for a person ("Label: what is wrong").
func assertLabelled(t *testing.T, ve *guideline.ValidationError) {
	t.Helper()
	for _, f := range ve.Fields {
		if strings.Contains(f.Italian, "non rispetta la regola") || f.Italian == "" || f.English == "" {
			t.Errorf("%s (%s) has no Italian message: %q", f.Path, f.Rule, f.Italian)
		}
		if !strings.Contains(f.Italian, ": ") || f.Italian == f.English {
			t.Errorf("%s (%s) is not labelled for a person: %q / %q", f.Path, f.Rule, f.Italian, f.English)
		}
	}
}
