package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunPrintsTheProcedure(t *testing.T) {
	t.Parallel()
	var it, en bytes.Buffer
	if code := run(nil, &it, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if code := run([]string{"-lang", "en"}, &en, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"FASE PREVENTIVA", "GESTIONE DELL'EMERGENZA", "02 77270282", "Passo 4 – Relazione della pattuglia"} {
		if !strings.Contains(it.String(), want) {
			t.Errorf("Italian output lacks %q", want)
		}
	}
	if !strings.Contains(en.String(), "EMERGENCY MANAGEMENT") {
		t.Error("English output lacks the emergency phase")
	}
}

func TestRunFormatsAndConfig(t *testing.T) {
	t.Parallel()
	var js bytes.Buffer
	if code := run([]string{"-format", "json"}, &js, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var spec map[string]any
	if err := json.Unmarshal(js.Bytes(), &spec); err != nil {
		t.Fatal(err)
	}
	spec["version"] = "altro-comune-1"
	b, _ := json.Marshal(spec)
	path := filepath.Join(t.TempDir(), "altro.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run([]string{"-config", path}, &out, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "Versione: altro-comune-1") {
		t.Error("the configured guideline is not the one printed")
	}
	for _, f := range []string{"mermaid", "dot"} {
		var d bytes.Buffer
		if code := run([]string{"-format", f}, &d, io.Discard); code != 0 || d.Len() == 0 {
			t.Errorf("format %s: exit %d", f, code)
		}
	}
	if code := run([]string{"-format", "pdf"}, &out, io.Discard); code == 0 {
		t.Error("an unknown format is an error")
	}
	spec["version"] = ""
	b, _ = json.Marshal(spec)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	code := run([]string{"-config", path}, &out, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "version") {
		t.Errorf("an invalid configuration names its field: exit %d, %s", code, stderr.String())
	}
}

func TestHelpPrintsUsageAndExitsZero(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help", "--help"} {
		var stdout, stderr bytes.Buffer
		if code := run([]string{arg}, &stdout, &stderr); code != 0 {
			t.Errorf("%s: exit %d, want 0; stderr: %s", arg, code, stderr.String())
		}
		for _, want := range []string{"Uso: guideline", "-lang", "-format", "-config"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("%s: the usage lacks %q: %s", arg, want, stdout.String())
			}
		}
		if stderr.Len() != 0 {
			t.Errorf("%s: help is not an error: %s", arg, stderr.String())
		}
	}
}

func TestUnsupportedLanguageIsAnError(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fr", "de-CH", "xx-not!a-tag", "und", ""} {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"-lang", lang}, &stdout, &stderr); code != 2 {
			t.Errorf("-lang %q: exit %d, want 2", lang, code)
		}
		if !strings.Contains(stderr.String(), "lingue disponibili: it, en") {
			t.Errorf("-lang %q: the error does not list the supported languages: %s", lang, stderr.String())
		}
		if stdout.Len() != 0 {
			t.Errorf("-lang %q: printed a procedure anyway", lang)
		}
	}
	for _, lang := range []string{"it", "en", "en-GB", "it-CH"} {
		if code := run([]string{"-lang", lang}, io.Discard, io.Discard); code != 0 {
			t.Errorf("-lang %q: exit %d, want 0", lang, code)
		}
	}
}

func TestWrongCommandLinesExitTwo(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-nonexistent"}, {"extra"}, {"-format", "pdf"}} {
		var stderr bytes.Buffer
		if code := run(args, io.Discard, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if !strings.HasPrefix(stderr.String(), "errore: ") {
			t.Errorf("%v: stderr = %s", args, stderr.String())
		}
	}
}

// TestTheBinary builds the command and runs it as a user does.
func TestTheBinary(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the command: skipped with -short")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "guideline")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		args       []string
		code       int
		out, noOut string
	}{
		{[]string{"-h"}, 0, "Uso: guideline", "flag: help requested"},
		{[]string{"-lang", "fr"}, 2, "lingue disponibili: it, en", "FASE PREVENTIVA"},
		{[]string{"-lang", "en"}, 0, "EMERGENCY MANAGEMENT", "errore"},
		{nil, 0, "FASE PREVENTIVA", "errore"},
	} {
		out, err := exec.Command(bin, tt.args...).CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d", tt.args, code, tt.code)
		}
		if !strings.Contains(string(out), tt.out) || strings.Contains(string(out), tt.noOut) {
			t.Errorf("%v: output:\n%s", tt.args, out)
		}
	}
}
