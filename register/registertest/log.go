package registertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/mod/sumdb/note"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

func logCases() []testCase {
	return []testCase{
		{"VerifyIntact", "Log.Verify accepts a register written through the Log, with several streams, batches and sealed personal data.", testVerifyIntact},
		{"VerifyAltered", "Log.Verify reports as the first altered entry the one whose content was changed in the backend.", testVerifyAltered},
		{"VerifyReordered", "Log.Verify reports as the first altered entry the first of two entries swapped in the backend.", testVerifyReordered},
		{"VerifyDeleted", "Log.Verify reports as the first altered entry the place of an entry deleted in the backend.", testVerifyDeleted},
		{"VerifyTruncated", "Log.Verify with a checkpoint issued earlier reports the last entries deleted, which the chain alone cannot see.", testVerifyTruncated},
		{"ConcurrentLogs", "Several Logs on one backend writing at once, also to the same stream, lose no entry and leave a valid chain.", testConcurrentLogs},
	}
}

var suiteActor = register.Actor{Role: guideline.RoleOperator, ID: "registertest"}

// openLog opens a Log over the instance's backend with a sealer and a
// checkpoint signer. The Log is not closed: closing it would close the
// backend, which the instance's cleanup does.
func openLog(ctx context.Context, reg register.Register) (*register.Log, note.Verifier, error) {
	key := make([]byte, register.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, err
	}
	keyring, err := register.NewKeyring("registertest-1", key)
	if err != nil {
		return nil, nil, err
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, "registertest")
	if err != nil {
		return nil, nil, err
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, nil, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, nil, err
	}
	l, err := register.Open(ctx, reg, &register.Options{Sealer: keyring, Signer: signer})
	if err != nil {
		return nil, nil, fmt.Errorf("register.Open: %w", err)
	}
	return l, verifier, nil
}

// writeLog appends 12 entries through l in batches of one to three, across
// three streams, some with personal data.
func writeLog(ctx context.Context, l *register.Log) error {
	versions := make(map[string]uint64)
	for i := range 6 {
		stream := fmt.Sprintf("richiesta-%d", i%3+1)
		events := make([]register.Event, 1+i%3)
		for j := range events {
			events[j] = register.Event{
				Kind:      kindSubmitted,
				Territory: territory1,
				Actor:     suiteActor,
				Data:      []byte(fmt.Sprintf(`{"n":%d}`, j)),
			}
			if j%2 == 0 {
				events[j].Personal = []byte(`{"note":"test personal data"}`)
			}
		}
		if _, err := l.Append(ctx, stream, versions[stream], events...); err != nil {
			return fmt.Errorf("Log.Append: %w", err)
		}
		versions[stream] += uint64(len(events))
	}
	return nil
}

// written opens a Log over the instance, writes through it and checks that
// it verifies before any tampering.
func written(ctx context.Context, inst Instance) (*register.Log, note.Verifier, error) {
	l, verifier, err := openLog(ctx, inst.Register)
	if err != nil {
		return nil, nil, err
	}
	if err := writeLog(ctx, l); err != nil {
		return nil, nil, err
	}
	if err := l.Verify(ctx); err != nil {
		return nil, nil, fmt.Errorf("l.Verify before tampering: %w", err)
	}
	return l, verifier, nil
}

// expectTampered checks that err reports the entry at seq.
func expectTampered(err error, seq uint64) error {
	var ve *register.VerifyError
	switch {
	case err == nil:
		return errors.New("l.Verify did not see the tampering")
	case !errors.Is(err, register.ErrTampered) || !errors.As(err, &ve):
		return fmt.Errorf("l.Verify = %v, want a *register.VerifyError", err)
	case ve.Seq != seq:
		return fmt.Errorf("l.Verify reports entry %d (%s), want %d", ve.Seq, ve.Reason, seq)
	}
	return nil
}

func testVerifyIntact(ctx context.Context, inst Instance) error {
	l, _, err := written(ctx, inst)
	if err != nil {
		return err
	}
	// The stored records read back as the entries written.
	n := 0
	for e, err := range l.Scan(ctx, register.Filter{}) {
		if err != nil {
			return fmt.Errorf("Log.Scan: %w", err)
		}
		n++
		if e.Seq != uint64(n) || len(e.Hash) != register.HashSize {
			return fmt.Errorf("entry %d: sequence %d, hash of %d bytes", n, e.Seq, len(e.Hash))
		}
	}
	if n != 12 {
		return fmt.Errorf("read %d entries, want 12", n)
	}
	return nil
}

func testVerifyAltered(ctx context.Context, inst Instance) error {
	if err := needTamper(inst); err != nil {
		return err
	}
	l, _, err := written(ctx, inst)
	if err != nil {
		return err
	}
	const seq = 5
	var body []byte
	for rec, err := range inst.Register.Scan(ctx, register.Filter{AfterSeq: seq - 1, Limit: 1}) {
		if err != nil {
			return err
		}
		body = bytes.Clone(rec.Body)
	}
	if len(body) == 0 {
		return fmt.Errorf("entry %d not found", seq)
	}
	// Flip one bit of the last byte, inside the data or the sealed bytes.
	body[len(body)-1] ^= 0x01
	if err := inst.Tamper.ReplaceBody(ctx, seq, body); err != nil {
		return fmt.Errorf("Tamper.ReplaceBody: %w", err)
	}
	return expectTampered(l.Verify(ctx), seq)
}

func testVerifyReordered(ctx context.Context, inst Instance) error {
	if err := needTamper(inst); err != nil {
		return err
	}
	l, _, err := written(ctx, inst)
	if err != nil {
		return err
	}
	if err := inst.Tamper.Swap(ctx, 4, 9); err != nil {
		return fmt.Errorf("Tamper.Swap: %w", err)
	}
	return expectTampered(l.Verify(ctx), 4)
}

func testVerifyDeleted(ctx context.Context, inst Instance) error {
	if err := needTamper(inst); err != nil {
		return err
	}
	l, _, err := written(ctx, inst)
	if err != nil {
		return err
	}
	if err := inst.Tamper.Delete(ctx, 7); err != nil {
		return fmt.Errorf("Tamper.Delete: %w", err)
	}
	return expectTampered(l.Verify(ctx), 7)
}

func testVerifyTruncated(ctx context.Context, inst Instance) error {
	if err := needTamper(inst); err != nil {
		return err
	}
	l, verifier, err := written(ctx, inst)
	if err != nil {
		return err
	}
	c, err := l.Checkpoint(ctx)
	if err != nil {
		return fmt.Errorf("l.Checkpoint: %w", err)
	}
	// The checkpoint travels as a signed note, outside the database.
	c, err = register.ParseCheckpoint(c.Note, verifier)
	if err != nil {
		return fmt.Errorf("ParseCheckpoint: %w", err)
	}
	for _, seq := range []uint64{12, 11} {
		if err := inst.Tamper.Delete(ctx, seq); err != nil {
			return fmt.Errorf("Tamper.Delete: %w", err)
		}
	}
	if err := l.Verify(ctx); err != nil {
		return fmt.Errorf("without a checkpoint the shortened chain is still valid, but Verify = %w", err)
	}
	return expectTampered(l.Verify(ctx, c), 11)
}

func testConcurrentLogs(ctx context.Context, inst Instance) error {
	const (
		logs    = 4
		appends = 20
		shared  = "evento-condiviso"
	)
	errs := make([]error, logs)
	var wg sync.WaitGroup
	for i := range logs {
		wg.Go(func() {
			errs[i] = appendConcurrently(ctx, inst.Register, fmt.Sprintf("richiesta-%d", i), shared, appends)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	l, err := register.Open(ctx, inst.Register, nil)
	if err != nil {
		return fmt.Errorf("register.Open: %w", err)
	}
	if err := l.Verify(ctx); err != nil {
		return fmt.Errorf("l.Verify: %w", err)
	}
	h, err := inst.Register.Head(ctx)
	if err != nil {
		return fmt.Errorf("reg.Head: %w", err)
	}
	sharedAppends := logs * (appends / 4)
	if want := uint64(logs*appends + sharedAppends); h.Seq != want {
		return fmt.Errorf("the register has %d entries, want %d", h.Seq, want)
	}
	v, err := inst.Register.Version(ctx, shared)
	if err != nil {
		return fmt.Errorf("reg.Version: %w", err)
	}
	if v != uint64(sharedAppends) {
		return fmt.Errorf("the shared stream has %d entries, want %d", v, sharedAppends)
	}
	return nil
}

// appendConcurrently opens its own Log on reg and appends n entries to its
// own stream and, every fourth, one to the shared stream, reading the
// shared stream's version again after each conflict.
func appendConcurrently(ctx context.Context, reg register.Register, own, shared string, n int) error {
	l, err := register.Open(ctx, reg, nil)
	if err != nil {
		return fmt.Errorf("register.Open: %w", err)
	}
	ev := register.Event{Kind: kindAccepted, Territory: territory2, Actor: suiteActor}
	for k := range n {
		if _, err := l.Append(ctx, own, uint64(k), ev); err != nil {
			return fmt.Errorf("Log.Append(%s): %w", own, err)
		}
		if k%4 != 3 {
			continue
		}
		for attempt := 0; ; attempt++ {
			if attempt == maxAttempts {
				return fmt.Errorf("ErrVersionConflict on every one of %d attempts", maxAttempts)
			}
			v, err := reg.Version(ctx, shared)
			if err != nil {
				return fmt.Errorf("reg.Version: %w", err)
			}
			_, err = l.Append(ctx, shared, v, ev)
			if err == nil {
				break
			}
			if !errors.Is(err, register.ErrVersionConflict) {
				return fmt.Errorf("Log.Append(%s): %w", shared, err)
			}
		}
	}
	return nil
}
