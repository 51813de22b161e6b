package guideline

import "testing"

// The tags listed as translated upstream must have a message in both
// languages; otherwise validator falls back silently to English.
func TestTranslatedTagsAreTranslated(t *testing.T) {
	t.Parallel()
	v := NewValidator()
	for _, tag := range translatedTags {
		for name, tr := range map[string]interface {
			T(key any, params ...string) (string, error)
		}{"it": v.it, "en": v.en} {
			// The length and comparison rules keep one message per kind
			// of field, under "tag-string", "tag-number" and "tag-items".
			_, err := tr.T(tag, "campo", "1")
			for _, sub := range []string{"-string", "-number", "-items"} {
				if err == nil {
					break
				}
				_, err = tr.T(tag+sub, "campo", "1")
			}
			if err != nil {
				t.Errorf("tag %q has no %s translation: %v", tag, name, err)
			}
		}
	}
}
