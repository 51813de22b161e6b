package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// runOK runs the program with args and returns its output.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"Verifica della catena: superata",
		"richieste, municipio-5, ",
		"eventi violenti, municipio-5, threat:",
		"dalla segnalazione a incident.operations_centre_called: conteggio",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Persona di Esempio") || strings.Contains(out, "XXXXXX00X00X000X") {
		t.Error("the output shows the demo's personal data")
	}
	return out
}

func TestRunContinuesTheFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro.jsonl")
	first := runOK(t, "-file", path)
	second := runOK(t, "-file", path)
	for _, want := range []string{"Voci già presenti: 0\n", "superata, 8 voci", "inviate 1, accolte 1, concluse 1"} {
		if !strings.Contains(first, want) {
			t.Errorf("first run: no %q", want)
		}
	}
	for _, want := range []string{"Voci già presenti: 8\n", "superata, 16 voci", "inviate 2, accolte 2, concluse 2"} {
		if !strings.Contains(second, want) {
			t.Errorf("second run: no %q", want)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("Persona di Esempio")) {
		t.Error("the file holds personal data in clear")
	}
}

func TestRunAfterACrash(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro.jsonl")
	runOK(t, "-file", path)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, st.Size()-20); err != nil {
		t.Fatal(err)
	}
	out := runOK(t, "-file", path)
	// The last append was the closure of the incident, alone in its batch.
	for _, want := range []string{"Scartati ", "Voci già presenti: 7\n", "superata, 15 voci"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

func TestRunDefaultsToATemporaryFile(t *testing.T) {
	t.Parallel()
	out := runOK(t)
	m := regexp.MustCompile(`\(-file per conservarlo\): (.+)\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the output does not say where the register is:\n%s", out)
	}
	if _, err := os.Stat(filepath.Dir(m[1])); !os.IsNotExist(err) {
		t.Errorf("the temporary directory is still there: %v", err)
	}
}

func TestRunBadArguments(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-unknown"}, {"extra"}} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit code %d, want 2", args, code)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-file", t.TempDir()}, &stdout, &stderr); code != 1 || stderr.Len() == 0 {
		t.Errorf("a directory as the file: exit code %d, stderr %q", code, stderr.String())
	}
}

// TestBinary builds the program and runs it twice on one file, as a user
// would.
func TestBinary(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "customregister")
	if out, err := exec.CommandContext(ctx, goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, want := range []string{"superata, 8 voci", "superata, 16 voci"} {
		out, err := exec.CommandContext(ctx, bin, "-file", filepath.Join(dir, "registro.jsonl")).CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("%v: want %q in:\n%s", err, want, out)
		}
	}
}
