package register

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

// AnnualThreshold is the least number of events a group of the
// [AnnualReport] must have for its count, and the figures derived from
// it, to be shown: a smaller group shows a range ("1–4") and nothing else,
// so that nobody can be recognised in it.
const AnnualThreshold = 5

// AnnualReport is the anonymous yearly report of the incidents reported in
// one year, per territory and kind of event: how many, how long from the
// report to each emergency step (median and 90th percentile), and how
// many of the duties that follow an incident (see [FollowUps]) were met,
// late, missing or still pending. It is what the Social Policies
// Directorate reports each year to the national observatory on the safety
// of health and social-care workers (ONSEPS, L. 113/2020, art. 2) and
// what the employer's risk assessment (D.Lgs. 81/2008) reads.
//
// # What it never shows
//
// It holds no personal data and no pseudonym: only territories, kinds of
// event, counts and durations. A group with fewer than [AnnualThreshold]
// incidents shows only a range, and no times or follow-ups, since a median
// or a count of duties met would reveal the count (and, with a handful of
// events, the people). A total (per territory, per kind, or overall) is
// exact only when every cell it adds up is exact; otherwise it too is a
// range, computed from the cells as published (exact counts plus one to
// [AnnualThreshold]-1 for each cell shown as a range). So no published
// figure depends on a suppressed cell's exact count, and subtracting the
// published cells from a total cannot reveal one.
type AnnualReport struct {
	// Year is the year of the report, in Location.
	Year int
	// Location is the time zone the year, and the days of the
	// follow-ups' terms, are counted in: the Log's.
	Location *time.Location
	// AsOf is when the report was computed: the follow-ups are judged at
	// that time, so a duty whose term has not ended yet is pending.
	AsOf time.Time
	// Cells has one group per territory and kind of event, sorted by
	// territory then kind. Combinations without incidents are absent.
	Cells []AnnualGroup
	// Territories has one group per territory, all kinds together (Kind
	// is empty), sorted.
	Territories []AnnualGroup
	// Kinds has one group per kind, all territories together (Territory
	// is empty), sorted.
	Kinds []AnnualGroup
	// Total is every incident of the year (Territory and Kind empty).
	Total AnnualGroup
}

// AnnualGroup is one group of incidents of an [AnnualReport].
type AnnualGroup struct {
	// Territory is the territory, empty for all territories.
	Territory string
	// Kind is the kind of event (one of [IncidentKinds], or "" when the
	// report did not say), empty in the totals for all kinds.
	Kind string
	// Suppressed means the count is shown only as the range Min–Max, and
	// Count, Steps and FollowUps are empty.
	Suppressed bool
	// Count is the number of incidents; 0 when Suppressed.
	Count int
	// Min and Max are the range shown when Suppressed; both equal Count
	// otherwise.
	Min, Max int
	// Steps are the times from report to each emergency step, in the
	// guideline's order, over the incidents that reached it; nil when
	// Suppressed.
	Steps []StepRow
	// FollowUps count where each duty after an incident stands, in the
	// order of [Duties]; nil when Suppressed.
	FollowUps []FollowUpTally
}

// FollowUpTally counts the incidents of a group by the status of one duty.
type FollowUpTally struct {
	// Duty is the duty.
	Duty Duty
	// Met, Late, Missing, Pending and NotDue count the incidents whose
	// duty has that [FollowUpStatus].
	Met, Late, Missing, Pending, NotDue int
}

// annualKinds are the kinds an annual report reads.
var annualKinds = slices.Concat([]string{KindIncidentReported}, incidentStepKinds, FollowUpKinds())

// annualIncident is what the report keeps of one incident.
type annualIncident struct {
	territory, kind string
	reported        time.Time
	entries         []TimelineEntry
}

// AnnualReport computes the [AnnualReport] of the incidents reported in
// year, with the follow-ups judged against policy as of now. One time zone
// counts everything, the Log's ([Options.Location], the report's
// Location): the year, and the days of the follow-ups' terms, which
// [FollowUps] alone counts in the policy's TimeZone (the two are the same
// when the Log is opened with the policy's time zone, Europe/Rome by
// default). It reads the incidents' entries from the start of the year to
// the end of the register, so the steps and follow-ups of an incident
// reported on 31 December are counted wherever they fall.
func (l *Log) AnnualReport(ctx context.Context, year int, policy guideline.Policy) (*AnnualReport, error) {
	if year < 1 || year > 9998 {
		return nil, fmt.Errorf("register: annual report: year out of range")
	}
	from := time.Date(year, time.January, 1, 0, 0, 0, 0, l.loc)
	to := from.AddDate(1, 0, 0)
	incidents := map[string]*annualIncident{}
	for e, err := range l.Scan(ctx, Filter{Kinds: annualKinds, From: from}) {
		if err != nil {
			return nil, err
		}
		inc := incidents[e.Stream]
		if inc == nil {
			if e.Kind != KindIncidentReported || !e.Time.Before(to) {
				continue // reported before or after the year
			}
			kind := ""
			if raw, ok, _ := jsonField(e.Data, DataIncidentKind); ok {
				kind, _ = jsonString(raw)
			}
			inc = &annualIncident{territory: e.Territory, kind: kind, reported: e.Time}
			incidents[e.Stream] = inc
		}
		inc.entries = append(inc.entries, TimelineEntry{
			Time: e.Time.In(l.loc), Kind: e.Kind, Territory: e.Territory, Actor: e.Actor, Data: e.Data,
		})
	}
	r := &AnnualReport{Year: year, Location: l.loc, AsOf: l.now().In(l.loc)}
	cells := map[[2]string][]*annualIncident{}
	for _, inc := range incidents {
		k := [2]string{inc.territory, inc.kind}
		cells[k] = append(cells[k], inc)
	}
	keys := slices.SortedFunc(maps.Keys(cells), func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	group := func(territory, kind string, members [][2]string) AnnualGroup {
		g := AnnualGroup{Territory: territory, Kind: kind}
		var all []*annualIncident
		suppressed := 0
		for _, k := range members {
			n := len(cells[k])
			if n < AnnualThreshold {
				suppressed++
			} else {
				g.Min += n
			}
			all = append(all, cells[k]...)
		}
		if suppressed > 0 {
			g.Suppressed = true
			g.Max = g.Min + suppressed*(AnnualThreshold-1)
			g.Min += suppressed
			return g
		}
		g.Count, g.Min, g.Max = len(all), len(all), len(all)
		g.Steps, g.FollowUps = annualFigures(all, policy, r.AsOf, l.loc)
		return g
	}
	byTerritory, byKind := map[string][][2]string{}, map[string][][2]string{}
	for _, k := range keys {
		r.Cells = append(r.Cells, group(k[0], k[1], [][2]string{k}))
		byTerritory[k[0]] = append(byTerritory[k[0]], k)
		byKind[k[1]] = append(byKind[k[1]], k)
	}
	for _, t := range slices.Sorted(maps.Keys(byTerritory)) {
		r.Territories = append(r.Territories, group(t, "", byTerritory[t]))
	}
	for _, k := range slices.Sorted(maps.Keys(byKind)) {
		r.Kinds = append(r.Kinds, group("", k, byKind[k]))
	}
	r.Total = group("", "", keys)
	return r, nil
}

// annualFigures computes the step times and follow-up tallies of a group,
// with the follow-ups' terms counted in loc.
func annualFigures(incs []*annualIncident, policy guideline.Policy, asOf time.Time, loc *time.Location) ([]StepRow, []FollowUpTally) {
	steps := make([][]time.Duration, len(incidentStepKinds))
	tallies := make([]FollowUpTally, len(Duties()))
	for i, d := range Duties() {
		tallies[i].Duty = d
	}
	for _, inc := range incs {
		var seen uint32
		for _, e := range inc.entries {
			i := slices.Index(incidentStepKinds, e.Kind)
			if i < 0 || seen&(1<<i) != 0 {
				continue
			}
			seen |= 1 << i
			steps[i] = append(steps[i], e.Time.Sub(inc.reported))
		}
		for i, f := range followUps(Timeline{Entries: inc.entries}, policy, asOf, loc) {
			t := &tallies[i]
			switch f.Status {
			case FollowUpMet:
				t.Met++
			case FollowUpLate:
				t.Late++
			case FollowUpMissing:
				t.Missing++
			case FollowUpPending:
				t.Pending++
			default:
				t.NotDue++
			}
		}
	}
	rows := make([]StepRow, len(incidentStepKinds))
	for i, k := range incidentStepKinds {
		rows[i] = StepRow{Step: k, Durations: durationsOf(steps[i])}
	}
	return rows, tallies
}

// Range returns the count as published: "12", or "1–4" (with an en dash)
// when suppressed.
func (g AnnualGroup) Range() string {
	if g.Suppressed {
		return strconv.Itoa(g.Min) + "–" + strconv.Itoa(g.Max)
	}
	return strconv.Itoa(g.Count)
}

// The JSON shape of an annual report.
type (
	annualJSON struct {
		Year        int               `json:"year"`
		TimeZone    string            `json:"time_zone"`
		AsOf        time.Time         `json:"as_of"`
		Threshold   int               `json:"threshold"`
		Cells       []annualGroupJSON `json:"cells"`
		Territories []annualGroupJSON `json:"territories"`
		Kinds       []annualGroupJSON `json:"kinds"`
		Total       annualGroupJSON   `json:"total"`
	}
	annualGroupJSON struct {
		Territory  string         `json:"territory"`
		Kind       string         `json:"kind"`
		Count      *int           `json:"count"`
		Range      *rangeJSON     `json:"range,omitempty"`
		Suppressed bool           `json:"suppressed"`
		Steps      []stepJSON     `json:"steps,omitempty"`
		FollowUps  []followUpJSON `json:"follow_ups,omitempty"`
	}
	rangeJSON struct {
		Min int `json:"min"`
		Max int `json:"max"`
	}
	stepJSON struct {
		Step          string `json:"step"`
		Count         int    `json:"count"`
		MedianSeconds int64  `json:"median_seconds"`
		P90Seconds    int64  `json:"p90_seconds"`
	}
	followUpJSON struct {
		Duty    Duty `json:"duty"`
		Met     int  `json:"met"`
		Late    int  `json:"late"`
		Missing int  `json:"missing"`
		Pending int  `json:"pending"`
		NotDue  int  `json:"not_due"`
	}
)

func (g AnnualGroup) toJSON() annualGroupJSON {
	out := annualGroupJSON{Territory: g.Territory, Kind: g.Kind, Suppressed: g.Suppressed}
	if g.Suppressed {
		out.Range = &rangeJSON{Min: g.Min, Max: g.Max}
		return out
	}
	n := g.Count
	out.Count = &n
	for _, s := range g.Steps {
		out.Steps = append(out.Steps, stepJSON{Step: s.Step, Count: s.Count,
			MedianSeconds: int64(s.Median / time.Second), P90Seconds: int64(s.P90 / time.Second)})
	}
	for _, f := range g.FollowUps {
		out.FollowUps = append(out.FollowUps, followUpJSON(f))
	}
	return out
}

// MarshalJSON writes the report in this shape (times in whole seconds; a
// suppressed group has "count": null, a "range" and nothing else):
//
//	{"year": 2026, "time_zone": "Europe/Rome", "as_of": "2027-01-15T09:00:00+01:00", "threshold": 5,
//	 "cells": [
//	   {"territory": "municipio-1", "kind": "threat", "count": 12, "suppressed": false,
//	    "steps": [{"step": "incident.colleagues_alerted", "count": 12, "median_seconds": 45, "p90_seconds": 110}, …],
//	    "follow_ups": [{"duty": "support_offered", "met": 10, "late": 1, "missing": 1, "pending": 0, "not_due": 0}, …]},
//	   {"territory": "municipio-2", "kind": "damage", "count": null, "range": {"min": 1, "max": 4}, "suppressed": true}],
//	 "territories": […], "kinds": […], "total": {…}}
func (r *AnnualReport) MarshalJSON() ([]byte, error) {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	out := annualJSON{Year: r.Year, TimeZone: loc.String(), AsOf: r.AsOf, Threshold: AnnualThreshold,
		Cells: []annualGroupJSON{}, Territories: []annualGroupJSON{}, Kinds: []annualGroupJSON{}, Total: r.Total.toJSON()}
	for _, set := range []struct {
		in  []AnnualGroup
		out *[]annualGroupJSON
	}{{r.Cells, &out.Cells}, {r.Territories, &out.Territories}, {r.Kinds, &out.Kinds}} {
		for _, g := range set.in {
			*set.out = append(*set.out, g.toJSON())
		}
	}
	return json.Marshal(out)
}

// annualHeader are the keys of the columns of AnnualReport.WriteCSV.
var annualHeader = []string{"col.section", "col.territory", "col.kind", "col.item", "col.count", "col.median", "col.p90"}

// WriteCSV writes the report as CSV for an Italian spreadsheet, as
// [Summary.WriteCSV] does (';', UTF-8 with byte order mark, decimal
// comma, Italian headers), one row per figure: for each group its count
// ("1–4" when suppressed), then, unless suppressed, the times from the
// report to each step and the duties met, late, missing and pending. The
// cells come first, then the totals per territory, per kind and overall
// ("Tutti i territori", "Tutti i tipi"). [AnnualReport.WriteCSVIn] writes
// the headers and labels in another language.
func (r *AnnualReport) WriteCSV(w io.Writer) error { return r.WriteCSVIn(w, language.Italian) }

// WriteCSVIn is [AnnualReport.WriteCSV] with the headers and labels in
// the language of tag (English for an English tag, Italian otherwise);
// the format (';', decimal comma, dates as dd/mm/yyyy) is the same.
func (r *AnnualReport) WriteCSVIn(w io.Writer, tag language.Tag) error {
	bw := bufio.NewWriter(w)
	cw, err := newCSV(bw)
	if err != nil {
		return err
	}
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	tx := newCSVText(tag)
	rows := [][]string{tx.header(annualHeader...), {tx.s("section.year"), "", "", tx.s("year", strconv.Itoa(r.Year), r.AsOf.In(loc).Format(csvDate)), "", "", ""}}
	type labelled struct {
		g                   AnnualGroup
		allPlaces, allKinds bool
	}
	var groups []labelled
	for _, g := range r.Cells {
		groups = append(groups, labelled{g: g})
	}
	for _, g := range r.Territories {
		groups = append(groups, labelled{g: g, allKinds: true})
	}
	for _, g := range r.Kinds {
		groups = append(groups, labelled{g: g, allPlaces: true})
	}
	groups = append(groups, labelled{g: r.Total, allPlaces: true, allKinds: true})
	incidents, steps, followUps := tx.s("section.incidents"), tx.s("section.steps"), tx.s("section.followups")
	statuses := []string{tx.s("followup.met"), tx.s("followup.late"), tx.s("followup.missing"), tx.s("followup.pending")}
	for _, lg := range groups {
		g := lg.g
		territory, kind := cell(g.Territory), tx.incidentKind(g.Kind)
		switch {
		case lg.allPlaces:
			territory = tx.s("all_territories")
		case territory == "":
			territory = tx.s("not_stated")
		}
		if lg.allKinds {
			kind = tx.s("all_kinds")
		}
		item := tx.s("reported")
		if g.Suppressed {
			item = tx.s("reported.suppressed", strconv.Itoa(AnnualThreshold))
		}
		rows = append(rows, []string{incidents, territory, kind, item, g.Range(), "", ""})
		if g.Suppressed {
			continue
		}
		for _, s := range g.Steps {
			row := []string{steps, territory, kind, tx.kind(s.Step), strconv.Itoa(s.Count), "", ""}
			if s.Count > 0 {
				row[5], row[6] = minutes(s.Median), minutes(s.P90)
			}
			rows = append(rows, row)
		}
		for _, f := range g.FollowUps {
			name := tx.duty(f.Duty)
			for i, n := range []int{f.Met, f.Late, f.Missing, f.Pending} {
				rows = append(rows, []string{followUps, territory, kind, tx.s("followup", name, statuses[i]), strconv.Itoa(n), "", ""})
			}
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return bw.Flush()
}
