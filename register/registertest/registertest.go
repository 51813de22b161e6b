// Package registertest is the conformance suite of [register.Register]: the
// specification every backend meets, written as tests. A backend runs it
// from its own tests with [Run]; [Check] runs the same cases outside the
// testing package and returns the failures as an error.
//
// Each case states its rule in one sentence, printed when the case fails.
// Among them: records yielded by Scan belong to the caller, who may change
// them without changing the register (ScanYieldsCopies); Scan streams,
// yielding its first record before it reads the rest (ScanStreams, which
// needs the optional [Instance.Reads] counter); and, through the Log, every
// backend accepts and refuses exactly the same stream, kind and territory
// values (SameInputsAsEveryBackend).
// Every case gets a fresh, empty register. The cases that prove tamper
// evidence alter the backend's storage behind the register's back through
// the optional [Tamperer] of the [Instance], and are skipped without one.
//
// The suite uses only the port for most cases; the cases about verification
// and concurrent appenders go through the portable [register.Log], as an
// application does.
package registertest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/sostegno/sostegno/register"
)

// Instance is one fresh, empty register under test.
type Instance struct {
	// Register is the backend under test.
	Register register.Register
	// Tamper, if not nil, alters the backend's storage behind the
	// register's back; the tamper-evidence cases skip without it.
	Tamper Tamperer
	// Reads, if not nil, returns how many records the backend has taken
	// from its storage (read from its file or database, or copied out of
	// memory) since it was created. The ScanStreams case uses it to check
	// that Scan yields its first record before it has read the rest, and
	// skips without it.
	Reads func() uint64
}

// NewRegister returns a fresh, empty register; it registers its own cleanup
// with t.Cleanup, which must close the register (closing it twice is
// harmless) and release whatever else it holds.
type NewRegister func(ctx context.Context, t *testing.T) (Instance, error)

// Tamperer alters stored records directly in the backend's storage, as an
// attacker with database access would. It bypasses every check of the
// register, including its compare-and-swap.
type Tamperer interface {
	// ReplaceBody overwrites the stored body of record seq, leaving its
	// other columns (hash included) as they are.
	ReplaceBody(ctx context.Context, seq uint64, body []byte) error
	// Delete removes record seq.
	Delete(ctx context.Context, seq uint64) error
	// Swap exchanges the stored contents of records a and b: everything
	// but Seq.
	Swap(ctx context.Context, a, b uint64) error
}

// Run runs every case of the suite as a subtest of t, each on a fresh
// register made by newRegister.
func Run(t *testing.T, newRegister NewRegister) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			ctx := t.Context()
			inst, err := newRegister(ctx, t)
			if err != nil {
				t.Fatalf("registertest: creating the register: %v", err)
			}
			if inst.Register == nil {
				t.Fatal("registertest: NewRegister returned a nil register")
			}
			err = c.run(ctx, inst)
			var skip skipError
			switch {
			case errors.As(err, &skip):
				t.Skip(string(skip))
			case err != nil:
				t.Errorf("rule: %s\n%v", c.rule, err)
			}
		})
	}
}

// NewInstance returns a fresh, empty register for [Check], and a function
// that releases it: it closes the register (closing it twice is harmless)
// and removes whatever it created, such as a file or a schema.
type NewInstance func(ctx context.Context) (inst Instance, release func(), err error)

// Check runs every case of the suite, each on a fresh register made by
// newInstance, and returns an error joining the failures, each naming its
// case and rule, or nil if every case passed. Cases that need a Tamperer
// are left out when the instance has none.
func Check(ctx context.Context, newInstance NewInstance) error {
	var errs []error
	for _, c := range cases() {
		if err := checkOne(ctx, c, newInstance); err != nil {
			errs = append(errs, fmt.Errorf("registertest: %s (rule: %s): %w", c.name, c.rule, err))
		}
	}
	return errors.Join(errs...)
}

func checkOne(ctx context.Context, c testCase, newInstance NewInstance) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inst, release, err := newInstance(ctx)
	if err != nil {
		return fmt.Errorf("creating the register: %w", err)
	}
	if release != nil {
		defer release()
	}
	if inst.Register == nil {
		return errors.New("NewInstance returned a nil register")
	}
	err = c.run(ctx, inst)
	if errors.As(err, new(skipError)) {
		return nil
	}
	return err
}

// testCase is one rule of the suite.
type testCase struct {
	name string
	// rule is the rule the case checks, in one sentence.
	rule string
	run  func(ctx context.Context, inst Instance) error
}

// skipError means a case does not apply to the instance.
type skipError string

func (e skipError) Error() string { return string(e) }

func needTamper(inst Instance) error {
	if inst.Tamper == nil {
		return skipError("the backend offers no Tamperer: tamper evidence not checked")
	}
	return nil
}

// cases returns the suite, in order.
func cases() []testCase {
	var all []testCase
	all = append(all, portCases()...)
	all = append(all, scanCases()...)
	all = append(all, lifecycleCases()...)
	all = append(all, logCases()...)
	all = append(all, hardeningCases()...)
	return all
}
