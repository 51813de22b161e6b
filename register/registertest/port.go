package registertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/sostegno/sostegno/register"
)

// Kinds, streams and territories of the suite's records.
const (
	kindSubmitted = "request.submitted"
	kindAccepted  = "request.accepted"
	kindReported  = "incident.reported"
	kindClosed    = "incident.closed"
	territory1    = "municipio-1"
	territory2    = "municipio-2"
)

func portCases() []testCase {
	return []testCase{
		{"EmptyRegister", "A new register has the zero head, version 0 for every stream and no record.", testEmpty},
		{"AppendReadBack", "Records appended in several batches read back in sequence order with every field as it was (Time in UTC, to the microsecond), and Head and Version reflect them.", testAppendReadBack},
		{"BatchAllOrNothing", "A batch whose version check fails stores none of its records, not even those of the streams at the right version.", testBatchAllOrNothing},
		{"VersionConflict", "An Append that expects for a stream a version other than the stored one (behind, ahead, or a new stream taken as existing) fails with ErrVersionConflict and stores nothing.", testVersionConflict},
		{"GuardWithoutRecords", "A stream listed in Versions without records in the batch is checked too: if its version does not match, Append fails with ErrVersionConflict and stores nothing; if it matches, the batch is stored.", testGuardWithoutRecords},
		{"MalformedBatch", "A batch whose records do not continue the sequence from the head or the version of their stream, or belong to a stream missing from Versions, or have no hash or body, is refused and stores nothing.", testMalformedBatch},
		{"HeadMoved", "An Append whose head is not the register's (old sequence, different hash, future sequence) fails with ErrHeadMoved and stores nothing.", testHeadMoved},
		{"VersionCheckFirst", "When both the head and a version do not match, the error is ErrVersionConflict.", testVersionCheckFirst},
		{"RacingAppends", "Of several concurrent Appends from the same head exactly one succeeds; the others fail with ErrHeadMoved, or with ErrVersionConflict if they write the same stream.", testRacingAppends},
		{"ConcurrentAppenders", "Several concurrent writers that read head and version again and retry on ErrHeadMoved lose no record: sequences and versions stay without gaps.", testConcurrentAppenders},
		{"RecordsAreCopies", "Changing records after passing them to Append does not change what the register holds.", testRecordsAreCopies},
	}
}

func testEmpty(ctx context.Context, inst Instance) error {
	reg := inst.Register
	h, err := reg.Head(ctx)
	if err != nil {
		return fmt.Errorf("reg.Head: %w", err)
	}
	if h.Seq != 0 || len(h.Hash) != 0 {
		return fmt.Errorf("reg.Head of an empty register = %d %x, want the zero head", h.Seq, h.Hash)
	}
	v, err := reg.Version(ctx, "richiesta-1")
	if err != nil {
		return fmt.Errorf("reg.Version: %w", err)
	}
	if v != 0 {
		return fmt.Errorf("reg.Version of a missing stream = %d, want 0", v)
	}
	got, err := collect(ctx, reg, register.Filter{})
	if err != nil {
		return err
	}
	if len(got) != 0 {
		return fmt.Errorf("reg.Scan of an empty register yielded %d records", len(got))
	}
	return nil
}

func testAppendReadBack(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	batches := [][]spec{
		{{"richiesta-1", kindSubmitted, territory1}},
		{{"richiesta-1", kindAccepted, territory1}, {"evento-1", kindReported, territory2}, {"richiesta-1", kindClosed, territory1}},
		{{"evento-2", kindReported, ""}},
		{{"evento-1", kindClosed, territory2}, {"evento-2", kindClosed, ""}},
	}
	for _, b := range batches {
		if err := w.append(ctx, b...); err != nil {
			return err
		}
	}
	if err := w.check(ctx); err != nil {
		return err
	}
	// One stream, in order.
	got, err := collect(ctx, w.reg, register.Filter{Stream: "richiesta-1"})
	if err != nil {
		return err
	}
	want := slices.DeleteFunc(slices.Clone(w.written), func(r register.Record) bool { return r.Stream != "richiesta-1" })
	return sameRecords(got, want)
}

// failAppend checks that appending b fails with target and leaves the
// register as w wrote it.
func failAppend(ctx context.Context, w *writer, b register.Batch, target error) error {
	err := w.reg.Append(ctx, b)
	if !errors.Is(err, target) {
		return fmt.Errorf("reg.Append = %v, want an error wrapping %q", err, target)
	}
	if err := w.check(ctx); err != nil {
		return fmt.Errorf("after the failed Append: %w", err)
	}
	return nil
}

func testBatchAllOrNothing(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	if err := w.append(ctx, spec{"richiesta-1", kindSubmitted, territory1}); err != nil {
		return err
	}
	// A new stream (right version, 0) and a known one at a stale version.
	stale := map[string]uint64{"richiesta-1": 0}
	b := batchAt(w.head, stale, spec{"richiesta-2", kindSubmitted, territory1}, spec{"richiesta-2", kindAccepted, territory1}, spec{"richiesta-1", kindAccepted, territory1})
	if err := failAppend(ctx, w, b, register.ErrVersionConflict); err != nil {
		return err
	}
	// The failure leaves the register usable.
	if err := w.append(ctx, spec{"richiesta-2", kindSubmitted, territory1}, spec{"richiesta-1", kindAccepted, territory1}); err != nil {
		return fmt.Errorf("after a refused batch: %w", err)
	}
	return w.check(ctx)
}

func testVersionConflict(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	if err := w.append(ctx, spec{"richiesta-1", kindSubmitted, territory1}, spec{"richiesta-1", kindAccepted, territory1}); err != nil {
		return err
	}
	tests := []struct {
		name     string
		stream   string
		expected uint64
	}{
		{"old version", "richiesta-1", 1},
		{"future version", "richiesta-1", 3},
		{"existing stream taken as new", "richiesta-1", 0},
		{"new stream taken as existing", "richiesta-9", 1},
	}
	var errs []error
	for _, tt := range tests {
		b := batchAt(w.head, map[string]uint64{tt.stream: tt.expected}, spec{tt.stream, kindClosed, territory1})
		if err := failAppend(ctx, w, b, register.ErrVersionConflict); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", tt.name, err))
		}
	}
	return errors.Join(errs...)
}

func testGuardWithoutRecords(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	if err := w.append(ctx, spec{"evento-1", kindReported, territory1}, spec{"evento-1", kindClosed, territory1}); err != nil {
		return err
	}
	var errs []error
	for _, stale := range []uint64{0, 1, 3} {
		b := w.batch(spec{"richiesta-1", kindSubmitted, territory1})
		b.Versions["evento-1"] = stale
		if err := failAppend(ctx, w, b, register.ErrVersionConflict); err != nil {
			errs = append(errs, fmt.Errorf("version %d expected for the stream without records, which is at 2: %w", stale, err))
		}
	}
	b := w.batch(spec{"richiesta-1", kindSubmitted, territory1})
	b.Versions["evento-1"] = 2
	if err := inst.Register.Append(ctx, b); err != nil {
		return errors.Join(append(errs, fmt.Errorf("right version for the stream without records: %w", err))...)
	}
	w.accept(b)
	return errors.Join(append(errs, w.check(ctx))...)
}

func testMalformedBatch(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	if err := w.append(ctx, spec{"richiesta-1", kindSubmitted, territory1}); err != nil {
		return err
	}
	two := []spec{{"richiesta-1", kindAccepted, territory1}, {"richiesta-2", kindSubmitted, territory2}}
	tests := []struct {
		name   string
		mangle func(*register.Batch)
	}{
		{"gap in the sequence", func(b *register.Batch) { b.Records[1].Seq++ }},
		{"repeated sequence", func(b *register.Batch) { b.Records[1].Seq-- }},
		{"gap in the version", func(b *register.Batch) { b.Records[0].Version++ }},
		{"stream without an expected version", func(b *register.Batch) { delete(b.Versions, "richiesta-2") }},
		{"record without hash", func(b *register.Batch) { b.Records[1].Hash = nil }},
		{"record without body", func(b *register.Batch) { b.Records[0].Body = nil }},
	}
	var errs []error
	for _, tt := range tests {
		b := w.batch(two...)
		tt.mangle(&b)
		if err := inst.Register.Append(ctx, b); err == nil {
			errs = append(errs, fmt.Errorf("%s: reg.Append accepted the batch", tt.name))
		}
		if err := w.check(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", tt.name, err))
		}
	}
	return errors.Join(errs...)
}

func testHeadMoved(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	if err := w.append(ctx, spec{"richiesta-1", kindSubmitted, territory1}); err != nil {
		return err
	}
	first := w.head
	if err := w.append(ctx, spec{"richiesta-2", kindSubmitted, territory2}); err != nil {
		return err
	}
	wrongHash := bytes.Repeat([]byte{0xaa}, 32)
	tests := []struct {
		name string
		head register.Head
	}{
		{"zero head on a register that is not empty", register.Head{}},
		{"old head", first},
		{"right sequence, different hash", register.Head{Seq: w.head.Seq, Hash: wrongHash}},
		{"right sequence, missing hash", register.Head{Seq: w.head.Seq}},
		{"future sequence", register.Head{Seq: w.head.Seq + 1, Hash: wrongHash}},
	}
	var errs []error
	for _, tt := range tests {
		b := batchAt(tt.head, w.versions, spec{"richiesta-3", kindSubmitted, territory1})
		if err := failAppend(ctx, w, b, register.ErrHeadMoved); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", tt.name, err))
		}
	}
	return errors.Join(errs...)
}

func testVersionCheckFirst(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	if err := w.append(ctx, spec{"richiesta-1", kindSubmitted, territory1}); err != nil {
		return err
	}
	stale := w.head
	if err := w.append(ctx, spec{"richiesta-1", kindAccepted, territory1}); err != nil {
		return err
	}
	b := batchAt(stale, map[string]uint64{"richiesta-1": 1}, spec{"richiesta-1", kindClosed, territory1})
	return failAppend(ctx, w, b, register.ErrVersionConflict)
}

// race runs n appends of the batches from the same moment and returns their
// errors.
func race(ctx context.Context, reg register.Register, batches []register.Batch) []error {
	errs := make([]error, len(batches))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, b := range batches {
		wg.Go(func() {
			<-start
			errs[i] = reg.Append(ctx, b)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func testRacingAppends(ctx context.Context, inst Instance) error {
	const n = 8
	w := newWriter(inst.Register)
	if err := w.append(ctx, spec{"richiesta-1", kindSubmitted, territory1}); err != nil {
		return err
	}
	rounds := []struct {
		name   string
		stream func(i int) string
		loser  error
	}{
		{"different streams", func(i int) string { return fmt.Sprintf("richiesta-%d", i+10) }, register.ErrHeadMoved},
		{"same stream", func(int) string { return "richiesta-1" }, register.ErrVersionConflict},
	}
	for _, round := range rounds {
		batches := make([]register.Batch, n)
		for i := range batches {
			batches[i] = w.batch(spec{round.stream(i), kindAccepted, territory1}, spec{round.stream(i), kindClosed, territory1})
		}
		won := -1
		for i, err := range race(ctx, w.reg, batches) {
			switch {
			case err == nil && won >= 0:
				return fmt.Errorf("%s: both Append %d and %d succeeded from the same head", round.name, won, i)
			case err == nil:
				won = i
			case !errors.Is(err, round.loser):
				return fmt.Errorf("%s: losing Append = %v, want an error wrapping %q", round.name, err, round.loser)
			}
		}
		if won < 0 {
			return fmt.Errorf("%s: no Append succeeded", round.name)
		}
		w.accept(batches[won])
		if err := w.check(ctx); err != nil {
			return fmt.Errorf("%s: %w", round.name, err)
		}
	}
	return nil
}

func testConcurrentAppenders(ctx context.Context, inst Instance) error {
	const (
		writers = 4
		appends = 25
	)
	reg := inst.Register
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("richiesta-%d", i)
			for range appends {
				if err := appendRetrying(ctx, reg, spec{stream, kindAccepted, territory1}); err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	got, err := collect(ctx, reg, register.Filter{})
	if err != nil {
		return err
	}
	if len(got) != writers*appends {
		return fmt.Errorf("stored %d records, want %d", len(got), writers*appends)
	}
	versions := make(map[string]uint64)
	for i, rec := range got {
		if rec.Seq != uint64(i)+1 {
			return fmt.Errorf("record %d has sequence %d", i+1, rec.Seq)
		}
		versions[rec.Stream]++
		if rec.Version != versions[rec.Stream] {
			return fmt.Errorf("seq %d: version %d of stream %q, want %d", rec.Seq, rec.Version, rec.Stream, versions[rec.Stream])
		}
		if err := sameRecord(rec, makeRecord(rec.Seq, spec{rec.Stream, rec.Kind, rec.Territory}, rec.Version, prevHash(got, i))); err != nil {
			return err
		}
	}
	return nil
}

func prevHash(recs []register.Record, i int) []byte {
	if i == 0 {
		return nil
	}
	return recs[i-1].Hash
}

// appendRetrying appends one record after reading the head and the stream's
// version, and tries again while other writers move the head.
func appendRetrying(ctx context.Context, reg register.Register, s spec) error {
	for range maxAttempts {
		h, err := reg.Head(ctx)
		if err != nil {
			return fmt.Errorf("reg.Head: %w", err)
		}
		v, err := reg.Version(ctx, s.stream)
		if err != nil {
			return fmt.Errorf("reg.Version: %w", err)
		}
		err = reg.Append(ctx, batchAt(h, map[string]uint64{s.stream: v}, s))
		if !errors.Is(err, register.ErrHeadMoved) {
			return err
		}
	}
	return fmt.Errorf("ErrHeadMoved on every one of %d attempts", maxAttempts)
}

// maxAttempts bounds the retries of the concurrent cases, so that a backend
// that always reports a conflict fails instead of hanging.
const maxAttempts = 10000

func testRecordsAreCopies(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	b := w.batch(spec{"richiesta-1", kindSubmitted, territory1}, spec{"richiesta-1", kindAccepted, territory2})
	if err := w.reg.Append(ctx, b); err != nil {
		return err
	}
	w.accept(b) // keeps copies
	for _, rec := range b.Records {
		rec.Body[0] ^= 0xff
		rec.Hash[0] ^= 0xff
	}
	return w.check(ctx)
}
