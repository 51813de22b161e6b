package register_test

import (
	"bytes"
	"errors"
	"sync"
	"testing"

	"github.com/sostegno/sostegno/register"
)

func TestKeyringSealOpen(t *testing.T) {
	t.Parallel()
	k := newKeyring(t)
	pt := []byte(knownName)
	aad := []byte("stream|1|kind")
	sealed, err := k.Seal(pt, aad)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, pt) {
		t.Fatal("sealed value contains the plaintext")
	}
	again, _ := k.Seal(pt, aad)
	if bytes.Equal(sealed, again) {
		t.Error("two seals of the same plaintext are equal: nonce reused")
	}
	got, err := k.Open(sealed, aad)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	id, _, err := register.SealedKeyID(sealed)
	if err != nil || id != "k1" {
		t.Errorf("SealedKeyID = %q, %v; want k1", id, err)
	}

	for _, tc := range []struct {
		name   string
		sealed []byte
		aad    []byte
		want   error
	}{
		{"other entry", sealed, []byte("stream|2|kind"), register.ErrUnsealable},
		{"flipped bit", flip(sealed, len(sealed)-1), aad, register.ErrUnsealable},
		{"key id changed", bytes.Replace(sealed, []byte("k1"), []byte("k2"), 1), aad, register.ErrUnknownKey},
		{"truncated", sealed[:6], aad, register.ErrUnsealable},
		{"empty", nil, aad, register.ErrUnsealable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := k.Open(tc.sealed, tc.aad); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

func TestKeyringRotationAndErase(t *testing.T) {
	t.Parallel()
	k := newKeyring(t)
	old, _ := k.Seal([]byte("old"), nil)
	if err := k.Add("k2", randomKey(t)); err != nil {
		t.Fatal(err)
	}
	if err := k.SetCurrent("k2"); err != nil {
		t.Fatal(err)
	}
	fresh, _ := k.Seal([]byte("new"), nil)
	if id, _, _ := register.SealedKeyID(fresh); id != "k2" {
		t.Errorf("new seal uses key %q, want k2", id)
	}
	if pt, err := k.Open(old, nil); err != nil || string(pt) != "old" {
		t.Errorf("old value after rotation: %q, %v", pt, err)
	}
	if err := k.Erase("k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Open(old, nil); !errors.Is(err, register.ErrKeyErased) {
		t.Errorf("open after erase: %v, want ErrKeyErased", err)
	}
	if pt, err := k.Open(fresh, nil); err != nil || string(pt) != "new" {
		t.Errorf("other key after erase: %q, %v", pt, err)
	}
	if err := k.Add("k1", randomKey(t)); !errors.Is(err, register.ErrInvalidKey) {
		t.Errorf("reusing an erased id: %v, want ErrInvalidKey", err)
	}
	if err := k.Erase("k2"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Seal([]byte("x"), nil); !errors.Is(err, register.ErrInvalidKey) {
		t.Errorf("seal without current key: %v, want ErrInvalidKey", err)
	}
	if err := k.SetCurrent("k2"); !errors.Is(err, register.ErrKeyErased) {
		t.Errorf("SetCurrent(erased): %v, want ErrKeyErased", err)
	}
}

func TestKeyringRejectsBadKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		id   string
		key  []byte
	}{
		{"short key", "a", make([]byte, 16)},
		{"empty id", "", make([]byte, 32)},
		{"bad id", "\xff", make([]byte, 32)},
	} {
		if _, err := register.NewKeyring(tc.id, tc.key); !errors.Is(err, register.ErrInvalidKey) {
			t.Errorf("%s: err = %v, want ErrInvalidKey", tc.name, err)
		}
	}
	var zero register.Keyring
	if _, err := zero.Seal([]byte("x"), nil); !errors.Is(err, register.ErrInvalidKey) {
		t.Errorf("zero Keyring Seal: %v", err)
	}
}

func TestKeyringConcurrent(t *testing.T) {
	t.Parallel()
	k := newKeyring(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				s, err := k.Seal([]byte{byte(i), byte(j)}, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := k.Open(s, nil); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		if err := k.Add("k2", randomKey(t)); err != nil {
			t.Error(err)
		}
		if err := k.SetCurrent("k2"); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
}

func TestPseudonym(t *testing.T) {
	t.Parallel()
	key := randomKey(t)
	p, err := register.NewPseudonymizer(key)
	if err != nil {
		t.Fatal(err)
	}
	a, err := p.CodiceFiscale(knownCF)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.CodiceFiscale(" bllgfr80a41 f205x ")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("normalisation: same codice fiscale, different pseudonyms")
	}
	if len(a) != 64 {
		t.Errorf("pseudonym length %d, want 64 hex digits", len(a))
	}
	other, _ := register.NewPseudonymizer(randomKey(t))
	c, _ := other.CodiceFiscale(knownCF)
	if c == a {
		t.Error("different keys give the same pseudonym")
	}
	d, _ := p.CodiceFiscale("RSSMRA80A01F205X")
	if d == a {
		t.Error("different people give the same pseudonym")
	}
	assertNoLeak(t, string(a))

	for _, bad := range []string{"", "ABC", knownCF + "1", "BLLGFR80A41F205-", "1234567890A"} {
		_, err := p.CodiceFiscale(bad)
		if !errors.Is(err, register.ErrInvalidCodiceFiscale) {
			t.Errorf("CodiceFiscale(len %d) err = %v", len(bad), err)
		}
		if err != nil && bad != "" && len(bad) > 3 && bytes.Contains([]byte(err.Error()), []byte(bad)) {
			t.Error("error repeats the value")
		}
	}
	if _, err := register.NewPseudonymizer(key[:16]); !errors.Is(err, register.ErrInvalidKey) {
		t.Errorf("short key: %v", err)
	}
	// Without a key a pseudonym would be a plain, reversible hash.
	var zero register.Pseudonymizer
	if p, err := zero.CodiceFiscale(knownCF); !errors.Is(err, register.ErrInvalidKey) || p != "" {
		t.Errorf("zero Pseudonymizer: %q, %v; want ErrInvalidKey", p, err)
	}
	if n, err := register.NormalizeCodiceFiscale("01234567890"); err != nil || n != "01234567890" {
		t.Errorf("numeric codice fiscale: %q, %v", n, err)
	}
}

// FuzzKeyringOpen checks that Open never panics and never accepts bytes it
// did not seal.
func FuzzKeyringOpen(f *testing.F) {
	k, err := register.NewKeyring("k1", bytes.Repeat([]byte{7}, register.KeySize))
	if err != nil {
		f.Fatal(err)
	}
	good, _ := k.Seal([]byte("x"), []byte("aad"))
	f.Add(good, []byte("aad"))
	f.Add([]byte{1, 2, 'k', '1'}, []byte(nil))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f}, []byte(nil))
	f.Fuzz(func(t *testing.T, sealed, aad []byte) {
		// Only the seed was sealed: anything else that opens is a forgery.
		// (Fuzz workers are separate processes, each with its own seed
		// bytes, so compare what it decrypts to, not the bytes.)
		pt, err := k.Open(sealed, aad)
		if err == nil && (string(aad) != "aad" || string(pt) != "x") {
			t.Fatalf("opened bytes it did not seal")
		}
	})
}
