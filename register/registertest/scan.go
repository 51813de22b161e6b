package registertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sostegno/sostegno/register"
)

func scanCases() []testCase {
	return []testCase{
		{"ScanFilter", "Scan yields in sequence order exactly the records that meet every condition of the filter (the values of one list in OR; From included, To excluded; after AfterSeq) and no more than Limit.", testScanFilter},
		{"ScanIndexOnly", "With IndexOnly, Scan yields the same records with the same index columns; Hash and Body, if present, are those written, and are always present for the kinds listed in BodyKinds.", testScanIndexOnly},
		{"ScanPages", "Scan with AfterSeq and Limit pages through the register in pages that, joined, give every record exactly once.", testScanPages},
		{"ScanEarlyBreak", "Breaking out of a Scan releases its resources: after many broken iterations the register still writes and reads.", testScanEarlyBreak},
		{"ScanWhileAppending", "During a Scan's iteration Head, Version and Append may be called; the Scan still yields, in order, at least every record that existed when it began.", testScanWhileAppending},
	}
}

// fixture appends 24 records in batches of growing size, across four
// streams, four kinds and three territories (one empty).
func fixture(ctx context.Context, reg register.Register) (*writer, error) {
	kinds := []string{kindSubmitted, kindAccepted, kindReported, kindClosed}
	territories := []string{territory1, territory2, ""}
	var specs []spec
	for i := range 24 {
		specs = append(specs, spec{fmt.Sprintf("richiesta-%d", i%4+1), kinds[(i/2)%4], territories[i%3]})
	}
	w := newWriter(reg)
	for size := 1; len(specs) > 0; size++ {
		n := min(size, len(specs))
		if err := w.append(ctx, specs[:n]...); err != nil {
			return nil, err
		}
		specs = specs[n:]
	}
	return w, nil
}

// matches is the reference meaning of a Filter.
func matches(f register.Filter, r register.Record) bool {
	return (f.Stream == "" || r.Stream == f.Stream) &&
		(len(f.Kinds) == 0 || slices.Contains(f.Kinds, r.Kind)) &&
		(len(f.Territories) == 0 || slices.Contains(f.Territories, r.Territory)) &&
		(f.From.IsZero() || !r.Time.Before(f.From)) &&
		(f.To.IsZero() || r.Time.Before(f.To)) &&
		r.Seq > f.AfterSeq
}

func filtered(f register.Filter, recs []register.Record) []register.Record {
	var out []register.Record
	for _, r := range recs {
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
		if matches(f, r) {
			out = append(out, r)
		}
	}
	return out
}

// Bounds of a time range beyond what a backend can store (int64
// microseconds reach about 292,000 years from 1970, PostgreSQL 294276 AD):
// they must select what they mean, not wrap around or fail.
var (
	farPast   = time.Date(-300000, 1, 1, 0, 0, 0, 0, time.UTC)
	farFuture = time.Date(300000, 1, 1, 0, 0, 0, 1, time.UTC)
)

func testScanFilter(ctx context.Context, inst Instance) error {
	w, err := fixture(ctx, inst.Register)
	if err != nil {
		return err
	}
	t5, t8 := recordTime(5), recordTime(8) // 11:00 and 08:00
	tests := []struct {
		name string
		f    register.Filter
		min  int // the filter must select at least this many, so that it is a real test
	}{
		{"empty filter", register.Filter{}, 24},
		{"one stream", register.Filter{Stream: "richiesta-2"}, 6},
		{"missing stream", register.Filter{Stream: "richiesta-99"}, 0},
		{"un tipo", register.Filter{Kinds: []string{kindReported}}, 6},
		{"two kinds", register.Filter{Kinds: []string{kindClosed, kindSubmitted}}, 12},
		{"missing kind", register.Filter{Kinds: []string{"request.unknown"}}, 0},
		{"un territorio", register.Filter{Territories: []string{territory2}}, 8},
		{"two territories", register.Filter{Territories: []string{territory1, territory2}}, 16},
		{"da un istante, incluso", register.Filter{From: t5}, 13},
		{"fino a un istante, escluso", register.Filter{To: t5}, 11},
		{"intervallo", register.Filter{From: t8, To: t5}, 3},
		{"range to the nanosecond", register.Filter{From: t8.Add(time.Nanosecond), To: t5.Add(time.Nanosecond)}, 3},
		{"range beyond every date", register.Filter{From: farPast, To: farFuture}, 24},
		{"from an instant beyond every date", register.Filter{From: farFuture}, 0},
		{"up to an instant before every date", register.Filter{To: farPast}, 0},
		{"after a sequence", register.Filter{AfterSeq: 10}, 14},
		{"after the last sequence", register.Filter{AfterSeq: 24}, 0},
		{"limite", register.Filter{Limit: 5}, 5},
		{"limit above the total", register.Filter{Limit: 100}, 24},
		{"stream, tipo, sequenza e limite", register.Filter{Stream: "richiesta-1", Kinds: []string{kindSubmitted, kindReported}, AfterSeq: 1, Limit: 2}, 2},
		{"tipi, territori e intervallo", register.Filter{Kinds: []string{kindAccepted, kindClosed}, Territories: []string{territory1, ""}, From: baseTime, To: baseTime.Add(20 * time.Hour)}, 3},
	}
	var errs []error
	for _, tt := range tests {
		want := filtered(tt.f, w.written)
		if len(want) < tt.min {
			return fmt.Errorf("%s: the case selects only %d records: the suite's fixture is wrong", tt.name, len(want))
		}
		got, err := collect(ctx, inst.Register, tt.f)
		if err == nil {
			err = sameRecords(got, want)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", tt.name, err))
		}
	}
	return errors.Join(errs...)
}

func testScanIndexOnly(ctx context.Context, inst Instance) error {
	w, err := fixture(ctx, inst.Register)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range []register.Filter{
		{IndexOnly: true},
		{IndexOnly: true, BodyKinds: []string{kindReported}},
		{IndexOnly: true, BodyKinds: []string{kindSubmitted, kindClosed}, Kinds: []string{kindSubmitted, kindAccepted, kindClosed}, AfterSeq: 3},
		{IndexOnly: true, BodyKinds: []string{kindAccepted}, Stream: "richiesta-2", Limit: 4},
	} {
		got, err := collect(ctx, inst.Register, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		want := filtered(f, w.written)
		if len(got) != len(want) {
			errs = append(errs, fmt.Errorf("%+v: letti %d record (sequenze %v), attesi %d (sequenze %v)", f, len(got), seqs(got), len(want), seqs(want)))
			continue
		}
		for i, g := range got {
			need := slices.Contains(f.BodyKinds, g.Kind)
			if !need && g.Hash == nil && g.Body == nil {
				// Left out, as the hint allows: compare the columns only.
				g.Hash, g.Body = want[i].Hash, want[i].Body
			}
			if err := sameRecord(g, want[i]); err != nil {
				errs = append(errs, fmt.Errorf("%+v: %w", f, err))
				break
			}
		}
	}
	return errors.Join(errs...)
}

func testScanPages(ctx context.Context, inst Instance) error {
	w, err := fixture(ctx, inst.Register)
	if err != nil {
		return err
	}
	var all []register.Record
	f := register.Filter{Territories: []string{territory1, ""}, Limit: 5}
	for pages := 0; ; pages++ {
		if pages > 10 {
			return errors.New("paging does not end")
		}
		page, err := collect(ctx, inst.Register, f)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		if len(page) > f.Limit {
			return fmt.Errorf("page of %d records with Limit %d", len(page), f.Limit)
		}
		all = append(all, page...)
		f.AfterSeq = page[len(page)-1].Seq
	}
	return sameRecords(all, filtered(register.Filter{Territories: f.Territories}, w.written))
}

func testScanEarlyBreak(ctx context.Context, inst Instance) error {
	w, err := fixture(ctx, inst.Register)
	if err != nil {
		return err
	}
	// A leaked scan would hold a connection or a lock: fail, not hang.
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for i := range 50 {
		n := 0
		for _, err := range inst.Register.Scan(ctx, register.Filter{}) {
			if err != nil {
				return fmt.Errorf("reg.Scan %d: %w", i, err)
			}
			n++
			if n == 1+i%3 {
				break
			}
		}
	}
	if err := w.append(ctx, spec{"richiesta-1", kindClosed, territory1}); err != nil {
		return fmt.Errorf("after the broken Scans: %w", err)
	}
	return w.check(ctx)
}

func testScanWhileAppending(ctx context.Context, inst Instance) error {
	w, err := fixture(ctx, inst.Register)
	if err != nil {
		return err
	}
	before := slices.Clone(w.written)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var got []register.Record
	for rec, err := range inst.Register.Scan(ctx, register.Filter{}) {
		if err != nil {
			return fmt.Errorf("reg.Scan after %d records: %w", len(got), err)
		}
		got = append(got, rec)
		if len(got) > 2*len(before) {
			return errors.New("the Scan does not end while appending")
		}
		if _, err := inst.Register.Head(ctx); err != nil {
			return fmt.Errorf("reg.Head during the Scan: %w", err)
		}
		if _, err := inst.Register.Version(ctx, rec.Stream); err != nil {
			return fmt.Errorf("reg.Version during the Scan: %w", err)
		}
		if len(got)%6 == 0 {
			if err := w.append(ctx, spec{"richiesta-5", kindSubmitted, territory2}); err != nil {
				return fmt.Errorf("during the Scan: %w", err)
			}
		}
	}
	if len(got) < len(before) {
		return fmt.Errorf("the Scan yielded %d records, %d existed", len(got), len(before))
	}
	if err := sameRecords(got[:len(before)], before); err != nil {
		return err
	}
	return sameRecords(got, w.written[:len(got)])
}
