package checkin_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/checkin"
	"github.com/sostegno/sostegno/guideline"
)

func TestCodes(t *testing.T) {
	t.Parallel()
	c, err := checkin.NewCodes(knownCheckOut, knownDuress, cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !c.CheckOut.Matches(knownCheckOut) || c.CheckOut.Matches(knownDuress) || !c.Duress.Matches(knownDuress) || c.Duress.Matches(knownCheckOut) {
		t.Error("the hashes do not tell the codes apart")
	}
	enc := c.CheckOut.Encoded()
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("PHC string %q", enc)
	}
	h, err := checkin.ParseHash(enc)
	if err != nil || !h.Matches(knownCheckOut) || h.Params() != cheap {
		t.Errorf("round trip: %v", err)
	}
	again, _ := checkin.NewCodes(knownCheckOut, knownDuress, cheap)
	if again.CheckOut.Encoded() == enc {
		t.Error("two hashes of one code are equal: no salt")
	}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v %#v %s", c, c.CheckOut, c.Duress), c.CheckOut.String()} {
		assertNoSecret(t, "printed codes", s)
		if strings.Contains(s, enc[len(enc)-20:]) {
			t.Error("a printed hash shows the hash")
		}
	}
	if !cheap.Weaker(checkin.DefaultParams()) || checkin.DefaultParams().Weaker(cheap) {
		t.Error("Weaker")
	}
	if d := checkin.DefaultParams(); d.Time != 2 || d.MemoryKiB != 19*1024 || d.Threads != 1 {
		t.Errorf("default parameters %+v", d)
	}
}

func TestCodeRules(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		checkOut, duress string
		want             error
	}{
		{knownCheckOut, knownCheckOut, checkin.ErrCodesEqual},
		{"12345", knownDuress, checkin.ErrCodeFormat},
		{knownCheckOut, "123 456", checkin.ErrCodeFormat},
		{knownCheckOut, strings.Repeat("9", checkin.MaxCodeLen+1), checkin.ErrCodeFormat},
		{"\xff\xfe\xfd\xfc\xfb\xfa", knownDuress, checkin.ErrCodeFormat},
	} {
		_, err := checkin.NewCodes(tt.checkOut, tt.duress, cheap)
		if !errors.Is(err, tt.want) {
			t.Errorf("%v, want %v", err, tt.want)
			continue
		}
		var ce *checkin.Error
		if !errors.As(err, &ce) || ce.Message(language.Italian) == ce.Message(language.English) {
			t.Errorf("%v: no Italian and English message", err)
		}
		if strings.Contains(err.Error(), tt.checkOut) || strings.Contains(err.Error(), tt.duress) {
			t.Error("the error repeats a code")
		}
	}
	if _, err := checkin.HashCode(knownCheckOut, checkin.Params{}); err == nil {
		t.Error("zero parameters accepted")
	}
	var store checkin.MemCodeStore
	if _, err := store.Codes(context.Background(), "op-1"); !errors.Is(err, checkin.ErrNoCodes) {
		t.Errorf("empty store: %v", err)
	}
	if err := store.SetCodes(context.Background(), "op-1", checkin.Codes{}); err == nil {
		t.Error("empty codes stored")
	}
}

func TestParseHashRejects(t *testing.T) {
	t.Parallel()
	good, _ := checkin.HashCode(knownCheckOut, cheap)
	enc := good.Encoded()
	for _, s := range []string{
		"", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		strings.Replace(enc, "v=19", "v=16", 1),
		strings.Replace(enc, "m=64", "m=99999999", 1),
		strings.Replace(enc, "t=1", "t=0", 1),
		strings.Replace(enc, "t=1", "t=01", 1),
		strings.Replace(enc, "p=1", "p=256", 1),
		strings.Replace(enc, "m=64,t=1", "t=1,m=64", 1),
		enc + "$",
		enc[:len(enc)-10],
		enc + "=",
	} {
		if _, err := checkin.ParseHash(s); !errors.Is(err, checkin.ErrHash) {
			t.Errorf("accepted %q: %v", s, err)
		}
	}
}

func TestMessagesComplete(t *testing.T) {
	t.Parallel()
	if _, err := guideline.NewCatalog(guideline.Messages(), checkin.Messages()); err != nil {
		t.Fatal(err)
	}
	for _, reason := range []string{checkin.ReasonWrongCode, checkin.ReasonTooManyAttempts, checkin.ReasonClosed,
		checkin.ReasonUnknownSession, checkin.ReasonNoCodes, checkin.ReasonCodeFormat, checkin.ReasonCodesEqual} {
		e := &checkin.Error{Reason: reason, Remaining: 2}
		it, en := e.Message(language.Italian), e.Message(language.English)
		if it == en || strings.Contains(it+en, "%!") || strings.Contains(it, "checkin.error") {
			t.Errorf("%s: %q / %q", reason, it, en)
		}
		if !strings.HasPrefix(e.Error(), "checkin: ") {
			t.Errorf("%s: %q", reason, e.Error())
		}
	}
}

func FuzzParseHash(f *testing.F) {
	good, _ := checkin.HashCode(knownCheckOut, cheap)
	f.Add(good.Encoded(), knownCheckOut)
	f.Add("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "")
	f.Add("$argon2id$v=19$m=4194304,t=64,p=255$x$y", "\x00")
	f.Fuzz(func(t *testing.T, s, code string) {
		h, err := checkin.ParseHash(s)
		if err != nil {
			if strings.Contains(err.Error(), s) && len(s) > 8 {
				t.Error("the error repeats the input")
			}
			return
		}
		if h.Encoded() != s {
			t.Errorf("%q is not canonical: %q", s, h.Encoded())
		}
		if p := h.Params(); uint64(p.MemoryKiB)*uint64(p.Time) <= 1<<12 {
			_ = h.Matches(code) // must not panic
		}
	})
}

func FuzzCodes(f *testing.F) {
	f.Add(knownCheckOut, knownDuress, "000000")
	f.Add("", "", "")
	f.Add("ààààààà", "ààààààè", "ààààààà")
	f.Fuzz(func(t *testing.T, a, b, code string) {
		c, err := checkin.NewCodes(a, b, cheap)
		if err != nil {
			var ce *checkin.Error
			if !errors.As(err, &ce) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !c.CheckOut.Matches(a) || !c.Duress.Matches(b) {
			t.Fatal("a code does not match its own hash")
		}
		if c.CheckOut.Matches(code) && c.Duress.Matches(code) {
			t.Fatal("one code matches both hashes")
		}
	})
}
