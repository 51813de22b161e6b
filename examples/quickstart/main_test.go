package main

import (
	"bytes"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"mime"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/sostegno/sostegno/notify/smtpnotify/smtptest"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// secrets are the fictitious service user's data: they must never appear
// in the output outside a text opened through the access log.
var secrets = []string{demoFamilyName, demoCF, demoResidence, "SMPMRA"}

// runDemo runs the program with args and returns its output, failing the
// test on a non-zero exit.
func runDemo(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(t.Context(), args, &out, &errb); code != 0 {
		t.Fatalf("%v: exit %d\nstderr: %s\nstdout:\n%s", args, code, errb.String(), out.String())
	}
	if errb.Len() != 0 {
		t.Errorf("%v: stderr: %s", args, errb.String())
	}
	return out.String()
}

// verified returns the number of entries the output says were verified.
func verified(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`(?:Verifica superata|Verification passed): (\d+) (?:voci|entries)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no passing verification in the output:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// section returns the output from the line holding from up to the line
// holding to (or the end).
func section(out, from, to string) string {
	i := strings.Index(out, from)
	if i < 0 {
		return ""
	}
	s := out[i:]
	if j := strings.Index(s[len(from):], to); j >= 0 {
		return s[:len(from)+j]
	}
	return s
}

// openedBlocks checks that every secret in out lies inside a block opened
// through the access log, and returns the access entry numbers of the
// blocks.
func openedBlocks(t *testing.T, out string) []uint64 {
	t.Helper()
	var seqs []uint64
	in := false
	seqRE := regexp.MustCompile(`#(\d+)$`)
	for i, line := range strings.Split(out, "\n") {
		switch {
		case strings.Contains(line, "▶"):
			m := seqRE.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("line %d: an opened text without its access entry: %s", i+1, line)
			}
			n, _ := strconv.ParseUint(m[1], 10, 64)
			seqs = append(seqs, n)
			in = true
		case strings.Contains(line, "◀"):
			in = false
		case !in:
			for _, s := range secrets {
				if strings.Contains(line, s) {
					t.Errorf("line %d shows personal data without an opening in the access log", i+1)
				}
			}
		}
	}
	return seqs
}

// readLog opens the SQLite register in dir for reading, without keys.
func readLog(t *testing.T, dir string) *register.Log {
	t.Helper()
	b, err := sqliteregister.Open(t.Context(), filepath.Join(dir, registerFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := register.Open(t.Context(), b, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// checkAccesses checks that each opening printed is an access entry of the
// register, by the demo's reader with the demo's purpose, and that the
// register holds no reading by those purposes that the output does not
// show.
func checkAccesses(t *testing.T, l *register.Log, seqs []uint64) {
	t.Helper()
	shown := map[uint64]bool{}
	for _, s := range seqs {
		shown[s] = true
	}
	readings := 0
	for e, err := range l.Stream(t.Context(), register.AccessStream) {
		if err != nil {
			t.Fatal(err)
		}
		var purpose struct {
			Purpose string `json:"purpose"`
		}
		if err := json.Unmarshal(e.Data, &purpose); err != nil {
			t.Fatal(err)
		}
		if purpose.Purpose != purposeRequest && purpose.Purpose != purposeShare {
			continue
		}
		readings++
		if !shown[e.Seq] {
			t.Errorf("access entry %d (%s) was not shown as an opening", e.Seq, purpose.Purpose)
		}
		if e.Actor != command && e.Actor != directorate {
			t.Errorf("access entry %d: reader %v", e.Seq, e.Actor)
		}
		delete(shown, e.Seq)
	}
	if len(shown) != 0 {
		t.Errorf("openings shown without an access entry of the demo: %v", shown)
	}
	if readings != len(seqs) {
		t.Errorf("%d openings shown, %d in the access log", len(seqs), readings)
	}
}

func TestTwoRunsContinueTheRegister(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "demo")
	out1 := runDemo(t, "-register", dir)

	subject := regexp.MustCompile(`Oggetto: (Richiesta di presenza cautelativa – Municipio 5 – colloquio programmato del \d\d/\d\d/\d{4} \(rif\. \d{4}-\d{6}\))`).FindStringSubmatch(out1)
	if subject == nil {
		t.Error("the output lacks the Italian subject of the request's e-mail")
	}
	for _, want := range []string{
		"02 77270282",
		"gabinetto.comando.pl@example.org", "direttore.area.territorialita@example.org",
		"example.org", "HSM", "creato ora", "Chiavi dimostrative create ora",
		"Parla Giulia Modello",
	} {
		if !strings.Contains(out1, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	if strings.Contains(out1, "comune.milano.it") {
		t.Error("the demo names a real address of the municipality")
	}
	for n := 1; n <= 4; n++ {
		re := regexp.MustCompile(`Passo ` + strconv.Itoa(n) + ` – [^:]+: \d\d/\d\d/\d{4} \d\d:\d\d:\d\d, [^,]+, .+ dopo la segnalazione`)
		if !re.MatchString(out1) {
			t.Errorf("step %d of the emergency is not shown with its time and actor", n)
		}
	}
	if s := section(out1, "request.Check", "== 2."); !strings.Contains(s, "Nessun rilievo") || strings.Contains(s, " - ") {
		t.Errorf("the clean request has findings:\n%s", s)
	}
	s := section(out1, "incident.Check", "== 3.")
	if !strings.Contains(s, "[escalated]") || !strings.Contains(s, "sollecitato") {
		t.Errorf("the emergency's findings lack the escalation:\n%s", s)
	}
	if !strings.Contains(out1, "sollecito del passo 2") {
		t.Error("the escalation of step 2 is not shown")
	}
	n1 := verified(t, out1)
	for _, f := range []string{sealingFile, pseudonymFile, signerFile, verifierFile, checkpointFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, st.Mode().Perm())
		}
	}
	seqs1 := openedBlocks(t, out1)
	if len(seqs1) != 2 {
		t.Errorf("%d openings, want 2 (the Command's request, the Directorate's copy)", len(seqs1))
	}

	out2 := runDemo(t, "-register", dir)
	n2 := verified(t, out2)
	if n2 <= n1 {
		t.Errorf("the second run verified %d entries, the first %d", n2, n1)
	}
	if !strings.Contains(out2, "checkpoint firmato dell'esecuzione precedente ("+strconv.Itoa(n1)+" voci)") {
		t.Error("the second run does not verify against the first run's checkpoint")
	}
	if !strings.Contains(out2, "riaperto con "+strconv.Itoa(n1)+" voci") || !strings.Contains(out2, "Chiavi dimostrative lette") {
		t.Error("the second run does not say it continues the register")
	}
	done := regexp.MustCompile(`richiesta (\S+) ed evento (\S+) registrati`)
	d1, d2 := done.FindStringSubmatch(out1), done.FindStringSubmatch(out2)
	if d1 == nil || d2 == nil || d1[1] == d2[1] || d1[2] == d2[2] {
		t.Errorf("the second run does not use new IDs: %v, %v", d1, d2)
	}
	if !strings.Contains(out1, "Eventi, Municipio 5, minaccia: 1") || !strings.Contains(out2, "Eventi, Municipio 5, minaccia: 2") {
		t.Error("the summary does not grow with the second run")
	}
	seqs2 := openedBlocks(t, out2)
	checkAccesses(t, readLog(t, dir), append(seqs1, seqs2...))
}

func TestEMLFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	eml := filepath.Join(dir, "posta")
	out := runDemo(t, "-register", filepath.Join(dir, "demo"), "-eml", eml)
	files, err := filepath.Glob(filepath.Join(eml, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, strconv.Itoa(len(files))+" messaggi scritti come file .eml") {
		t.Errorf("the output does not count the %d files", len(files))
	}
	requestTo := map[string]int{}
	kinds := map[string]int{}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", filepath.Base(f), st.Mode().Perm())
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		h, parts, err := smtptest.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		kind := h.Get("X-Sostegno-Kind")
		kinds[kind]++
		to, err := h.AddressList("To")
		if err != nil || len(to) == 0 {
			t.Fatalf("%s: To: %v", filepath.Base(f), err)
		}
		for _, a := range to {
			if !strings.HasSuffix(a.Address, "@example.org") {
				t.Errorf("%s: a recipient outside example.org", filepath.Base(f))
			}
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
		if err != nil || subject == "" {
			t.Errorf("%s: subject %v", filepath.Base(f), err)
		}
		var cals int
		for _, p := range parts {
			if strings.HasPrefix(p.MediaType, "text/calendar") {
				cal, err := ics.ParseCalendar(bytes.NewReader(p.Body))
				if err != nil {
					t.Errorf("%s: the invitation does not parse: %v", filepath.Base(f), err)
					continue
				}
				if len(cal.Events()) != 1 {
					t.Errorf("%s: %d events in the invitation", filepath.Base(f), len(cal.Events()))
				}
				cals++
			}
		}
		if kind == register.KindRequestSubmitted {
			if cals != 1 {
				t.Errorf("%s: %d invitations, want 1", filepath.Base(f), cals)
			}
			if !strings.HasPrefix(subject, "Richiesta di presenza cautelativa") {
				t.Errorf("%s: subject is not the Italian request's", filepath.Base(f))
			}
			for _, a := range to {
				requestTo[a.Address]++
			}
		}
	}
	if requestTo["gabinetto.comando.pl@example.org"] == 0 || requestTo["direttore.area.territorialita@example.org"] == 0 {
		t.Errorf("the request's e-mails went to %v, want the Command and the Area Director", requestTo)
	}
	for _, k := range []string{"emergency.alert_colleagues", "emergency.call_script", "emergency.official_alert"} {
		if kinds[k] == 0 {
			t.Errorf("no .eml of kind %s (kinds: %v)", k, kinds)
		}
	}
}

func TestEnglish(t *testing.T) {
	t.Parallel()
	out := runDemo(t, "-register", filepath.Join(t.TempDir(), "demo"), "-lang", "en")
	for _, want := range []string{
		"Subject: Request for a precautionary presence",
		"Compliance check of the request", "No findings",
		"The four steps of the emergency", "Step 2 –",
		"Verification passed", "02 77270282", "secrets manager",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the English output lacks %q", want)
		}
	}
	for _, not := range []string{"Verifica superata", "Nessun rilievo", "Oggetto:", "Passo 1"} {
		if strings.Contains(out, not) {
			t.Errorf("the English output has %q", not)
		}
	}
	openedBlocks(t, out)
}

func TestRegisterCutShortFailsVerification(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "demo")
	runDemo(t, "-register", dir)
	if err := os.Remove(filepath.Join(dir, registerFile)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"-wal", "-shm"} {
		_ = os.Remove(filepath.Join(dir, registerFile+f))
	}
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"-register", dir}, &out, &errb); code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	if !strings.Contains(errb.String(), "errore:") {
		t.Errorf("stderr: %s", errb.String())
	}
	if strings.Contains(out.String(), "Verifica superata") {
		t.Error("a register shorter than its checkpoint passed verification")
	}
}

func TestMissingKeysAreAnError(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "demo")
	runDemo(t, "-register", dir)
	for _, f := range []string{sealingFile, pseudonymFile, signerFile, verifierFile} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	var errb bytes.Buffer
	if code := run(t.Context(), []string{"-register", dir}, io.Discard, &errb); code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	if !strings.Contains(errb.String(), "le sue chiavi non sono in") {
		t.Errorf("the error does not say the keys are missing: %s", errb.String())
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"-h"}, exitOK, "Uso: quickstart"},
		{[]string{"-lang", "fr"}, exitUsage, "lingue disponibili: it, en"},
		{[]string{"-nonexistent"}, exitUsage, "errore:"},
		{[]string{"extra"}, exitUsage, "argomenti non previsti"},
		{[]string{"-smtp", "http://example.org"}, exitUsage, "smtp"},
		{[]string{"-smtp", "smtp://example.org?colour=blue"}, exitUsage, "smtp"},
	} {
		var out, errb bytes.Buffer
		if code := run(t.Context(), tt.args, &out, &errb); code != tt.code {
			t.Errorf("%v: exit %d, want %d", tt.args, code, tt.code)
		}
		if !strings.Contains(out.String()+errb.String(), tt.out) {
			t.Errorf("%v: output lacks %q:\n%s%s", tt.args, tt.out, out.String(), errb.String())
		}
	}
}

// TestEveryTextIsInTheCatalog fails when a key the demo prints has no
// text: the printer would show the key itself.
func TestEveryTextIsInTheCatalog(t *testing.T) {
	t.Parallel()
	cat, err := newCatalog()
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "catalog.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 || !strings.HasPrefix(vs.Names[0].Name, "msg") {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		key, _ := strconv.Unquote(lit.Value)
		n++
		if !cat.Has(key) {
			t.Errorf("%s (%q) has no text", vs.Names[0].Name, key)
		}
		return true
	})
	if n < 40 {
		t.Errorf("found %d keys: the test does not read catalog.go", n)
	}
}

func TestSMTP(t *testing.T) {
	t.Parallel()
	// A local server without TLS, as a developer runs to look at the
	// e-mails of an application.
	srv := smtptest.NewServer(t, smtptest.WithTLS(smtptest.NoTLS))
	dir := t.TempDir()
	runDemo(t, "-register", filepath.Join(dir, "demo"), "-smtp", "smtp://"+srv.Addr()+"?insecure=true")
	got := map[string]int{}
	for _, m := range srv.Messages() {
		for _, a := range m.To {
			got[a]++
		}
	}
	for _, want := range []string{"gabinetto.comando.pl@example.org", "direttore.area.territorialita@example.org", "giulia.modello@example.org"} {
		if got[want] == 0 {
			t.Errorf("the server received nothing for %s (got %v)", want, got)
		}
	}
	for a := range got {
		if !strings.HasSuffix(a, "@example.org") {
			t.Errorf("a message to %s", a)
		}
	}
}

// TestPostgres runs the demo twice on a PostgreSQL register, in a schema
// of its own. It needs SOSTEGNO_POSTGRES_URL (see pgtest).
func TestPostgres(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, pgtest.Pool(t, 1))
	dir := filepath.Join(t.TempDir(), "demo")
	out1 := runDemo(t, "-register", dir, "-postgres", url, "-schema", schema)
	if !strings.Contains(out1, "PostgreSQL, schema "+schema) {
		t.Error("the output does not say where the register is")
	}
	n1 := verified(t, out1)
	out2 := runDemo(t, "-register", dir, "-postgres", url, "-schema", schema)
	if n2 := verified(t, out2); n2 <= n1 {
		t.Errorf("second run verified %d entries, first %d", n2, n1)
	}
	if !strings.Contains(out2, "dell'esecuzione precedente ("+strconv.Itoa(n1)+" voci)") {
		t.Error("the second run does not verify against the first run's checkpoint")
	}
	if _, err := os.Stat(filepath.Join(dir, registerFile)); err == nil {
		t.Error("a SQLite register was created beside the PostgreSQL one")
	}
}

// TestTheBinary builds the command and runs it as a newcomer does, in an
// empty folder, with the default register.
func TestTheBinary(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the command: skipped with -short")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "quickstart")
	if out, err := exec.CommandContext(ctx, gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := t.TempDir()
	for i := range 2 {
		cmd := exec.CommandContext(ctx, bin)
		cmd.Dir = work
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("run %d: %v\n%s", i+1, err, stderr.String())
		}
		verified(t, stdout.String())
		openedBlocks(t, stdout.String())
	}
	if _, err := os.Stat(filepath.Join(work, "sostegno-demo", registerFile)); err != nil {
		t.Errorf("the default register is not in ./sostegno-demo: %v", err)
	}
}

// cancelAt is the output of a run that is interrupted once it has written
// mark, as a process killed there would be: it cancels the run's context.
type cancelAt struct {
	bytes.Buffer
	mark   string
	cancel context.CancelFunc
}

func (w *cancelAt) Write(p []byte) (int, error) {
	n, err := w.Buffer.Write(p)
	if strings.Contains(w.String(), w.mark) {
		w.cancel()
	}
	return n, err
}

// TestARunAfterAnInterruptedOneStillEscalates: a run interrupted right
// after the report leaves its incident open; the next run still shows its
// own incident's step 2 escalated, and the escalated finding.
func TestARunAfterAnInterruptedOneStillEscalates(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "demo")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	w := &cancelAt{mark: "Evento: incident/", cancel: cancel}
	if code := run(ctx, []string{"-register", dir}, w, io.Discard); code == 0 {
		t.Fatalf("the interrupted run succeeded:\n%s", w.String())
	}
	old := regexp.MustCompile(`Evento: (incident/\S+)`).FindStringSubmatch(w.String())
	if old == nil {
		t.Fatalf("the interrupted run did not report its incident:\n%s", w.String())
	}

	out := runDemo(t, "-register", dir)
	own := regexp.MustCompile(`Evento: (incident/\S+)`).FindStringSubmatch(out)
	if own == nil || own[1] == old[1] {
		t.Fatalf("the second run's incident: %v, the interrupted one's: %s", own, old[1])
	}
	if !strings.Contains(out, old[1]) || !strings.Contains(section(out, "Orologio simulato", "== 1."), old[1]) {
		t.Errorf("the run does not say what it does with the interrupted run's incident %s", old[1])
	}
	s := section(out, "Evento: "+own[1], "I quattro passi")
	if !strings.Contains(s, "sollecito del passo 2") || !strings.Contains(s, "allarme al funzionario responsabile del territorio") {
		t.Errorf("the run's own step 2 is not escalated up to the responsible official:\n%s", s)
	}
	if f := section(out, "incident.Check", "== 3."); !strings.Contains(f, "[escalated]") || !strings.Contains(f, "«Chiamata al Capo Turno della Centrale Operativa» è stato sollecitato") {
		t.Errorf("the emergency's findings lack the escalation of step 2:\n%s", f)
	}
}
