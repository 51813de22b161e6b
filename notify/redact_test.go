package notify_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

const (
	knownName = "Mariarosa Brambilla"
	knownCF   = "BRMMRS80A41F205X"
)

func personal() notify.Message {
	return notify.Message{
		Key:      "request-7/submitted",
		Kind:     "request.submitted",
		Priority: notify.Urgent,
		To: []notify.Recipient{
			{Role: guideline.RolePoliceCommand, Name: "Comando", Email: "comando@example.org"},
			{Role: guideline.RoleAreaDirector, Name: knownName, Phone: "+393331234567"},
		},
		Subject:     "Richiesta per " + knownName,
		Text:        "Utente: " + knownName + ", codice fiscale " + knownCF,
		HTML:        "<p>" + knownCF + "</p>",
		Attachments: []notify.Attachment{{Name: knownCF + ".ics", Data: []byte(knownName)}},
		Personal:    true,
	}
}

func TestMessageNeverPrintsPersonalData(t *testing.T) {
	t.Parallel()
	m := personal()
	secrets := []string{knownName, knownCF, "comando@example.org", "+393331234567"}
	notifytest.AssertMessageNoLeak(t, secrets, m)
	notifytest.AssertNoLeak(t, secrets,
		fmt.Sprint(m.To), fmt.Sprintf("%+v", m.To[1]), fmt.Sprintf("%#v", m.To),
		fmt.Sprintf("%+v", m.Attachments), fmt.Sprintf("%#v", m.Attachments[0]),
		fmt.Errorf("invio di %v: %w", m, errors.New("x")).Error())
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("invio", "message", m, "to", m.To[1], "attachment", m.Attachments[0])
	notifytest.AssertNoLeak(t, secrets, buf.String())
	// What the redacted forms do show.
	for _, want := range []string{`"kind":"request.submitted"`, `"key":"request-7/submitted"`, `"priority":"urgent"`, `"recipients":2`, `"roles":["police_command","area_director"]`, `"channels":["phone"]`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %s: %s", want, buf.String())
		}
	}
	if s := m.String(); !strings.Contains(s, "request-7/submitted") || !strings.Contains(s, "recipients=2") {
		t.Errorf("String = %s", s)
	}
}

// TestAssertMessageNoLeakCatchesLeak shows the helper fails on a type
// that prints its fields.
func TestAssertNoLeakCatchesLeak(t *testing.T) {
	t.Parallel()
	type leaky struct{ Name string }
	tb := &failTB{TB: t}
	notifytest.AssertNoLeak(tb, []string{knownName}, fmt.Sprintf("%+v", leaky{knownName}))
	if !tb.failed {
		t.Error("AssertNoLeak did not catch a leak")
	}
}

type failTB struct {
	testing.TB
	failed bool
}

func (f *failTB) Helper()               {}
func (f *failTB) Errorf(string, ...any) { f.failed = true }
