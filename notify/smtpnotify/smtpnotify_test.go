package smtpnotify_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/smtpnotify"
	"github.com/sostegno/sostegno/notify/smtpnotify/smtptest"
)

const (
	testFrom   = "Sostegno <sostegno@comune.example.it>"
	testDomain = "comune.example.it"
	// A service user's name and codice fiscale: they must never appear in
	// an error.
	personName = "Mario Rossi"
	personCF   = "RSSMRA85T10A562S"
	accents    = "è à ù ò ì é È"

	// The credentials the test server accepts.
	testUser     = "ufficio.sostegno"
	testPassword = "parola-segreta"
)

var invitation = []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nPRODID:-//sostegno//IT\r\n" +
	"BEGIN:VEVENT\r\nUID:req-1@comune.example.it\r\nDTSTART:20261201T090000Z\r\n" +
	"SUMMARY:Colloquio programmato – presenza cautelativa\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")

// fullMessage uses every feature of a Message.
func fullMessage(key string) notify.Message {
	return notify.Message{
		Key:      key,
		Kind:     "request.submitted",
		Priority: notify.Urgent,
		To: []notify.Recipient{
			{Role: guideline.RolePoliceCommand, Name: "Comando di Polizia Locale", Email: "comando@polizia.example.it"},
			{Role: guideline.RoleAreaDirector, Name: "Direttore Area Territorialità", Email: "direttore@comune.example.it"},
			{Role: guideline.RoleOperationsCentre, Name: "Centrale Operativa", Phone: "+390277271"},
		},
		Subject:  "Richiesta di presenza cautelativa: " + accents,
		Text:     "Si richiede la presenza cautelativa.\nCaratteri accentati: " + accents + "\n",
		HTML:     "<p>Si richiede la presenza cautelativa.</p><p>" + accents + "</p>",
		Language: language.Italian,
		Attachments: []notify.Attachment{
			{Name: "invito.ics", ContentType: "text/calendar; method=REQUEST", Data: invitation},
		},
	}
}

// personalMessage carries a service user's data in subject and body.
func personalMessage(key string) notify.Message {
	return notify.Message{
		Key:      key,
		Kind:     "request.submitted",
		To:       []notify.Recipient{{Role: guideline.RolePoliceCommand, Name: "Comando", Email: "comando@polizia.example.it"}},
		Subject:  "Colloquio con " + personName,
		Text:     "Utente: " + personName + ", codice fiscale " + personCF + ".\n",
		Personal: true,
	}
}

func TestDeliveredMessageContent(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t)
	n := s.Notifier(t, testFrom, nil)
	m := fullMessage("request/2026-0001/submitted")
	if err := n.Notify(t.Context(), m); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	got := s.Messages()
	if len(got) != 1 {
		t.Fatalf("il server ha ricevuto %d messaggi, atteso 1", len(got))
	}
	d := got[0]
	if !d.TLS {
		t.Error("messaggio ricevuto su connessione non cifrata")
	}
	if d.From != "sostegno@comune.example.it" {
		t.Errorf("MAIL FROM = %q", d.From)
	}
	if want := []string{"comando@polizia.example.it", "direttore@comune.example.it"}; fmt.Sprint(d.To) != fmt.Sprint(want) {
		t.Errorf("RCPT TO = %v, atteso %v", d.To, want)
	}
	for i, b := range d.Data {
		if b >= 0x80 {
			t.Fatalf("byte non ASCII %#x alla posizione %d: il messaggio deve essere codificato a 7 bit", b, i)
		}
	}

	h, parts := smtptest.ParseMessage(t, d.Data)
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("Subject = %q (%v), atteso %q", subject, err, m.Subject)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 2 || to[1].Name != "Direttore Area Territorialità" {
		t.Errorf("To = %v (%v)", to, err)
	}
	for header, want := range map[string]string{
		"Message-Id":        "<" + smtpnotify.MessageID(m.Key, testDomain) + ">",
		"X-Idempotency-Key": m.Key,
		"X-Sostegno-Kind":   m.Kind,
		"Importance":        "high",
		"X-Priority":        "1",
		"Auto-Submitted":    "auto-generated",
		"Content-Language":  "it",
	} {
		if got := h.Get(header); got != want {
			t.Errorf("%s = %q, atteso %q", header, got, want)
		}
	}

	byType := map[string]smtptest.Part{}
	for _, p := range parts {
		byType[p.MediaType] = p
	}
	if len(parts) != 3 {
		t.Errorf("%d parti, attese 3 (testo, HTML, allegato)", len(parts))
	}
	// Lines travel with CRLF endings, the canonical form of mail.
	if p := byType["text/plain"]; crlfToLF(p.Body) != m.Text || !strings.EqualFold(p.Params["charset"], "utf-8") {
		t.Errorf("testo = %q (charset %q), atteso %q", p.Body, p.Params["charset"], m.Text)
	}
	if p := byType["text/html"]; string(p.Body) != m.HTML {
		t.Errorf("HTML = %q, atteso %q", p.Body, m.HTML)
	}
	ics, ok := byType["text/calendar"]
	if !ok {
		t.Fatal("allegato text/calendar mancante")
	}
	if ics.Params["method"] != "REQUEST" {
		t.Errorf("allegato: method = %q, atteso REQUEST", ics.Params["method"])
	}
	if !bytes.Equal(ics.Body, invitation) {
		t.Errorf("allegato alterato:\n%q\natteso\n%q", ics.Body, invitation)
	}
	if cd := ics.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="invito.ics"`) {
		t.Errorf("Content-Disposition = %q", cd)
	}
}

func crlfToLF(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }

func TestMessageIDFollowsKey(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t)
	n := s.Notifier(t, testFrom, nil)
	for _, key := range []string{"chiave-a", "chiave-a", "chiave-b"} {
		if err := n.Notify(t.Context(), fullMessage(key)); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for _, d := range s.Messages() {
		h, _ := smtptest.ParseMessage(t, d.Data)
		ids = append(ids, h.Get("Message-Id"))
	}
	if len(ids) != 3 {
		t.Fatalf("%d messaggi ricevuti, attesi 3", len(ids))
	}
	if ids[0] != ids[1] {
		t.Errorf("stessa chiave, Message-ID diversi: %s, %s", ids[0], ids[1])
	}
	if ids[0] == ids[2] {
		t.Errorf("chiavi diverse, stesso Message-ID %s", ids[0])
	}
}

func TestMessageID(t *testing.T) {
	t.Parallel()
	a := smtpnotify.MessageID("request/1/submitted", "comune.example.it")
	if a != smtpnotify.MessageID("request/1/submitted", "comune.example.it") {
		t.Error("MessageID non deterministico")
	}
	if a == smtpnotify.MessageID("request/2/submitted", "comune.example.it") {
		t.Error("chiavi diverse danno lo stesso MessageID")
	}
	local, domain, ok := strings.Cut(a, "@")
	if !ok || domain != "comune.example.it" || len(local) != 32 || strings.Contains(a, "request") {
		t.Errorf("MessageID = %q: attesi 32 cifre esadecimali @ dominio, senza la chiave in chiaro", a)
	}
}

// failure is a way for delivery to fail, and how it must be classified.
type failure struct {
	name      string
	server    []smtptest.Option
	opts      smtpnotify.Options
	to        string // recipient address; default a valid one
	closed    bool   // no server listening at all
	permanent bool
	code      int
	target    error // a sentinel the error wraps, if any
}

var failures = []failure{
	{name: "destinatario rifiutato", server: []smtptest.Option{smtptest.RefuseRecipient("ignoto@comune.example.it", &smtp.SMTPError{
		Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "Destinatario sconosciuto: ignoto@comune.example.it (" + personName + " " + personCF + ")"})},
		to: "ignoto@comune.example.it", permanent: true, code: 550},
	{name: "destinatario momentaneamente non disponibile", server: []smtptest.Option{smtptest.RefuseRecipient("pieno@comune.example.it", &smtp.SMTPError{
		Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1},
		Message: "Casella momentaneamente non disponibile: pieno@comune.example.it"})},
		to: "pieno@comune.example.it", code: 450},
	{name: "connessione interrotta", server: []smtptest.Option{smtptest.DropAtMail()}},
	{name: "connessione rifiutata con 421", server: []smtptest.Option{smtptest.RefuseConnections(1)}, code: 421},
	{name: "nessun server in ascolto", closed: true},
	{name: "contenuto rifiutato", server: []smtptest.Option{smtptest.RefuseData(&smtpErr554)}, permanent: true, code: 554},
	{name: "contenuto rinviato", server: []smtptest.Option{smtptest.RefuseData(&smtpErr451)}, code: 451},
	{name: "STARTTLS assente", server: []smtptest.Option{smtptest.WithTLS(smtptest.NoTLS)}, permanent: true, target: smtpnotify.ErrNoStartTLS},
	{name: "credenziali errate", server: []smtptest.Option{smtptest.WithAuth(testUser, testPassword)},
		opts: smtpnotify.Options{Username: testUser, Password: "sbagliata"}, permanent: true, code: 535},
	{name: "autenticazione in chiaro", server: []smtptest.Option{smtptest.WithTLS(smtptest.NoTLS), smtptest.WithAuth(testUser, testPassword), smtptest.AllowInsecureAuth()},
		opts: smtpnotify.Options{AllowInsecure: true, AllowInsecurePersonalData: true,
			Username: testUser, Password: testPassword},
		permanent: true, target: smtpnotify.ErrAuthInClear},
	{name: "dati personali in chiaro", server: []smtptest.Option{smtptest.WithTLS(smtptest.NoTLS)},
		opts: smtpnotify.Options{AllowInsecure: true}, permanent: true, target: smtpnotify.ErrPersonalDataInClear},
}

// runFailure sends a personal message under f and returns the server (nil
// when there is none) and the error.
func runFailure(t *testing.T, f failure) (*smtptest.Server, error) {
	t.Helper()
	m := personalMessage("chiave-" + f.name)
	if f.to != "" {
		m.To[0].Email = f.to
	}
	if f.closed {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close()
		n, err := smtpnotify.New(addr, testFrom, &smtpnotify.Options{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return nil, n.Notify(t.Context(), m)
	}
	s := smtptest.NewServer(t, f.server...)
	opts := f.opts
	return s, s.Notifier(t, testFrom, &opts).Notify(t.Context(), m)
}

func TestFailuresAreClassified(t *testing.T) {
	t.Parallel()
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			s, err := runFailure(t, f)
			if err == nil {
				t.Fatal("Notify riuscito, atteso un errore")
			}
			if got := notify.IsPermanent(err); got != f.permanent {
				t.Errorf("IsPermanent = %v, atteso %v (%v)", got, f.permanent, err)
			}
			var de *notify.DeliveryError
			if !errors.As(err, &de) {
				t.Errorf("%v non contiene un *notify.DeliveryError", err)
			}
			var se *smtpnotify.Error
			if !errors.As(err, &se) {
				t.Fatalf("%v non contiene uno *smtpnotify.Error", err)
			}
			if se.Code != f.code {
				t.Errorf("Code = %d, atteso %d (%v)", se.Code, f.code, err)
			}
			if f.target != nil && !errors.Is(err, f.target) {
				t.Errorf("%v non contiene %v", err, f.target)
			}
			if s != nil && len(s.Messages()) != 0 {
				t.Errorf("il server ha ricevuto %d messaggi, nessuno atteso", len(s.Messages()))
			}
		})
	}
}

func TestErrorsLeakNoPersonalData(t *testing.T) {
	t.Parallel()
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			_, err := runFailure(t, f)
			if err == nil {
				t.Fatal("Notify riuscito, atteso un errore")
			}
			for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)} {
				for _, secret := range []string{personName, personCF, "comando@polizia.example.it", f.to} {
					if secret != "" && strings.Contains(text, secret) {
						t.Errorf("l'errore contiene un dato da non divulgare")
					}
				}
			}
		})
	}
}

var (
	// The server's reply text quotes the message: it must not reach errors.
	smtpErr554 = smtpError(554, "Messaggio rifiutato: Colloquio con "+personName+" "+personCF)
	smtpErr451 = smtpError(451, "Riprovare più tardi")
)

func smtpError(code int, text string) smtp.SMTPError {
	return smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: text}
}

func TestPersonalDataNeverInClear(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t, smtptest.WithTLS(smtptest.NoTLS))
	n := s.Notifier(t, testFrom, &smtpnotify.Options{AllowInsecure: true})

	err := n.Notify(t.Context(), personalMessage("personale-1"))
	if !notify.IsPermanent(err) || !errors.Is(err, smtpnotify.ErrPersonalDataInClear) {
		t.Fatalf("Notify di un messaggio personale in chiaro = %v, atteso ErrPersonalDataInClear permanente", err)
	}
	if st := s.Stats(); st.Connections != 1 || st.Envelopes != 0 || len(s.Messages()) != 0 {
		t.Fatalf("connessioni %d, MAIL FROM %d, messaggi %d: attesi 1, 0, 0", st.Connections, st.Envelopes, len(s.Messages()))
	}

	// AllowInsecure alone lets a message without personal data through.
	plain := personalMessage("non-personale-1")
	plain.Personal, plain.Subject, plain.Text = false, "Prova", "Nessun dato personale."
	if err := n.Notify(t.Context(), plain); err != nil {
		t.Fatalf("messaggio non personale con AllowInsecure: %v", err)
	}

	// Both opt-ins let the personal message through.
	both := s.Notifier(t, testFrom, &smtpnotify.Options{AllowInsecure: true, AllowInsecurePersonalData: true})
	if err := both.Notify(t.Context(), personalMessage("personale-1")); err != nil {
		t.Fatalf("messaggio personale con AllowInsecurePersonalData: %v", err)
	}
	got := s.Messages()
	if len(got) != 2 || got[0].TLS || got[1].TLS {
		t.Fatalf("ricevuti %d messaggi, attesi 2 in chiaro", len(got))
	}
}

func TestAllowInsecurePersonalDataNeedsAllowInsecure(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t, smtptest.WithTLS(smtptest.NoTLS))
	n := s.Notifier(t, testFrom, &smtpnotify.Options{AllowInsecurePersonalData: true})
	if err := n.Notify(t.Context(), personalMessage("k")); !errors.Is(err, smtpnotify.ErrNoStartTLS) {
		t.Fatalf("Notify = %v, atteso ErrNoStartTLS", err)
	}
	if envelopes := s.Stats().Envelopes; envelopes != 0 {
		t.Fatalf("MAIL FROM ricevuti: %d, attesi 0", envelopes)
	}
}

func TestEncryptedDelivery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		server []smtptest.Option
		opts   smtpnotify.Options
		user   bool // the server must have seen testUser authenticate
	}{
		{name: "STARTTLS", server: nil},
		{name: "TLS implicito", server: []smtptest.Option{smtptest.WithTLS(smtptest.ImplicitTLS)}},
		{name: "AUTH PLAIN", server: []smtptest.Option{smtptest.WithAuth(testUser, testPassword)},
			opts: smtpnotify.Options{Username: testUser, Password: testPassword}, user: true},
		{name: "AUTH LOGIN", server: []smtptest.Option{smtptest.WithAuth(testUser, testPassword, smtptest.Login)},
			opts: smtpnotify.Options{Username: testUser, Password: testPassword}, user: true},
		{name: "AUTH PLAIN su TLS implicito", server: []smtptest.Option{smtptest.WithTLS(smtptest.ImplicitTLS), smtptest.WithAuth(testUser, testPassword)},
			opts: smtpnotify.Options{Username: testUser, Password: testPassword}, user: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := smtptest.NewServer(t, tc.server...)
			opts := tc.opts
			if err := s.Notifier(t, testFrom, &opts).Notify(t.Context(), personalMessage("k")); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			got := s.Messages()
			if len(got) != 1 || !got[0].TLS {
				t.Fatalf("ricevuti %d messaggi; atteso 1 su connessione cifrata", len(got))
			}
			auths := fmt.Sprint(s.Stats().Authenticated)
			if want := fmt.Sprint([]string{testUser}); tc.user && auths != want {
				t.Errorf("autenticazioni = %s, attese %s", auths, want)
			}
		})
	}
}

func TestAuthNeverInClear(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t, smtptest.WithTLS(smtptest.NoTLS), smtptest.WithAuth(testUser, testPassword), smtptest.AllowInsecureAuth())
	n := s.Notifier(t, testFrom, &smtpnotify.Options{AllowInsecure: true, AllowInsecurePersonalData: true,
		Username: testUser, Password: testPassword})
	err := n.Notify(t.Context(), personalMessage("k"))
	if !errors.Is(err, smtpnotify.ErrAuthInClear) || !notify.IsPermanent(err) {
		t.Fatalf("Notify = %v, atteso ErrAuthInClear permanente", err)
	}
	if st := s.Stats(); st.AuthAttempts != 0 || st.Envelopes != 0 {
		t.Fatalf("il server ha ricevuto %d AUTH e %d MAIL FROM, attesi 0", st.AuthAttempts, st.Envelopes)
	}
}

func TestUntrustedCertificateIsPermanent(t *testing.T) {
	t.Parallel()
	for _, mode := range []smtptest.TLSMode{smtptest.StartTLS, smtptest.ImplicitTLS} {
		s := smtptest.NewServer(t, smtptest.WithTLS(mode))
		_, otherCA := smtptest.NewCertificate(t) // trusts another certificate only
		n := s.Notifier(t, testFrom, &smtpnotify.Options{TLSConfig: &tls.Config{RootCAs: otherCA}})
		err := n.Notify(t.Context(), personalMessage("k"))
		if !notify.IsPermanent(err) {
			t.Errorf("modalità %d: Notify = %v, atteso un errore permanente", mode, err)
		}
		if envelopes := s.Stats().Envelopes; envelopes != 0 {
			t.Errorf("modalità %d: MAIL FROM ricevuti %d, attesi 0", mode, envelopes)
		}
	}
}

func TestFlakyServerReceivesOncePerKey(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t, smtptest.RefuseConnections(2))
	n := notify.Retry(s.Notifier(t, testFrom, nil), &notify.RetryOptions{
		InitialInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond, Jitter: -1, MaxAttempts: 10,
	})
	keys := []string{"request/1/submitted", "request/2/submitted"}
	for _, key := range keys {
		if err := n.Notify(t.Context(), fullMessage(key)); err != nil {
			t.Fatalf("Notify(%s) con nuovi tentativi: %v", key, err)
		}
	}
	if conns := s.Stats().Connections; conns != 4 {
		t.Errorf("connessioni = %d, attese 4 (2 rifiutate, 1 per chiave)", conns)
	}
	perID := map[string]int{}
	for _, d := range s.Messages() {
		h, _ := smtptest.ParseMessage(t, d.Data)
		perID[h.Get("Message-Id")]++
	}
	for _, key := range keys {
		id := "<" + smtpnotify.MessageID(key, testDomain) + ">"
		if perID[id] != 1 {
			t.Errorf("chiave %s ricevuta %d volte, attesa 1", key, perID[id])
		}
	}
	if len(perID) != len(keys) {
		t.Errorf("Message-ID ricevuti: %v", perID)
	}
}

func TestContextEndsStalledDelivery(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t, smtptest.Stall())
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	err := s.Notifier(t, testFrom, nil).Notify(ctx, personalMessage("k"))
	if !errors.Is(err, context.DeadlineExceeded) || notify.IsPermanent(err) {
		t.Fatalf("Notify = %v, atteso un errore temporaneo che contenga context.DeadlineExceeded", err)
	}
}

func TestTimeoutIsTemporary(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t, smtptest.Stall())
	err := s.Notifier(t, testFrom, &smtpnotify.Options{Timeout: 50 * time.Millisecond}).Notify(t.Context(), personalMessage("k"))
	if !errors.Is(err, smtpnotify.ErrTimeout) || notify.IsPermanent(err) {
		t.Fatalf("Notify = %v, atteso ErrTimeout temporaneo", err)
	}
}

func TestInvalidMessagesArePermanent(t *testing.T) {
	t.Parallel()
	n, err := smtpnotify.New("127.0.0.1:1", testFrom, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		edit   func(*notify.Message)
		target error
	}{
		{"chiave vuota", func(m *notify.Message) { m.Key = "" }, smtpnotify.ErrInvalidKey},
		{"chiave con a capo", func(m *notify.Message) { m.Key = "a\r\nBcc: x@example.it" }, smtpnotify.ErrInvalidKey},
		{"chiave troppo lunga", func(m *notify.Message) { m.Key = strings.Repeat("k", 201) }, smtpnotify.ErrInvalidKey},
		{"nessun indirizzo", func(m *notify.Message) { m.To = m.To[2:] }, smtpnotify.ErrNoRecipient},
		{"indirizzo non valido", func(m *notify.Message) { m.To[0].Email = "non un indirizzo" }, smtpnotify.ErrInvalidAddress},
		{"tipo di allegato con a capo", func(m *notify.Message) {
			m.Attachments[0].ContentType = "text/calendar\r\nBcc: x@example.it"
		}, smtpnotify.ErrInvalidAttachment},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := fullMessage("k")
			tc.edit(&m)
			// No server listens at port 1: only a check before connecting
			// can give these errors.
			err := n.Notify(t.Context(), m)
			if !errors.Is(err, tc.target) || !notify.IsPermanent(err) {
				t.Errorf("Notify = %v, atteso %v permanente", err, tc.target)
			}
			if _, err := n.WriteMessage(io.Discard, m); !errors.Is(err, tc.target) {
				t.Errorf("WriteMessage = %v, atteso %v", err, tc.target)
			}
		})
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, addr, from string
		opts             *smtpnotify.Options
	}{
		{"indirizzo senza porta", "smtp.example.it", testFrom, nil},
		{"porta non numerica", "smtp.example.it:smtp", testFrom, nil},
		{"porta fuori intervallo", "smtp.example.it:70000", testFrom, nil},
		{"mittente non valido", "smtp.example.it:587", "sostegno", nil},
		{"modalità TLS sconosciuta", "smtp.example.it:587", testFrom, &smtpnotify.Options{TLS: 7}},
	}
	for _, tc := range tests {
		if _, err := smtpnotify.New(tc.addr, tc.from, tc.opts); err == nil {
			t.Errorf("%s: New riuscito, atteso un errore", tc.name)
		}
	}
}

func TestCanceledContextSendsNothing(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Notifier(t, testFrom, nil).Notify(ctx, fullMessage("k"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Notify = %v, atteso context.Canceled", err)
	}
	if conns := s.Stats().Connections; conns != 0 {
		t.Fatalf("connessioni = %d, attese 0", conns)
	}
}

func TestBodyParts(t *testing.T) {
	t.Parallel()
	n, err := smtpnotify.New("127.0.0.1:1", testFrom, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text, html string
		want             []string // media types of the parts, in order
	}{
		{"solo testo", "Testo è", "", []string{"text/plain"}},
		{"solo HTML", "", "<p>HTML è</p>", []string{"text/html"}},
		{"testo e HTML", "Testo è", "<p>HTML è</p>", []string{"text/plain", "text/html"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := fullMessage("k")
			m.Text, m.HTML, m.Attachments = tc.text, tc.html, nil
			var buf bytes.Buffer
			if _, err := n.WriteMessage(&buf, m); err != nil {
				t.Fatal(err)
			}
			_, parts := smtptest.ParseMessage(t, buf.Bytes())
			var got []string
			for _, p := range parts {
				got = append(got, p.MediaType)
				if want := map[string]string{"text/plain": tc.text, "text/html": tc.html}[p.MediaType]; string(p.Body) != want {
					t.Errorf("%s = %q, atteso %q", p.MediaType, p.Body, want)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("parti %v, attese %v", got, tc.want)
			}
		})
	}
}
