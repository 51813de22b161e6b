package registertest_test

import (
	"context"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
	"github.com/sostegno/sostegno/register/registertest"
)

// broken wraps a correct backend and breaks one rule of the port.
type broken struct {
	register.Register
	ignoreLimit    bool
	ignoreVersions bool
	ignoreCtx      bool
	dropBodies     bool // with IndexOnly, even those of BodyKinds
	// share, if set, keeps every record yielded and yields the same
	// slices again, as a backend yielding its own storage would.
	share *sync.Map
	// collectAll reads the whole result before yielding the first record,
	// counting in reads the records taken from the backend.
	collectAll bool
	reads      *atomic.Uint64
}

func (b broken) Append(ctx context.Context, batch register.Batch) error {
	if b.ignoreVersions {
		// Claim the versions the register has, so the check always passes.
		for s := range batch.Versions {
			v, err := b.Register.Version(ctx, s)
			if err != nil {
				return err
			}
			batch.Versions[s] = v
		}
	}
	return b.Register.Append(ctx, batch)
}

func (b broken) Scan(ctx context.Context, f register.Filter) iter.Seq2[register.Record, error] {
	if b.ignoreLimit {
		f.Limit = 0
	}
	if b.ignoreCtx {
		ctx = context.WithoutCancel(ctx)
	}
	if b.share != nil {
		return func(yield func(register.Record, error) bool) {
			for rec, err := range b.Register.Scan(ctx, f) {
				if err == nil {
					kept, _ := b.share.LoadOrStore(rec.Seq, rec)
					rec = kept.(register.Record)
				}
				if !yield(rec, err) {
					return
				}
			}
		}
	}
	if b.collectAll {
		return func(yield func(register.Record, error) bool) {
			var all []register.Record
			for rec, err := range b.Register.Scan(ctx, f) {
				if err != nil {
					yield(rec, err)
					return
				}
				b.reads.Add(1)
				all = append(all, rec)
			}
			for _, rec := range all {
				if err := ctx.Err(); err != nil {
					yield(register.Record{}, err)
					return
				}
				if !yield(rec, nil) {
					return
				}
			}
		}
	}
	if b.dropBodies && f.IndexOnly {
		return func(yield func(register.Record, error) bool) {
			for rec, err := range b.Register.Scan(ctx, f) {
				rec.Hash, rec.Body = nil, nil
				if !yield(rec, err) {
					return
				}
			}
		}
	}
	return b.Register.Scan(ctx, f)
}

// blind is a Tamperer that changes nothing.
type blind struct{}

func (blind) ReplaceBody(context.Context, uint64, []byte) error { return nil }
func (blind) Delete(context.Context, uint64) error              { return nil }
func (blind) Swap(context.Context, uint64, uint64) error        { return nil }

// TestSuiteFails checks that the suite catches broken backends, each in the
// cases that state the rule it breaks.
func TestSuiteFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		wrap   func(register.Register) registertest.Instance
		failed []string
		// mayFail are cases the broken backend fails only when goroutines
		// happen to interleave: whether two Logs race on one stream
		// depends on the scheduler, not on the backend.
		mayFail []string
	}{
		{
			"Limit ignorato",
			func(r register.Register) registertest.Instance {
				return registertest.Instance{Register: broken{Register: r, ignoreLimit: true}}
			},
			[]string{"ScanFilter", "ScanIndexOnly", "ScanPages", "ScanYieldsCopies"},
			nil,
		},
		{
			"corpi omessi anche dove richiesti",
			func(r register.Register) registertest.Instance {
				return registertest.Instance{Register: broken{Register: r, dropBodies: true}}
			},
			[]string{"ScanIndexOnly"},
			nil,
		},
		{
			"versioni non controllate",
			func(r register.Register) registertest.Instance {
				return registertest.Instance{Register: broken{Register: r, ignoreVersions: true}}
			},
			[]string{"BatchAllOrNothing", "VersionConflict", "GuardWithoutRecords", "VersionCheckFirst", "RacingAppends"},
			[]string{"ConcurrentLogs"},
		},
		{
			"contesto ignorato dallo Scan",
			func(r register.Register) registertest.Instance {
				return registertest.Instance{Register: broken{Register: r, ignoreCtx: true}}
			},
			[]string{"ContextDone", "ContextDoneDuringScan"},
			nil,
		},
		{
			"records yielded share the backend's storage",
			func(r register.Register) registertest.Instance {
				return registertest.Instance{Register: broken{Register: r, share: new(sync.Map)}}
			},
			[]string{"ScanYieldsCopies"},
			nil,
		},
		{
			"whole result collected before the first record",
			func(r register.Register) registertest.Instance {
				reads := new(atomic.Uint64)
				return registertest.Instance{Register: broken{Register: r, collectAll: true, reads: reads}, Reads: reads.Load}
			},
			[]string{"ScanStreams"},
			nil,
		},
		{
			"manomissione invisibile",
			func(r register.Register) registertest.Instance {
				return registertest.Instance{Register: r, Tamper: blind{}}
			},
			[]string{"VerifyAltered", "VerifyReordered", "VerifyDeleted", "VerifyTruncated"},
			nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := registertest.Check(t.Context(), func(context.Context) (registertest.Instance, func(), error) {
				r := memregister.New()
				return tt.wrap(r), func() { _ = r.Close() }, nil
			})
			if err == nil {
				t.Fatal("Check = nil, attesi errori")
			}
			msg := err.Error()
			for _, name := range tt.failed {
				if !strings.Contains(msg, name+" (rule: ") {
					t.Errorf("il caso %s non è fallito; errori:\n%s", name, msg)
				}
			}
			optional := 0
			for _, name := range tt.mayFail {
				if strings.Contains(msg, name+" (rule: ") {
					optional++
				}
			}
			if got := strings.Count(msg, " (rule: ") - optional; got != len(tt.failed) {
				t.Errorf("%d cases failed, want %d (%v, and possibly %v):\n%s", got, len(tt.failed), tt.failed, tt.mayFail, msg)
			}
		})
	}
}

// TestCheckSkipsWithoutTamperer checks that a backend without a Tamperer
// passes: the tamper-evidence cases do not apply to it.
func TestCheckSkipsWithoutTamperer(t *testing.T) {
	t.Parallel()
	err := registertest.Check(t.Context(), func(context.Context) (registertest.Instance, func(), error) {
		r := memregister.New()
		return registertest.Instance{Register: r}, func() { _ = r.Close() }, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// CheckIndexOnlyHonoured fails a backend that ignores the hint (memregister
// returns every record whole).
func TestCheckIndexOnlyHonouredFailsWhenIgnored(t *testing.T) {
	t.Parallel()
	if err := registertest.CheckIndexOnlyHonoured(t.Context(), memregister.New()); err == nil {
		t.Fatal("a backend that ignores IndexOnly passed the check")
	}
}
