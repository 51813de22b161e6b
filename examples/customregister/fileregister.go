package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/sostegno/sostegno/register"
)

// The file format. The first line is the header; every other line is one
// record, as JSON:
//
//	{"format":"sostegno-register-jsonl","version":1}
//	{"seq":1,"stream":"request/1","version":1,"kind":"request.submitted","territory":"municipio-5","time":"2026-03-02T09:00:00.000001Z","hash":"…base64…","body":"…base64…","end":true}
//
// The last record of every batch carries "end":true. A batch is written
// with one write(2) on a file opened with O_APPEND, then fsync(2): a crash
// can leave only a prefix of the last batch, which Open drops.

// header is the first line of every file.
const header = `{"format":"sostegno-register-jsonl","version":1}` + "\n"

// line is one record of the file.
type line struct {
	Seq       uint64    `json:"seq"`
	Stream    string    `json:"stream"`
	Version   uint64    `json:"version"`
	Kind      string    `json:"kind"`
	Territory string    `json:"territory,omitempty"`
	Time      time.Time `json:"time"`
	Hash      []byte    `json:"hash"`
	Body      []byte    `json:"body"`
	// End marks the last record of a batch.
	End bool `json:"end,omitempty"`
}

func (l *line) record() register.Record {
	return register.Record{
		Seq: l.Seq, Stream: l.Stream, Version: l.Version, Kind: l.Kind,
		Territory: l.Territory, Time: l.Time.UTC(), Hash: l.Hash, Body: l.Body,
	}
}

// decodeLine decodes one line of the file, with its final newline. The
// record's slices are new: they share nothing with b.
func decodeLine(b []byte) (line, error) {
	var l line
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return l, errors.New("line without its end")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return l, errors.New("not a record") // the JSON error may quote the line
	}
	if dec.InputOffset() != int64(len(b)-1) {
		return l, errors.New("more than one value on the line")
	}
	if l.Seq == 0 || l.Version == 0 || l.Stream == "" || l.Kind == "" || len(l.Hash) == 0 || len(l.Body) == 0 {
		return l, errors.New("incomplete record")
	}
	return l, nil
}

// Errors of the FileRegister, wrapped by what it returns.
var (
	// ErrLocked: another FileRegister, in this process or another one,
	// has the file open.
	ErrLocked = errors.New("fileregister: the file is open in another register")
	// ErrCorrupt: the file is not a register, or a line before the last
	// batch is damaged. Open never changes such a file.
	ErrCorrupt = errors.New("fileregister: damaged file")
)

// FileRegister is a [register.Register] that keeps records in a JSON-lines
// file: append-only, one record per line, fsync after every batch.
//
// Only one FileRegister at a time may have a file open: Open takes an
// exclusive lock on it (flock(2) where the system has it; elsewhere the
// rule is the caller's to keep). Several processes that must share a
// register use pgregister instead.
//
// Head and the stream versions are kept in memory; Scan reads the file
// from the start each time, streaming, so a scan costs one pass over the
// file and memory that does not grow with it. It ignores the IndexOnly
// hint. It is safe for concurrent use.
type FileRegister struct {
	path    string
	dropped int64
	reads   atomic.Uint64 // records Scan decoded, for the tests of streaming

	mu       sync.RWMutex
	f        *os.File
	closed   bool
	broken   bool              // a write or fsync failed: appends are refused
	size     int64             // bytes of complete batches in the file
	head     register.Head     // last record
	versions map[string]uint64 // records per stream
}

// The compile-time check that FileRegister is a Register.
var _ register.Register = (*FileRegister)(nil)

// OpenFileRegister opens the register kept in the file at path, creating
// it if it does not exist. If the file ends with the torn write of a crash
// (an unfinished line, or records of a batch without its last one), it
// drops that tail, which was never acknowledged, and reports its size with
// [FileRegister.Dropped]. A damaged line followed by complete batches is
// not a crash: Open fails with an error wrapping [ErrCorrupt] and leaves
// the file as it is.
func OpenFileRegister(ctx context.Context, path string) (*FileRegister, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("fileregister: %w", err)
	}
	r := &FileRegister{path: path, f: f, versions: make(map[string]uint64)}
	if err := r.open(ctx); err != nil {
		_ = f.Close()
		return nil, err
	}
	return r, nil
}

func (r *FileRegister) open(ctx context.Context) error {
	if err := lockFile(r.f); err != nil {
		return err
	}
	st, err := r.f.Stat()
	if err != nil {
		return fmt.Errorf("fileregister: %w", err)
	}
	if st.Size() < int64(len(header)) {
		// New, or created by a process that crashed before the header
		// was complete.
		head := make([]byte, st.Size())
		if _, err := io.ReadFull(r.f, head); err != nil {
			return fmt.Errorf("fileregister: %w", err)
		}
		if !strings.HasPrefix(header, string(head)) {
			return fmt.Errorf("%w: no register header", ErrCorrupt)
		}
		return r.create()
	}
	rec, err := recoverFile(ctx, r.f)
	if err != nil {
		return err
	}
	good := rec.good
	r.head, r.versions = rec.head, rec.versions
	if good < st.Size() {
		if err := r.f.Truncate(good); err != nil {
			return fmt.Errorf("fileregister: dropping a torn write: %w", err)
		}
		if err := r.f.Sync(); err != nil {
			return fmt.Errorf("fileregister: dropping a torn write: %w", err)
		}
		r.dropped = st.Size() - good
	}
	r.size = good
	return nil
}

// create writes the header of a new file and makes the file durable.
func (r *FileRegister) create() error {
	if err := r.f.Truncate(0); err != nil {
		return fmt.Errorf("fileregister: %w", err)
	}
	if _, err := r.f.WriteString(header); err != nil {
		return fmt.Errorf("fileregister: %w", err)
	}
	if err := r.f.Sync(); err != nil {
		return fmt.Errorf("fileregister: %w", err)
	}
	if err := syncDir(filepath.Dir(r.path)); err != nil {
		return fmt.Errorf("fileregister: %w", err)
	}
	r.size = int64(len(header))
	return nil
}

// recovered is what reading a whole file tells: the end of its last
// complete batch, and the head and the stream versions there.
type recovered struct {
	good     int64
	head     register.Head
	versions map[string]uint64
}

// recoverFile reads a file once, up to the end of the last complete
// batch. What follows it may only be a torn write: lines that are not
// records are allowed there, complete batches are not.
func recoverFile(ctx context.Context, ra io.ReaderAt) (recovered, error) {
	rec := recovered{versions: make(map[string]uint64)}
	br := bufio.NewReaderSize(io.NewSectionReader(ra, 0, 1<<62), 64<<10)
	buf, err := readLine(br, nil)
	if (err != nil && err != io.EOF) || string(buf) != header {
		return rec, fmt.Errorf("%w: no register header", ErrCorrupt)
	}
	var (
		offset  = int64(len(buf))
		lineNo  = 1
		damaged = 0 // number of the first line that is not a record
		pending []line
	)
	rec.good = offset
	for {
		buf, err = readLine(br, buf[:0])
		if err == io.EOF && len(buf) == 0 {
			return rec, nil
		}
		if err != nil && err != io.EOF {
			return rec, fmt.Errorf("fileregister: %w", err)
		}
		lineNo++
		offset += int64(len(buf))
		if lineNo%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return rec, fmt.Errorf("fileregister: %w", err)
			}
		}
		l, derr := decodeLine(buf)
		switch {
		case derr != nil:
			if damaged == 0 {
				damaged = lineNo
			}
		case damaged != 0:
			if l.End {
				return rec, fmt.Errorf("%w: line %d is not a record, and complete batches follow it", ErrCorrupt, damaged)
			}
		default:
			pending = append(pending, l)
			if l.End {
				for _, p := range pending {
					rec.versions[p.Stream] = p.Version
				}
				rec.head = register.Head{Seq: l.Seq, Hash: l.Hash}
				pending = pending[:0]
				rec.good = offset
			}
		}
	}
}

// readLine appends to buf the next line of br, with its newline if it has
// one.
func readLine(br *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if err != bufio.ErrBufferFull {
			return buf, err
		}
	}
}

// Dropped returns the number of bytes of a torn write that Open dropped
// from the end of the file, 0 if the file was whole.
func (r *FileRegister) Dropped() int64 { return r.dropped }

// Head returns the last record's sequence number and hash.
func (r *FileRegister) Head(ctx context.Context) (register.Head, error) {
	if err := ctx.Err(); err != nil {
		return register.Head{}, fmt.Errorf("fileregister: %w", err)
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return register.Head{}, register.ErrClosed
	}
	return register.Head{Seq: r.head.Seq, Hash: bytes.Clone(r.head.Hash)}, nil
}

// Version returns the number of records of stream.
func (r *FileRegister) Version(ctx context.Context, stream string) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("fileregister: %w", err)
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return 0, register.ErrClosed
	}
	return r.versions[stream], nil
}

// Append checks b against the head and the stream versions, then writes
// its records in one write and fsyncs the file. When the write or the
// fsync fails, nobody can tell whether the records are durable: Append
// returns an error wrapping [register.ErrBroken] and refuses every later
// append until the file is opened again.
func (r *FileRegister) Append(ctx context.Context, b register.Batch) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("fileregister: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return register.ErrClosed
	case r.broken:
		return register.ErrBroken
	}
	for stream, want := range b.Versions {
		if got := r.versions[stream]; got != want {
			return fmt.Errorf("%w: stream at version %d, expected %d", register.ErrVersionConflict, got, want)
		}
	}
	if b.Head.Seq != r.head.Seq || !bytes.Equal(b.Head.Hash, r.head.Hash) {
		return register.ErrHeadMoved
	}
	if err := register.CheckBatch(b); err != nil {
		return err
	}
	if len(b.Records) == 0 {
		return nil // only guards: nothing to write
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i, rec := range b.Records {
		// JSON would replace invalid UTF-8 silently.
		if !utf8.ValidString(rec.Stream) || !utf8.ValidString(rec.Kind) || !utf8.ValidString(rec.Territory) {
			return fmt.Errorf("%w: record %d: stream, kind or territory is not valid UTF-8", register.ErrMalformedBatch, i)
		}
		l := line{
			Seq: rec.Seq, Stream: rec.Stream, Version: rec.Version, Kind: rec.Kind,
			Territory: rec.Territory, Time: rec.Time.UTC(), Hash: rec.Hash, Body: rec.Body,
			End: i == len(b.Records)-1,
		}
		if err := enc.Encode(&l); err != nil {
			return fmt.Errorf("fileregister: record %d: %w", i, err)
		}
	}
	// The last moment to give up: from here the batch is written.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("fileregister: %w", err)
	}
	if _, err := r.f.Write(buf.Bytes()); err != nil {
		r.broken = true
		return fmt.Errorf("%w: write: %w", register.ErrBroken, err)
	}
	if err := r.f.Sync(); err != nil {
		r.broken = true
		return fmt.Errorf("%w: fsync: %w", register.ErrBroken, err)
	}
	r.size += int64(buf.Len())
	for _, rec := range b.Records {
		r.versions[rec.Stream] = rec.Version
	}
	last := b.Records[len(b.Records)-1]
	r.head = register.Head{Seq: last.Seq, Hash: bytes.Clone(last.Hash)}
	return nil
}

// Scan reads the file from the start and yields the records matching f,
// each decoded afresh: the caller owns them. It sees the batches complete
// when it starts, and may see later ones. It holds no lock while it
// yields, so the loop body may call the register.
func (r *FileRegister) Scan(ctx context.Context, f register.Filter) iter.Seq2[register.Record, error] {
	return func(yield func(register.Record, error) bool) {
		fail := func(err error) { yield(register.Record{}, err) }
		if err := ctx.Err(); err != nil {
			fail(fmt.Errorf("fileregister: %w", err))
			return
		}
		r.mu.RLock()
		file, size, closed := r.f, r.size, r.closed
		r.mu.RUnlock()
		if closed {
			fail(register.ErrClosed)
			return
		}
		// Read only up to the end of the batches complete now: a batch
		// being written has no end yet.
		br := bufio.NewReaderSize(io.NewSectionReader(file, int64(len(header)), size-int64(len(header))), 64<<10)
		var buf []byte
		n, lineNo := 0, 1
		for {
			if err := ctx.Err(); err != nil {
				fail(fmt.Errorf("fileregister: %w", err))
				return
			}
			var err error
			buf, err = readLine(br, buf[:0])
			if err == io.EOF && len(buf) == 0 {
				return
			}
			if err != nil && err != io.EOF {
				if errors.Is(err, os.ErrClosed) {
					err = register.ErrClosed
				}
				fail(fmt.Errorf("fileregister: %w", err))
				return
			}
			lineNo++
			r.reads.Add(1)
			l, err := decodeLine(buf)
			if err != nil {
				fail(fmt.Errorf("%w: line %d: %w", ErrCorrupt, lineNo, err))
				return
			}
			if !matches(&l, &f) {
				continue
			}
			if !yield(l.record(), nil) {
				return
			}
			if n++; f.Limit > 0 && n >= f.Limit {
				return
			}
		}
	}
}

// matches reports whether the record on l is selected by f.
func matches(l *line, f *register.Filter) bool {
	return l.Seq > f.AfterSeq &&
		(f.Stream == "" || l.Stream == f.Stream) &&
		(len(f.Kinds) == 0 || slices.Contains(f.Kinds, l.Kind)) &&
		(len(f.Territories) == 0 || slices.Contains(f.Territories, l.Territory)) &&
		(f.From.IsZero() || !l.Time.Before(f.From)) &&
		(f.To.IsZero() || l.Time.Before(f.To))
}

// Close releases the file and its lock. Calling it twice is harmless.
func (r *FileRegister) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if err := r.f.Close(); err != nil {
		return fmt.Errorf("fileregister: %w", err)
	}
	return nil
}
