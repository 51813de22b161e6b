package notify_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

func ExampleRetry() {
	// A channel that fails twice before it delivers.
	mail := &notifytest.Flaky{FailFirst: 2, Next: &notifytest.Recorder{}}
	n := notify.Retry(mail, &notify.RetryOptions{InitialInterval: time.Millisecond, MaxAttempts: 5})
	err := n.Notify(context.Background(), notify.Message{Key: "request-7/submitted"})
	fmt.Println(err, mail.Calls())

	// A permanent failure is not retried.
	refused := &notifytest.Flaky{Always: true, Permanent: true}
	err = notify.Retry(refused, nil).Notify(context.Background(), notify.Message{Key: "request-8/submitted"})
	fmt.Println(notify.IsPermanent(err), refused.Calls())
	// Output:
	// <nil> 3
	// true 1
}

func ExampleFanOut() {
	var colleagues, command notifytest.Recorder
	broken := &notifytest.Flaky{Always: true}
	err := notify.FanOut(&colleagues, &command, broken).Notify(context.Background(), notify.Message{Key: "incident-3/alert"})
	var me *notify.MultiError
	if errors.As(err, &me) {
		fmt.Println(len(me.Failed), "of", me.Of, "failed: index", me.Failed[0].Index)
	}
	fmt.Println(colleagues.Len(), command.Len())
	// Output:
	// 1 of 3 failed: index 2
	// 1 1
}

func ExampleEscalate() {
	// The first channel refuses the message: the urgent message goes to
	// the second one at once instead of waiting for the deadline.
	email := &notifytest.Flaky{Always: true, Permanent: true}
	var sms notifytest.Recorder
	n := notify.Escalate(notify.Retry(email, nil), &sms, 60*time.Second)
	err := n.Notify(context.Background(), notify.Message{Key: "incident-3/alert", Priority: notify.Urgent})
	fmt.Println(err, sms.Len())
	// Output: <nil> 1
}

func ExampleByChannel() {
	var mail, hook notifytest.Recorder
	n := notify.ByChannel(map[notify.Channel]notify.Notifier{
		notify.ChannelEmail:   &mail,
		notify.ChannelWebhook: &hook,
	})
	err := n.Notify(context.Background(), notify.Message{
		Key: "request-7/submitted",
		To: []notify.Recipient{
			{Role: guideline.RolePoliceCommand, Email: guideline.MilanoCommandEmail},
			{Role: guideline.RoleAreaDirector, Endpoint: "https://example.org/hook"},
		},
	})
	fmt.Println(err, mail.Messages()[0].To[0].Role, hook.Messages()[0].To[0].Role)
	// Output: <nil> police_command area_director
}

func ExampleDedup() {
	var rec notifytest.Recorder
	n := notify.Dedup(&rec, &notify.MemLog{}, nil)
	for range 3 {
		_ = n.Notify(context.Background(), notify.Message{Key: "request-7/submitted"})
	}
	fmt.Println(rec.Len())
	// Output: 1
}

func ExampleMessage_String() {
	m := notify.Message{
		Key:      "request-7/submitted",
		Kind:     "request.submitted",
		To:       []notify.Recipient{{Role: guideline.RolePoliceCommand, Name: "Comando", Email: guideline.MilanoCommandEmail}},
		Subject:  "Richiesta per Mario Rossi",
		Text:     "Codice fiscale RSSMRA80A01F205X",
		Personal: true,
	}
	fmt.Println(m)
	fmt.Printf("%+v\n", m.To[0])
	// Output:
	// notify.Message{kind="request.submitted" key="request-7/submitted" priority=normal recipients=1 roles=[police_command] personal}
	// notify.Recipient{role=police_command channels=[email]}
}
