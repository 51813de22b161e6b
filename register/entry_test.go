package register_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

func sampleEntry() register.Entry {
	return register.Entry{
		Seq:       42,
		Time:      time.Date(2026, 3, 2, 9, 30, 0, 123456000, time.UTC),
		Stream:    "request/2026-0042",
		Version:   3,
		Kind:      register.KindRequestAccepted,
		Territory: "municipio-3",
		Actor:     register.Actor{Role: guideline.RolePoliceCommand, ID: "gabinetto"},
		Guideline: "milano-2021-03-02",
		Pseudonym: "ab12",
		Data:      json.RawMessage(`{"outcome":"ok"}`),
		Personal:  []byte{1, 2, 3},
		PrevHash:  bytes.Repeat([]byte{7}, register.HashSize),
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	full := sampleEntry()
	first := full
	first.Seq, first.PrevHash, first.Data, first.Personal, first.Pseudonym = 1, nil, nil, nil, ""
	negative := full
	negative.Time = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		e    register.Entry
	}{{"full", full}, {"first entry", first}, {"before 1970", negative}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body, err := register.EncodeEntry(tc.e)
			if err != nil {
				t.Fatal(err)
			}
			got, err := register.DecodeEntry(body)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Hash, register.HashBody(body)) {
				t.Error("decoded Hash is not HashBody(body)")
			}
			got.Hash = nil
			if !reflect.DeepEqual(got, tc.e) {
				t.Errorf("round trip changed the entry:\n got %#v\nwant %#v", fmt.Sprint(got), fmt.Sprint(tc.e))
				t.Errorf("fields: %+v", diffFields(got, tc.e))
			}
			again, _ := register.EncodeEntry(got)
			if !bytes.Equal(again, body) {
				t.Error("encoding is not deterministic")
			}
		})
	}
}

// diffFields names the fields that differ, without printing values.
func diffFields(a, b register.Entry) []string {
	var out []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, va.Type().Field(i).Name)
		}
	}
	return out
}

func TestEncodeEntryDropsSubMicroseconds(t *testing.T) {
	t.Parallel()
	e := sampleEntry()
	e.Time = e.Time.Add(789 * time.Nanosecond)
	body, err := register.EncodeEntry(e)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := register.DecodeEntry(body)
	if !got.Time.Equal(e.Time.Truncate(time.Microsecond)) {
		t.Errorf("time = %v, want %v", got.Time, e.Time.Truncate(time.Microsecond))
	}
}

func TestEncodeEntryRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(*register.Entry)
	}{
		{"short prev hash", func(e *register.Entry) { e.PrevHash = []byte{1} }},
		{"invalid UTF-8 stream", func(e *register.Entry) { e.Stream = "\xff" }},
		{"year 10000", func(e *register.Entry) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := sampleEntry()
			tc.edit(&e)
			if _, err := register.EncodeEntry(e); !errors.Is(err, register.ErrInvalidEntry) {
				t.Errorf("err = %v, want ErrInvalidEntry", err)
			}
		})
	}
}

func TestDecodeEntryRejects(t *testing.T) {
	t.Parallel()
	good, err := register.EncodeEntry(sampleEntry())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"empty", nil},
		{"unknown format", append([]byte{2}, good[1:]...)},
		{"truncated", good[:len(good)-1]},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"overlong varint", append([]byte{1, 0xaa, 0x80, 0x00}, good[2:]...)},
		{"huge length", []byte{1, 1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := register.DecodeEntry(tc.body); !errors.Is(err, register.ErrInvalidEntry) {
				t.Errorf("err = %v, want ErrInvalidEntry", err)
			}
		})
	}
}

func TestEntryRedaction(t *testing.T) {
	t.Parallel()
	e := sampleEntry()
	e.Data = json.RawMessage(`{"note":"` + knownName + `"}`)
	ev := register.Event{Stream: "s", Kind: "k", Personal: []byte(knownName + " " + knownCF), Data: e.Data}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("entry", "entry", e, "event", ev)
	for _, s := range []string{
		logs.String(),
		e.String(), fmt.Sprintf("%v %+v %#v %s %q", e, e, e, e, e),
		ev.String(), fmt.Sprintf("%v %+v %#v %s %q", ev, ev, ev, ev, ev),
		fmt.Sprint([]register.Entry{e}), fmt.Sprintf("%+v", []register.Event{ev}),
	} {
		assertNoLeak(t, s)
		if strings.Contains(s, "\x01\x02\x03") {
			t.Errorf("sealed bytes printed: %q", s)
		}
	}
	if !strings.Contains(logs.String(), `"seq":42`) {
		t.Errorf("log lacks the sequence number: %s", logs.String())
	}
}

func assertNoLeak(t testing.TB, s string) {
	t.Helper()
	for _, secret := range []string{knownName, "Bellavista", knownCF, strings.ToLower(knownCF)} {
		if strings.Contains(s, secret) {
			t.Errorf("personal data leaked: output contains a known secret (len %d)", len(s))
		}
	}
}

func FuzzDecodeEntry(f *testing.F) {
	good, err := register.EncodeEntry(sampleEntry())
	if err != nil {
		f.Fatal(err)
	}
	first, _ := register.EncodeEntry(register.Entry{Seq: 1, Stream: "s", Version: 1, Kind: "k"})
	f.Add(good)
	f.Add(first)
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add(good[:len(good)/2])
	f.Add([]byte{1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02})
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := register.DecodeEntry(body)
		if err != nil {
			if !errors.Is(err, register.ErrInvalidEntry) {
				t.Fatalf("error does not wrap ErrInvalidEntry: %v", err)
			}
			return
		}
		// Whatever decodes is canonical: it encodes back to the same bytes.
		again, err := register.EncodeEntry(e)
		if err != nil {
			t.Fatalf("decoded entry does not encode: %v", err)
		}
		if !bytes.Equal(again, body) {
			t.Fatalf("decode/encode changed the bytes:\n got %x\nwant %x", again, body)
		}
	})
}

func FuzzEncodeRoundTrip(f *testing.F) {
	e := sampleEntry()
	f.Add(e.Seq, e.Time.UnixMicro(), e.Stream, e.Version, e.Kind, e.Territory, string(e.Actor.Role), e.Actor.ID,
		e.Guideline, string(e.Pseudonym), []byte(e.Data), []byte(e.Personal), e.PrevHash)
	f.Add(uint64(1), int64(0), "", uint64(0), "", "", "", "", "", "", []byte(nil), []byte(nil), []byte(nil))
	f.Add(^uint64(0), int64(-1), "ü", ^uint64(0), "\x00", "t", "r", "i", "g", "p", []byte("{}"), []byte{0}, bytes.Repeat([]byte{0xff}, 32))
	f.Fuzz(func(t *testing.T, seq uint64, micros int64, stream string, version uint64, kind, territory, role, id,
		gl, pseudonym string, data, personal, prev []byte) {
		in := register.Entry{
			Seq: seq, Time: time.UnixMicro(micros).UTC(), Stream: stream, Version: version, Kind: kind,
			Territory: territory, Actor: register.Actor{Role: guideline.Role(role), ID: id}, Guideline: gl,
			Pseudonym: register.Pseudonym(pseudonym), Data: json.RawMessage(data), Personal: personal, PrevHash: prev,
		}
		body, err := register.EncodeEntry(in)
		if err != nil {
			if !errors.Is(err, register.ErrInvalidEntry) {
				t.Fatalf("error does not wrap ErrInvalidEntry: %v", err)
			}
			return
		}
		out, err := register.DecodeEntry(body)
		if err != nil {
			t.Fatalf("encoded entry does not decode: %v", err)
		}
		if !bytes.Equal(out.Hash, register.HashBody(body)) {
			t.Fatal("hash is not HashBody(body)")
		}
		out.Hash = nil
		// Empty byte fields decode as nil.
		if len(in.Personal) == 0 {
			in.Personal = nil
		}
		if len(in.PrevHash) == 0 {
			in.PrevHash = nil
		}
		if len(in.Data) == 0 {
			in.Data = nil
		}
		if !reflect.DeepEqual(in, out) {
			t.Fatalf("round trip changed fields %v", diffFields(in, out))
		}
	})
}
