package register

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"golang.org/x/text/language"
)

// Summary is the monitoring the guideline asks of the register, over a
// period: preventive requests by territory and month with their outcomes
// and lead times, incidents by kind and territory, and the time from the
// report of an incident to each emergency step.
//
// It holds counts and durations only, never personal data.
type Summary struct {
	// From and To bound the period: entries with From <= Time < To.
	From, To time.Time
	// Location is the time zone that months are counted in.
	Location *time.Location
	// Requests has one row per territory and month of submission, sorted
	// by territory then month.
	Requests []RequestRow
	// Outcomes counts the outcome codes ([DataOutcome]) of completed
	// requests, sorted by code.
	Outcomes []OutcomeRow
	// LeadTime is the time from submission to appointment over all
	// requests.
	LeadTime Durations
	// Incidents has one row per territory and kind of incident, sorted.
	Incidents []IncidentRow
	// Steps has one row per emergency step, in the guideline's order: the
	// time from the report to the first entry of that step.
	Steps []StepRow
	// Unreadable lists, in sequence order, the entries whose Data the
	// summary needed but could not read (written by an older version or
	// another tool): each is still counted, without the value it lacks
	// (a request without lead time, an outcome or incident kind "").
	Unreadable []UnreadableEntry
}

// UnreadableEntry is an entry whose Data a [Summary] needed but could not
// read. It names the entry and the field, never the value.
type UnreadableEntry struct {
	// Seq is the entry's sequence number.
	Seq uint64
	// Kind is the entry's kind.
	Kind string
	// Field is the Data field that could not be read, such as
	// [DataAppointment]; empty when the entry's body or its Data as a
	// whole could not be decoded.
	Field string
}

// Message describes the entry as a person reads it, in the language of
// tag: English for an English tag, Italian otherwise.
func (u UnreadableEntry) Message(tag language.Tag) string {
	field := u.Field
	if field == "" {
		field = "Data"
	}
	return render(tag, keyUnreadable, u.Seq, u.Kind, field)
}

// RequestRow counts the preventive requests of one territory submitted in
// one month, and what became of them. A request is counted once even if it
// was submitted again after a request for information; its outcomes are
// counted in the row of its first submission in the period (or, if that
// is before the period, in the row of the outcome itself).
type RequestRow struct {
	// Territory is the territory identifier, possibly empty.
	Territory string
	// Month is midnight of the first day of the month, in the Summary's
	// Location.
	Month time.Time
	// Submitted, Accepted, Declined, Completed and Cancelled count the
	// requests that reached each state.
	Submitted, Accepted, Declined, Completed, Cancelled int
	// LeadTime is the time from submission to appointment.
	LeadTime Durations
}

// OutcomeRow counts one outcome code of completed requests.
type OutcomeRow struct {
	// Outcome is the code found in [DataOutcome], empty when absent.
	Outcome string
	// Count is how many completed requests had it.
	Count int
}

// IncidentRow counts the incidents of one kind reported in one territory.
type IncidentRow struct {
	// Territory is the territory identifier, possibly empty.
	Territory string
	// Kind is the kind of violent event found in [DataIncidentKind].
	Kind string
	// Count is how many incidents were reported.
	Count int
}

// StepRow is the time from the report of an incident to one step.
type StepRow struct {
	// Step is the entry kind of the step, such as
	// [KindIncidentOperationsCentreCalled].
	Step string
	// Durations are the times from report to step, over the incidents
	// reported in the period that reached the step within it.
	Durations
}

// Durations describes a set of durations.
type Durations struct {
	// Count is how many durations there were.
	Count int
	// Median is the middle one (the mean of the two middle ones for an
	// even count); zero when Count is 0.
	Median time.Duration
	// P90 is the 90th percentile by the nearest-rank method: the smallest
	// duration not exceeded by 90% of them.
	P90 time.Duration
}

// summaryKinds are the kinds Summary reads.
var summaryKinds = slices.Concat(
	[]string{KindRequestSubmitted}, requestOutcomeKinds,
	[]string{KindIncidentReported}, incidentStepKinds,
)

// summaryDataKinds are the kinds whose Data Summary reads; of the others it
// reads only the index columns.
var summaryDataKinds = []string{KindRequestSubmitted, KindRequestCompleted, KindIncidentReported}

type monthKey struct {
	territory uint32
	year      int
	month     time.Month
}

type requestAcc struct {
	row  RequestRow
	lead []time.Duration
}

type incidentState struct {
	reported int64  // microseconds since 1970
	seen     uint32 // bit i set once incidentStepKinds[i] was counted
}

// fact is what the summary needs of one entry, in 32 bytes: the strings
// are numbered by an [interner], the time is in microseconds since 1970.
type fact struct {
	time      int64         // microseconds since 1970
	lead      time.Duration // from a submission to its appointment, if hasLead
	stream    uint32        // interned
	territory uint32        // interned
	text      uint32        // interned outcome or incident kind; 0 is ""
	kind      uint8         // index in summaryKinds
	hasLead   bool
	// bad means that the Data the summary reads could not be decoded: the
	// entry is kept apart, and listed only if the summary uses that Data
	// (see [summarizer.add]).
	bad bool
}

// interner numbers strings; 0 is the empty string.
type interner struct {
	ids     map[string]uint32
	strings []string
}

func newInterner() *interner {
	return &interner{ids: map[string]uint32{"": 0}, strings: []string{""}}
}

func (in *interner) id(s string) uint32 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := uint32(len(in.strings))
	in.ids[s] = id
	in.strings = append(in.strings, s)
	return id
}

// factOf extracts the fact of rec, decoding the Data it needs; ok is false
// for a kind the summary does not read (a backend should not have returned
// it). If that Data cannot be decoded, the fact is still returned, marked
// bad, with the entry's description.
func factOf(v *view, in *interner, rec *Record) (f fact, ok bool, bad UnreadableEntry) {
	kind := slices.Index(summaryKinds, rec.Kind)
	if kind < 0 {
		return fact{}, false, UnreadableEntry{}
	}
	f = fact{
		time:      rec.Time.UnixMicro(),
		stream:    in.id(rec.Stream),
		territory: in.id(rec.Territory),
		kind:      uint8(kind),
	}
	var field string
	switch rec.Kind {
	case KindRequestSubmitted:
		raw, readable := summaryField(v, rec, DataAppointment)
		if readable && raw != nil {
			if at, ok := jsonTime(raw); ok {
				f.lead, f.hasLead = at.Sub(rec.Time), true
			} else {
				readable, field = false, DataAppointment
			}
		}
		f.bad = !readable
	case KindRequestCompleted, KindIncidentReported:
		field = DataOutcome
		if rec.Kind == KindIncidentReported {
			field = DataIncidentKind
		}
		text, readable, whole := summaryString(v, rec, field)
		if whole {
			field = ""
		}
		f.text = in.id(text)
		f.bad = !readable
	}
	if f.bad {
		bad = UnreadableEntry{Seq: rec.Seq, Kind: rec.Kind, Field: field}
	}
	return f, true, bad
}

// summarizer folds facts, in sequence order, into a Summary.
type summarizer struct {
	s         *Summary
	in        *interner
	months    map[monthKey]*requestAcc
	requests  map[uint32]*requestAcc // stream -> row of first submission
	outcomes  map[uint32]int
	incidents map[[2]uint32]int
	open      map[uint32]incidentState
	steps     [][]time.Duration
	allLead   []time.Duration
	// unreadable collects the bad facts whose Data the summary used.
	unreadable []UnreadableEntry

	// Entries come in time order, so the month of the previous one is
	// usually the month of the next: remember its bounds.
	monthFrom, monthTo int64
	year               int
	month              time.Month
}

func newSummarizer(from, to time.Time, loc *time.Location, in *interner) *summarizer {
	return &summarizer{
		s:         &Summary{From: from, To: to, Location: loc},
		in:        in,
		months:    make(map[monthKey]*requestAcc),
		requests:  make(map[uint32]*requestAcc),
		outcomes:  make(map[uint32]int),
		incidents: make(map[[2]uint32]int),
		open:      make(map[uint32]incidentState),
		steps:     make([][]time.Duration, len(incidentStepKinds)),
		monthTo:   math.MinInt64,
	}
}

// rowOf returns the row of the territory and month of f.
func (z *summarizer) rowOf(f *fact) *requestAcc {
	if f.time < z.monthFrom || f.time >= z.monthTo {
		t := time.UnixMicro(f.time).In(z.s.Location)
		z.year, z.month = t.Year(), t.Month()
		first := time.Date(z.year, z.month, 1, 0, 0, 0, 0, z.s.Location)
		z.monthFrom, z.monthTo = first.UnixMicro(), first.AddDate(0, 1, 0).UnixMicro()
	}
	k := monthKey{territory: f.territory, year: z.year, month: z.month}
	a := z.months[k]
	if a == nil {
		a = &requestAcc{row: RequestRow{
			Territory: z.in.strings[f.territory],
			Month:     time.Date(z.year, z.month, 1, 0, 0, 0, 0, z.s.Location),
		}}
		z.months[k] = a
	}
	return a
}

// add folds f into the summary. It reports whether it used f's Data: if f
// is bad, the summary then lists the entry as unreadable.
func (z *summarizer) add(f *fact) (usedData bool) {
	switch summaryKinds[f.kind] {
	case KindRequestSubmitted:
		if _, ok := z.requests[f.stream]; ok {
			return false // submitted again after a request for information
		}
		a := z.rowOf(f)
		z.requests[f.stream] = a
		a.row.Submitted++
		if f.hasLead {
			a.lead = append(a.lead, f.lead)
			z.allLead = append(z.allLead, f.lead)
		}
		return true
	case KindRequestAccepted, KindRequestDeclined, KindRequestCompleted, KindRequestCancelled:
		a := z.requests[f.stream]
		if a == nil {
			a = z.rowOf(f)
		}
		switch summaryKinds[f.kind] {
		case KindRequestAccepted:
			a.row.Accepted++
		case KindRequestDeclined:
			a.row.Declined++
		case KindRequestCompleted:
			a.row.Completed++
			z.outcomes[f.text]++
			return true
		case KindRequestCancelled:
			a.row.Cancelled++
		}
	case KindIncidentReported:
		if _, ok := z.open[f.stream]; ok {
			return false
		}
		z.incidents[[2]uint32{f.territory, f.text}]++
		z.open[f.stream] = incidentState{reported: f.time}
		return true
	default:
		st, ok := z.open[f.stream]
		if !ok {
			return false // reported before the period
		}
		i := slices.Index(incidentStepKinds, summaryKinds[f.kind])
		if i < 0 || st.seen&(1<<i) != 0 {
			return false
		}
		st.seen |= 1 << i
		z.open[f.stream] = st
		z.steps[i] = append(z.steps[i], subMicros(f.time, st.reported))
	}
	return false
}

// subMicros returns a - b, both in microseconds, as a Duration, saturated
// at the extremes as [time.Time.Sub] is.
func subMicros(a, b int64) time.Duration {
	d := a - b
	switch {
	case (a^b)&(a^d) < 0: // the subtraction overflowed
		if a >= 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	case d > math.MaxInt64/int64(time.Microsecond):
		return math.MaxInt64
	case d < math.MinInt64/int64(time.Microsecond):
		return math.MinInt64
	}
	return time.Duration(d) * time.Microsecond
}

func (z *summarizer) result() *Summary {
	s := z.s
	s.Unreadable = z.unreadable
	for _, a := range z.months {
		a.row.LeadTime = durationsOf(a.lead)
		s.Requests = append(s.Requests, a.row)
	}
	slices.SortFunc(s.Requests, func(a, b RequestRow) int {
		return cmp.Or(cmp.Compare(a.Territory, b.Territory), a.Month.Compare(b.Month))
	})
	for o, n := range z.outcomes {
		s.Outcomes = append(s.Outcomes, OutcomeRow{Outcome: z.in.strings[o], Count: n})
	}
	slices.SortFunc(s.Outcomes, func(a, b OutcomeRow) int { return cmp.Compare(a.Outcome, b.Outcome) })
	s.LeadTime = durationsOf(z.allLead)
	for k, n := range z.incidents {
		s.Incidents = append(s.Incidents, IncidentRow{Territory: z.in.strings[k[0]], Kind: z.in.strings[k[1]], Count: n})
	}
	slices.SortFunc(s.Incidents, func(a, b IncidentRow) int {
		return cmp.Or(cmp.Compare(a.Territory, b.Territory), cmp.Compare(a.Kind, b.Kind))
	})
	for i, k := range incidentStepKinds {
		s.Steps = append(s.Steps, StepRow{Step: k, Durations: durationsOf(z.steps[i])})
	}
	return s
}

// summaryFilter selects what a summary reads after seq: the kinds it
// needs, the index columns only, and the bodies of the kinds whose Data it
// reads.
func summaryFilter(from, to time.Time, after uint64) Filter {
	return Filter{Kinds: summaryKinds, From: from, To: to, AfterSeq: after, IndexOnly: true, BodyKinds: summaryDataKinds}
}

// Summary computes the [Summary] of the entries with from <= Time < to. It
// scans only the kinds it needs, reads the bodies only of the kinds whose
// Data it needs (see [Filter.IndexOnly]), and decodes only that Data; the
// scan runs in its own goroutine, so reading and summing overlap. Each call
// reads the register: a process that summarises often keeps a [Monitor].
func (l *Log) Summary(ctx context.Context, from, to time.Time) (*Summary, error) {
	in := newInterner()
	z := newSummarizer(from, to, l.loc, in)
	var v view
	for rec, err := range l.prefetch(ctx, summaryFilter(from, to, 0)) {
		if err != nil {
			return nil, err
		}
		f, ok, bad := factOf(&v, in, &rec)
		if ok && z.add(&f) && f.bad {
			z.unreadable = append(z.unreadable, bad)
		}
	}
	return z.result(), nil
}

// summaryField returns the raw JSON value of one Data field of rec, nil
// when absent (or null); readable is false when the body, or its Data as a
// whole, cannot be decoded.
func summaryField(v *view, rec *Record, name string) (raw []byte, readable bool) {
	if err := v.parse(rec.Body); err != nil {
		return nil, false
	}
	if len(v.data) == 0 {
		return nil, true
	}
	raw, ok, err := jsonField(v.data, name)
	if err != nil {
		return nil, false
	}
	if !ok || string(raw) == "null" {
		return nil, true
	}
	return raw, true
}

// summaryString returns a string Data field of rec, "" when absent;
// readable is false when it cannot be read, whole true when that is
// because the body or Data as a whole cannot be decoded.
func summaryString(v *view, rec *Record, name string) (s string, readable, whole bool) {
	raw, readable := summaryField(v, rec, name)
	if !readable {
		return "", false, true
	}
	if raw == nil {
		return "", true, false
	}
	s, ok := jsonString(raw)
	if !ok {
		return "", false, false
	}
	return s, true, false
}

// durationsOf sorts ds and describes them.
func durationsOf(ds []time.Duration) Durations {
	n := len(ds)
	if n == 0 {
		return Durations{}
	}
	slices.Sort(ds)
	median := ds[n/2]
	if n%2 == 0 {
		// The mean rounded down, a + (b-a)/2, without overflowing.
		a, b := ds[n/2-1], ds[n/2]
		median = a>>1 + b>>1 + a&b&1
	}
	rank := (9*n + 9) / 10 // ceil(0.9 n)
	return Durations{Count: n, Median: median, P90: ds[rank-1]}
}
