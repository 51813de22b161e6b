package smtpnotify_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"testing"
	"time"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/smtpnotify"
)

// BenchmarkRender measures rendering a full message (subject, text, HTML,
// iCalendar attachment) into MIME with go-mail, through
// Notifier.WriteMessage, against a baseline that writes the same parts
// with the standard library alone (mime, mime/multipart,
// mime/quotedprintable, encoding/base64). Both run in the same loop; the
// ratio is reported as go-mail/stdlib.
func BenchmarkRender(b *testing.B) {
	n, err := smtpnotify.New("127.0.0.1:587", testFrom, nil)
	if err != nil {
		b.Fatal(err)
	}
	m := fullMessage("request/2026-0001/submitted")
	var buf bytes.Buffer
	var goMail, stdlib time.Duration
	for b.Loop() {
		buf.Reset()
		start := time.Now()
		if _, err := n.WriteMessage(&buf, m); err != nil {
			b.Fatal(err)
		}
		goMail += time.Since(start)

		buf.Reset()
		start = time.Now()
		if err := renderStdlib(&buf, m); err != nil {
			b.Fatal(err)
		}
		stdlib += time.Since(start)
	}
	b.ReportMetric(float64(goMail.Nanoseconds())/float64(b.N), "gomail-ns/msg")
	b.ReportMetric(float64(stdlib.Nanoseconds())/float64(b.N), "stdlib-ns/msg")
	b.ReportMetric(float64(goMail)/float64(stdlib), "gomail/stdlib")
}

// renderStdlib is the baseline: the same message written by hand.
func renderStdlib(w io.Writer, m notify.Message) error {
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("Date", time.Now().Format(time.RFC1123Z))
	header("From", testFrom)
	to := ""
	for _, r := range m.To {
		if r.Email == "" {
			continue
		}
		if to != "" {
			to += ", "
		}
		to += mime.QEncoding.Encode("utf-8", r.Name) + " <" + r.Email + ">"
	}
	header("To", to)
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Message-ID", "<"+smtpnotify.MessageID(m.Key, testDomain)+">")
	header("X-Idempotency-Key", m.Key)
	header("MIME-Version", "1.0")

	mixed := multipart.NewWriter(&b)
	header("Content-Type", "multipart/mixed; boundary="+mixed.Boundary())
	b.WriteString("\r\n")
	var altBody bytes.Buffer
	alt := multipart.NewWriter(&altBody)
	for _, p := range []struct{ ct, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		pw, err := alt.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.ct + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := io.WriteString(qp, p.body); err != nil {
			return err
		}
		if err := qp.Close(); err != nil {
			return err
		}
	}
	if err := alt.Close(); err != nil {
		return err
	}
	pw, err := mixed.CreatePart(textproto.MIMEHeader{"Content-Type": {"multipart/alternative; boundary=" + alt.Boundary()}})
	if err != nil {
		return err
	}
	if _, err := pw.Write(altBody.Bytes()); err != nil {
		return err
	}
	for _, a := range m.Attachments {
		pw, err := mixed.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {a.ContentType + `; name="` + a.Name + `"`},
			"Content-Disposition":       {`attachment; filename="` + a.Name + `"`},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return err
		}
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			if _, err := io.WriteString(pw, enc[:76]+"\r\n"); err != nil {
				return err
			}
			enc = enc[76:]
		}
		if _, err := io.WriteString(pw, enc+"\r\n"); err != nil {
			return err
		}
	}
	if err := mixed.Close(); err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}
