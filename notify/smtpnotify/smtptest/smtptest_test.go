package smtptest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/smtpnotify"
	"github.com/sostegno/sostegno/notify/smtpnotify/smtptest"
)

func message(key string, to ...string) notify.Message {
	m := notify.Message{Key: key, Subject: "Prova", Text: "Nessun dato personale."}
	for _, a := range to {
		m.To = append(m.To, notify.Recipient{Role: guideline.RolePoliceCommand, Email: a})
	}
	return m
}

// Only the refused recipient is refused; Take returns each message once;
// Stats counts the envelopes.
func TestRefuseRecipientAndTake(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.WithTLS(smtptest.NoTLS), smtptest.RefuseRecipient("no@example.org", nil))
	n := srv.Notifier(t, "sostegno@example.org", &smtpnotify.Options{AllowInsecure: true})
	if err := n.Notify(context.Background(), message("a", "yes@example.org")); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	got := srv.Take()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "yes@example.org" || got[0].TLS {
		t.Fatalf("Take = %+v, want one clear message to yes@example.org", got)
	}
	if got[0].From != "sostegno@example.org" {
		t.Errorf("From = %q", got[0].From)
	}
	if len(srv.Take()) != 0 || len(srv.Messages()) != 0 {
		t.Error("Take did not forget what it returned")
	}
	err := n.Notify(context.Background(), message("b", "no@example.org"))
	var se *smtpnotify.Error
	if !errors.As(err, &se) || se.Code != 550 || !notify.IsPermanent(err) {
		t.Errorf("Notify to a refused address only = %v, want a permanent 550", err)
	}
	if st := srv.Stats(); st.Envelopes != 2 || st.Connections != 2 {
		t.Errorf("Stats = %+v, want 2 envelopes on 2 connections", st)
	}
}

// Authentication is counted, and only the configured user is accepted.
func TestAuth(t *testing.T) {
	t.Parallel()
	for _, mech := range []string{smtptest.Plain, smtptest.Login} {
		srv := smtptest.NewServer(t, smtptest.WithAuth("ufficio", "segreto", mech))
		ok := srv.Notifier(t, "sostegno@example.org", &smtpnotify.Options{Username: "ufficio", Password: "segreto"})
		if err := ok.Notify(context.Background(), message("a", "x@example.org")); err != nil {
			t.Fatalf("%s: Notify: %v", mech, err)
		}
		bad := srv.Notifier(t, "sostegno@example.org", &smtpnotify.Options{Username: "ufficio", Password: "altro"})
		if err := bad.Notify(context.Background(), message("b", "x@example.org")); err == nil {
			t.Errorf("%s: a wrong password was accepted", mech)
		}
		if st := srv.Stats(); st.AuthAttempts != 2 || len(st.Authenticated) != 1 || st.Authenticated[0] != "ufficio" {
			t.Errorf("%s: Stats = %+v", mech, st)
		}
	}
}

// Parse undoes the transfer encoding and refuses what it cannot read.
func TestParse(t *testing.T) {
	t.Parallel()
	if _, _, err := smtptest.Parse([]byte("Content-Type: text/\r\n\r\nx")); err == nil {
		t.Error("Parse accepted a malformed Content-Type")
	}
	h, parts, err := smtptest.Parse([]byte("Subject: x\r\nContent-Transfer-Encoding: base64\r\n\r\nY2lhbw==\r\n"))
	if err != nil || h.Get("Subject") != "x" || len(parts) != 1 || parts[0].MediaType != "text/plain" || string(parts[0].Body) != "ciao" {
		t.Errorf("Parse = %v, %+v, %v", h, parts, err)
	}
}
