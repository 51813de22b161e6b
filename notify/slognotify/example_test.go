package slognotify_test

import (
	"context"
	"log/slog"
	"os"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/slognotify"
)

func ExampleNew() {
	// A text log without times, so the output is stable.
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	})
	n := slognotify.New(slog.New(h), &slognotify.Options{ShowText: true})
	_ = n.Notify(context.Background(), notify.Message{
		Key:      "request-7/submitted",
		Kind:     "request.submitted",
		To:       []notify.Recipient{{Role: guideline.RolePoliceCommand, Name: "Comando", Email: guideline.MilanoCommandEmail}},
		Subject:  "Richiesta per Mario Rossi",
		Text:     "Codice fiscale RSSMRA80A01F205X",
		Personal: true,
	})
	// Output:
	// level=INFO msg=notifica message.kind=request.submitted message.key=request-7/submitted message.priority=normal message.recipients=1 message.roles=[police_command] message.personal=true
}
