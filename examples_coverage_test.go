package sostegno_test

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// exampleCovered are the packages whose every exported function and
// method of an exported type has a runnable Example: the lifecycles, which
// integrators call first.
var exampleCovered = []string{"request", "incident"}

// Every exported entry point of the lifecycles has a runnable Example (one
// with an "// Output:" comment, which go test runs), so that go doc shows
// each call working and the examples cannot drift from the code.
func TestEveryEntryPointHasARunnableExample(t *testing.T) {
	t.Parallel()
	for _, dir := range exampleCovered {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			missing, err := entryPointsWithoutExample(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(missing) > 0 {
				t.Errorf("%s: %d exported functions and methods have no runnable Example "+
					"(an Example function with an // Output: comment, in a _test.go file of the package):\n\t%s",
					dir, len(missing), strings.Join(missing, "\n\t"))
			}
		})
	}
}

// entryPointsWithoutExample parses the package in dir with its tests and
// returns, sorted, a line for each exported function, and each exported
// method of an exported type, that has no Example with output: its
// declaration and the name the Example should have.
// plumbing are methods that implement a standard interface (fmt.Stringer,
// fmt.Formatter, slog.LogValuer, json.Marshaler, error and its wrapping) or
// that only name a value's catalog key or check it against its enumeration.
// A user does not call them to use the package; the packages' own tests pin
// their behaviour (redaction above all), so they are not entry points that
// need a runnable Example.
var plumbing = map[string]bool{
	"String": true, "Format": true, "GoString": true, "LogValue": true,
	"MarshalJSON": true, "UnmarshalJSON": true, "MarshalText": true, "UnmarshalText": true,
	"Error": true, "Unwrap": true, "Is": true, "As": true,
	"Valid": true, "MessageKey": true, "NameKey": true, "SentenceKey": true,
}

func entryPointsWithoutExample(dir string) ([]string, error) {
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range slices.Concat(bp.GoFiles, bp.TestGoFiles, bp.XTestGoFiles) {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, module+"/"+dir)
	if err != nil {
		return nil, err
	}
	if len(p.Funcs)+len(p.Types) == 0 {
		return nil, fmt.Errorf("%s: no exported declarations found: run the test from the module root", dir)
	}
	var missing []string
	check := func(decl, example string, examples []*doc.Example) {
		for _, ex := range examples {
			if ex.Output != "" || ex.EmptyOutput {
				return
			}
		}
		line := fmt.Sprintf("%s → %s", decl, example)
		if len(examples) > 0 {
			line += " (its Examples have no // Output: comment, so they are not run)"
		}
		missing = append(missing, line)
	}
	for _, f := range p.Funcs {
		check("func "+f.Name, "Example"+f.Name, f.Examples)
	}
	for _, typ := range p.Types {
		for _, f := range typ.Funcs {
			check("func "+f.Name, "Example"+f.Name, f.Examples)
		}
		for _, m := range typ.Methods {
			if plumbing[m.Name] {
				continue
			}
			if m.Level > 0 {
				// Promoted from an embedded type: its Example belongs
				// with the type that declares it.
				continue
			}
			check(fmt.Sprintf("method (%s).%s", m.Recv, m.Name), "Example"+typ.Name+"_"+m.Name, m.Examples)
		}
	}
	slices.Sort(missing)
	return missing, nil
}
