package smtpnotify_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log"
	"mime"
	netmail "net/mail"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/smtpnotify"
)

// A Notifier for the municipality's relay on the submission port, with
// STARTTLS required (the default), authentication, and retries with
// backoff around it. The message is sent nowhere here: see
// ExampleNotifier_WriteMessage for what it looks like.
func ExampleNew() {
	roots := x509.NewCertPool() // the municipality's own authority, for instance
	n, err := smtpnotify.New("smtp.comune.example.it:587", "Sostegno <sostegno@comune.example.it>",
		&smtpnotify.Options{
			Username:  "sostegno",
			Password:  "una password letta da un segreto",
			TLSConfig: &tls.Config{RootCAs: roots},
			Timeout:   20 * time.Second,
		})
	if err != nil {
		log.Fatal(err)
	}
	// Notify(ctx, m) on sender delivers m, trying again after temporary
	// failures and stopping at permanent ones.
	var sender notify.Notifier = notify.Retry(n, nil)
	_ = sender
}

// WriteMessage renders the e-mail that Notify would send; the Message-ID
// follows from the idempotency key.
func ExampleNotifier_WriteMessage() {
	n, err := smtpnotify.New("smtp.comune.example.it:587", "Sostegno <sostegno@comune.example.it>", nil)
	if err != nil {
		log.Fatal(err)
	}
	m := notify.Message{
		Key:      "request/2026-0001/submitted",
		Kind:     "request.submitted",
		Priority: notify.Urgent,
		To: []notify.Recipient{{
			Role:  guideline.RolePoliceCommand,
			Name:  "Comando di Polizia Locale",
			Email: "comando@polizia.example.it",
		}},
		Subject:  "Richiesta di presenza cautelativa per lunedì",
		Text:     "Si richiede la presenza cautelativa in occasione del colloquio programmato.",
		Language: language.Italian,
	}
	var buf bytes.Buffer
	if _, err := n.WriteMessage(&buf, m); err != nil {
		log.Fatal(err)
	}
	parsed, err := netmail.ReadMessage(&buf)
	if err != nil {
		log.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
	fmt.Println("Subject:", subject)
	fmt.Println("Message-ID:", parsed.Header.Get("Message-Id"))
	fmt.Println("X-Idempotency-Key:", parsed.Header.Get("X-Idempotency-Key"))
	fmt.Println("Importance:", parsed.Header.Get("Importance"))
	// Output:
	// Subject: Richiesta di presenza cautelativa per lunedì
	// Message-ID: <9bb48f35afaf24253f1b06c8618a8b3b@comune.example.it>
	// X-Idempotency-Key: request/2026-0001/submitted
	// Importance: high
}
