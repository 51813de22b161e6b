package request_test

import (
	"mime"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/smtpnotify"
	"github.com/sostegno/sostegno/notify/smtpnotify/smtptest"
)

// startMailServer starts a real SMTP server (smtptest) that refuses the
// addresses in refuse, and returns it with a notifier that sends each of
// the request's two recipients (the Police Command and the Area Director)
// a copy of its own, so that a refused address does not block the other.
// The server offers no STARTTLS: the notifier talks to it in clear, which
// smtpnotify allows only with AllowInsecure and AllowInsecurePersonalData,
// set for this local test server that holds no real data.
func startMailServer(t *testing.T, refuse ...string) (*smtptest.Server, notify.Notifier) {
	t.Helper()
	opts := []smtptest.Option{smtptest.WithTLS(smtptest.NoTLS)}
	for _, a := range refuse {
		opts = append(opts, smtptest.RefuseRecipient(a, nil))
	}
	s := smtptest.NewServer(t, opts...)
	n := s.Notifier(t, "sostegno@comune.milano.example", &smtpnotify.Options{
		AllowInsecure: true, AllowInsecurePersonalData: true, HELO: "localhost",
	})
	return s, notify.ByRole(map[guideline.Role]notify.Notifier{
		guideline.RolePoliceCommand: n, guideline.RoleAreaDirector: n,
	})
}

// parsedMail is a received e-mail, decoded.
type parsedMail struct {
	Subject string
	Text    string
	// Calendar is the body of the text/calendar attachment and Method its
	// content type's method parameter.
	Calendar []byte
	Method   string
}

// parseMail decodes a message the server received.
func parseMail(t *testing.T, data []byte) parsedMail {
	t.Helper()
	h, parts := smtptest.ParseMessage(t, data)
	var out parsedMail
	var err error
	if out.Subject, err = new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); err != nil {
		t.Fatalf("subject: %v", err)
	}
	for _, p := range parts {
		switch p.MediaType {
		case "text/plain":
			out.Text = string(p.Body)
		case "text/calendar":
			out.Calendar, out.Method = p.Body, p.Params["method"]
		}
	}
	return out
}
