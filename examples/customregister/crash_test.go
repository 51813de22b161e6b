package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

var testEvent = register.Event{
	Kind:      register.KindRequestSubmitted,
	Actor:     register.Actor{Role: guideline.RoleOperator, ID: "operatore-1"},
	Territory: "municipio-1",
}

// appendBatches opens the file at path and appends to one stream, through
// a Log, one batch per element of batches with that many entries. It
// returns the file's size after each batch.
func appendBatches(t testing.TB, path string, batches ...int) []int64 {
	t.Helper()
	ctx := t.Context()
	r, err := OpenFileRegister(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := register.Open(ctx, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	v, err := r.Version(ctx, "richiesta-1")
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64
	for _, n := range batches {
		events := make([]register.Event, n)
		for i := range events {
			events[i] = testEvent
		}
		if _, err := l.Append(ctx, "richiesta-1", v, events...); err != nil {
			t.Fatal(err)
		}
		v += uint64(n)
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, st.Size())
	}
	return sizes
}

// openLog opens the file register at path and a Log on it; the caller
// closes the Log.
func openLog(t *testing.T, path string) (*FileRegister, *register.Log) {
	t.Helper()
	r, err := OpenFileRegister(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := register.Open(t.Context(), r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r, l
}

// reopenAndVerify opens the file, checks its head and what Open dropped,
// and verifies the chain through a Log; it returns the Log, open.
func reopenAndVerify(t *testing.T, path string, seq uint64, dropped int64) *register.Log {
	t.Helper()
	r, l := openLog(t, path)
	t.Cleanup(func() { _ = l.Close() })
	if r.Dropped() != dropped {
		t.Errorf("Dropped = %d, want %d", r.Dropped(), dropped)
	}
	h, err := r.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if h.Seq != seq {
		t.Errorf("head at %d after reopening, want %d", h.Seq, seq)
	}
	if err := l.Verify(t.Context()); err != nil {
		t.Errorf("Verify after reopening: %v", err)
	}
	return l
}

// TestTornWrite cuts the file as a crash during the last write would, and
// checks that the whole last batch (three entries) is dropped, nothing
// else, and that the register goes on.
func TestTornWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cut  func(whole, lastBatch []byte) int // bytes kept
	}{
		{"in the middle of the last line", func(w, _ []byte) int { return len(w) - len(lastLine(w))/2 }},
		{"the last newline missing", func(w, _ []byte) int { return len(w) - 1 }},
		{"after the first line of the last batch", func(w, b []byte) int { return len(w) - len(b) + bytes.IndexByte(b, '\n') + 1 }},
		{"one byte into the last batch", func(w, b []byte) int { return len(w) - len(b) + 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "registro.jsonl")
			sizes := appendBatches(t, path, 1, 1, 3)
			whole, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			keep := tt.cut(whole, whole[sizes[1]:])
			if err := os.Truncate(path, int64(keep)); err != nil {
				t.Fatal(err)
			}
			l := reopenAndVerify(t, path, 2, int64(keep)-sizes[1])
			if _, err := l.Append(t.Context(), "richiesta-1", 2, testEvent); err != nil {
				t.Fatalf("appending after the recovery: %v", err)
			}
			if err := l.Verify(t.Context()); err != nil {
				t.Errorf("Verify after appending: %v", err)
			}
			_ = l.Close()
			reopenAndVerify(t, path, 3, 0)
		})
	}
}

func lastLine(b []byte) []byte {
	return b[bytes.LastIndexByte(b[:len(b)-1], '\n')+1:]
}

func TestWholeFileNothingDropped(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro.jsonl")
	appendBatches(t, path, 2, 1)
	reopenAndVerify(t, path, 3, 0)
}

// A damaged line followed by complete batches is not a crash: Open
// refuses the file and leaves it as it is.
func TestDamagedLineRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"a record line cut", func(b []byte) []byte {
			i := bytes.IndexByte(b, '\n') + 1 // the first record
			return append(b[:i+10:i+10], b[bytes.IndexByte(b[i:], '\n')+i:]...)
		}},
		{"a record line not JSON", func(b []byte) []byte {
			i := bytes.IndexByte(b, '\n') + 1
			b[i] = 'x'
			return b
		}},
		{"no header", func(b []byte) []byte { return b[bytes.IndexByte(b, '\n')+1:] }},
		{"another file", func([]byte) []byte { return []byte("appunti\n") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "registro.jsonl")
			appendBatches(t, path, 1, 2)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			damaged := tt.damage(data)
			if err := os.WriteFile(path, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			r, err := OpenFileRegister(t.Context(), path)
			if err == nil {
				_ = r.Close()
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("OpenFileRegister = %v, want ErrCorrupt", err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, damaged) {
				t.Error("Open changed a damaged file")
			}
		})
	}
}

// A crash while the file was being created leaves part of the header:
// the file is still empty, and Open writes the header again.
func TestTornHeader(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro.jsonl")
	if err := os.WriteFile(path, []byte(header[:10]), 0o600); err != nil {
		t.Fatal(err)
	}
	appendBatches(t, path, 1)
	reopenAndVerify(t, path, 1, 0)
}

func TestOneRegisterPerFile(t *testing.T) {
	t.Parallel()
	if !hasFileLock {
		t.Skip("no file lock on this system")
	}
	path := filepath.Join(t.TempDir(), "registro.jsonl")
	r, err := OpenFileRegister(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if r2, err := OpenFileRegister(t.Context(), path); !errors.Is(err, ErrLocked) {
		if err == nil {
			_ = r2.Close()
		}
		t.Errorf("second OpenFileRegister = %v, want ErrLocked", err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r, err = OpenFileRegister(t.Context(), path)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	_ = r.Close()
}

// When a write fails nobody knows what reached the disk: the register
// refuses appends until it is opened again.
func TestFailedWriteBreaks(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro.jsonl")
	appendBatches(t, path, 1)
	r, l := openLog(t, path)
	h, err := r.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_ = r.f.Close() // the disk goes away
	if _, err := l.Append(t.Context(), "richiesta-1", 1, testEvent); !errors.Is(err, register.ErrBroken) {
		t.Errorf("Append = %v, want ErrBroken", err)
	}
	// Even a batch that writes nothing is refused now.
	if err := r.Append(t.Context(), register.Batch{Head: h}); !errors.Is(err, register.ErrBroken) {
		t.Errorf("the next Append = %v, want ErrBroken", err)
	}
	_ = l.Close()
	reopenAndVerify(t, path, 1, 0)
}

// Scan reads as it yields: it yields the first record before reading the
// rest, and the records before a damaged line before the error.
func TestScanStreams(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro.jsonl")
	appendBatches(t, path, 100, 1)
	r, err := OpenFileRegister(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for _, err := range r.Scan(t.Context(), register.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 1 && r.reads.Load() >= 50 {
			t.Errorf("the first record came after %d of 101 were read", r.reads.Load())
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Damage the last record in place, behind the register's back.
	data[len(data)-len(lastLine(data))] = 'x'
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	var last error
	for rec, err := range r.Scan(t.Context(), register.Filter{}) {
		if err != nil {
			last = err
			break
		}
		seqs = append(seqs, rec.Seq)
	}
	if len(seqs) != 100 || !errors.Is(last, ErrCorrupt) {
		t.Errorf("Scan yielded %d records then %v, want 100 then ErrCorrupt", len(seqs), last)
	}
}

// The records Scan yields are the caller's: changing them changes nothing
// in the register.
func TestScanYieldsCopies(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro.jsonl")
	appendBatches(t, path, 2)
	r, l := openLog(t, path)
	defer l.Close()
	for range 2 {
		for rec, err := range r.Scan(t.Context(), register.Filter{}) {
			if err != nil {
				t.Fatal(err)
			}
			clear(rec.Body)
			clear(rec.Hash)
		}
	}
	h, err := r.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	clear(h.Hash)
	if err := l.Verify(t.Context()); err != nil {
		t.Errorf("Verify after changing what Scan and Head returned: %v", err)
	}
}

func FuzzRecover(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "registro.jsonl")
	appendBatches(f, path, 1, 2)
	seed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed[len(header):])
	f.Add(seed[len(header) : len(seed)-7])
	f.Add([]byte("{}\n"))
	f.Fuzz(func(t *testing.T, tail []byte) {
		data := append([]byte(header), tail...)
		rec, err := recoverFile(t.Context(), bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if rec.good < int64(len(header)) || rec.good > int64(len(data)) {
			t.Fatalf("good = %d, outside [%d, %d]", rec.good, len(header), len(data))
		}
		// What recovery keeps is whole: recovering it again keeps it all.
		again, err := recoverFile(t.Context(), bytes.NewReader(data[:rec.good]))
		if err != nil || again.good != rec.good || again.head.Seq != rec.head.Seq || !bytes.Equal(again.head.Hash, rec.head.Hash) {
			t.Fatalf("recovering the kept prefix again: %v, good %d then %d", err, rec.good, again.good)
		}
	})
}
