package register

import (
	"context"
	"sync"
	"time"
)

// Monitor answers [Log.Summary] without reading the whole register each
// time: it keeps, in memory, the 32 bytes of each entry that a summary
// needs (no personal data: kinds, territories, times, outcome and incident
// codes, and stream names), and on each call reads only the entries appended
// since the previous one. The first call reads the whole register, as
// Log.Summary does; later ones cost a scan of the new entries and a pass
// over the kept facts, milliseconds for a million entries.
//
// Its summaries are those of Log.Summary over the same entries. It is meant
// for a process that summarises often (a monitoring dashboard); memory grows
// by about 32 bytes per entry of a summarised kind, plus the names of the
// streams. A Monitor is safe for concurrent use; calls are serialised.
type Monitor struct {
	log *Log

	mu    sync.Mutex
	in    *interner
	view  view
	after uint64 // every entry up to this sequence number has been read
	facts []fact // in sequence order
}

// Monitor returns a new, empty Monitor over l. It reads nothing until its
// first Summary.
func (l *Log) Monitor() *Monitor {
	return &Monitor{log: l, in: newInterner()}
}

// Summary catches up with the entries appended since the previous call,
// then computes the [Summary] of the entries with from <= Time < to. If the
// catching up fails, the error is returned and the entries read so far are
// kept for the next call.
func (m *Monitor) Summary(ctx context.Context, from, to time.Time) (*Summary, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for rec, err := range m.log.prefetch(ctx, summaryFilter(time.Time{}, time.Time{}, m.after)) {
		if err != nil {
			return nil, err
		}
		f, ok, err := factOf(&m.view, m.in, &rec)
		if err != nil {
			return nil, err
		}
		if ok {
			m.facts = append(m.facts, f)
		}
		m.after = rec.Seq
	}
	z := newSummarizer(from, to, m.log.loc, m.in)
	lo, hi := int64(minMicro), int64(maxMicro)
	if !from.IsZero() {
		lo = ceilMicro(from)
	}
	if !to.IsZero() {
		hi = ceilMicro(to)
	}
	for i := range m.facts {
		if f := &m.facts[i]; f.time >= lo && f.time < hi {
			z.add(f)
		}
	}
	return z.result(), nil
}

// The bounds of a period with no start or no end.
const (
	minMicro = -1 << 63
	maxMicro = 1<<63 - 1
)

// ceilMicro returns t in microseconds since 1970, rounded up, so that a
// stored time (whole microseconds) m satisfies m >= ceilMicro(t) exactly
// when it is not before t.
func ceilMicro(t time.Time) int64 {
	m := t.UnixMicro()
	if t.Nanosecond()%1000 != 0 {
		m++
	}
	return m
}
