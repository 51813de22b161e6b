package memregister

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/registertest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	registertest.Run(t, func(_ context.Context, t *testing.T) (registertest.Instance, error) {
		r := New()
		t.Cleanup(func() { _ = r.Close() })
		return registertest.Instance{Register: r, Tamper: tamperer{r}, Reads: r.reads.Load}, nil
	})
}

// tamperer edits the register's slice directly, bypassing its checks.
type tamperer struct{ r *Register }

var _ registertest.Tamperer = tamperer{}

// index returns the position of record seq in the slice.
func (tt tamperer) index(seq uint64) (int, error) {
	i := slices.IndexFunc(tt.r.records, func(rec register.Record) bool { return rec.Seq == seq })
	if i < 0 {
		return 0, fmt.Errorf("record %d non trovato", seq)
	}
	return i, nil
}

func (tt tamperer) ReplaceBody(_ context.Context, seq uint64, body []byte) error {
	tt.r.mu.Lock()
	defer tt.r.mu.Unlock()
	i, err := tt.index(seq)
	if err != nil {
		return err
	}
	tt.r.records[i].Body = bytes.Clone(body)
	return nil
}

func (tt tamperer) Delete(_ context.Context, seq uint64) error {
	tt.r.mu.Lock()
	defer tt.r.mu.Unlock()
	i, err := tt.index(seq)
	if err != nil {
		return err
	}
	tt.r.records = slices.Delete(tt.r.records, i, i+1)
	return nil
}

func (tt tamperer) Swap(_ context.Context, a, b uint64) error {
	tt.r.mu.Lock()
	defer tt.r.mu.Unlock()
	i, err := tt.index(a)
	if err != nil {
		return err
	}
	j, err := tt.index(b)
	if err != nil {
		return err
	}
	recs := tt.r.records
	recs[i], recs[j] = recs[j], recs[i]
	recs[i].Seq, recs[j].Seq = a, b
	return nil
}
