package outbox_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
)

// Reasons lists every reason once, each described in Italian and English
// (a dashboard's legend), and every reason a dead letter can carry is
// among them.
func TestReasons(t *testing.T) {
	t.Parallel()
	rs := outbox.Reasons()
	it, en := outbox.Catalog().Printer(language.Italian), outbox.Catalog().Printer(language.English)
	seen := map[outbox.Reason]bool{}
	for _, r := range rs {
		if seen[r] || r == "" {
			t.Errorf("reason %q empty or listed twice", r)
		}
		seen[r] = true
		i, e := r.Name(it), r.Name(en)
		if i == e || i == r.MessageKey() || e == r.MessageKey() || i == "" || e == "" {
			t.Errorf("%s: Italian %q, English %q", r, i, e)
		}
	}
	for _, r := range []outbox.Reason{outbox.ReasonTemporary, outbox.ReasonTimeout, outbox.ReasonPermanent,
		outbox.ReasonAttemptsExhausted, outbox.ReasonDeadlinePassed, outbox.ReasonUnreadable} {
		if !seen[r] {
			t.Errorf("Reasons lacks %s", r)
		}
	}
	if len(rs) != len(outbox.Messages()) {
		t.Errorf("%d reasons, %d texts", len(rs), len(outbox.Messages()))
	}
	rs[0] = "changed"
	if outbox.Reasons()[0] == "changed" {
		t.Error("Reasons returns a shared slice")
	}
}

// Holder is the identifier the dispatcher writes in its claims: the one
// given in the Options, or a random one, different for each dispatcher.
func TestHolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := memLog(t, nil)
	a, b := outbox.NewDispatcher(l, &notifytest.Recorder{}, nil), outbox.NewDispatcher(l, &notifytest.Recorder{}, nil)
	for _, d := range []*outbox.Dispatcher{a, b} {
		h, ok := strings.CutPrefix(d.Holder(), "outbox-")
		if _, err := hex.DecodeString(h); !ok || err != nil || len(h) != 16 {
			t.Errorf("random holder %q", d.Holder())
		}
	}
	if a.Holder() == b.Holder() {
		t.Errorf("two dispatchers share the holder %q", a.Holder())
	}
	if h := outbox.NewDispatcher(l, &notifytest.Recorder{}, &outbox.Options{Holder: "worker-1"}).Holder(); h != "worker-1" {
		t.Errorf("holder %q, want worker-1", h)
	}
	queue(t, l, "request/1", "h", 1, notify.Normal)
	if _, err := a.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var claims int
	for _, e := range entries(t, l, outbox.Stream("h-0")) {
		if e.Kind != register.KindMessageClaimed {
			continue
		}
		claims++
		var d map[string]any
		if err := json.Unmarshal(e.Data, &d); err != nil || d[register.DataHolder] != a.Holder() {
			t.Errorf("claim holder %v, want %q (%v)", d[register.DataHolder], a.Holder(), err)
		}
	}
	if claims != 1 {
		t.Errorf("%d claims", claims)
	}
}

// A message queued with EventsAt is not sent before its not-before time,
// carries it and its deadline in Data, and is sent once the time comes.
func TestEventsAtNotBefore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newClock()
	l := memLog(t, clk.Now)
	notBefore, deadline := clk.Now().Add(time.Hour), clk.Now().Add(3*time.Hour)
	evs, err := outbox.EventsAt(outbox.Cause{Stream: "request/1", Actor: official}, notBefore, deadline, msg("later", notify.Normal))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		NotBefore time.Time `json:"not_before"`
		Deadline  time.Time `json:"deadline"`
	}
	if err := json.Unmarshal(evs[0].Data, &d); err != nil || !d.NotBefore.Equal(notBefore) || !d.Deadline.Equal(deadline) {
		t.Errorf("Data %s: %v", evs[0].Data, err)
	}
	expected := map[string]uint64{}
	outbox.Expect(expected, evs)
	if _, err := l.AppendBatch(ctx, expected, evs...); err != nil {
		t.Fatal(err)
	}
	rec := &notifytest.Recorder{}
	dis := outbox.NewDispatcher(l, rec, &outbox.Options{Now: clk.Now})
	if st, err := dis.Drain(ctx); err != nil || st.Claimed != 0 || rec.Len() != 0 {
		t.Fatalf("before its time: %+v %v, %d sent", st, err, rec.Len())
	}
	clk.Add(time.Hour)
	if st, err := dis.Drain(ctx); err != nil || st.Delivered != 1 || !slices.Equal(rec.Keys(), []string{"later"}) {
		t.Fatalf("at its time: %+v %v, sent %v", st, err, rec.Keys())
	}
	if got := kinds(t, l, "later"); got != "queued claimed delivered" {
		t.Errorf("entries: %s", got)
	}
}
