package notify_test

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/notify/slognotify"
	"github.com/sostegno/sostegno/notify/smtpnotify"
	"github.com/sostegno/sostegno/notify/webhooknotify"
)

// italian finds words that only an Italian sentence has, and accented
// letters.
var italian = regexp.MustCompile(`(?i)\b(non|nessun[oa]?|della|delle|degli|dello|il|senza|chiave|errore|consegn[ae]|messaggio|destinatari[o]?|indirizzo|valid[oa]|risposta|mittente|attesa|scrittura|tentativi|chiamata)\b|[àèéìòù]`)

// failingHandler is a slog.Handler whose writes fail.
type failingHandler struct{ slog.Handler }

func (failingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (failingHandler) Handle(context.Context, slog.Record) error {
	return errors.New("disk full")
}

// TestErrorStringsAreEnglishWithThePrefix: every Go error string of notify
// and its adapters is English and starts with its package's name, so logs
// and searches read the same everywhere; what a person reads goes through
// the catalog instead.
func TestErrorStringsAreEnglishWithThePrefix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := notify.Message{Key: "k", To: []notify.Recipient{{Role: guideline.RolePoliceCommand}}}
	fail := &notifytest.Flaky{Always: true}
	errs := map[string][]error{
		"notify": {
			notify.ErrNoKey, notify.ErrNoRoute,
			notify.Permanent(errors.New("x")), notify.Temporary(errors.New("x")),
			notify.FanOut(fail, fail).Notify(ctx, m),
			notify.FanOut(fail, &notifytest.Flaky{}).Notify(ctx, m),
			notify.FanOut().Notify(ctx, m),
			notify.ByChannel(nil).Notify(ctx, notify.Message{Key: "k"}),
			notify.ByChannel(nil).Notify(ctx, m),
			notify.Retry(&notifytest.Flaky{Always: true, Permanent: true}, nil).Notify(ctx, m),
			notify.Dedup(fail, &notify.MemLog{}, nil).Notify(ctx, notify.Message{}),
		},
		"notifytest": {notifytest.ErrInjected, notifytest.ErrUnsupportedPeer},
		"smtpnotify": {
			smtpnotify.ErrNoStartTLS, smtpnotify.ErrPersonalDataInClear, smtpnotify.ErrAuthInClear,
			smtpnotify.ErrNoAuthMechanism, smtpnotify.ErrNoRecipient, smtpnotify.ErrInvalidAddress,
			smtpnotify.ErrInvalidKey, smtpnotify.ErrInvalidAttachment, smtpnotify.ErrTimeout,
			&smtpnotify.Error{Op: smtpnotify.OpRcptTo, Code: 550, EnhancedCode: "5.1.1"},
			&smtpnotify.Error{Op: smtpnotify.OpRender, Err: smtpnotify.ErrNoRecipient},
			&smtpnotify.Error{Op: smtpnotify.OpConnect, Err: smtpnotify.ErrTimeout},
			&smtpnotify.Error{Op: smtpnotify.OpStartTLS}, &smtpnotify.Error{Op: smtpnotify.OpAuth},
			&smtpnotify.Error{Op: smtpnotify.OpMailFrom}, &smtpnotify.Error{Op: smtpnotify.OpData},
			&smtpnotify.Error{Op: smtpnotify.OpSend},
			second(smtpnotify.New("no-port", "a@b.example", nil)),
			second(smtpnotify.New("host:porta", "a@b.example", nil)),
			second(smtpnotify.New("host:25", "not an address", nil)),
			second(smtpnotify.New("host:25", "a@b.example", &smtpnotify.Options{TLS: 99})),
		},
		"webhooknotify": {
			webhooknotify.ErrInsecure, webhooknotify.ErrNoEndpoint, webhooknotify.ErrEndpoint,
			webhooknotify.ErrKey, webhooknotify.ErrStatus, webhooknotify.ErrSignature, webhooknotify.ErrTimestamp,
			&webhooknotify.StatusError{Code: 503, Endpoint: "https://example.org"},
			second(webhooknotify.New("", nil, nil)),
			second(webhooknotify.New("ftp://x", []byte("s"), nil)),
		},
		// The classification wraps the adapter's own error.
		"slognotify": {cause(slognotify.New(slog.New(failingHandler{}), nil).Notify(ctx, m))},
	}
	for pkg, list := range errs {
		for i, err := range list {
			if err == nil {
				t.Errorf("%s: error %d is nil", pkg, i)
				continue
			}
			s := err.Error()
			if !strings.HasPrefix(s, pkg+": ") {
				t.Errorf("%s: error %d lacks the prefix: %s", pkg, i, s)
			}
			if w := italian.FindString(s); w != "" {
				t.Errorf("%s: error %d is not English (%q): %s", pkg, i, w, s)
			}
		}
	}
}

func second[T any](_ T, err error) error { return err }

// cause returns the error a DeliveryError wraps.
func cause(err error) error {
	var de *notify.DeliveryError
	if errors.As(err, &de) {
		return de.Err
	}
	return err
}
