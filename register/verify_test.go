package register_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"iter"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/sostegno/sostegno/register"
	"golang.org/x/text/language"
)

// filled returns a Log over an editable backend with 6 entries in 3
// streams, some with personal data.
func filled(t *testing.T, opts *register.Options) (*register.Log, *editBackend) {
	t.Helper()
	eb := &editBackend{Register: newMem()}
	l := openLog(t, eb, opts)
	p := event(register.KindRequestSubmitted, `{"appointment_at":"2026-03-10T10:00:00Z"}`)
	p.Personal = []byte(knownName + " " + knownCF)
	mustAppend(t, l, "request/1", 0, p)
	mustAppend(t, l, "incident/1", 0, event(register.KindIncidentReported, `{"incident_kind":"threat"}`))
	mustAppend(t, l, "request/1", 1, event(register.KindRequestAccepted, ""))
	mustAppend(t, l, "incident/1", 1, event(register.KindIncidentColleaguesAlerted, ""))
	mustAppend(t, l, "request/2", 0, p)
	mustAppend(t, l, "incident/1", 2, event(register.KindIncidentOperationsCentreCalled, ""))
	return l, eb
}

// rehash re-encodes an edited entry and recomputes its hash, as a careful
// attacker would.
func rehash(t *testing.T, r *register.Record, edit func(*register.Entry)) {
	t.Helper()
	e, err := register.DecodeEntry(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	edit(&e)
	r.Body, err = register.EncodeEntry(e)
	if err != nil {
		t.Fatal(err)
	}
	r.Hash = register.HashBody(r.Body)
	r.Kind, r.Stream, r.Version, r.Territory, r.Time = e.Kind, e.Stream, e.Version, e.Territory, e.Time
}

func TestVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		edit   func(t *testing.T, rs []register.Record) []register.Record
		seq    uint64
		reason register.Reason
		field  string
	}{
		{"body byte changed", func(t *testing.T, rs []register.Record) []register.Record {
			rs[2].Body[len(rs[2].Body)-1] ^= 1
			return rs
		}, 3, register.ReasonHash, ""},
		{"hash changed", func(t *testing.T, rs []register.Record) []register.Record {
			rs[3].Hash[0] ^= 1
			return rs
		}, 4, register.ReasonHash, ""},
		{"body undecodable", func(t *testing.T, rs []register.Record) []register.Record {
			rs[1].Body = append(rs[1].Body, 0)
			rs[1].Hash = register.HashBody(rs[1].Body)
			return rs
		}, 2, register.ReasonUndecodable, ""},
		{"data rewritten and rehashed", func(t *testing.T, rs []register.Record) []register.Record {
			rehash(t, &rs[1], func(e *register.Entry) { e.Data = []byte(`{"incident_kind":"damage"}`) })
			return rs
		}, 2, register.ReasonChain, ""},
		{"last entry rewritten and rehashed", func(t *testing.T, rs []register.Record) []register.Record {
			rehash(t, &rs[5], func(e *register.Entry) { e.Kind = register.KindIncidentClosed })
			return rs
		}, 0, 0, ""}, // undetectable without a checkpoint: see TestVerifyCheckpoints
		{"row deleted", func(t *testing.T, rs []register.Record) []register.Record {
			return slices.Delete(rs, 2, 3)
		}, 3, register.ReasonSequence, ""},
		{"rows swapped", func(t *testing.T, rs []register.Record) []register.Record {
			rs[1], rs[2] = rs[2], rs[1]
			return rs
		}, 2, register.ReasonSequence, ""},
		{"row duplicated", func(t *testing.T, rs []register.Record) []register.Record {
			return slices.Insert(rs, 3, rs[2])
		}, 4, register.ReasonSequence, ""},
		{"first row claims a predecessor", func(t *testing.T, rs []register.Record) []register.Record {
			rehash(t, &rs[0], func(e *register.Entry) { e.PrevHash = bytes.Repeat([]byte{1}, 32) })
			return rs
		}, 1, register.ReasonChain, ""},
		{"kind column", func(t *testing.T, rs []register.Record) []register.Record {
			rs[4].Kind = register.KindRequestCancelled
			return rs
		}, 5, register.ReasonIndex, "Kind"},
		{"seq column", func(t *testing.T, rs []register.Record) []register.Record {
			rs[4].Seq = 50
			return rs
		}, 5, register.ReasonIndex, "Seq"},
		{"stream column", func(t *testing.T, rs []register.Record) []register.Record {
			rs[0].Stream = "request/9"
			return rs
		}, 1, register.ReasonIndex, "Stream"},
		{"version column", func(t *testing.T, rs []register.Record) []register.Record {
			rs[2].Version = 7
			return rs
		}, 3, register.ReasonIndex, "Version"},
		{"territory column", func(t *testing.T, rs []register.Record) []register.Record {
			rs[3].Territory = "municipio-9"
			return rs
		}, 4, register.ReasonIndex, "Territory"},
		{"time column", func(t *testing.T, rs []register.Record) []register.Record {
			rs[3].Time = rs[3].Time.Add(time.Hour)
			return rs
		}, 4, register.ReasonIndex, "Time"},
		{"personal data swapped between entries", func(t *testing.T, rs []register.Record) []register.Record {
			a, _ := register.DecodeEntry(rs[0].Body)
			rehash(t, &rs[4], func(e *register.Entry) { e.Personal = a.Personal })
			return rs
		}, 5, register.ReasonChain, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l, eb := filled(t, nil)
			eb.setEdit(func(rs []register.Record) []register.Record { return tc.edit(t, rs) })
			err := l.Verify(context.Background())
			if tc.seq == 0 {
				if err != nil {
					t.Errorf("Verify = %v, want nil", err)
				}
				return
			}
			var ve *register.VerifyError
			if !errors.As(err, &ve) || !errors.Is(err, register.ErrTampered) {
				t.Fatalf("Verify = %v, want a VerifyError matching ErrTampered", err)
			}
			if ve.Seq != tc.seq || ve.Reason != tc.reason || ve.Field != tc.field {
				t.Errorf("VerifyError = {%d %v %q}, want {%d %v %q}", ve.Seq, ve.Reason, ve.Field, tc.seq, tc.reason, tc.field)
			}
			if !strings.HasPrefix(err.Error(), "register: tampered at entry ") {
				t.Errorf("error %q is not the English one with the package prefix", err)
			}
			if msg := ve.Message(language.Italian); !strings.Contains(msg, "Registro alterato alla voce") {
				t.Errorf("message %q is not the Italian one", msg)
			}
			if msg := ve.Message(language.English); !strings.Contains(msg, "Register tampered with at entry") {
				t.Errorf("message %q is not the English one", msg)
			}
			assertNoLeak(t, ve.Message(language.Italian))
			assertNoLeak(t, err.Error())
		})
	}
}

func TestVerifyStreamVersions(t *testing.T) {
	t.Parallel()
	// A chain that is intact but whose stream versions skip, as a backend
	// that did not check versions could have stored.
	var recs []register.Record
	var prev []byte
	for i, v := range []uint64{1, 3} {
		e := register.Entry{Seq: uint64(i + 1), Time: epoch, Stream: "s", Version: v, Kind: "k", Actor: operator, PrevHash: prev}
		body, err := register.EncodeEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		prev = register.HashBody(body)
		recs = append(recs, register.Record{Seq: e.Seq, Stream: "s", Version: v, Kind: "k", Time: epoch, Hash: prev, Body: body})
	}
	eb := &editBackend{Register: newMem()}
	eb.setEdit(func([]register.Record) []register.Record { return recs })
	l := openLog(t, eb, nil)
	var ve *register.VerifyError
	if err := l.Verify(context.Background()); !errors.As(err, &ve) || ve.Reason != register.ReasonStreamVersion || ve.Seq != 2 {
		t.Errorf("Verify = %v, want ReasonStreamVersion at 2", err)
	}
}

func newSigner(t *testing.T, name string) (note.Signer, note.Verifier) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

func TestVerifyCheckpoints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	signer, verifier := newSigner(t, "registro.comune.milano.it")
	l, eb := filled(t, &register.Options{Signer: signer})
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != 6 || cp.Origin != "registro.comune.milano.it" {
		t.Errorf("checkpoint = %q", cp)
	}
	stored, err := register.ParseCheckpoint(cp.Note, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Size != cp.Size || !bytes.Equal(stored.Hash, cp.Hash) {
		t.Fatalf("parsed checkpoint differs: %q vs %q", stored, cp)
	}
	if err := l.Verify(ctx, stored); err != nil {
		t.Fatalf("Verify with checkpoint: %v", err)
	}
	// Later appends keep the earlier checkpoint valid.
	mustAppend(t, l, "incident/1", 3, event(register.KindIncidentDispatched, ""))
	if err := l.Verify(ctx, stored); err != nil {
		t.Fatalf("Verify after growth: %v", err)
	}

	for _, tc := range []struct {
		name   string
		edit   func([]register.Record) []register.Record
		seq    uint64
		reason register.Reason
	}{
		{"tail cut off", func(rs []register.Record) []register.Record { return rs[:4] }, 5, register.ReasonTruncated},
		{"entry at checkpoint rewritten", func(rs []register.Record) []register.Record {
			rehash(t, &rs[5], func(e *register.Entry) { e.Kind = register.KindIncidentClosed })
			return rs[:6]
		}, 6, register.ReasonCheckpoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eb.setEdit(tc.edit)
			defer eb.setEdit(nil)
			var ve *register.VerifyError
			err := l.Verify(ctx, stored)
			if !errors.As(err, &ve) || ve.Seq != tc.seq || ve.Reason != tc.reason {
				t.Errorf("Verify = %v, want %v at %d", err, tc.reason, tc.seq)
			}
			if l.Verify(ctx) != nil {
				t.Error("the edit should be invisible to the chain alone")
			}
		})
	}

	// A whole register rewritten from scratch, same size.
	rewritten, _ := filled(t, &register.Options{Signer: signer})
	if err := rewritten.Verify(ctx, stored); !errors.Is(err, register.ErrTampered) {
		t.Errorf("rewritten register: %v, want ErrTampered", err)
	}
}

func TestCheckpointErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	signer, verifier := newSigner(t, "a.example")
	_, otherVerifier := newSigner(t, "a.example")
	l, _ := filled(t, &register.Options{Signer: signer})
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := register.ParseCheckpoint(cp.Note, otherVerifier); !errors.Is(err, register.ErrInvalidCheckpoint) {
		t.Errorf("wrong key: %v", err)
	}
	forged := bytes.Replace(cp.Note, []byte("\n6\n"), []byte("\n9\n"), 1)
	if _, err := register.ParseCheckpoint(forged, verifier); !errors.Is(err, register.ErrInvalidCheckpoint) {
		t.Errorf("forged size: %v", err)
	}
	noSigner, _ := filled(t, nil)
	if _, err := noSigner.Checkpoint(ctx); !errors.Is(err, register.ErrNoSigner) {
		t.Errorf("no signer: %v", err)
	}
	other := cp
	other.Origin = "b.example"
	if err := l.Verify(ctx, other); !errors.Is(err, register.ErrInvalidCheckpoint) {
		t.Errorf("other origin: %v", err)
	}
	// An empty register's checkpoint.
	empty := openLog(t, newMem(), &register.Options{Signer: signer})
	ecp, err := empty.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := register.ParseCheckpoint(ecp.Note, verifier); err != nil || p.Size != 0 || p.Hash != nil {
		t.Errorf("empty checkpoint: %q, %v", p, err)
	}
}

func TestVerifyAfterKeyErased(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	k := newKeyring(t)
	l, _ := filled(t, &register.Options{Sealer: k})
	if err := k.Add("k2", randomKey(t)); err != nil {
		t.Fatal(err)
	}
	if err := k.SetCurrent("k2"); err != nil {
		t.Fatal(err)
	}
	p := event("test.later", "")
	p.Personal = []byte("dopo la rotazione")
	later := mustAppend(t, l, "request/3", 0, p)[0]
	if err := k.Erase("k1"); err != nil {
		t.Fatal(err)
	}
	if err := l.Verify(ctx); err != nil {
		t.Fatalf("Verify after erasing a key: %v", err)
	}
	first := collect(t, l.Stream(ctx, "request/1"))[0]
	who := register.Access{Actor: operator, Purpose: "verifica della conservazione"}
	if _, err := l.Unseal(ctx, who, first); !errors.Is(err, register.ErrKeyErased) {
		t.Errorf("Unseal after erase: %v, want ErrKeyErased", err)
	}
	pt, err := l.Unseal(ctx, who, later)
	if err != nil || string(pt) != "dopo la rotazione" {
		t.Errorf("Unseal under the new key: %q, %v", pt, err)
	}
}

// failingScan yields the first n records of its backend, then an error.
type failingScan struct {
	register.Register
	n int
}

var errDisk = errors.New("disco non leggibile")

func (f failingScan) Scan(ctx context.Context, flt register.Filter) iter.Seq2[register.Record, error] {
	return func(yield func(register.Record, error) bool) {
		i := 0
		for r, err := range f.Register.Scan(ctx, flt) {
			if err != nil || i == f.n {
				yield(register.Record{}, errDisk)
				return
			}
			if !yield(r, nil) {
				return
			}
			i++
		}
	}
}

// TestVerifyLargeRegister crosses the chunks Verify reads in: many
// entries, one far larger than a chunk, an alteration late in the chain,
// and read errors before and after it.
func TestVerifyLargeRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eb := &editBackend{Register: newMem()}
	l := openLog(t, eb, nil)
	events := make([]register.Event, 0, 100)
	for b := range 20 {
		events = events[:0]
		for i := range 100 {
			e := event("test.bulk", "")
			e.Stream = "s/" + strconv.Itoa(b*100+i)
			events = append(events, e)
		}
		exp := map[string]uint64{}
		for _, e := range events {
			exp[e.Stream] = 0
		}
		if _, err := l.AppendBatch(ctx, exp, events...); err != nil {
			t.Fatal(err)
		}
	}
	big := event("test.big", "")
	big.Personal = bytes.Repeat([]byte("x"), 600<<10)
	mustAppend(t, l, "big", 0, big)
	mustAppend(t, l, "after", 0, event("test.after", ""))
	if err := l.Verify(ctx); err != nil {
		t.Fatalf("Verify: %v", err)
	}

	eb.setEdit(func(rs []register.Record) []register.Record {
		rs[1700].Body[len(rs[1700].Body)-1] ^= 1
		return rs
	})
	var ve *register.VerifyError
	if err := l.Verify(ctx); !errors.As(err, &ve) || ve.Seq != 1701 {
		t.Errorf("Verify = %v, want entry 1701", err)
	}
	// A read error after the alteration: the alteration is reported.
	l2 := openLog(t, failingScan{eb, 1900}, nil)
	if err := l2.Verify(ctx); !errors.As(err, &ve) || ve.Seq != 1701 {
		t.Errorf("Verify = %v, want entry 1701", err)
	}
	// A read error before it: the error is reported, not tampering.
	l3 := openLog(t, failingScan{eb, 1500}, nil)
	if err := l3.Verify(ctx); !errors.Is(err, errDisk) || errors.Is(err, register.ErrTampered) {
		t.Errorf("Verify = %v, want the read error", err)
	}
}
