package guideline

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Labels name fields as the person filling a form knows them, in Italian
// ([0]) and English ([1]), by JSON path: "appointment.venue.address" is
// labelled "Indirizzo della sede" rather than "address". A list index is
// written "[]" in the path ("staff_involved[].name"), and %d in such a
// label stands for the item's number, from 1, of the last index:
// "Nome del collega coinvolto n. %d".
type Labels map[string][2]string

// of returns the label of the field at path, and whether it has one.
func (l Labels) of(path string) ([2]string, bool) {
	if len(l) == 0 {
		return [2]string{}, false
	}
	key, index := indexesAsBrackets(path)
	label, ok := l[key]
	if ok && index >= 0 {
		n := strconv.Itoa(index + 1)
		label = [2]string{strings.Replace(label[0], "%d", n, 1), strings.Replace(label[1], "%d", n, 1)}
	}
	return label, ok
}

// indexesAsBrackets writes every list index of path as "[]" and returns
// the last index found, or -1.
func indexesAsBrackets(path string) (string, int) {
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
		n, err := strconv.Atoi(path[i+1 : i+j])
		if err != nil {
			b.WriteString(path[i : i+j+1])
		} else {
			b.WriteString("[]")
			index = n
		}
		i += j
	}
	return b.String(), index
}

// WithLabels returns a validator with val's rules whose messages name
// each field by its label in labels, where val's name it by the last
// element of their JSON path: "Codice fiscale: campo obbligatorio"
// rather than "codice_fiscale: campo obbligatorio". A field without a
// label keeps its name. The paths of the errors do not change.
//
// Register every rule on val before calling WithLabels: the two share
// their rules.
func (val *Validator) WithLabels(labels Labels) *Validator {
	out := *val
	out.labels = labels
	return &out
}

// replaceName puts label where the validator wrote the field's name for
// {0}: at the start of msg, or else at its first occurrence.
func replaceName(msg, name, label string) string {
	if name == "" || name == label {
		return msg
	}
	if rest, ok := strings.CutPrefix(msg, name); ok {
		return label + rest
	}
	return strings.Replace(msg, name, label, 1)
}

// RegisterRuleText adds a validation rule under tag whose messages are
// catalog texts, for wording that needs a plural form or a number written
// in the language's way ("al massimo 2.000 caratteri"). The texts take
// the field's label as argument 1 (%[1]s) and the rule's parameter as
// argument 2: an int when it is an integer (%[2]d, and the selector of a
// [golang.org/x/text/feature/plural.Selectf] on argument 2), a string
// otherwise. A nil fn registers messages only, as for
// [Validator.RegisterRule].
//
// A text registered under tag followed by "-items" ("max-items") is used
// instead of tag's for a field that is a list or a map, as the
// validator's own translations of len, min and max do.
func (val *Validator) RegisterRuleText(tag string, fn validator.Func, text Text) error {
	if fn != nil {
		if err := val.v.RegisterValidation(tag, fn); err != nil {
			return fmt.Errorf("guideline: rule %q: %w", tag, err)
		}
	}
	if err := val.texts.add(tag, text); err != nil {
		return fmt.Errorf("guideline: rule %q: %w", tag, err)
	}
	val.messages[tag] = true
	return nil
}

// ruleTexts holds the messages of RegisterRuleText in a catalog of their
// own.
type ruleTexts struct {
	mu      sync.RWMutex
	builder *catalog.Builder
	keys    map[string]string // rule → text key
}

func newRuleTexts() *ruleTexts {
	return &ruleTexts{builder: catalog.NewBuilder(catalog.Fallback(language.Italian)), keys: map[string]string{}}
}

func (rt *ruleTexts) add(tag string, t Text) error {
	if t.Key == "" || t.Italian == nil || t.English == nil {
		return fmt.Errorf("text %q without its key or a language", t.Key)
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if err := rt.builder.Set(language.Italian, t.Key, t.Italian); err != nil {
		return err
	}
	if err := rt.builder.Set(language.English, t.Key, t.English); err != nil {
		return err
	}
	rt.keys[tag] = t.Key
	return nil
}

// key returns the text key of rule for a field of kind, or "".
func (rt *ruleTexts) key(rule string, kind reflect.Kind) string {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	switch kind {
	case reflect.Slice, reflect.Array, reflect.Map:
		if k, ok := rt.keys[rule+"-items"]; ok {
			return k
		}
	}
	return rt.keys[rule]
}

func (rt *ruleTexts) has(rule string, kind reflect.Kind) bool { return rt.key(rule, kind) != "" }

// render returns the Italian and English messages of rule.
func (rt *ruleTexts) render(rule string, kind reflect.Kind, label [2]string, param string) (string, string) {
	key := rt.key(rule, kind)
	var arg any = param
	if n, err := strconv.Atoi(param); err == nil {
		arg = n
	}
	out := [2]string{}
	for i, tag := range []language.Tag{language.Italian, language.English} {
		out[i] = message.NewPrinter(tag, message.Catalog(rt.builder)).Sprintf(key, label[i], arg)
	}
	return out[0], out[1]
}
