package guideline

import "testing"

func TestIndexesAsBrackets(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]struct {
		path  string
		index int
	}{
		"risk_factors[3]":      {"risk_factors[]", 3},
		"facts":                {"facts", -1},
		"a[1].b[x]":            {"a[].b[x]", 1},
		"a[1].b[12].c":         {"a[].b[].c", 12},
		"a[":                   {"a[", -1},
		"staff_involved[0].id": {"staff_involved[].id", 0},
	} {
		if p, i := indexesAsBrackets(in); p != want.path || i != want.index {
			t.Errorf("indexesAsBrackets(%q) = %q, %d", in, p, i)
		}
	}
}
