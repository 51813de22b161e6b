package registertest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sostegno/sostegno/register"
)

func hardeningCases() []testCase {
	return []testCase{
		{"ScanYieldsCopies", "Changing the Hash or Body of a record yielded by Scan changes neither what the register holds nor any other record yielded.", testScanYieldsCopies},
		{"ScanStreams", "Scan yields the first record of a large result before it has read half of it from storage (needs Instance.Reads).", testScanStreams},
		{"SameInputsAsEveryBackend", "Through the Log, the register accepts exactly the stream, kind and territory values every backend accepts, and stores them unchanged; the others are refused by the Log with ErrInvalidEvent before the backend sees them.", testSameInputs},
	}
}

func testScanYieldsCopies(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	if err := w.append(ctx,
		spec{"richiesta-1", kindSubmitted, territory1},
		spec{"richiesta-1", kindAccepted, territory2},
		spec{"richiesta-2", kindSubmitted, territory1}); err != nil {
		return err
	}
	for _, f := range []register.Filter{{}, {Stream: "richiesta-1"}, {AfterSeq: 1, Limit: 1}} {
		// Records kept as yielded stay as they were when yielded: a
		// backend that reuses one buffer for every record shows it.
		got, err := collect(ctx, inst.Register, f)
		if err != nil {
			return err
		}
		if err := sameRecords(got, filtered(f, w.written)); err != nil {
			return fmt.Errorf("records yielded by Scan share memory with each other: %w", err)
		}
		// The caller changes what it was given: a backend that yields
		// its own storage shows it in what it holds.
		for _, rec := range got {
			for i := range rec.Body {
				rec.Body[i] ^= 0xff
			}
			for i := range rec.Hash {
				rec.Hash[i] ^= 0xff
			}
		}
	}
	if err := w.check(ctx); err != nil {
		return fmt.Errorf("changing yielded records changed the register: %w", err)
	}
	return nil
}

// streamRecords is the size of the result of ScanStreams: large enough
// that a backend reading ahead a page or two is far from half of it.
const streamRecords = 20000

func testScanStreams(ctx context.Context, inst Instance) error {
	if inst.Reads == nil {
		return skipError("the instance offers no Reads: streaming not checked")
	}
	w := newWriter(inst.Register)
	specs := make([]spec, streamRecords)
	for i := range specs {
		specs[i] = spec{fmt.Sprintf("richiesta-%d", i%100), kindSubmitted, territory1}
	}
	b := w.batch(specs...)
	if err := inst.Register.Append(ctx, b); err != nil {
		return err
	}
	before := inst.Reads()
	n := 0
	for _, err := range inst.Register.Scan(ctx, register.Filter{}) {
		if err != nil {
			return err
		}
		if n == 0 {
			if read := inst.Reads() - before; read >= streamRecords/2 {
				return fmt.Errorf("the first record was yielded after %d of %d records were read: Scan collects its result before yielding", read, streamRecords)
			}
		}
		n++
	}
	if n != streamRecords {
		return fmt.Errorf("reg.Scan yielded %d records, want %d", n, streamRecords)
	}
	return nil
}

// inputCase is one value of SameInputsAsEveryBackend, with whether the
// Log accepts it.
type inputCase struct {
	name                    string
	stream, kind, territory string
	ok                      bool
}

func inputCases() []inputCase {
	longest := strings.Repeat("é", register.MaxFieldLen/2)
	tooLong := strings.Repeat("x", 3000)
	cases := []inputCase{
		{"accented and non-BMP text", "richiesta/Niguarda–9 😀", "request.submitted", "Municipio 9 – Niguarda «sede»", true},
		{"quotes and SQL", `r'; DROP TABLE records; --"`, "request.submitted", `t'"\`, true},
		{"longest stream", longest, "request.submitted", "", true},
		{"longest territory", "s", "request.submitted", longest, true},
		{"empty territory", "s", "request.submitted", "", true},
		{"NUL in stream", "s\x00", "request.submitted", "", false},
		{"NUL in kind", "s", "request.sub\x00mitted", "", false},
		{"NUL in territory", "s", "request.submitted", "t\x00", false},
		{"line break in stream", "s\n", "request.submitted", "", false},
		{"DEL in territory", "s", "request.submitted", "t\x7f", false},
		{"C1 control in stream", "s\u0085", "request.submitted", "", false},
		{"invalid UTF-8 stream", "s\xff", "request.submitted", "", false},
		{"invalid UTF-8 territory", "s", "request.submitted", "\xc3", false},
		{"3000-byte stream", tooLong, "request.submitted", "", false},
		{"3000-byte territory", "s", "request.submitted", tooLong, false},
		{"stream one byte too long", longest + "x", "request.submitted", "", false},
		{"kind not dotted lower case", "s", "Request Submitted", "", false},
		{"blank stream", " ", "request.submitted", "", false},
	}
	return cases
}

func testSameInputs(ctx context.Context, inst Instance) error {
	l, _, err := openLog(ctx, inst.Register)
	if err != nil {
		return err
	}
	var errs []error
	stored := 0
	for i, c := range inputCases() {
		stream := c.stream
		if c.ok {
			// Distinct streams, so that every accepted case starts one.
			stream = fmt.Sprintf("%s#%d", c.stream, i)
			if len(stream) > register.MaxFieldLen {
				stream = c.stream
			}
		}
		ev := register.Event{Kind: c.kind, Territory: c.territory, Actor: suiteActor}
		_, err := l.Append(ctx, stream, 0, ev)
		switch {
		case c.ok && err != nil:
			errs = append(errs, fmt.Errorf("%s: refused: %w", c.name, err))
			continue
		case !c.ok && err == nil:
			errs = append(errs, fmt.Errorf("%s: accepted", c.name))
			continue
		case !c.ok:
			if !errors.Is(err, register.ErrInvalidEvent) {
				errs = append(errs, fmt.Errorf("%s: refused with %v, want an error matching ErrInvalidEvent", c.name, err))
			}
			continue
		}
		stored++
		var got []register.Entry
		for e, err := range l.Stream(ctx, stream) {
			if err != nil {
				return err
			}
			got = append(got, e)
		}
		if len(got) != 1 || got[0].Stream != stream || got[0].Kind != c.kind || got[0].Territory != c.territory {
			errs = append(errs, fmt.Errorf("%s: not stored unchanged", c.name))
		}
	}
	head, err := inst.Register.Head(ctx)
	if err != nil {
		return err
	}
	if head.Seq != uint64(stored) {
		errs = append(errs, fmt.Errorf("the register holds %d records, want %d", head.Seq, stored))
	}
	if err := l.Verify(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
