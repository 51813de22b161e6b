package register

import (
	"context"
	"strings"
)

// Names of the Data fields of an access entry written by [Log.UnsealBatch].
const (
	// DataEntrySeqs, in KindAccess: the sequence numbers of the entries
	// read in one access.
	DataEntrySeqs = "entry_seqs"
	// DataEntryStreams, in KindAccess: the streams of the entries read in
	// one access, in the order of DataEntrySeqs.
	DataEntryStreams = "entry_streams"
)

// Opened is the result of opening one entry in [Log.UnsealBatch].
type Opened struct {
	// Plain is the personal data in clear, nil when Err is set.
	Plain []byte
	// Err says why the entry could not be opened: [ErrNoPersonalData],
	// [ErrKeyErased], [ErrUnknownKey] or [ErrUnsealable], wrapped.
	Err error
}

// UnsealBatch opens the personal data of several entries for one access, as
// [Log.Unseal] does for one, but writes a single access entry (kind
// [KindAccess]) that lists every entry read, by [DataEntrySeqs] and
// [DataEntryStreams]: a process that opens many entries for one purpose,
// such as the outbox sending a backlog, costs one append, not one per
// entry. If that append fails, nothing is opened and the error is
// returned. Entries without personal data are not listed and get
// [ErrNoPersonalData]; an entry that cannot be opened gets its own error in
// its [Opened], the others are still opened.
func (l *Log) UnsealBatch(ctx context.Context, a Access, entries []Entry) ([]Opened, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	out := make([]Opened, len(entries))
	var (
		seqs    []uint64
		streams []string
	)
	for i, e := range entries {
		if len(e.Personal) == 0 {
			out[i].Err = ErrNoPersonalData
			continue
		}
		seqs = append(seqs, e.Seq)
		streams = append(streams, e.Stream)
	}
	if len(seqs) == 0 {
		return out, nil
	}
	if l.sealer == nil {
		return nil, ErrNoSealer
	}
	data := map[string]any{
		DataPurpose:      strings.TrimSpace(a.Purpose),
		DataEntrySeqs:    seqs,
		DataEntryStreams: streams,
	}
	if err := l.logAccess(ctx, a, data); err != nil {
		return nil, err
	}
	for i, e := range entries {
		if out[i].Err == nil {
			out[i].Plain, out[i].Err = l.open(e)
		}
	}
	return out, nil
}
