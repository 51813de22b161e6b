package register

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
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
	territory string
	year      int
	month     time.Month
}

type requestAcc struct {
	row  RequestRow
	lead []time.Duration
}

type incidentState struct {
	reported time.Time
	seen     uint32 // bit i set once incidentStepKinds[i] was counted
}

// Summary computes the [Summary] of the entries with from <= Time < to. It
// scans only the kinds it needs, reads the bodies only of the kinds whose
// Data it needs (see [Filter.IndexOnly]), and decodes only that Data.
func (l *Log) Summary(ctx context.Context, from, to time.Time) (*Summary, error) {
	s := &Summary{From: from, To: to, Location: l.loc}
	months := make(map[monthKey]*requestAcc)
	requests := make(map[string]*requestAcc) // stream -> row of first submission
	outcomes := make(map[string]int)
	incidents := make(map[[2]string]int)
	open := make(map[string]incidentState)
	steps := make([][]time.Duration, len(incidentStepKinds))
	var allLead []time.Duration

	row := func(k monthKey) *requestAcc {
		a := months[k]
		if a == nil {
			a = &requestAcc{row: RequestRow{
				Territory: k.territory,
				Month:     time.Date(k.year, k.month, 1, 0, 0, 0, 0, l.loc),
			}}
			months[k] = a
		}
		return a
	}
	// Entries come in time order, so the month of the previous one is
	// usually the month of the next: remember its bounds.
	var monthFrom, monthTo time.Time
	var year int
	var month time.Month
	rowOf := func(rec *Record) *requestAcc {
		if rec.Time.Before(monthFrom) || !rec.Time.Before(monthTo) {
			t := rec.Time.In(l.loc)
			year, month = t.Year(), t.Month()
			monthFrom = time.Date(year, month, 1, 0, 0, 0, 0, l.loc)
			monthTo = monthFrom.AddDate(0, 1, 0)
		}
		return row(monthKey{territory: rec.Territory, year: year, month: month})
	}

	var v view
	// The bodies of only the few kinds whose Data the summary needs; the
	// index columns of the rest, which is most of the register. The scan
	// runs in its own goroutine, so reading and summing overlap.
	f := Filter{Kinds: summaryKinds, From: from, To: to, IndexOnly: true, BodyKinds: summaryDataKinds}
	for rec, err := range l.prefetch(ctx, f) {
		if err != nil {
			return nil, err
		}
		switch rec.Kind {
		case KindRequestSubmitted:
			if _, ok := requests[rec.Stream]; ok {
				continue // submitted again after a request for information
			}
			a := rowOf(&rec)
			requests[rec.Stream] = a
			a.row.Submitted++
			raw, err := summaryField(&v, &rec, DataAppointment)
			if err != nil {
				return nil, err
			}
			if raw != nil {
				at, ok := jsonTime(raw)
				if !ok {
					return nil, summaryDataError(&rec)
				}
				lead := at.Sub(rec.Time)
				a.lead = append(a.lead, lead)
				allLead = append(allLead, lead)
			}
		case KindRequestAccepted, KindRequestDeclined, KindRequestCompleted, KindRequestCancelled:
			a := requests[rec.Stream]
			if a == nil {
				a = rowOf(&rec)
			}
			switch rec.Kind {
			case KindRequestAccepted:
				a.row.Accepted++
			case KindRequestDeclined:
				a.row.Declined++
			case KindRequestCompleted:
				a.row.Completed++
				outcome, err := summaryString(&v, &rec, DataOutcome)
				if err != nil {
					return nil, err
				}
				outcomes[outcome]++
			case KindRequestCancelled:
				a.row.Cancelled++
			}
		case KindIncidentReported:
			if _, ok := open[rec.Stream]; ok {
				continue
			}
			kind, err := summaryString(&v, &rec, DataIncidentKind)
			if err != nil {
				return nil, err
			}
			incidents[[2]string{rec.Territory, kind}]++
			open[rec.Stream] = incidentState{reported: rec.Time}
		default:
			st, ok := open[rec.Stream]
			if !ok {
				continue // reported before the period
			}
			i := slices.Index(incidentStepKinds, rec.Kind)
			if i < 0 || st.seen&(1<<i) != 0 {
				continue
			}
			st.seen |= 1 << i
			open[rec.Stream] = st
			steps[i] = append(steps[i], rec.Time.Sub(st.reported))
		}
	}

	for _, a := range months {
		a.row.LeadTime = durationsOf(a.lead)
		s.Requests = append(s.Requests, a.row)
	}
	slices.SortFunc(s.Requests, func(a, b RequestRow) int {
		return cmp.Or(cmp.Compare(a.Territory, b.Territory), a.Month.Compare(b.Month))
	})
	for o, n := range outcomes {
		s.Outcomes = append(s.Outcomes, OutcomeRow{Outcome: o, Count: n})
	}
	slices.SortFunc(s.Outcomes, func(a, b OutcomeRow) int { return cmp.Compare(a.Outcome, b.Outcome) })
	s.LeadTime = durationsOf(allLead)
	for k, n := range incidents {
		s.Incidents = append(s.Incidents, IncidentRow{Territory: k[0], Kind: k[1], Count: n})
	}
	slices.SortFunc(s.Incidents, func(a, b IncidentRow) int {
		return cmp.Or(cmp.Compare(a.Territory, b.Territory), cmp.Compare(a.Kind, b.Kind))
	})
	for i, k := range incidentStepKinds {
		s.Steps = append(s.Steps, StepRow{Step: k, Durations: durationsOf(steps[i])})
	}
	return s, nil
}

// summaryField returns the raw JSON value of one Data field of rec, nil
// when absent (or null).
func summaryField(v *view, rec *Record, name string) ([]byte, error) {
	if err := v.parse(rec.Body); err != nil {
		return nil, fmt.Errorf("voce %d: %w", rec.Seq, err)
	}
	if len(v.data) == 0 {
		return nil, nil
	}
	raw, ok, err := jsonField(v.data, name)
	if err != nil {
		return nil, summaryDataError(rec)
	}
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	return raw, nil
}

// summaryString returns a string Data field of rec, "" when absent.
func summaryString(v *view, rec *Record, name string) (string, error) {
	raw, err := summaryField(v, rec, name)
	if raw == nil || err != nil {
		return "", err
	}
	s, ok := jsonString(raw)
	if !ok {
		return "", summaryDataError(rec)
	}
	return s, nil
}

func summaryDataError(rec *Record) error {
	return fmt.Errorf("register: voce %d: dati non leggibili per il riepilogo: %w", rec.Seq, ErrInvalidEntry)
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
		median = ds[n/2-1] + (ds[n/2]-ds[n/2-1])/2
	}
	rank := (9*n + 9) / 10 // ceil(0.9 n)
	return Durations{Count: n, Median: median, P90: ds[rank-1]}
}
