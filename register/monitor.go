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
	// bad holds, by index in facts, the description of each bad fact:
	// listed only by a summary that uses its Data, as Log.Summary does.
	bad map[int]UnreadableEntry
}

// Monitor returns a new, empty Monitor over l. It reads nothing until its
// first Summary.
func (l *Log) Monitor() *Monitor {
	return &Monitor{log: l, in: newInterner()}
}

// Summary catches up with the entries appended since the previous call,
// then computes the [Summary] of the entries with from <= Time < to. If the
// catching up fails, the error is returned and the entries read so far are
// kept for the next call. An entry whose Data cannot be read is listed, as
// in Log.Summary, in the Unreadable of the summaries that use that Data.
func (m *Monitor) Summary(ctx context.Context, from, to time.Time) (*Summary, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for rec, err := range m.log.prefetch(ctx, summaryFilter(time.Time{}, time.Time{}, m.after)) {
		if err != nil {
			return nil, err
		}
		f, ok, bad := factOf(&m.view, m.in, &rec)
		if ok {
			if f.bad {
				if m.bad == nil {
					m.bad = make(map[int]UnreadableEntry)
				}
				m.bad[len(m.facts)] = bad
			}
			m.facts = append(m.facts, f)
		}
		m.after = rec.Seq
	}
	z := newSummarizer(from, to, m.log.loc, m.in)
	lo, hi := int64(minMicro), int64(maxMicro)
	if !from.IsZero() {
		lo = BoundMicros(from)
	}
	if !to.IsZero() {
		hi = BoundMicros(to)
	}
	for i := range m.facts {
		if f := &m.facts[i]; f.time >= lo && f.time < hi && z.add(f) && f.bad {
			z.unreadable = append(z.unreadable, m.bad[i])
		}
	}
	return z.result(), nil
}

// The bounds of a period with no start or no end.
const (
	minMicro = -1 << 63
	maxMicro = 1<<63 - 1
)

// BoundMicros returns the bound, in microseconds since 1970, that selects
// stored times exactly as t does: entry times are whole microseconds, so a
// stored m is not before t when m >= BoundMicros(t), and is before t when
// m < BoundMicros(t). Times beyond what int64 microseconds can hold are
// brought within. Backends that store times as microseconds use it for
// [Filter.From] and [Filter.To].
func BoundMicros(t time.Time) int64 {
	switch {
	case t.Before(minMicroTime):
		return minMicro
	case t.After(maxMicroTime):
		return maxMicro
	}
	m := t.UnixMicro()
	if t.Nanosecond()%1000 != 0 {
		m++
	}
	return m
}

// The times that int64 microseconds since 1970 can hold.
var minMicroTime, maxMicroTime = time.UnixMicro(minMicro), time.UnixMicro(maxMicro)
