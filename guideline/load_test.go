package guideline_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

// endless yields a JSON document whose title never ends, and counts the
// bytes it is asked for.
type endless struct {
	started bool
	read    int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	if !e.started {
		n = copy(p, `{"title":"`)
		e.started = true
	}
	for i := n; i < len(p); i++ {
		p[i] = 'a'
	}
	e.read += int64(len(p))
	return len(p), nil
}

func TestLoadRefusesOversizedInputWithoutReadingItAll(t *testing.T) {
	t.Parallel()
	r := &endless{}
	_, err := guideline.Load(r)
	require.ErrorIs(t, err, guideline.ErrTooLarge)
	assert.True(t, strings.HasPrefix(err.Error(), "guideline: "), "%v", err)
	assert.LessOrEqual(t, r.read, int64(guideline.MaxSpecSize+1), "Load read past the limit")

	// The limit is on the document's size, whitespace included: Milan's
	// guideline padded to exactly MaxSpecSize loads, one byte more does not.
	good, err := json.Marshal(guideline.Milano2021())
	require.NoError(t, err)
	// The spaces go inside the object, so that json.Unmarshal passes them
	// on to UnmarshalJSON too.
	padded := append([]byte{'{'}, bytes.Repeat([]byte{' '}, guideline.MaxSpecSize-len(good))...)
	padded = append(padded, good[1:]...)
	_, err = guideline.Load(bytes.NewReader(padded))
	require.NoError(t, err)
	var g guideline.Guideline
	require.NoError(t, json.Unmarshal(padded, &g))
	padded = append([]byte{' '}, padded...)
	_, err = guideline.Load(bytes.NewReader(padded))
	require.ErrorIs(t, err, guideline.ErrTooLarge)
	padded = append([]byte{'{', ' '}, padded[2:]...)
	require.ErrorIs(t, json.Unmarshal(padded, &g), guideline.ErrTooLarge)
}

// TestLoadUnknownFieldsNameTheObjectNotTheKey: a key can be any text,
// personal data included, so an unknown field is reported by the path of
// the object holding it and the rule "unknown_field".
func TestLoadUnknownFieldsNameTheObjectNotTheKey(t *testing.T) {
	t.Parallel()
	const key = "Mariarosa Brambilla BRMMRS80A41F205X"
	var doc map[string]any
	good, err := json.Marshal(guideline.Milano2021())
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(good, &doc))
	doc[key] = 1
	doc["policy"].(map[string]any)[key] = "x"
	step := doc["steps"].([]any)[2].(map[string]any)
	step[key] = true
	step["clause"].(map[string]any)[key] = nil
	doc["contacts"].([]any)[1].(map[string]any)[key] = []any{}
	b, err := json.Marshal(doc)
	require.NoError(t, err)

	_, err = guideline.Load(bytes.NewReader(b))
	var ve *guideline.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, guideline.ErrInvalid)
	for _, path := range []string{"", "policy", "steps[2]", "steps[2].clause", "contacts[1]"} {
		assert.True(t, ve.Has(path, "unknown_field"), "no unknown_field at %q: %v", path, ve.Fields)
	}
	assert.Len(t, ve.Fields, 5, "%v", ve.Fields)
	for _, text := range []string{err.Error(), ve.Message(language.Italian), ve.Message(language.English)} {
		assert.NotContains(t, text, "Brambilla")
		assert.NotContains(t, text, "BRMMRS80A41F205X")
	}
	assert.Contains(t, err.Error(), "policy: holds a field with an unknown name")

	// encoding/json matches names ignoring case: so does the check.
	_, err = guideline.Load(strings.NewReader(strings.Replace(string(good), `"version"`, `"Version"`, 1)))
	require.NoError(t, err)
}

// TestLoadErrorsAreEnglishWithThePrefix: a Go error string is English with
// the package prefix; a broken document says where it breaks and never
// passes encoding/json's or io's error on bare.
func TestLoadErrorsAreEnglishWithThePrefix(t *testing.T) {
	t.Parallel()
	good, err := json.Marshal(guideline.Milano2021())
	require.NoError(t, err)
	for name, doc := range map[string]string{
		"truncated":        string(good[:len(good)/2]),
		"empty":            "",
		"not JSON":         "linee guida",
		"trailing content": string(good) + "{}",
		"array":            "[]",
	} {
		_, err := guideline.Load(strings.NewReader(doc))
		require.Error(t, err, name)
		assert.ErrorIs(t, err, guideline.ErrInvalid, name)
		assert.False(t, errors.Is(err, io.ErrUnexpectedEOF), "%s: %v", name, err)
		assert.True(t, strings.HasPrefix(err.Error(), "guideline: invalid data: malformed JSON"), "%s: %v", name, err)
	}
	_, err = guideline.Load(errReader{})
	assert.ErrorIs(t, err, errBroken)
	assert.True(t, strings.HasPrefix(err.Error(), "guideline: reading the document: "), "%v", err)
}

var errBroken = errors.New("disk on fire")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBroken }

// TestValidationErrorIsEnglishAndRendersForAPerson: Error is English for
// logs; Message renders every field for a person in Italian (the default)
// or English.
func TestValidationErrorIsEnglishAndRendersForAPerson(t *testing.T) {
	t.Parallel()
	_, err := guideline.Load(bytes.NewReader(badGuideline(t)))
	var ve *guideline.ValidationError
	require.ErrorAs(t, err, &ve)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "guideline: invalid data: "), msg)
	for _, f := range ve.Fields {
		assert.Contains(t, msg, f.Path+": "+f.English)
		assert.NotContains(t, msg, f.Italian)
	}
	for _, tt := range []struct {
		tag     language.Tag
		english bool
	}{{language.Italian, false}, {language.Und, false}, {language.German, false}, {language.English, true}, {language.BritishEnglish, true}} {
		lines := strings.Split(ve.Message(tt.tag), "\n")
		require.Len(t, lines, len(ve.Fields), "%s: one line per field", tt.tag)
		for i, f := range ve.Fields {
			want := f.Italian
			if tt.english {
				want = f.English
			}
			assert.Equal(t, f.Path+": "+want, lines[i], "%s", tt.tag)
		}
	}
	assert.Contains(t, ve.Message(language.Italian), "contacts[0].email: ")
}

// TestCatalogAndPhoneErrorsAreEnglish covers the other errors of the
// package.
func TestCatalogAndPhoneErrorsAreEnglish(t *testing.T) {
	t.Parallel()
	_, err := guideline.NewCatalog([]guideline.Text{{Key: "a"}})
	require.ErrorIs(t, err, guideline.ErrCatalog)
	assert.Contains(t, err.Error(), "guideline: invalid message catalog: key \"a\" without Italian text")
	_, err = guideline.ParsePhone("non è un numero")
	require.ErrorIs(t, err, guideline.ErrPhone)
	assert.Equal(t, "guideline: invalid phone number", err.Error())
}
