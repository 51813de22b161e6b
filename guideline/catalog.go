package guideline

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Text is one string a person reads, in Italian (the default) and English.
//
// Italian and English are catalog messages: [catalog.String] for fixed
// text, or a [golang.org/x/text/feature/plural.Selectf] selection where a
// count appears (every selection must end with a plural.Other case).
// Numbers that are identifiers, such as phone numbers, are passed to a
// printer as strings so they are not grouped with thousands separators.
type Text struct {
	// Key identifies the text; a printer looks it up with Sprintf(Key, ...).
	Key string
	// Italian is the Italian form.
	Italian catalog.Message
	// English is the English form.
	English catalog.Message
}

// Languages returns the languages of every catalog, Italian first: a tag
// that matches neither falls back to Italian.
func Languages() []language.Tag { return []language.Tag{language.Italian, language.English} }

// Catalog holds the library's texts in Italian and English. Build one with
// [NewCatalog]; it is immutable afterwards and safe for concurrent use. A
// [message.Printer] obtained from it is not: make one per rendering.
//
// The methods of this package that render a text for a printer
// ([Role.Name], [Clause.Text], [Duration.Text] and the like) look their
// texts up in the printer's catalog, which must hold [Messages]: a
// [Catalog] built with them, such as [BaseCatalog]. Given nil, or a
// printer whose catalog lacks a text, they render it in Italian from
// BaseCatalog.
type Catalog struct {
	builder *catalog.Builder
	matcher language.Matcher
	keys    []string
}

// ErrCatalog is wrapped by every error of [NewCatalog].
var ErrCatalog = errors.New("guideline: invalid message catalog")

// NewCatalog builds a catalog from sets of texts, typically [Messages]
// followed by the Messages of other packages of this module. It fails if a
// key is empty or repeated, or if a text lacks its Italian or English form.
func NewCatalog(sets ...[]Text) (*Catalog, error) {
	b := catalog.NewBuilder(catalog.Fallback(language.Italian))
	seen := map[string]bool{}
	var keys []string
	var errs []error
	for _, set := range sets {
		for _, t := range set {
			switch {
			case t.Key == "":
				errs = append(errs, fmt.Errorf("%w: text without a key", ErrCatalog))
				continue
			case seen[t.Key]:
				errs = append(errs, fmt.Errorf("%w: key %q repeated", ErrCatalog, t.Key))
				continue
			case t.Italian == nil:
				errs = append(errs, fmt.Errorf("%w: key %q without Italian text", ErrCatalog, t.Key))
				continue
			case t.English == nil:
				errs = append(errs, fmt.Errorf("%w: key %q without English text", ErrCatalog, t.Key))
				continue
			}
			seen[t.Key] = true
			keys = append(keys, t.Key)
			if err := b.Set(language.Italian, t.Key, t.Italian); err != nil {
				errs = append(errs, fmt.Errorf("%w: key %q: %w", ErrCatalog, t.Key, err))
			}
			if err := b.Set(language.English, t.Key, t.English); err != nil {
				errs = append(errs, fmt.Errorf("%w: key %q: %w", ErrCatalog, t.Key, err))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.Sort(keys)
	return &Catalog{builder: b, matcher: language.NewMatcher(Languages()), keys: keys}, nil
}

// Keys returns the keys of every text in the catalog, sorted.
func (c *Catalog) Keys() []string { return slices.Clone(c.keys) }

// Has reports whether the catalog holds a text with this key.
func (c *Catalog) Has(key string) bool {
	_, ok := slices.BinarySearch(c.keys, key)
	return ok
}

// Language returns the catalog language used for tag: English for any
// English tag, Italian for everything else.
func (c *Catalog) Language(tag language.Tag) language.Tag {
	_, i, conf := c.matcher.Match(tag)
	if conf == language.No {
		return language.Italian
	}
	return Languages()[i]
}

// Printer returns a new printer for tag, falling back to Italian for a
// language the catalog does not have. This is the one way the library gets
// a printer. The printer is not safe for concurrent use.
func (c *Catalog) Printer(tag language.Tag) *message.Printer {
	return message.NewPrinter(c.Language(tag), message.Catalog(c.builder))
}

var baseCatalog = sync.OnceValue(func() *Catalog {
	c, err := NewCatalog(Messages())
	if err != nil {
		// Messages is fixed data checked by the package's tests.
		panic(err)
	}
	return c
})

// BaseCatalog returns the catalog of this package's own texts (roles, phases,
// steps, policy rules). It is built once and never changes.
func BaseCatalog() *Catalog { return baseCatalog() }
