package incident

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
)

// Every validation tag used by this package's types has its Italian and
// English messages in the validator (else it would fall back to English
// silently) and its text in the catalog, and every field it can name has
// a label a person knows: so that no message shows a bare JSON path.
func TestEveryRuleAndFieldHasItsTexts(t *testing.T) {
	t.Parallel()
	v, c := validator(), Catalog()
	hand := []string{ruleLine, ruleText, ruleReporter, ruleTaxCode, ruleAfterStart, "duration", "type", "role", "max"}
	for _, tag := range hand {
		if !v.HasMessages(tag) {
			t.Errorf("rule %q has no messages", tag)
		}
	}
	for _, root := range []struct {
		prefix string
		typ    reflect.Type
	}{
		{"", reflect.TypeFor[Incident]()},
		{"", reflect.TypeFor[CallScript]()},
		{"", reflect.TypeFor[Alert]()},
		{"", reflect.TypeFor[OfficialAlert]()},
		{"", reflect.TypeFor[Shift]()},
	} {
		walk(t, root.prefix, root.typ, func(path, tag string) {
			last := path[strings.LastIndex(path, ".")+1:]
			if !c.Has(keyFieldPrefix+path) && !strings.HasPrefix(path, "to[].") {
				t.Errorf("%s: field %q has no label", root.typ.Name(), path)
			}
			for _, rule := range strings.Split(tag, ",") {
				name, _, _ := strings.Cut(rule, "=")
				if name == "" || name == "omitempty" || name == "dive" || name == "-" {
					continue
				}
				if !v.HasMessages(name) {
					t.Errorf("%s.%s: rule %q has no messages", root.typ.Name(), path, name)
				}
				if (name == "max" || name == "min") && (last == "to" || last == "staff_involved") {
					name += "_items"
				}
				if !c.Has(keyRulePrefix+name) && !c.Has(guideline.RuleKey(name)) {
					t.Errorf("%s.%s: rule %q has no text in the catalog", root.typ.Name(), path, name)
				}
			}
		})
	}
	// The recipients of a call script are checked by hand, with the same
	// labels as the alert's.
	for _, f := range []string{"name", "email", "phone", "endpoint", "role"} {
		if !c.Has(keyFieldPrefix + "to[]." + f) {
			t.Errorf("no label for to[].%s", f)
		}
	}
}

// walk calls f with the JSON path and validate tag of every field of typ
// that has a tag, descending into structs and slices of structs.
func walk(t *testing.T, prefix string, typ reflect.Type, f func(path, tag string)) {
	for i := range typ.NumField() {
		sf := typ.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		tag := sf.Tag.Get("validate")
		if name == "-" || !sf.IsExported() || tag == "-" {
			continue
		}
		path := prefix + name
		if tag != "" {
			f(path, tag)
		}
		ft := sf.Type
		switch {
		case ft == reflect.TypeFor[time.Time](), ft == reflect.TypeFor[Private](), ft == reflect.TypeFor[guideline.Phone]():
		case ft.Kind() == reflect.Struct:
			walk(t, path+".", ft, f)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			walk(t, path+"[].", ft.Elem(), f)
		}
	}
}
