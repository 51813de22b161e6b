package request_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/request"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the rendering:\n%s", path, got)
	}
}

func notifications(t *testing.T, p request.Preventive, s request.Submission, tag language.Tag) []notify.Message {
	t.Helper()
	ms, err := p.Notifications(milano(t), s, &request.RenderOptions{Language: tag})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestNotifications(t *testing.T) {
	t.Parallel()
	p := valid()
	ms := notifications(t, p, request.Submission{Number: 1, SentAt: sentAt}, language.Und)
	if len(ms) != 2 {
		t.Fatalf("%d messages, want one per recipient role", len(ms))
	}
	wantTo := []notify.Recipient{
		{Role: guideline.RolePoliceCommand, Name: "Comando di Polizia Locale – Gabinetto del Comando", Email: guideline.MilanoCommandEmail},
		{Role: guideline.RoleAreaDirector, Name: "Direttore di Area Territorialità – Direzione Politiche Sociali", Email: areaAddress},
	}
	for i, m := range ms {
		if len(m.To) != 1 || m.To[0] != wantTo[i] {
			t.Errorf("message %d goes to %v, want %v", i, m.To, wantTo[i])
		}
		if want := "request/2026-000123/submission/1/" + string(wantTo[i].Role); m.Key != want {
			t.Errorf("key %q, want %q", m.Key, want)
		}
		if !m.Personal || m.Priority != notify.Normal || m.Kind != "request.submitted" || m.Language != language.Italian {
			t.Errorf("message %d: %v", i, m)
		}
		const subject = "Richiesta di presenza cautelativa – Municipio 5 – colloquio programmato del 12/03/2026 (rif. 2026-000123)"
		if m.Subject != subject {
			t.Errorf("subject %q", m.Subject)
		}
		assertNoSecret(t, "subject", m.Subject)
		if len(m.Attachments) != 1 || m.Attachments[0].ContentType != "text/calendar; charset=utf-8; method=REQUEST" ||
			m.Attachments[0].Name != "invito.ics" {
			t.Errorf("attachments %v", m.Attachments)
		}
		for _, want := range []string{knownFamily, knownGiven, knownCode, "25 aprile 1975", "Via Meda 12", "sospensione del contributo",
			"giovedì 12 marzo 2026, ore 10:30", "8 giorni lavorativi", "Minacce rivolte agli operatori", "Dott.ssa Lucia Ferri"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("body lacks %q", want)
			}
		}
	}
	// The same request renders the same messages.
	again := notifications(t, p, request.Submission{Number: 1, SentAt: sentAt}, language.Und)
	if again[0].Text != ms[0].Text || again[0].Key != ms[0].Key || !bytes.Equal(again[0].Attachments[0].Data, ms[0].Attachments[0].Data) {
		t.Error("rendering is not deterministic")
	}
	golden(t, "submission.it.txt", []byte(ms[0].Subject+"\n\n"+ms[0].Text))
	golden(t, "invitation.ics", ms[0].Attachments[0].Data)

	en := notifications(t, p, request.Submission{Number: 1, SentAt: sentAt}, language.BritishEnglish)
	if en[0].Language != language.English || !strings.HasPrefix(en[0].Subject, "Request for a precautionary presence – Municipio 5") {
		t.Errorf("English subject %q", en[0].Subject)
	}
	golden(t, "submission.en.txt", []byte(en[0].Subject+"\n\n"+en[0].Text))
}

func TestShortNoticeAndResubmission(t *testing.T) {
	t.Parallel()
	p := valid()
	p.Appointment.Start = time.Date(2026, 3, 4, 10, 0, 0, 0, rome)
	p.UrgencyReason = "Il provvedimento va notificato entro mercoledì."
	ms := notifications(t, p, request.Submission{Number: 2, SentAt: sentAt}, language.Und)
	m := ms[1]
	for _, want := range []string{
		"La richiesta è inviata con un preavviso di 2 giorni lavorativi; il minimo previsto è di 3 giorni lavorativi.",
		"Il preavviso è inferiore al minimo previsto. Motivo dell'urgenza: Il provvedimento va notificato entro mercoledì.",
		"aggiornata con le informazioni richieste (invio n. 2)",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	if !strings.HasSuffix(m.Subject, "(rif. 2026-000123) – invio n. 2") || m.Key != "request/2026-000123/submission/2/area_director" {
		t.Errorf("subject %q key %q", m.Subject, m.Key)
	}
	if strings.Contains(notifications(t, valid(), request.Submission{Number: 1, SentAt: sentAt}, language.Und)[0].Text, "Motivo dell'urgenza") {
		t.Error("a request with enough notice mentions urgency")
	}
}

func parseICS(t *testing.T, b []byte) (*ics.Calendar, *ics.VEvent) {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the invitation does not parse: %v", err)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	return cal, evs[0]
}

func prop(c *ics.ComponentBase, p ics.ComponentProperty) string {
	if v := c.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestInvitation(t *testing.T) {
	t.Parallel()
	g := milano(t)
	p := valid()
	first, err := p.Invitation(g, request.Submission{Number: 1, SentAt: sentAt}, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.Invitation(g, request.Submission{Number: 2, SentAt: sentAt.Add(48 * time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cancel, err := p.CancelInvitation(g, request.Submission{Number: 3, SentAt: sentAt.Add(72 * time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	uid := ""
	for i, tc := range []struct {
		data           []byte
		method, status string
		seq            string
	}{{first, "REQUEST", "CONFIRMED", "1"}, {second, "REQUEST", "CONFIRMED", "2"}, {cancel, "CANCEL", "CANCELLED", "3"}} {
		assertNoSecret(t, "invitation", string(tc.data))
		if !bytes.Contains(tc.data, []byte("METHOD:"+tc.method+"\r\n")) {
			t.Errorf("%d: no METHOD:%s", i, tc.method)
		}
		cal, ev := parseICS(t, tc.data)
		if uid == "" {
			uid = ev.Id()
		}
		if ev.Id() != uid || uid != "request-2026-000123@milano.sostegno" || uid != p.UID(g) {
			t.Errorf("%d: UID %q", i, ev.Id())
		}
		if got := prop(&ev.ComponentBase, ics.ComponentPropertySequence); got != tc.seq {
			t.Errorf("%d: SEQUENCE %s, want %s", i, got, tc.seq)
		}
		if got := prop(&ev.ComponentBase, ics.ComponentPropertyStatus); got != tc.status {
			t.Errorf("%d: STATUS %s", i, got)
		}
		start, err := ev.GetStartAt()
		if err != nil || !start.Equal(p.Appointment.Start) || start.Location().String() != "Europe/Rome" {
			t.Errorf("%d: start %v (%v), want %v in Europe/Rome", i, start, err, p.Appointment.Start)
		}
		end, err := ev.GetEndAt()
		if err != nil || !end.Equal(p.Appointment.Start.Add(90*time.Minute)) {
			t.Errorf("%d: end %v", i, end)
		}
		if !bytes.Contains(tc.data, []byte("DTSTART;TZID=Europe/Rome:20260312T103000")) {
			t.Errorf("%d: DTSTART not local to Europe/Rome", i)
		}
		if got := prop(&ev.ComponentBase, ics.ComponentPropertySummary); got != "Presenza cautelativa – Municipio 5" {
			t.Errorf("%d: SUMMARY %q", i, got)
		}
		tzs := cal.Timezones()
		if len(tzs) != 1 || prop(&tzs[0].ComponentBase, ics.ComponentPropertyTzid) != "Europe/Rome" || len(tzs[0].Components) != 2 {
			t.Fatalf("%d: VTIMEZONE missing or incomplete", i)
		}
	}
	for _, want := range []string{
		"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:20260329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT",
		"BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:20261025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD",
	} {
		if !bytes.Contains(first, []byte(want)) {
			t.Errorf("VTIMEZONE lacks\n%s", want)
		}
	}
}

// A zone without summer time gets one STANDARD observance.
func TestInvitationFixedZone(t *testing.T) {
	t.Parallel()
	spec := milano(t).Spec()
	spec.Policy.TimeZone = "Asia/Tokyo"
	g, err := guideline.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	b, err := valid().Invitation(g, request.Submission{Number: 1, SentAt: sentAt}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("BEGIN:STANDARD\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\nDTSTART:19700101T000000\r\nEND:STANDARD")) ||
		bytes.Contains(b, []byte("DAYLIGHT")) || !bytes.Contains(b, []byte("DTSTART;TZID=Asia/Tokyo:20260312T183000")) {
		t.Errorf("invitation in Tokyo:\n%s", b)
	}
}

func TestCancellations(t *testing.T) {
	t.Parallel()
	ms, err := valid().Cancellations(milano(t), request.Submission{Number: 3, SentAt: sentAt}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("%d messages", len(ms))
	}
	for _, m := range ms {
		assertNoSecret(t, "cancellation", m.Subject+m.Text+string(m.Attachments[0].Data))
		if m.Personal || m.Kind != "request.cancelled" || !strings.HasPrefix(m.Key, "request/2026-000123/cancellation/3/") ||
			m.Attachments[0].ContentType != "text/calendar; charset=utf-8; method=CANCEL" {
			t.Errorf("cancellation %v", m)
		}
		if !bytes.Contains(m.Attachments[0].Data, []byte("METHOD:CANCEL")) {
			t.Error("no METHOD:CANCEL")
		}
	}
	golden(t, "cancellation.it.txt", []byte(ms[0].Subject+"\n\n"+ms[0].Text))
}

func TestNoRecipientAddress(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021() // no address for the Area Director
	p := valid()
	for name, render := range map[string]func() error{
		"notifications": func() error {
			_, err := p.Notifications(g, request.Submission{Number: 1, SentAt: sentAt}, nil)
			return err
		},
		"cancellations": func() error {
			_, err := p.Cancellations(g, request.Submission{Number: 2, SentAt: sentAt}, nil)
			return err
		},
		"invitation": func() error {
			_, err := p.Invitation(g, request.Submission{Number: 1, SentAt: sentAt}, nil)
			return err
		},
	} {
		err := render()
		var re *request.RecipientError
		if !errors.Is(err, request.ErrNoRecipientAddress) || !errors.As(err, &re) || re.Role != guideline.RoleAreaDirector {
			t.Fatalf("%s: %v, want a RecipientError for the Area Director", name, err)
		}
		if !strings.Contains(err.Error(), "area_director") {
			t.Errorf("%s: error %q does not name the role", name, err)
		}
		const it = "Le linee guida non indicano un indirizzo di posta elettronica per: Direttore di Area Territorialità della Direzione Politiche Sociali. La richiesta non può essere inviata finché l'indirizzo non viene aggiunto."
		if got := re.Message(language.Italian); got != it {
			t.Errorf("Message = %q", got)
		}
	}
}

func TestRenderRefusesIncompleteInput(t *testing.T) {
	t.Parallel()
	g := milano(t)
	for name, tc := range map[string]struct {
		p request.Preventive
		s request.Submission
	}{
		"no ID":        {request.Preventive{Appointment: valid().Appointment}, request.Submission{Number: 1}},
		"submission 0": {valid(), request.Submission{}},
		"no start":     {request.Preventive{ID: "request/2026-000001"}, request.Submission{Number: 1}},
		"start out of range": {func() request.Preventive {
			p := valid()
			p.Appointment.Start = time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)
			return p
		}(), request.Submission{Number: 1}},
	} {
		if _, err := tc.p.Notifications(g, tc.s, nil); !errors.Is(err, request.ErrRender) {
			t.Errorf("%s: %v", name, err)
		}
	}
	c, err := guideline.NewCatalog(guideline.Messages())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := valid().Notifications(g, request.Submission{Number: 1}, &request.RenderOptions{Catalog: c}); !errors.Is(err, request.ErrRender) {
		t.Errorf("catalog without request.Messages: %v", err)
	}
}

// With notify.ByRole, a refused address of one recipient does not stop the
// other's copy: each role has its own message.
func TestOneRefusedAddressDoesNotBlockTheOther(t *testing.T) {
	t.Parallel()
	ms := notifications(t, valid(), request.Submission{Number: 1, SentAt: sentAt}, language.Und)
	var mu sync.Mutex
	var delivered []guideline.Role
	n := notify.ByRole(map[guideline.Role]notify.Notifier{
		guideline.RolePoliceCommand: notify.NotifierFunc(func(context.Context, notify.Message) error {
			return notify.Permanent(errors.New("550 mailbox unavailable"))
		}),
		guideline.RoleAreaDirector: notify.NotifierFunc(func(_ context.Context, m notify.Message) error {
			mu.Lock()
			defer mu.Unlock()
			delivered = append(delivered, m.To[0].Role)
			return nil
		}),
	})
	var failed int
	for _, m := range ms {
		if err := n.Notify(context.Background(), m); err != nil {
			failed++
			assertNoSecret(t, "delivery error", err.Error())
		}
	}
	if failed != 1 || len(delivered) != 1 || delivered[0] != guideline.RoleAreaDirector {
		t.Errorf("failed %d, delivered %v", failed, delivered)
	}
}
