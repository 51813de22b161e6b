package register

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is a signed statement of the register's size and head hash at
// some moment, in the form transparency logs use: a signed note
// (golang.org/x/mod/sumdb/note) whose text is
//
//	<origin>
//	<size>
//	<base64 of the head hash>
//
// Store checkpoints outside the database (another system, a mailbox, a
// printed page): a hash chain alone cannot see its tail cut off or the
// whole register rewritten, but [Log.Verify] against an earlier checkpoint
// can.
type Checkpoint struct {
	// Origin names the register.
	Origin string
	// Size is the number of entries, and the sequence number of the last.
	Size uint64
	// Hash is the hash of entry Size; nil when Size is 0.
	Hash []byte
	// Note is the signed note, as produced by note.Sign.
	Note []byte
}

// String returns the checkpoint's text, without signatures.
func (c Checkpoint) String() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Hash))
}

// Checkpoint signs the backend's current head with the Log's Signer. It
// signs the head as the backend reports it, without walking the chain: run
// [Log.Verify] (against the previous checkpoint) before issuing a new one,
// or an alteration made before it would be signed as genuine.
func (l *Log) Checkpoint(ctx context.Context) (Checkpoint, error) {
	if l.signer == nil {
		return Checkpoint{}, ErrNoSigner
	}
	h, err := l.backend.Head(ctx)
	if err != nil {
		return Checkpoint{}, err
	}
	c := Checkpoint{Origin: l.origin, Size: h.Seq, Hash: cloneOrNil(h.Hash)}
	if err := c.check(); err != nil {
		return Checkpoint{}, err
	}
	signed, err := note.Sign(&note.Note{Text: c.String()}, l.signer)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("register: signing the checkpoint: %w", err)
	}
	c.Note = signed
	return c, nil
}

// ParseCheckpoint verifies a signed checkpoint with the trusted verifiers
// (at least one must have signed it) and returns it. Make a verifier with
// note.NewVerifier from the public key printed by note.GenerateKey.
func ParseCheckpoint(signed []byte, verifiers ...note.Verifier) (Checkpoint, error) {
	n, err := note.Open(signed, note.VerifierList(verifiers...))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%w: %w", ErrInvalidCheckpoint, err)
	}
	c, err := parseCheckpointText(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	c.Note = bytes.Clone(signed)
	return c, nil
}

func parseCheckpointText(text string) (Checkpoint, error) {
	bad := func(what string) (Checkpoint, error) {
		return Checkpoint{}, fmt.Errorf("%w: %s", ErrInvalidCheckpoint, what)
	}
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) != 4 || lines[3] != "" {
		return bad("text not in the form origin, size, hash")
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != lines[1] {
		return bad("size")
	}
	hash, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil {
		return bad("hash")
	}
	c := Checkpoint{Origin: lines[0], Size: size, Hash: cloneOrNil(hash)}
	if err := c.check(); err != nil {
		return Checkpoint{}, err
	}
	return c, nil
}

// check reports whether c is well formed.
func (c Checkpoint) check() error {
	if c.Origin == "" || strings.ContainsFunc(c.Origin, func(r rune) bool { return unicode.IsSpace(r) || r == unicode.ReplacementChar }) {
		return fmt.Errorf("%w: origin", ErrInvalidCheckpoint)
	}
	if (c.Size == 0) != (len(c.Hash) == 0) || len(c.Hash) != 0 && len(c.Hash) != HashSize {
		return fmt.Errorf("%w: hash", ErrInvalidCheckpoint)
	}
	return nil
}
