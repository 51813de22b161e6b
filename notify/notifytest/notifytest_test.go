package notifytest_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

// fakes builds notifiers from Flaky and Recorder for each peer, and
// remembers which Recorder is behind which notifier.
type fakes struct {
	mu   sync.Mutex
	recs map[notify.Notifier]*notifytest.Recorder
}

func (f *fakes) new(peer notifytest.Peer) notify.Notifier {
	rec := &notifytest.Recorder{}
	var n *notifytest.Flaky
	switch peer {
	case notifytest.Accept:
		n = &notifytest.Flaky{Next: rec}
	case notifytest.RejectPermanently:
		n = &notifytest.Flaky{Always: true, Permanent: true}
	case notifytest.FailTemporarily:
		n = &notifytest.Flaky{Always: true}
	case notifytest.Stall:
		n = &notifytest.Flaky{Delay: time.Hour}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recs[n] = rec
	return n
}

func (f *fakes) inspect(n notify.Notifier) []notifytest.Delivered {
	f.mu.Lock()
	rec := f.recs[n]
	f.mu.Unlock()
	var out []notifytest.Delivered
	for _, m := range rec.Messages() {
		out = append(out, notifytest.Delivered{Key: m.Key, Subject: m.Subject, Text: m.Text})
	}
	return out
}

func TestRunOnFakes(t *testing.T) {
	t.Parallel()
	f := &fakes{recs: map[notify.Notifier]*notifytest.Recorder{}}
	notifytest.Run(t,
		func(t *testing.T, p notifytest.Peer) notify.Notifier { return f.new(p) },
		func(t *testing.T, n notify.Notifier) []notifytest.Delivered { return f.inspect(n) })
}

// TestCheckCatchesBrokenNotifier runs the suite on notifiers that break
// its rules, to show that it can fail.
func TestCheckCatchesBrokenNotifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		new  func(notifytest.Peer, *notifytest.Recorder) notify.Notifier
	}{
		{"DropsKey", func(_ notifytest.Peer, rec *notifytest.Recorder) notify.Notifier {
			return notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
				m.Key = ""
				return rec.Notify(ctx, m)
			})
		}},
		{"SendsTwice", func(_ notifytest.Peer, rec *notifytest.Recorder) notify.Notifier {
			return notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
				_ = rec.Notify(ctx, m)
				return rec.Notify(ctx, m)
			})
		}},
		{"IgnoresContext", func(p notifytest.Peer, rec *notifytest.Recorder) notify.Notifier {
			return notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
				if p == notifytest.Stall {
					time.Sleep(200 * time.Millisecond)
					return errors.New("fine")
				}
				return rec.Notify(context.Background(), m)
			})
		}},
		{"EverythingPermanent", func(p notifytest.Peer, rec *notifytest.Recorder) notify.Notifier {
			return notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
				if p != notifytest.Accept {
					return notify.Permanent(errors.New("no"))
				}
				return rec.Notify(ctx, m)
			})
		}},
		{"LeaksText", func(p notifytest.Peer, rec *notifytest.Recorder) notify.Notifier {
			return notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
				if p == notifytest.RejectPermanently {
					return notify.Permanent(errors.New("rifiutato: " + m.Text))
				}
				return rec.Notify(ctx, m)
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			recs := map[*notifytest.Recorder]bool{}
			byN := map[any]*notifytest.Recorder{}
			n := 0
			err := notifytest.Check(notifytest.Harness{
				New: func(p notifytest.Peer) (notify.Notifier, error) {
					rec := &notifytest.Recorder{}
					mu.Lock()
					defer mu.Unlock()
					recs[rec] = true
					n++
					w := &wrapped{id: n, Notifier: tt.new(p, rec)}
					byN[w] = rec
					return w, nil
				},
				Inspect: func(nf notify.Notifier) ([]notifytest.Delivered, error) {
					mu.Lock()
					rec := byN[nf]
					mu.Unlock()
					var out []notifytest.Delivered
					for _, m := range rec.Messages() {
						out = append(out, notifytest.Delivered{Key: m.Key, Subject: m.Subject, Text: m.Text})
					}
					return out, nil
				},
			})
			if err == nil {
				t.Fatal("Check did not fail")
			}
		})
	}
}

type wrapped struct {
	id int
	notify.Notifier
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	var r notifytest.Recorder
	ctx := context.Background()
	m1 := notify.Message{Key: "a", To: []notify.Recipient{{Role: guideline.RolePoliceCommand}}}
	m2 := notify.Message{Key: "b", To: []notify.Recipient{{Role: guideline.RoleAreaDirector}}}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { _ = r.Notify(ctx, m1) })
	}
	wg.Wait()
	if err := r.Notify(ctx, m2); err != nil {
		t.Fatal(err)
	}
	if r.Len() != 11 {
		t.Errorf("Len = %d, want 11", r.Len())
	}
	if got := r.To(guideline.RoleAreaDirector); len(got) != 1 || got[0].Key != "b" {
		t.Errorf("To(area director) = %v", got)
	}
	if k := r.Keys(); k[10] != "b" {
		t.Errorf("Keys = %v", k)
	}
	if got := notifytest.AssertSent(t, r.Messages(), guideline.RolePoliceCommand); got.Key != "a" {
		t.Errorf("AssertSent returned %v", got)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := r.Notify(cctx, m1); !errors.Is(err, context.Canceled) {
		t.Errorf("Notify with cancelled ctx = %v", err)
	}
	r.Reset()
	if r.Len() != 0 {
		t.Errorf("Len after Reset = %d", r.Len())
	}
}

func TestFlaky(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rec := &notifytest.Recorder{}
	f := &notifytest.Flaky{FailFirst: 2, RetryAfter: time.Second, Next: rec}
	for i, wantErr := range []bool{true, true, false, false} {
		err := f.Notify(ctx, notify.Message{Key: "k"})
		if (err != nil) != wantErr {
			t.Errorf("call %d: err = %v, want error %v", i+1, err, wantErr)
		}
		if err != nil {
			var de *notify.DeliveryError
			if !errors.As(err, &de) || de.Permanent || de.RetryAfter != time.Second || !errors.Is(err, notifytest.ErrInjected) {
				t.Errorf("call %d: error %v not a temporary DeliveryError with RetryAfter", i+1, err)
			}
		}
	}
	if f.Calls() != 4 || rec.Len() != 2 {
		t.Errorf("Calls = %d, delivered = %d; want 4, 2", f.Calls(), rec.Len())
	}
	p := &notifytest.Flaky{Always: true, Permanent: true}
	if err := p.Notify(ctx, notify.Message{}); !notify.IsPermanent(err) {
		t.Errorf("permanent Flaky: %v", err)
	}
	slow := &notifytest.Flaky{Delay: time.Hour}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := slow.Notify(cctx, notify.Message{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow Flaky: %v", err)
	}
}

// recordingTB records failures instead of failing the test.
type recordingTB struct {
	testing.TB
	failed bool
	msgs   []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.failed = true
	r.msgs = append(r.msgs, format)
}

func TestAssertNoLeak(t *testing.T) {
	t.Parallel()
	secrets := []string{"Mario Rossi", "RSSMRA80A01F205X"}
	tb := &recordingTB{TB: t}
	notifytest.AssertNoLeak(tb, secrets, "tutto bene", "errore per RSSMRA80A01F205X")
	if !tb.failed {
		t.Error("AssertNoLeak did not catch the codice fiscale")
	}
	tb = &recordingTB{TB: t}
	notifytest.AssertNoLeak(tb, secrets, "tutto bene")
	if tb.failed {
		t.Error("AssertNoLeak failed on clean text")
	}
	tb = &recordingTB{TB: t}
	notifytest.AssertSent(tb, nil, guideline.RolePoliceCommand)
	if !tb.failed {
		t.Error("AssertSent did not fail on no messages")
	}
}
