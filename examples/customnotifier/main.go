// Command customnotifier shows how to plug your own channel into the
// library: a [notify.Notifier] that sends text messages through the HTTP
// API of a messaging gateway (SMS or instant messaging).
//
// # The contract
//
// A Notifier makes one attempt to deliver one message per call, and:
//
//   - classifies its failures: [notify.Permanent] when trying again cannot
//     help (a refused request, no phone number), a temporary
//     [*notify.DeliveryError] otherwise, with RetryAfter when the gateway
//     says when to come back (429, 503);
//   - honours ctx: once it is done, Notify returns promptly with an error
//     wrapping ctx.Err(), never classified as permanent;
//   - sends the message's idempotency key (Message.Key) with every attempt,
//     here as the Idempotency-Key header, so the gateway can recognise a
//     resend;
//   - keeps personal data out of errors and logs: no text, name or number,
//     and nothing of what the gateway answered beyond its status code,
//     since gateways echo what they refuse;
//   - does not retry or de-duplicate on its own: [notify.Retry],
//     [notify.Dedup] and the other combinators wrap it for that;
//   - is safe for concurrent use.
//
// notifytest.Run checks all of this against a peer the test controls.
//
// # What to copy
//
// gateway.go is the notifier: change the request body and the status codes
// to your gateway's, keep the rest. conformance_test.go runs the
// conformance suite against a test gateway; keep it beside your notifier.
// fakegateway.go is the stand-in gateway of the demo and the tests, and
// main.go wires the notifier into notify.Retry.
//
// Usage:
//
//	go run ./examples/customnotifier           # one call script through a local gateway
//	go run ./examples/customnotifier -fail 3   # the gateway fails three times first
//	go run ./examples/customnotifier -lang en
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/signal"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the program: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("customnotifier", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fail := fs.Int("fail", 1, "quante richieste il gateway di prova rifiuta temporaneamente prima di accettare")
	attempts := fs.Int("attempts", 5, "numero massimo di tentativi di notify.Retry")
	lang := fs.String("lang", "it", "lingua del messaggio: it (italiano) o en (inglese)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	tag, err := language.Parse(*lang)
	if err != nil || *fail < 0 || *attempts < 1 {
		fmt.Fprintln(stderr, "customnotifier: -lang deve essere it o en, -fail non negativo, -attempts almeno 1")
		return 2
	}
	if err := demo(ctx, stdout, *fail, *attempts, tag); err != nil {
		fmt.Fprintln(stderr, "customnotifier:", err)
		return 1
	}
	return 0
}

// demoToken is the fake gateway's credential. A real one comes from the
// environment or a secret store, never from the code.
const demoToken = "demo-token"

// demo starts a local gateway, sends the call script of an emergency to a
// colleague's phone through notify.Retry, sends it again, and prints what
// the gateway received.
func demo(ctx context.Context, out io.Writer, fail, attempts int, lang language.Tag) error {
	fake := newFakeGateway(demoToken, accept)
	fake.failFirst = fail
	srv := httptest.NewTLSServer(fake) // on 127.0.0.1, with a test certificate
	defer srv.Close()
	defer close(fake.stop)

	gw, err := NewGateway(srv.URL+"/v1/messages", demoToken, &GatewayOptions{Client: srv.Client()})
	if err != nil {
		return err
	}
	n := notify.Retry(gw, &notify.RetryOptions{
		InitialInterval: 50 * time.Millisecond,
		MaxAttempts:     attempts,
		OnRetry: func(attempt int, err error, wait time.Duration) {
			fmt.Fprintf(out, "  tentativo %d non riuscito (%v): nuovo tentativo tra %v\n", attempt, err, wait.Round(time.Millisecond))
		},
	})

	// Step 2 of an emergency: the colleague alerted must phone the
	// Operations Centre. Names and number are fictitious.
	m, err := incident.CallScript{
		Key:           "incident-demo-1/call-operations-centre",
		To:            []notify.Recipient{{Role: guideline.RoleOperator, Name: "Collega di turno", Phone: "+393330000001"}},
		Caller:        "Operatrice Esempio",
		Service:       "Servizio Sociale Professionale Territoriale",
		Venue:         guideline.Venue{Name: "Sede di esempio", Address: "via dell'Esempio 1, Milano"},
		Kinds:         incident.NewKinds(incident.Threat),
		PeoplePresent: 2,
		Number:        guideline.MilanoOperationsCentrePhone,
		Language:      lang,
	}.Message(nil)
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "Gateway di prova in ascolto su %s\n", srv.URL)
	// A Message prints without subject, text, names or numbers.
	fmt.Fprintf(out, "Invio di %v\n", m)
	if err := n.Notify(ctx, m); err != nil {
		return err
	}
	fmt.Fprintf(out, "Consegnato: il gateway ha ricevuto %d richieste\n", fake.attempts())

	fmt.Fprintln(out, "Nuovo invio dello stesso messaggio, con la stessa chiave di idempotenza")
	if err := n.Notify(ctx, m); err != nil {
		return err
	}

	got := fake.messages()
	fmt.Fprintf(out, "Messaggi presi in carico dal gateway: %d\n", len(got))
	for _, r := range got {
		masked := make([]string, len(r.To))
		for i, p := range r.To {
			masked[i] = maskPhone(p)
		}
		fmt.Fprintf(out, "  chiave %s, priorità %s, destinatari %s, oggetto di %d caratteri, testo di %d caratteri\n",
			r.Key, r.Priority, strings.Join(masked, " "), utf8.RuneCountInString(r.Subject), utf8.RuneCountInString(r.Text))
	}
	if len(got) != 1 {
		return errors.New("the gateway took the message in charge more than once")
	}
	return nil
}

// maskPhone keeps the country code and the last two digits of a number.
func maskPhone(p string) string {
	if len(p) < 7 {
		return strings.Repeat("•", len(p))
	}
	return p[:3] + strings.Repeat("•", len(p)-5) + p[len(p)-2:]
}
