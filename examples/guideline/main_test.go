package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunPrintsTheProcedure(t *testing.T) {
	t.Parallel()
	var it, en bytes.Buffer
	if err := run(nil, &it); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-lang", "en"}, &en); err != nil {
		t.Fatal(err)
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
	if err := run([]string{"-format", "json"}, &js); err != nil {
		t.Fatal(err)
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
	if err := run([]string{"-config", path}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Versione: altro-comune-1") {
		t.Error("the configured guideline is not the one printed")
	}
	for _, f := range []string{"mermaid", "dot"} {
		var d bytes.Buffer
		if err := run([]string{"-format", f}, &d); err != nil || d.Len() == 0 {
			t.Errorf("format %s: %v", f, err)
		}
	}
	if err := run([]string{"-format", "pdf"}, &out); err == nil {
		t.Error("an unknown format is an error")
	}
	spec["version"] = ""
	b, _ = json.Marshal(spec)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"-config", path}, &out)
	if err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("an invalid configuration names its field: %v", err)
	}
}
