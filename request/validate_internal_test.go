package request

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// Every tag used by the request's structs has an Italian and an English
// message: the validator would otherwise fall back to its English text.
func TestEveryTagHasMessages(t *testing.T) {
	t.Parallel()
	vs := validators()
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Slice || typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ == reflect.TypeFor[time.Time]() {
			return
		}
		seen[typ] = true
		for f := range typ.Fields() {
			for _, part := range strings.Split(f.Tag.Get("validate"), ",") {
				tag, _, _ := strings.Cut(part, "=")
				if tag == "" || tag == "dive" || tag == "omitempty" {
					continue
				}
				if !vs.v.HasMessages(tag) {
					t.Errorf("%s.%s: tag %q has no messages", typ.Name(), f.Name, tag)
				}
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[Preventive]())
	// Hand-checked rules too.
	for _, tag := range []string{"future", "past", "territory", "urgency_reason", "required", "type"} {
		if !vs.v.HasMessages(tag) {
			t.Errorf("rule %q has no messages", tag)
		}
	}
	if len(seen) < 6 {
		t.Errorf("walked %d structs", len(seen))
	}
}

// Every field has a label in both languages, and every text of the
// package is in the catalog.
func TestLabelsAndCatalog(t *testing.T) {
	t.Parallel()
	vs := validators()
	for _, l := range fieldLabels {
		got := vs.labels[l[0]]
		if got[0] != l[1] || got[1] != l[2] {
			t.Errorf("label of %s: %v", l[0], got)
		}
	}
	c := Catalog()
	for _, text := range Messages() {
		if !c.Has(text.Key) || !strings.HasPrefix(text.Key, "request.") {
			t.Errorf("text %q missing from the catalog or outside the package's prefix", text.Key)
		}
	}
	for _, k := range append(RiskFactors(), "") {
		if k != "" && vs.texts[k.MessageKey()][0] == "" {
			t.Errorf("risk factor %s has no label", k)
		}
	}
	for _, o := range Outcomes() {
		if vs.texts[o.MessageKey()][1] == "" {
			t.Errorf("outcome %s has no label", o)
		}
	}
	if _, err := guideline.NewCatalog(guideline.Messages(), Messages()); err != nil {
		t.Fatal(err)
	}
}

// The outcomes a request may record are exactly the codes the register
// accepts in register.DataOutcome: neither list may drift from the other.
func TestOutcomesAreTheRegisters(t *testing.T) {
	t.Parallel()
	var got []string
	for _, o := range Outcomes() {
		got = append(got, string(o))
	}
	if want := register.Outcomes(); !slices.Equal(got, want) {
		t.Errorf("request.Outcomes() = %v, register.Outcomes() = %v", got, want)
	}
}
