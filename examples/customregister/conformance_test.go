package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/sostegno/sostegno/register/registertest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	registertest.Run(t, func(ctx context.Context, t *testing.T) (registertest.Instance, error) {
		path := filepath.Join(t.TempDir(), "registro.jsonl")
		r, err := OpenFileRegister(ctx, path)
		if err != nil {
			return registertest.Instance{}, err
		}
		t.Cleanup(func() { _ = r.Close() })
		return registertest.Instance{Register: r, Tamper: tamperer{path}, Reads: r.reads.Load}, nil
	})
}

// tamperer edits the file in place, as someone with access to it would,
// bypassing the register and its lock.
type tamperer struct{ path string }

var _ registertest.Tamperer = tamperer{}

// edit rewrites the file's record lines with change, in place (the
// register's open file sees the new content).
func (tt tamperer) edit(change func(lines []line) ([]line, error)) error {
	data, err := os.ReadFile(tt.path)
	if err != nil {
		return err
	}
	raw := bytes.SplitAfter(data, []byte("\n"))
	var lines []line
	for _, b := range raw[1:] {
		if len(b) == 0 {
			continue
		}
		l, err := decodeLine(b)
		if err != nil {
			return err
		}
		lines = append(lines, l)
	}
	if lines, err = change(lines); err != nil {
		return err
	}
	out := bytes.NewBuffer(bytes.Clone(raw[0]))
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for i := range lines {
		if err := enc.Encode(&lines[i]); err != nil {
			return err
		}
	}
	return os.WriteFile(tt.path, out.Bytes(), 0o600)
}

func index(lines []line, seq uint64) (int, error) {
	for i, l := range lines {
		if l.Seq == seq {
			return i, nil
		}
	}
	return 0, fmt.Errorf("record %d not found", seq)
}

func (tt tamperer) ReplaceBody(_ context.Context, seq uint64, body []byte) error {
	return tt.edit(func(lines []line) ([]line, error) {
		i, err := index(lines, seq)
		if err == nil {
			lines[i].Body = bytes.Clone(body)
		}
		return lines, err
	})
}

func (tt tamperer) Delete(_ context.Context, seq uint64) error {
	return tt.edit(func(lines []line) ([]line, error) {
		i, err := index(lines, seq)
		if err != nil {
			return nil, err
		}
		return append(lines[:i], lines[i+1:]...), nil
	})
}

// Swap exchanges everything but Seq and the batch marks, which belong to
// the positions in the file.
func (tt tamperer) Swap(_ context.Context, a, b uint64) error {
	return tt.edit(func(lines []line) ([]line, error) {
		i, err := index(lines, a)
		if err != nil {
			return nil, err
		}
		j, err := index(lines, b)
		if err != nil {
			return nil, err
		}
		li, lj := lines[i], lines[j]
		lines[i], lines[j] = lj, li
		lines[i].Seq, lines[i].End = li.Seq, li.End
		lines[j].Seq, lines[j].End = lj.Seq, lj.End
		return lines, nil
	})
}
