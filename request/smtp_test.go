package request_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/sostegno/sostegno/notify/smtpnotify"
)

// mailServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that
// keeps what it accepts. It offers no STARTTLS: the notifier talks to it
// in clear, which smtpnotify allows only with AllowInsecure and
// AllowInsecurePersonalData, set for this local test server that holds no
// real data.
type mailServer struct {
	addr   string
	refuse string // an address refused with 550

	mu    sync.Mutex
	mails []mailDelivery
}

type mailDelivery struct {
	To   []string
	Data []byte
}

func startMailServer(t *testing.T, refuse string) *mailServer {
	t.Helper()
	s := &mailServer{refuse: refuse}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		_ = l.Close()
		<-done
	})
	return s
}

// notifier returns an smtpnotify.Notifier that sends to s.
func (s *mailServer) notifier(t *testing.T) *smtpnotify.Notifier {
	t.Helper()
	n, err := smtpnotify.New(s.addr, "sostegno@comune.milano.example", &smtpnotify.Options{
		AllowInsecure: true, AllowInsecurePersonalData: true, HELO: "localhost", Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// take returns the messages accepted since the previous call.
func (s *mailServer) take() []mailDelivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.mails
	s.mails = nil
	return out
}

type mailSession struct {
	s  *mailServer
	to []string
}

func (ss *mailSession) Mail(string, *smtp.MailOptions) error { return nil }

func (ss *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == ss.s.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Destinatario sconosciuto"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.mails = append(ss.s.mails, mailDelivery{To: ss.to, Data: b})
	ss.s.mu.Unlock()
	return nil
}

func (ss *mailSession) Reset()        { ss.to = nil }
func (ss *mailSession) Logout() error { return nil }

// parsedMail is a received e-mail, decoded.
type parsedMail struct {
	Subject string
	Text    string
	// Calendar is the body of the text/calendar attachment and Method its
	// content type's method parameter.
	Calendar []byte
	Method   string
}

// parseMail decodes a message with net/mail and mime/multipart.
func parseMail(t *testing.T, data []byte) parsedMail {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the message does not parse: %v", err)
	}
	var out parsedMail
	if out.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject: %v", err)
	}
	walkPart(t, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &out)
	return out
}

func walkPart(t *testing.T, contentType, encoding string, body io.Reader, out *parsedMail) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("Content-Type: %v", err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("part: %v", err)
			}
			walkPart(t, part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part, out)
		}
	}
	if strings.EqualFold(encoding, "base64") {
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body) // multipart decodes quoted-printable itself
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	switch mt {
	case "text/plain":
		out.Text = string(b)
	case "text/calendar":
		out.Calendar, out.Method = b, params["method"]
	}
}
