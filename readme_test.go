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

// The README's tutorial is Example_tutorial's body, which go test runs:
// this test fails when the two drift apart.
func TestReadmeTutorialIsTheExample(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("tutorial_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "## Tutorial\n")
	if !ok {
		t.Fatal("README.md has no Tutorial section")
	}
	_, block, ok := strings.Cut(after, "```go\n")
	block, _, ok2 := strings.Cut(block, "```\n")
	if !ok || !ok2 {
		t.Fatal("README.md's Tutorial section has no go block")
	}
	_, body, ok := strings.Cut(string(src), "func Example_tutorial() {\n")
	body, _, ok2 = strings.Cut(body, "\t// Output:")
	if !ok || !ok2 {
		t.Fatal("tutorial_test.go has no Example_tutorial with an Output comment")
	}
	var want strings.Builder
	for line := range strings.SplitSeq(strings.TrimRight(body, "\n"), "\n") {
		want.WriteString(strings.TrimPrefix(line, "\t"))
		want.WriteString("\n")
	}
	if block != want.String() {
		t.Errorf("README.md's tutorial differs from Example_tutorial's body in tutorial_test.go; copy it over")
	}
}
