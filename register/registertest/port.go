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
		{"EmptyRegister", "Un registro nuovo ha la testa zero, versione 0 per ogni stream e nessun record.", testEmpty},
		{"AppendReadBack", "I record aggiunti in più lotti si rileggono in ordine di sequenza con ogni campo com'era (Time in UTC, al microsecondo), e Head e Version li riflettono.", testAppendReadBack},
		{"BatchAllOrNothing", "Un lotto il cui controllo di versione fallisce non memorizza nessuno dei suoi record, nemmeno quelli degli stream con la versione giusta.", testBatchAllOrNothing},
		{"VersionConflict", "Un Append che si aspetta per uno stream una versione diversa da quella memorizzata (indietro, avanti, o uno stream nuovo dato per esistente) fallisce con ErrVersionConflict e non memorizza nulla.", testVersionConflict},
		{"GuardWithoutRecords", "Uno stream elencato in Versions senza record nel lotto è controllato anch'esso: se la sua versione non corrisponde, Append fallisce con ErrVersionConflict e non memorizza nulla; se corrisponde, il lotto è memorizzato.", testGuardWithoutRecords},
		{"MalformedBatch", "Un lotto i cui record non continuano la sequenza dalla testa o la versione del loro stream, o appartengono a uno stream assente da Versions, o non hanno hash o contenuto, è rifiutato e non memorizza nulla.", testMalformedBatch},
		{"HeadMoved", "Un Append la cui testa non è quella del registro (sequenza vecchia, hash diverso, sequenza futura) fallisce con ErrHeadMoved e non memorizza nulla.", testHeadMoved},
		{"VersionCheckFirst", "Quando sia la testa sia una versione non corrispondono, l'errore è ErrVersionConflict.", testVersionCheckFirst},
		{"RacingAppends", "Di più Append concorrenti dalla stessa testa ne riesce esattamente uno; gli altri falliscono con ErrHeadMoved, o con ErrVersionConflict se scrivono lo stesso stream.", testRacingAppends},
		{"ConcurrentAppenders", "Più scrittori concorrenti che rileggono testa e versione e riprovano su ErrHeadMoved non perdono nessun record: sequenze e versioni restano senza buchi.", testConcurrentAppenders},
		{"RecordsAreCopies", "Modificare i record dopo averli passati ad Append non cambia ciò che il registro conserva.", testRecordsAreCopies},
	}
}

func testEmpty(ctx context.Context, inst Instance) error {
	reg := inst.Register
	h, err := reg.Head(ctx)
	if err != nil {
		return fmt.Errorf("reg.Head: %w", err)
	}
	if h.Seq != 0 || len(h.Hash) != 0 {
		return fmt.Errorf("reg.Head di un registro vuoto = %d %x, attesa la testa zero", h.Seq, h.Hash)
	}
	v, err := reg.Version(ctx, "richiesta-1")
	if err != nil {
		return fmt.Errorf("reg.Version: %w", err)
	}
	if v != 0 {
		return fmt.Errorf("reg.Version di uno stream inesistente = %d, attesa 0", v)
	}
	got, err := collect(ctx, reg, register.Filter{})
	if err != nil {
		return err
	}
	if len(got) != 0 {
		return fmt.Errorf("reg.Scan di un registro vuoto ha restituito %d record", len(got))
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
		return fmt.Errorf("reg.Append = %v, atteso un errore che avvolge %q", err, target)
	}
	if err := w.check(ctx); err != nil {
		return fmt.Errorf("dopo l'Append fallito: %w", err)
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
		return fmt.Errorf("dopo un lotto rifiutato: %w", err)
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
		{"versione vecchia", "richiesta-1", 1},
		{"versione futura", "richiesta-1", 3},
		{"stream esistente dato per nuovo", "richiesta-1", 0},
		{"stream nuovo dato per esistente", "richiesta-9", 1},
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
			errs = append(errs, fmt.Errorf("versione %d attesa per lo stream senza record, che è alla 2: %w", stale, err))
		}
	}
	b := w.batch(spec{"richiesta-1", kindSubmitted, territory1})
	b.Versions["evento-1"] = 2
	if err := inst.Register.Append(ctx, b); err != nil {
		return errors.Join(append(errs, fmt.Errorf("versione giusta per lo stream senza record: %w", err))...)
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
		{"buco nella sequenza", func(b *register.Batch) { b.Records[1].Seq++ }},
		{"sequenza ripetuta", func(b *register.Batch) { b.Records[1].Seq-- }},
		{"buco nella versione", func(b *register.Batch) { b.Records[0].Version++ }},
		{"stream senza versione attesa", func(b *register.Batch) { delete(b.Versions, "richiesta-2") }},
		{"record senza hash", func(b *register.Batch) { b.Records[1].Hash = nil }},
		{"record senza contenuto", func(b *register.Batch) { b.Records[0].Body = nil }},
	}
	var errs []error
	for _, tt := range tests {
		b := w.batch(two...)
		tt.mangle(&b)
		if err := inst.Register.Append(ctx, b); err == nil {
			errs = append(errs, fmt.Errorf("%s: reg.Append ha accettato il lotto", tt.name))
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
		{"testa zero su un registro non vuoto", register.Head{}},
		{"testa vecchia", first},
		{"sequenza giusta, hash diverso", register.Head{Seq: w.head.Seq, Hash: wrongHash}},
		{"sequenza giusta, hash mancante", register.Head{Seq: w.head.Seq}},
		{"sequenza futura", register.Head{Seq: w.head.Seq + 1, Hash: wrongHash}},
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
		{"stream diversi", func(i int) string { return fmt.Sprintf("richiesta-%d", i+10) }, register.ErrHeadMoved},
		{"stesso stream", func(int) string { return "richiesta-1" }, register.ErrVersionConflict},
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
				return fmt.Errorf("%s: sono riusciti sia l'Append %d sia il %d dalla stessa testa", round.name, won, i)
			case err == nil:
				won = i
			case !errors.Is(err, round.loser):
				return fmt.Errorf("%s: Append perdente = %v, atteso un errore che avvolge %q", round.name, err, round.loser)
			}
		}
		if won < 0 {
			return fmt.Errorf("%s: nessun Append è riuscito", round.name)
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
		return fmt.Errorf("memorizzati %d record, attesi %d", len(got), writers*appends)
	}
	versions := make(map[string]uint64)
	for i, rec := range got {
		if rec.Seq != uint64(i)+1 {
			return fmt.Errorf("il record %d ha sequenza %d", i+1, rec.Seq)
		}
		versions[rec.Stream]++
		if rec.Version != versions[rec.Stream] {
			return fmt.Errorf("seq %d: versione %d dello stream %q, attesa %d", rec.Seq, rec.Version, rec.Stream, versions[rec.Stream])
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
	return fmt.Errorf("ErrHeadMoved a ogni tentativo per %d volte", maxAttempts)
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
