package guideline_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sostegno/sostegno/guideline"
)

func TestParsePhone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    guideline.Phone
		display string
	}{
		{"02 77270282", "+390277270282", "02 77270282"},
		{"0277270282", "+390277270282", "02 77270282"},
		{"+39 02 7727 0282", "+390277270282", "02 77270282"},
		{"0039 02 77270282", "+390277270282", "02 77270282"},
		{"06/1234567", "+39061234567", "06 1234567"},
		{"011-123.4567", "+390111234567", "011 1234567"},
		{"347 1234567", "+393471234567", "347 1234567"},
		{"+41 44 123 45 67", "+41441234567", "+41441234567"},
	}
	for _, c := range cases {
		got, err := guideline.ParsePhone(c.in)
		if assert.NoError(t, err, c.in) {
			assert.Equal(t, c.want, got, c.in)
			assert.Equal(t, c.display, got.Display(), c.in)
		}
	}
	for _, bad := range []string{"", "+", "02 7727 028x", "++390277270282", "+0 123", "02+77270282", "+3902777777777777777"} {
		_, err := guideline.ParsePhone(bad)
		assert.ErrorIs(t, err, guideline.ErrPhone, "%q", bad)
	}
	assert.Equal(t, "", guideline.Phone("").URI())
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"02 77270282", "+390277270282", "0039 02", "+", "", "३४५"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := guideline.ParsePhone(s)
		if err != nil {
			return
		}
		if !p.Valid() {
			t.Fatalf("ParsePhone(%q) = %q, not valid E.164", s, p)
		}
		again, err := guideline.ParsePhone(string(p))
		if err != nil || again != p {
			t.Fatalf("round trip of %q: %q, %v", p, again, err)
		}
		_ = p.Display()
		_ = p.Dial()
	})
}
