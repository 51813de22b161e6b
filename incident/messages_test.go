package incident_test

import (
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
)

// Every text of the package renders in Italian and English, differently.
func TestMessagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	c := incident.Catalog()
	it, en := c.Printer(language.Italian), c.Printer(language.English)
	sameInBoth := map[string]bool{"incident.digit.0": true}
	for _, txt := range incident.Messages() {
		if !strings.HasPrefix(txt.Key, "incident.") {
			t.Errorf("key %q lacks the incident. prefix, and may collide", txt.Key)
		}
		args := []any{"A", "B"}
		switch {
		case strings.HasSuffix(txt.Key, "subject_reminder"):
			args = []any{2, "A"}
		case strings.Contains(txt.Key, "rule.m"), strings.HasSuffix(txt.Key, "gte"), strings.HasSuffix(txt.Key, "lte"):
			// A rule's text takes the field's label, then the count.
			args = []any{"A", 2}
		case strings.Contains(txt.Key, "people"), strings.Contains(txt.Key, "[]"), strings.HasSuffix(txt.Key, "reminder"):
			args = []any{2}
		}
		i, e := it.Sprintf(txt.Key, args...), en.Sprintf(txt.Key, args...)
		if i == txt.Key || e == txt.Key || i == "" || e == "" {
			t.Errorf("key %q does not render: %q / %q", txt.Key, i, e)
		}
		// Extra arguments are expected (every key gets two); anything
		// else is a broken format.
		if bad := func(s string) bool { return strings.Contains(strings.ReplaceAll(s, "%!(EXTRA", ""), "%!") }; bad(i) || bad(e) {
			t.Errorf("key %q renders with a formatting error: %q / %q", txt.Key, i, e)
		}
		if i == e && !sameInBoth[txt.Key] {
			t.Errorf("key %q renders the same in Italian and English: %q", txt.Key, i)
		}
	}
	if _, err := guideline.NewCatalog(guideline.Messages(), incident.Messages()); err != nil {
		t.Errorf("the catalog does not build: %v", err)
	}
	for _, k := range incident.KindsBySeverity() {
		if k.Name(it) == k.Name(en) || !c.Has(k.SentenceKey()) {
			t.Errorf("kind %s lacks its texts", k)
		}
	}
	for _, d := range incident.DispatchTargets() {
		if d.Name(it) == d.Name(en) {
			t.Errorf("dispatch target %s lacks its texts", d)
		}
	}
}
