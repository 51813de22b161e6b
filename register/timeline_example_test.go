package register_test

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// A timeline from another system is loaded and checked field by field; every
// invalid field is reported at once, by its path.
func ExampleLoadTimeline() {
	_, err := register.LoadTimeline(strings.NewReader(`{"guideline": "milano-2021-03-02", "stream": "incident/2026-000123",
	  "entries": [{"time": "3 novembre", "kind": "incident.reported", "actor": {"role": "sindaco", "id": "A123"}}]}`))
	var ve *guideline.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s: %s\n", f.Path, f.Message(language.Italian))
		}
	}
	// Output:
	// entries[0].time: time deve essere una data con ora e fuso orario nel formato RFC 3339, per esempio 2026-11-03T10:15:00+01:00
	// entries[0].actor.role: role deve essere uno dei ruoli previsti dalle linee guida oppure "system"
}
