package sostegno_test

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

// The diagram in the README is generated from the data: this test fails when
// the two drift apart.
func TestReadmeDiagramMatchesTheData(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	want := "```mermaid\n" + guideline.Milano2021().Mermaid(language.Italian) + "```"
	if !strings.Contains(readme, want) {
		t.Errorf("README.md's mermaid block differs from `go run ./examples/guideline -format mermaid`; regenerate it")
	}
	lines := strings.Split(readme, "\n")
	if len(lines) < 5 || lines[2] != "```sh" || !strings.HasPrefix(lines[3], "go run ./examples/") || lines[4] != "go test ./..." {
		t.Errorf("README.md must start with the two commands: run the main example, then go test ./...")
	}
}
