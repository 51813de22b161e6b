package guideline_test

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
	"golang.org/x/text/message/catalog"

	"github.com/sostegno/sostegno/guideline"
)

// sameInBothLanguages are the texts that are rightly the same in Italian
// and English: durations written with unit symbols ("4 min 30 s").
var sameInBothLanguages = map[string]bool{"duration.minutes_seconds": true, "duration.hours_minutes": true}

// render renders key with arguments that satisfy any text of the catalog:
// the texts take at most three arguments, strings or integers.
func render(c *guideline.Catalog, tag language.Tag, key string) string {
	p := c.Printer(tag)
	for _, args := range [][]any{{}, {2}, {"x"}, {"x", 2}, {2, 3}, {"x", 2, 3}, {"x", "y"}, {"x", "y", "z"}} {
		s := p.Sprintf(key, args...)
		if !strings.Contains(s, "%!") {
			return s
		}
	}
	return p.Sprintf(key)
}

func TestEveryKeyHasItalianAndEnglish(t *testing.T) {
	t.Parallel()
	c := guideline.BaseCatalog()
	require.NotEmpty(t, c.Keys())
	for _, key := range c.Keys() {
		it := render(c, language.Italian, key)
		en := render(c, language.English, key)
		assert.NotEqual(t, key, it, "%s has no Italian text", key)
		assert.NotEqual(t, key, en, "%s has no English text", key)
		if !sameInBothLanguages[key] {
			assert.NotEqual(t, it, en, "%s: Italian and English are the same, one is untranslated", key)
		}
		assert.NotContains(t, it+en, "%!", "%s: arguments do not fit the text", key)
	}
	// Every role, phase, step and rule has its texts.
	var keys []string
	for _, r := range guideline.Roles() {
		keys = append(keys, r.MessageKey())
	}
	for _, ph := range guideline.Phases() {
		keys = append(keys, ph.MessageKey())
	}
	for _, s := range guideline.StepIDs() {
		keys = append(keys, s.NameKey(), s.DutyKey())
	}
	for _, r := range guideline.Rules() {
		keys = append(keys, r.ID.MessageKey())
	}
	for _, k := range keys {
		assert.True(t, c.Has(k), "catalog lacks %s", k)
	}
}

func TestPluralForms(t *testing.T) {
	t.Parallel()
	it := guideline.BaseCatalog().Printer(language.Italian)
	en := guideline.BaseCatalog().Printer(language.English)
	assert.Equal(t, "1 giorno lavorativo", guideline.WorkingDays(1).Text(it))
	assert.Equal(t, "3 giorni lavorativi", guideline.WorkingDays(3).Text(it))
	assert.Equal(t, "1 working day", guideline.WorkingDays(1).Text(en))
	assert.Equal(t, "0 working days", guideline.WorkingDays(0).Text(en))
	assert.Equal(t, "1 minuto", guideline.Duration(60e9).Text(it))
	assert.Equal(t, "1 min 30 s", guideline.Duration(90e9).Text(it))
	assert.Equal(t, "2 minutes", guideline.Duration(120e9).Text(en))
}

// TestDurationText: a duration reads in the largest sensible units, with
// plurals, never as thousands of seconds.
func TestDurationText(t *testing.T) {
	t.Parallel()
	it := guideline.BaseCatalog().Printer(language.Italian)
	en := guideline.BaseCatalog().Printer(language.English)
	const day = 24 * time.Hour
	cases := []struct {
		d      time.Duration
		it, en string
	}{
		{0, "0 secondi", "0 seconds"},
		{400 * time.Millisecond, "0 secondi", "0 seconds"},
		{time.Second, "1 secondo", "1 second"},
		{40 * time.Second, "40 secondi", "40 seconds"},
		{time.Minute, "1 minuto", "1 minute"},
		{4*time.Minute + 30*time.Second, "4 min 30 s", "4 min 30 s"},
		{59*time.Minute + 59*time.Second + 400*time.Millisecond, "59 min 59 s", "59 min 59 s"},
		{59*time.Minute + 59*time.Second + 600*time.Millisecond, "1 ora", "1 hour"},
		{7690 * time.Second, "2 h 8 min", "2 h 8 min"},
		{3 * time.Hour, "3 ore", "3 hours"},
		{23*time.Hour + 59*time.Minute + 40*time.Second, "1 giorno", "1 day"},
		{day + 2*time.Hour, "1 giorno 2 h", "1 day 2 h"},
		{3*day + 2*time.Hour + 20*time.Minute, "3 giorni 2 h", "3 days 2 h"},
		{5 * day, "5 giorni", "5 days"},
		{-90 * time.Second, "-1 min 30 s", "-1 min 30 s"},
		{time.Duration(math.MinInt64), "-106.751 giorni 23 h", "-106,751 days 23 h"},
	}
	for _, c := range cases {
		assert.Equal(t, c.it, guideline.Duration(c.d).Text(it), "%v", c.d)
		assert.Equal(t, c.en, guideline.Duration(c.d).Text(en), "%v", c.d)
	}
}

func TestPrinterFallsBackToItalian(t *testing.T) {
	t.Parallel()
	c := guideline.BaseCatalog()
	for _, tag := range []language.Tag{language.German, language.Und, language.MustParse("fr-CH"), language.Italian} {
		assert.Equal(t, language.Italian, c.Language(tag), "%s", tag)
	}
	for _, tag := range []language.Tag{language.English, language.AmericanEnglish, language.BritishEnglish} {
		assert.Equal(t, language.English, c.Language(tag), "%s", tag)
	}
	assert.Equal(t, "Fase preventiva", guideline.PhasePreventive.Name(c.Printer(language.Japanese)))
}

func TestNewCatalogRejectsIncompleteTexts(t *testing.T) {
	t.Parallel()
	cases := map[string][]guideline.Text{
		"no English": {{Key: "a", Italian: catalog.String("a")}},
		"no Italian": {{Key: "a", English: catalog.String("a")}},
		"no key":     {{Italian: catalog.String("a"), English: catalog.String("b")}},
		"repeated":   {{Key: "a", Italian: catalog.String("a"), English: catalog.String("b")}, {Key: "a", Italian: catalog.String("a"), English: catalog.String("b")}},
	}
	for name, texts := range cases {
		_, err := guideline.NewCatalog(texts)
		assert.ErrorIs(t, err, guideline.ErrCatalog, name)
	}
	_, err := guideline.NewCatalog(guideline.Messages(), guideline.Messages())
	assert.ErrorIs(t, err, guideline.ErrCatalog, "a package's texts added twice")

	c, err := guideline.NewCatalog(guideline.Messages(), []guideline.Text{{Key: "x.more", Italian: catalog.String("altro"), English: catalog.String("more")}})
	require.NoError(t, err)
	assert.Equal(t, "altro", c.Printer(language.Italian).Sprintf("x.more"), "later packages add their texts")
	assert.Equal(t, "Fase preventiva", guideline.PhasePreventive.Name(c.Printer(language.Italian)))
}

// validateTags returns every rule named in the validate tags of t and of the
// structs it contains.
func validateTags(t reflect.Type, seen map[reflect.Type]bool, out map[string]bool) {
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return
	}
	seen[t] = true
	for f := range t.Fields() {
		for _, part := range strings.Split(f.Tag.Get("validate"), ",") {
			rule, _, _ := strings.Cut(part, "=")
			switch rule {
			case "", "omitempty", "dive", "required_if":
				continue
			}
			out[rule] = true
		}
		validateTags(f.Type, seen, out)
	}
}

func TestEveryValidationRuleHasItalianMessages(t *testing.T) {
	t.Parallel()
	rules := map[string]bool{}
	validateTags(reflect.TypeFor[guideline.Spec](), map[reflect.Type]bool{}, rules)
	require.NotEmpty(t, rules)
	v := guideline.NewValidator()
	for rule := range rules {
		assert.True(t, v.HasMessages(rule), "rule %q has no Italian and English message", rule)
	}
	for _, rule := range []string{"unique", "missing", "type"} {
		assert.True(t, v.HasMessages(rule), "hand-checked rule %q", rule)
	}
}
