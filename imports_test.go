package sostegno_test

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/sostegno/sostegno"

// moduleImports returns, for every package of the module, the packages of
// the module it imports (tests excluded: a test may wire anything).
func moduleImports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		imp := module
		if path != "." {
			imp += "/" + filepath.ToSlash(path)
		}
		for _, dep := range pkg.Imports {
			if strings.HasPrefix(dep, module+"/") {
				out[imp] = append(out[imp], strings.TrimPrefix(dep, module+"/"))
			}
		}
		if _, ok := out[imp]; !ok {
			out[imp] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportRules(t *testing.T) {
	t.Parallel()
	pkgs := moduleImports(t)
	if _, ok := pkgs[module+"/guideline"]; !ok {
		t.Fatal("package guideline not found: run the test from the module root")
	}
	under := func(dep, prefix string) bool { return dep == prefix || strings.HasPrefix(dep, prefix+"/") }
	for pkg, deps := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		for _, dep := range deps {
			switch {
			case under(rel, "guideline"):
				t.Errorf("%s imports %s: guideline imports no other package of the module", rel, dep)
			case (under(rel, "notify") || under(rel, "register")) && (under(dep, "request") || under(dep, "incident")):
				t.Errorf("%s imports %s: the ports never import the lifecycles", rel, dep)
			case under(rel, "notify") && under(dep, "register"), under(rel, "register") && under(dep, "notify"):
				t.Errorf("%s imports %s: the two ports are independent", rel, dep)
			case !under(rel, "examples") && under(dep, "examples"):
				t.Errorf("%s imports %s: only examples wire things together", rel, dep)
			case (under(rel, "notify") || under(rel, "register")) && (under(dep, "outbox") || under(dep, "internal")):
				t.Errorf("%s imports %s: the ports never import what is built on them", rel, dep)
			case under(rel, "outbox") && !under(dep, "guideline") && dep != "notify" && dep != "register":
				t.Errorf("%s imports %s: outbox imports only guideline and the two ports' own packages", rel, dep)
			case under(dep, "internal/lifecycle") && !under(rel, "request") && !under(rel, "incident") && !under(rel, "internal/lifecycle"):
				t.Errorf("%s imports %s: only the lifecycles use internal/lifecycle", rel, dep)
			case under(dep, "internal/benchtest"):
				t.Errorf("%s imports %s: internal/benchtest is for benchmarks, imported only by _test.go files", rel, dep)
			}
		}
	}
	// outbox is the bridge: the one package outside the lifecycles that
	// imports both ports.
	for pkg, deps := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		if under(rel, "outbox") || under(rel, "internal/lifecycle") || under(rel, "request") || under(rel, "incident") || under(rel, "examples") {
			continue
		}
		if slices.ContainsFunc(deps, func(d string) bool { return under(d, "notify") }) &&
			slices.ContainsFunc(deps, func(d string) bool { return under(d, "register") }) {
			t.Errorf("%s imports both notify and register: only outbox bridges them", rel)
		}
	}
	// The ports' own packages pull in no adapter and no heavy dependency.
	for _, port := range []string{"notify", "register"} {
		for _, dep := range pkgs[module+"/"+port] {
			if dep != "guideline" {
				t.Errorf("%s imports %s: a port imports only guideline", port, dep)
			}
		}
		pkg, err := build.ImportDir(port, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, heavy := range []string{"modernc.org/sqlite", "github.com/jackc/pgx/v5", "github.com/wneessen/go-mail"} {
			if slices.ContainsFunc(pkg.Imports, func(s string) bool { return strings.HasPrefix(s, heavy) }) {
				t.Errorf("%s imports %s: heavy dependencies live in adapter sub-packages", port, heavy)
			}
		}
	}
}
