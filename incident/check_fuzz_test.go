package incident_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

// FuzzCheck: Check never panics on any timeline another system may send.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "timelines", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	g := guideline.Milano2021()
	f.Fuzz(func(t *testing.T, b []byte) {
		tl, err := register.LoadTimeline(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, fd := range incident.Check(g, tl) {
			_ = fd.Text(guideline.Languages()[0])
		}
	})
}
