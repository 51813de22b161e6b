package notify_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

func msg(key string, p notify.Priority, to ...notify.Recipient) notify.Message {
	return notify.Message{Key: key, Kind: "test", Priority: p, To: to, Subject: "s", Text: "t"}
}

func TestFanOutConcurrent(t *testing.T) {
	t.Parallel()
	// In a synctest bubble time is fake and moves only when every
	// goroutine is blocked: 5 notifiers taking 100 ms each take 100 ms of
	// the bubble's time when they run together, 500 ms one after another,
	// however busy the machine.
	synctest.Test(t, func(t *testing.T) {
		var recs [5]notifytest.Recorder
		ns := make([]notify.Notifier, len(recs))
		for i := range recs {
			ns[i] = &notifytest.Flaky{Delay: 100 * time.Millisecond, Next: &recs[i]}
		}
		start := time.Now()
		if err := notify.FanOut(ns...).Notify(t.Context(), msg("k", notify.Normal)); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Errorf("fan-out of 5 × 100 ms took %v of the bubble's time, want 100ms (500ms is one after another)", d)
		}
		for i := range recs {
			if recs[i].Len() != 1 {
				t.Errorf("notifier %d received %d messages, want 1", i, recs[i].Len())
			}
		}
	})
}

func TestFanOutErrors(t *testing.T) {
	t.Parallel()
	ok := &notifytest.Recorder{}
	perm := &notifytest.Flaky{Always: true, Permanent: true}
	temp := &notifytest.Flaky{Always: true, RetryAfter: 3 * time.Second}
	tests := []struct {
		name      string
		ns        []notify.Notifier
		wantErr   bool
		failed    []int
		permanent bool
	}{
		{"all deliver", []notify.Notifier{ok, ok}, false, nil, false},
		{"one permanent", []notify.Notifier{ok, perm}, true, []int{1}, true},
		{"permanent and temporary", []notify.Notifier{perm, ok, temp}, true, []int{0, 2}, false},
		{"two permanent", []notify.Notifier{perm, perm}, true, []int{0, 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := notify.FanOut(tt.ns...).Notify(context.Background(), msg("k", notify.Normal))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil {
				return
			}
			var me *notify.MultiError
			if !errors.As(err, &me) {
				t.Fatalf("err %T is not a *MultiError", err)
			}
			var idx []int
			for _, f := range me.Failed {
				idx = append(idx, f.Index)
			}
			if len(idx) != len(tt.failed) || me.Of != len(tt.ns) {
				t.Errorf("failed %v of %d, want %v of %d", idx, me.Of, tt.failed, len(tt.ns))
			}
			for i := range idx {
				if idx[i] != tt.failed[i] {
					t.Errorf("failed %v, want %v", idx, tt.failed)
				}
			}
			if got := notify.IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent = %v, want %v", got, tt.permanent)
			}
			if !errors.Is(err, notifytest.ErrInjected) {
				t.Error("errors.Is does not see the failures")
			}
		})
	}
	if err := notify.FanOut().Notify(context.Background(), msg("k", notify.Normal)); !errors.Is(err, notify.ErrNoRoute) {
		t.Errorf("FanOut of nothing: err = %v", err)
	}
	err := notify.FanOut(ok, temp).Notify(context.Background(), msg("k", notify.Normal))
	var de *notify.DeliveryError
	if !errors.As(err, &de) || de.RetryAfter != 3*time.Second {
		t.Errorf("aggregate RetryAfter: %v", err)
	}
}

func TestRetry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		flaky     *notifytest.Flaky
		opts      notify.RetryOptions
		wantErr   bool
		permanent bool
		calls     int
	}{
		{"succeeds after 2 failures", &notifytest.Flaky{FailFirst: 2}, notify.RetryOptions{}, false, false, 3},
		{"stops on permanent", &notifytest.Flaky{Always: true, Permanent: true}, notify.RetryOptions{}, true, true, 1},
		{"max attempts", &notifytest.Flaky{Always: true}, notify.RetryOptions{MaxAttempts: 4}, true, false, 4},
		// 1+2+4+8 s of waits fit in 20 s; the next (16 s) does not.
		{"max elapsed", &notifytest.Flaky{Always: true}, notify.RetryOptions{InitialInterval: time.Second, Jitter: -1, MaxElapsed: 20 * time.Second}, true, false, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := tt.flaky
				err := notify.Retry(f, &tt.opts).Notify(context.Background(), msg("k", notify.Normal))
				if (err != nil) != tt.wantErr {
					t.Fatalf("err = %v, want error %v", err, tt.wantErr)
				}
				if f.Calls() != tt.calls {
					t.Errorf("calls = %d, want %d", f.Calls(), tt.calls)
				}
				if err == nil {
					return
				}
				var re *notify.RetryError
				if !errors.As(err, &re) || re.Attempts != tt.calls {
					t.Errorf("err = %v, want a RetryError with %d attempts", err, tt.calls)
				}
				if notify.IsPermanent(err) != tt.permanent {
					t.Errorf("IsPermanent = %v, want %v", notify.IsPermanent(err), tt.permanent)
				}
			})
		})
	}
}

func TestRetryBackoffSchedule(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var waits []time.Duration
		f := &notifytest.Flaky{FailFirst: 4}
		start := time.Now()
		err := notify.Retry(f, &notify.RetryOptions{
			InitialInterval: time.Second, Jitter: -1, MaxInterval: 5 * time.Second,
			OnRetry: func(_ int, _ error, d time.Duration) { waits = append(waits, d) },
		}).Notify(context.Background(), msg("k", notify.Normal))
		if err != nil {
			t.Fatal(err)
		}
		want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second}
		if len(waits) != len(want) {
			t.Fatalf("waits %v, want %v", waits, want)
		}
		for i := range want {
			if waits[i] != want[i] {
				t.Errorf("waits %v, want %v", waits, want)
				break
			}
		}
		if d := time.Since(start); d != 12*time.Second {
			t.Errorf("elapsed %v on the fake clock, want 12s", d)
		}
	})
}

func TestRetryHonoursRetryAfterAndUrgency(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var waits []time.Duration
		onRetry := func(_ int, _ error, d time.Duration) { waits = append(waits, d) }
		f := &notifytest.Flaky{FailFirst: 1, RetryAfter: 7 * time.Second}
		if err := notify.Retry(f, &notify.RetryOptions{Jitter: -1, OnRetry: onRetry}).Notify(context.Background(), msg("k", notify.Normal)); err != nil {
			t.Fatal(err)
		}
		if len(waits) != 1 || waits[0] != 7*time.Second {
			t.Errorf("waits %v, want [7s] from RetryAfter", waits)
		}
		waits = nil
		f = &notifytest.Flaky{FailFirst: 5}
		if err := notify.Retry(f, &notify.RetryOptions{InitialInterval: time.Second, Jitter: -1, OnRetry: onRetry}).Notify(context.Background(), msg("k", notify.Urgent)); err != nil {
			t.Fatal(err)
		}
		for _, w := range waits {
			if w > 2*time.Second {
				t.Errorf("urgent message waited %v, more than the 2 s cap (waits %v)", w, waits)
			}
		}
	})
}

func TestRetryStopsOnContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := &notifytest.Flaky{Always: true}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		err := notify.Retry(f, &notify.RetryOptions{InitialInterval: 3 * time.Second, Jitter: -1}).Notify(ctx, msg("k", notify.Normal))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want one wrapping DeadlineExceeded", err)
		}
		if !errors.Is(err, notifytest.ErrInjected) {
			t.Errorf("err = %v does not keep the last attempt's error", err)
		}
		if notify.IsPermanent(err) {
			t.Error("context end classified permanent")
		}
		if d := time.Since(start); d != 10*time.Second {
			t.Errorf("returned after %v, want at the 10 s deadline", d)
		}
		// Attempts at 0, 3 and 9 s; the wait for the next is cut short.
		if f.Calls() != 3 {
			t.Errorf("calls = %d, want 3", f.Calls())
		}
	})
}

func TestRetryThenDedupExactlyOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := &notifytest.Recorder{}
		var log notify.MemLog
		n := notify.Dedup(notify.Retry(&notifytest.Flaky{FailFirst: 2, Next: rec}, nil), &log, nil)
		for range 3 {
			if err := n.Notify(context.Background(), msg("same-key", notify.Normal)); err != nil {
				t.Fatal(err)
			}
		}
		if rec.Len() != 1 || log.Len() != 1 {
			t.Errorf("delivered %d, logged %d; want 1, 1", rec.Len(), log.Len())
		}
	})
}

func TestFallback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name               string
		primary, secondary notify.Notifier
		wantErr, permanent bool
		fromPrimary        int
		fromSecondary      int
	}{
		{"primary delivers", nil, nil, false, false, 1, 0},
		{"primary fails", &notifytest.Flaky{Always: true}, nil, false, false, 0, 1},
		{"both fail temporarily", &notifytest.Flaky{Always: true, Permanent: true}, &notifytest.Flaky{Always: true}, true, false, 0, 0},
		{"both fail permanently", &notifytest.Flaky{Always: true, Permanent: true}, &notifytest.Flaky{Always: true, Permanent: true}, true, true, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := &notifytest.Recorder{}, &notifytest.Recorder{}
			primary, secondary := tt.primary, tt.secondary
			if primary == nil {
				primary = p
			}
			if secondary == nil {
				secondary = s
			}
			err := notify.Fallback(primary, secondary).Notify(ctx, msg("k", notify.Normal))
			if (err != nil) != tt.wantErr || notify.IsPermanent(err) != tt.permanent {
				t.Errorf("err = %v (permanent %v), want error %v permanent %v", err, notify.IsPermanent(err), tt.wantErr, tt.permanent)
			}
			if p.Len() != tt.fromPrimary || s.Len() != tt.fromSecondary {
				t.Errorf("primary %d, secondary %d; want %d, %d", p.Len(), s.Len(), tt.fromPrimary, tt.fromSecondary)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	s := &notifytest.Recorder{}
	err := notify.Fallback(&notifytest.Recorder{}, s).Notify(cctx, msg("k", notify.Normal))
	if !errors.Is(err, context.Canceled) || s.Len() != 0 {
		t.Errorf("cancelled: err = %v, secondary got %d", err, s.Len())
	}
}

func TestEscalate(t *testing.T) {
	t.Parallel()
	const deadline = 60 * time.Second
	t.Run("urgent escalates at the deadline while primary keeps trying", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			primary := &notifytest.Flaky{Always: true}
			sms := &notifytest.Recorder{}
			var delivered time.Duration
			start := time.Now()
			secondary := notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
				delivered = time.Since(start)
				return sms.Notify(ctx, m)
			})
			attemptsAtEscalation := 0
			retried := notify.Retry(primary, &notify.RetryOptions{InitialInterval: time.Second, Jitter: -1})
			watched := notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
				err := retried.Notify(ctx, m)
				attemptsAtEscalation = primary.Calls()
				return err
			})
			err := notify.Escalate(watched, secondary, deadline).Notify(context.Background(), msg("k", notify.Urgent))
			if err != nil {
				t.Fatal(err)
			}
			if sms.Len() != 1 || delivered != deadline {
				t.Errorf("fallback got %d messages at %v; want 1 at %v", sms.Len(), delivered, deadline)
			}
			// Waits of 1, 2, 2, 2… s (urgent cap): the primary was still
			// trying, about 30 times, when the fallback delivered.
			if attemptsAtEscalation < 20 {
				t.Errorf("primary made %d attempts before being stopped, want it to keep retrying until the deadline", attemptsAtEscalation)
			}
		})
	})
	t.Run("urgent delivered before the deadline does not escalate", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, s := &notifytest.Recorder{}, &notifytest.Recorder{}
			primary := notify.Retry(&notifytest.Flaky{FailFirst: 3, Next: p}, nil)
			if err := notify.Escalate(primary, s, deadline).Notify(context.Background(), msg("k", notify.Urgent)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * deadline)
			if p.Len() != 1 || s.Len() != 0 {
				t.Errorf("primary %d, secondary %d; want 1, 0", p.Len(), s.Len())
			}
		})
	})
	t.Run("urgent permanent failure escalates at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := &notifytest.Recorder{}
			start := time.Now()
			if err := notify.Escalate(&notifytest.Flaky{Always: true, Permanent: true}, s, deadline).Notify(context.Background(), msg("k", notify.Urgent)); err != nil {
				t.Fatal(err)
			}
			if s.Len() != 1 || time.Since(start) != 0 {
				t.Errorf("secondary %d after %v; want 1 at once", s.Len(), time.Since(start))
			}
		})
	})
	t.Run("both fail", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			err := notify.Escalate(&notifytest.Flaky{Always: true, Permanent: true}, &notifytest.Flaky{Always: true}, deadline).Notify(context.Background(), msg("k", notify.Urgent))
			var me *notify.MultiError
			if !errors.As(err, &me) || len(me.Failed) != 2 || notify.IsPermanent(err) {
				t.Errorf("err = %v, want a temporary MultiError with 2 failures", err)
			}
		})
	})
	t.Run("context ends before the deadline", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := &notifytest.Recorder{}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := notify.Escalate(&notifytest.Flaky{Delay: time.Hour}, s, deadline).Notify(ctx, msg("k", notify.Urgent))
			if !errors.Is(err, context.DeadlineExceeded) || notify.IsPermanent(err) || s.Len() != 0 {
				t.Errorf("err = %v, secondary %d; want a temporary error wrapping DeadlineExceeded, nothing escalated", err, s.Len())
			}
		})
	})
	t.Run("normal message waits for primary", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, s := &notifytest.Recorder{}, &notifytest.Recorder{}
			slow := &notifytest.Flaky{Delay: 2 * deadline, Next: p}
			if err := notify.Escalate(slow, s, deadline).Notify(context.Background(), msg("k", notify.Normal)); err != nil {
				t.Fatal(err)
			}
			if p.Len() != 1 || s.Len() != 0 {
				t.Errorf("primary %d, secondary %d; want 1, 0", p.Len(), s.Len())
			}
		})
	})
}

func TestRoute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	police := notify.Recipient{Role: guideline.RolePoliceCommand, Email: "comando@example.org"}
	director := notify.Recipient{Role: guideline.RoleAreaDirector, Email: "direttore@example.org", Endpoint: "https://example.org/hook"}
	centre := notify.Recipient{Role: guideline.RoleOperationsCentre, Phone: "+390277270282"}
	t.Run("by channel", func(t *testing.T) {
		mail, hook := &notifytest.Recorder{}, &notifytest.Recorder{}
		n := notify.ByChannel(map[notify.Channel]notify.Notifier{notify.ChannelEmail: mail, notify.ChannelWebhook: hook})
		if err := n.Notify(ctx, msg("k", notify.Normal, police, director)); err != nil {
			t.Fatal(err)
		}
		if got := mail.Messages(); len(got) != 1 || len(got[0].To) != 2 {
			t.Errorf("email got %v, want one message to both", got)
		}
		if got := hook.Messages(); len(got) != 1 || len(got[0].To) != 1 || got[0].To[0].Role != guideline.RoleAreaDirector {
			t.Errorf("webhook got %v, want one message to the director", got)
		}
		err := n.Notify(ctx, msg("k2", notify.Normal, police, centre))
		if !errors.Is(err, notify.ErrNoRoute) || !notify.IsPermanent(err) {
			t.Errorf("unroutable recipient: err = %v", err)
		}
		if mail.Len() != 1 {
			t.Error("a message with an unroutable recipient was partly sent")
		}
	})
	t.Run("by role", func(t *testing.T) {
		a, b := &notifytest.Recorder{}, &notifytest.Recorder{}
		n := notify.ByRole(map[guideline.Role]notify.Notifier{
			guideline.RolePoliceCommand: a, guideline.RoleAreaDirector: b,
		})
		if err := n.Notify(ctx, msg("k", notify.Normal, police, director, police)); err != nil {
			t.Fatal(err)
		}
		if got := a.Messages(); len(got) != 1 || len(got[0].To) != 2 {
			t.Errorf("police got %v", got)
		}
		if got := b.Messages(); len(got) != 1 || len(got[0].To) != 1 || got[0].Key != "k" {
			t.Errorf("director got %v", got)
		}
		if err := n.Notify(ctx, msg("k", notify.Normal)); !errors.Is(err, notify.ErrNoRoute) {
			t.Errorf("no recipients: err = %v", err)
		}
	})
	t.Run("failure of one route", func(t *testing.T) {
		n := notify.ByRole(map[guideline.Role]notify.Notifier{
			guideline.RolePoliceCommand: &notifytest.Recorder{},
			guideline.RoleAreaDirector:  &notifytest.Flaky{Always: true},
		})
		err := n.Notify(ctx, msg("k", notify.Normal, police, director))
		var me *notify.MultiError
		if !errors.As(err, &me) || len(me.Failed) != 1 || me.Failed[0].Index != 1 {
			t.Errorf("err = %v, want the director's route failed", err)
		}
	})
}

// failingLog is a DeliveryLog whose reads or writes fail.
type failingLog struct {
	notify.MemLog
	readErr, writeErr error
}

func (l *failingLog) Delivered(ctx context.Context, key string) (bool, error) {
	if l.readErr != nil {
		return false, l.readErr
	}
	return l.MemLog.Delivered(ctx, key)
}

func (l *failingLog) MarkDelivered(ctx context.Context, key string) error {
	if l.writeErr != nil {
		return l.writeErr
	}
	return l.MemLog.MarkDelivered(ctx, key)
}

func TestDedup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("sends each key once", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		var log notify.MemLog
		n := notify.Dedup(rec, &log, nil)
		for _, k := range []string{"a", "b", "a", "a", "b"} {
			if err := n.Notify(ctx, msg(k, notify.Normal)); err != nil {
				t.Fatal(err)
			}
		}
		if got := rec.Keys(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
			t.Errorf("delivered %v, want [a b]", got)
		}
	})
	t.Run("concurrent sends of one key reach the notifier once", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		n := notify.Dedup(&notifytest.Flaky{Delay: 10 * time.Millisecond, Next: rec}, &notify.MemLog{}, nil)
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if err := n.Notify(ctx, msg("same", notify.Urgent)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if rec.Len() != 1 {
			t.Errorf("delivered %d times, want 1", rec.Len())
		}
	})
	t.Run("failed send is not recorded", func(t *testing.T) {
		var log notify.MemLog
		err := notify.Dedup(&notifytest.Flaky{Always: true}, &log, nil).Notify(ctx, msg("k", notify.Normal))
		if err == nil || log.Len() != 0 {
			t.Errorf("err = %v, logged %d", err, log.Len())
		}
	})
	t.Run("no key", func(t *testing.T) {
		err := notify.Dedup(&notifytest.Recorder{}, &notify.MemLog{}, nil).Notify(ctx, msg("", notify.Normal))
		if !errors.Is(err, notify.ErrNoKey) || !notify.IsPermanent(err) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("log read failure is temporary and sends nothing", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		boom := errors.New("disco pieno")
		err := notify.Dedup(rec, &failingLog{readErr: boom}, nil).Notify(ctx, msg("k", notify.Normal))
		if !errors.Is(err, boom) || notify.IsPermanent(err) || rec.Len() != 0 {
			t.Errorf("err = %v, delivered %d", err, rec.Len())
		}
	})
	t.Run("log write failure: at least once, same key", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		boom := errors.New("disco pieno")
		var reported []string
		n := notify.Dedup(rec, &failingLog{writeErr: boom}, func(k string, err error) {
			if errors.Is(err, boom) {
				reported = append(reported, k)
			}
		})
		for range 2 {
			if err := n.Notify(ctx, msg("k", notify.Normal)); err != nil {
				t.Fatal(err)
			}
		}
		if got := rec.Keys(); len(got) != 2 || got[0] != got[1] {
			t.Errorf("delivered %v, want the same key twice", got)
		}
		if len(reported) != 2 {
			t.Errorf("reported %v", reported)
		}
	})
}

func TestMultiErrorText(t *testing.T) {
	t.Parallel()
	fail := &notifytest.Flaky{Always: true}
	ok := &notifytest.Recorder{}
	for _, tt := range []struct {
		ns   []notify.Notifier
		want string
	}{
		{[]notify.Notifier{ok, fail, ok}, "notify: 1 of 3 deliveries failed; [1] "},
		{[]notify.Notifier{fail, ok, fail}, "notify: 2 of 3 deliveries failed; [0] "},
	} {
		err := notify.FanOut(tt.ns...).Notify(context.Background(), msg("k", notify.Normal))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("err = %v, want it to start with %q", err, tt.want)
		}
	}
}
