package webhooknotify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/webhooknotify"
)

func Example() {
	secret := []byte("a shared secret of at least 32 bytes!")

	// The receiver: verify, then act once per Idempotency-Key.
	seen := map[string]bool{}
	receiver := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := webhooknotify.VerifyRequest(secret, r, 5*time.Minute, time.Now())
		if err != nil {
			http.Error(w, "richiesta non autenticata", http.StatusUnauthorized)
			return
		}
		if !seen[p.Key] {
			seen[p.Key] = true
			fmt.Println("ricevuto:", p.Kind, p.Key, p.Recipients[0].Role)
		}
	}))
	defer receiver.Close()

	// The sender: a webhook notifier, retried.
	n, err := webhooknotify.New(receiver.URL, secret, &webhooknotify.Options{Client: receiver.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	m := notify.Message{
		Key:      "incident-3/alert",
		Kind:     "incident.reported",
		Priority: notify.Urgent,
		To:       []notify.Recipient{{Role: guideline.RoleOperator}},
		Subject:  "Emergenza in sede",
		Text:     "È in corso un'aggressione: raggiunga subito la sala colloqui.",
	}
	err = notify.Retry(n, nil).Notify(context.Background(), m)
	fmt.Println(err)
	// Output:
	// ricevuto: incident.reported incident-3/alert operator
	// <nil>
}
