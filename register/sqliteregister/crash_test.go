package sqliteregister

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// crashKills is how many times TestCrash kills the appending child.
var crashKills = flag.Int("sostegno.kills", 500, "kills of the appending child in TestCrash (50 with -short)")

const (
	// crashChildEnv holds the register's path in the child.
	crashChildEnv = "SOSTEGNO_SQLITEREGISTER_CRASH_CHILD"
	// crashEarlyEnv makes the child print each sequence number before
	// Append, as a broken register would confirm: the test must see it.
	crashEarlyEnv = "SOSTEGNO_SQLITEREGISTER_CRASH_EARLY"
	// crashKillsPerFile bounds the size of a register, so that opening and
	// verifying it after each kill stays quick.
	crashKillsPerFile = 50
	// crashMaxDelay bounds the random moment of a kill, after the child
	// starts: early kills hit the opening and the migrations, later ones
	// the appends.
	crashMaxDelay = 60 * time.Millisecond
	// crashMaxWriteDelay bounds the random moment of a kill after the
	// child's first confirmation: such a kill hits the appends however
	// slowly the child started on a loaded machine.
	crashMaxWriteDelay = 20 * time.Millisecond
)

// crashChild opens the register at path and appends batches of one to four
// entries for ever, printing the last sequence number of each batch after
// Append returns. It ends only when killed.
func crashChild(path string) {
	ctx := context.Background()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "figlio:", err)
		os.Exit(2)
	}
	backend, err := Open(ctx, path, nil)
	if err != nil {
		fail(err)
	}
	l, err := register.Open(ctx, backend, nil)
	if err != nil {
		fail(err)
	}
	actor := register.Actor{Role: guideline.RoleOperator, ID: "crash"}
	data := []byte(`{"nota":"` + string(bytes.Repeat([]byte("x"), 200)) + `"}`)
	out := bufio.NewWriterSize(os.Stdout, 64)
	early := os.Getenv(crashEarlyEnv) != ""
	for i := 0; ; i++ {
		stream := "richiesta-" + strconv.Itoa(i%8)
		v, err := backend.Version(ctx, stream)
		if err != nil {
			fail(err)
		}
		events := make([]register.Event, 1+i%4)
		for j := range events {
			events[j] = register.Event{Kind: register.KindRequestSubmitted, Territory: "municipio-1", Actor: actor, Data: data}
		}
		if early {
			h, err := backend.Head(ctx)
			if err != nil {
				fail(err)
			}
			confirm(out, h.Seq+uint64(len(events)), fail)
		}
		entries, err := l.Append(ctx, stream, v, events...)
		if err != nil {
			fail(err)
		}
		if !early {
			confirm(out, entries[len(entries)-1].Seq, fail)
		}
	}
}

// confirm prints seq on a line of its own, straight to the pipe.
func confirm(out *bufio.Writer, seq uint64, fail func(error)) {
	fmt.Fprintf(out, "%d\n", seq)
	if err := out.Flush(); err != nil {
		fail(err)
	}
}

// TestCrash kills a child appending to the register with SIGKILL at random
// moments; after each kill the register opens, verifies, and holds every
// entry whose Append had returned.
func TestCrash(t *testing.T) {
	kills := *crashKills
	if testing.Short() {
		kills = min(kills, 50)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var (
		path     string
		appended int // children that were killed after at least one append
		start    = time.Now()
	)
	for k := range kills {
		if k%crashKillsPerFile == 0 {
			path = filepath.Join(dir, fmt.Sprintf("registro-%d.db", k/crashKillsPerFile))
		}
		// Every other kill waits for the first confirmation, so that at
		// least half of them hit the appends whatever the load.
		printed, stderr := runAndKill(t, exe, path, k%2 == 1)
		if printed > 0 {
			appended++
		}
		if err := checkAfterCrash(t.Context(), path, printed); err != nil {
			t.Fatalf("dopo l'uccisione %d (%d voci confermate dal figlio): %v\nstderr del figlio:\n%s", k+1, printed, err, stderr)
		}
	}
	t.Logf("%d uccisioni in %s; %d durante le scritture", kills, time.Since(start).Round(time.Millisecond), appended)
	if kills >= 100 && appended < kills/4 {
		t.Errorf("solo %d uccisioni su %d sono avvenute durante le scritture: il test non mette alla prova le scritture", appended, kills)
	}
}

// TestCrashCatchesEarlyConfirmations checks that TestCrash can fail: a
// child that confirms each append before making it is caught losing one.
func TestCrashCatchesEarlyConfirmations(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for k := range 200 {
		path := filepath.Join(dir, fmt.Sprintf("registro-%d.db", k/crashKillsPerFile))
		printed, _ := runAndKill(t, exe, path, true, crashEarlyEnv+"=1")
		if err := checkAfterCrash(t.Context(), path, printed); err != nil {
			t.Logf("uccisione %d: conferma anticipata scoperta: %v", k+1, err)
			return
		}
	}
	t.Fatal("200 uccisioni senza scoprire una conferma anticipata: il test di crash non vede le scritture perse")
}

// runAndKill starts the child on path, kills it at a random moment, and
// returns the highest sequence number it printed in full, and its stderr.
// The moment is within crashMaxDelay of the start, or, if afterFirst,
// within crashMaxWriteDelay of the child's first confirmation.
func runAndKill(t *testing.T, exe, path string, afterFirst bool, env ...string) (uint64, []byte) {
	t.Helper()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(append(os.Environ(), crashChildEnv+"="+path), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan uint64, 1)
	first := make(chan struct{})
	go func() { done <- lastSeq(stdout, first) }()
	delay := rand.N(crashMaxDelay)
	if afterFirst {
		// lastSeq closes first at the first confirmation, or when the
		// output ends.
		select {
		case <-first:
		case <-t.Context().Done():
		}
		delay = rand.N(crashMaxWriteDelay)
	}
	timer := time.NewTimer(delay)
	select {
	case <-timer.C:
	case <-t.Context().Done():
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	printed := <-done
	_ = cmd.Wait()
	if cmd.ProcessState.ExitCode() != -1 { // -1: ended by a signal
		t.Fatalf("il figlio è terminato da solo (codice %d):\n%s", cmd.ProcessState.ExitCode(), stderr.Bytes())
	}
	return printed, stderr.Bytes()
}

// lastSeq reads the child's output to the end and returns the last number
// on a complete line: a line cut by the kill is not a confirmation. It
// closes first at the first such line, or at the end if there is none.
func lastSeq(r io.Reader, first chan<- struct{}) uint64 {
	var last uint64
	seen := false
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			if !seen {
				close(first)
			}
			return last
		}
		if n, err := strconv.ParseUint(line[:len(line)-1], 10, 64); err == nil {
			if !seen {
				seen = true
				close(first)
			}
			last = n
		}
	}
}

// checkAfterCrash opens the register left by a killed child, verifies it,
// and checks that it holds at least printed entries.
func checkAfterCrash(ctx context.Context, path string, printed uint64) error {
	backend, err := Open(ctx, path, nil)
	if err != nil {
		return fmt.Errorf("Open: %w", err)
	}
	defer backend.Close()
	l, err := register.Open(ctx, backend, nil)
	if err != nil {
		return fmt.Errorf("register.Open: %w", err)
	}
	if err := l.Verify(ctx); err != nil {
		return fmt.Errorf("Verify: %w", err)
	}
	h, err := backend.Head(ctx)
	if err != nil {
		return fmt.Errorf("Head: %w", err)
	}
	if h.Seq < printed {
		return fmt.Errorf("il registro ha %d voci, il figlio ne aveva confermate %d", h.Seq, printed)
	}
	return nil
}
