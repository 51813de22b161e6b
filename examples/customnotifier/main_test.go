package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sostegno/sostegno/notify/notifytest"
)

// demoSecrets are the demo's fictitious names, number and address, which
// the output must never show.
var demoSecrets = []string{"Operatrice Esempio", "Collega di turno", "+393330000001", "via dell'Esempio"}

// checkDemoOutput checks what a successful run prints.
func checkDemoOutput(t *testing.T, out string) {
	t.Helper()
	for _, want := range []string{
		"Gateway di prova in ascolto su https://127.0.0.1:",
		"tentativo 1 non riuscito",
		"status 503 Service Unavailable",
		"Consegnato: il gateway ha ricevuto 2 richieste",
		"Messaggi presi in carico dal gateway: 1",
		"chiave incident-demo-1/call-operations-centre, priorità urgent, destinatari +39••••••••01",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	notifytest.AssertNoLeak(t, demoSecrets, out)
}

func TestRun(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr.String())
	}
	checkDemoOutput(t, stdout.String())
}

func TestRunGivesUp(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-fail", "10", "-attempts", "2", "-lang", "en"}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "status 503 Service Unavailable") {
		t.Errorf("the error does not say what happened: %s", stderr.String())
	}
	notifytest.AssertNoLeak(t, demoSecrets, stdout.String(), stderr.String())
}

func TestRunBadArguments(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-fail", "-1"}, {"-attempts", "0"}, {"-lang", "!"}, {"-unknown"}, {"-fail", "many"}} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit code %d, want 2", args, code)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: the demo ran", args)
		}
	}
}

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, nil, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "context canceled") {
		t.Errorf("exit code %d, stderr %q: want 1 and the cancellation", code, stderr.String())
	}
}

// TestBinary builds the program and runs it as a user would.
func TestBinary(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "customnotifier")
	if out, err := exec.CommandContext(ctx, goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	checkDemoOutput(t, stdout.String())
}
