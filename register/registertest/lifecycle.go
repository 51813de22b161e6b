package registertest

import (
	"context"
	"errors"
	"fmt"

	"github.com/sostegno/sostegno/register"
)

func lifecycleCases() []testCase {
	return []testCase{
		{"ContextDone", "Head, Version, Append and Scan called with a context already cancelled fail with an error wrapping context.Canceled, and Append stores nothing.", testContextDone},
		{"ContextDoneDuringScan", "If the context of a Scan is cancelled during the iteration, the Scan yields no more records but an error wrapping context.Canceled.", testContextDoneDuringScan},
		{"Closed", "After Close, Head, Version, Append and Scan fail with an error wrapping ErrClosed.", testClosed},
		{"CloseTwice", "Closing twice does not panic; the second Close returns nil or an error wrapping ErrClosed.", testCloseTwice},
	}
}

// allMethods calls every method of the port once and returns their errors,
// named.
func allMethods(ctx context.Context, reg register.Register, b register.Batch) map[string]error {
	errs := make(map[string]error)
	_, errs["Head"] = reg.Head(ctx)
	_, errs["Version"] = reg.Version(ctx, "richiesta-1")
	errs["Append"] = reg.Append(ctx, b)
	errs["Scan"] = errors.New("reg.Scan returned no error")
	n := 0
	for rec, err := range reg.Scan(ctx, register.Filter{}) {
		n++
		if err != nil {
			errs["Scan"] = err
			if rec.Seq != 0 || rec.Body != nil {
				errs["Scan"] = fmt.Errorf("reg.Scan returned the error %w with a non-zero record", err)
			}
			break
		}
		if n > 100 {
			break
		}
	}
	return errs
}

// expectAll checks that every error of allMethods wraps target.
func expectAll(errs map[string]error, target error) error {
	var bad []error
	for _, name := range []string{"Head", "Version", "Append", "Scan"} {
		if !errors.Is(errs[name], target) {
			bad = append(bad, fmt.Errorf("%s = %v, want an error wrapping %q", name, errs[name], target))
		}
	}
	return errors.Join(bad...)
}

func testContextDone(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	if err := w.append(ctx, spec{"richiesta-1", kindSubmitted, territory1}); err != nil {
		return err
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := expectAll(allMethods(done, w.reg, w.batch(spec{"richiesta-1", kindAccepted, territory1})), context.Canceled); err != nil {
		return err
	}
	return w.check(ctx)
}

func testContextDoneDuringScan(ctx context.Context, inst Instance) error {
	if _, err := fixture(ctx, inst.Register); err != nil {
		return err
	}
	scanCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := 0
	var last error
	for _, err := range inst.Register.Scan(scanCtx, register.Filter{}) {
		if err != nil {
			last = err
			break
		}
		n++
		if n > 1 {
			return fmt.Errorf("the Scan yielded %d records after the context was cancelled", n-1)
		}
		cancel()
	}
	if !errors.Is(last, context.Canceled) {
		return fmt.Errorf("the cancelled Scan ended with %v, want an error wrapping context.Canceled", last)
	}
	return nil
}

func testClosed(ctx context.Context, inst Instance) error {
	w := newWriter(inst.Register)
	if err := w.append(ctx, spec{"richiesta-1", kindSubmitted, territory1}); err != nil {
		return err
	}
	if err := w.reg.Close(); err != nil {
		return fmt.Errorf("reg.Close: %w", err)
	}
	return expectAll(allMethods(ctx, w.reg, w.batch(spec{"richiesta-1", kindAccepted, territory1})), register.ErrClosed)
}

func testCloseTwice(ctx context.Context, inst Instance) error {
	if err := inst.Register.Close(); err != nil {
		return fmt.Errorf("first Close: %w", err)
	}
	if err := inst.Register.Close(); err != nil && !errors.Is(err, register.ErrClosed) {
		return fmt.Errorf("second Close = %v, want nil or an error wrapping ErrClosed", err)
	}
	return nil
}
