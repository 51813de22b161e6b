package notifytest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

func ExampleRecorder() {
	var rec notifytest.Recorder
	_ = rec.Notify(context.Background(), notify.Message{
		Key: "request-7/submitted",
		To:  []notify.Recipient{{Role: guideline.RolePoliceCommand}, {Role: guideline.RoleAreaDirector}},
	})
	fmt.Println(rec.Keys(), len(rec.To(guideline.RoleAreaDirector)))
	// Output: [request-7/submitted] 1
}

func ExampleFlaky() {
	var rec notifytest.Recorder
	// Fails twice, temporarily, then passes messages to rec.
	f := &notifytest.Flaky{FailFirst: 2, Next: &rec}
	n := notify.Retry(f, &notify.RetryOptions{InitialInterval: time.Millisecond})
	err := n.Notify(context.Background(), notify.Message{Key: "incident-3/alert"})
	fmt.Println(err, f.Calls(), rec.Len())
	// Output: <nil> 3 1
}
