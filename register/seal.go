package register

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
	"unicode/utf8"
)

// Sealer seals personal data before the [Log] hands it to a backend, and
// opens it again. Associated data binds a sealed value to its entry: Open
// fails unless given the same aad that Seal was given.
//
// Implementations must be safe for concurrent use. [Keyring] is the
// AES-256-GCM implementation of this package.
type Sealer interface {
	// Seal encrypts and authenticates plaintext, binding it to aad.
	Seal(plaintext, aad []byte) ([]byte, error)
	// Open returns the plaintext of sealed, which must have been sealed
	// with the same aad.
	Open(sealed, aad []byte) ([]byte, error)
}

var _ Sealer = (*Keyring)(nil)

// KeySize is the size of an AES-256 key.
const KeySize = 32

// Keyring is a [Sealer] with AES-256-GCM and named keys. New seals use the
// current key; every key still held opens what it sealed, so keys can
// rotate. The key id is stored in clear in front of the ciphertext and is
// authenticated with it.
//
// Keys belong outside the database (a key management service, a file
// readable only by the service): the Keyring only holds them in memory.
// Erasing a key at the end of a retention period makes the data sealed
// under it unreadable while the register still verifies, because the hash
// chain covers the ciphertext, not the plaintext. The caller must also
// destroy every other copy of the key.
//
// A Keyring is safe for concurrent use. Its zero value holds no key and
// seals nothing.
type Keyring struct {
	mu      sync.RWMutex
	current string
	keys    map[string]cipher.AEAD
	erased  map[string]bool
}

// sealFormat is the first byte of every sealed value.
const sealFormat = 1

// NewKeyring returns a Keyring whose current key is key, named id.
func NewKeyring(id string, key []byte) (*Keyring, error) {
	k := &Keyring{}
	if err := k.Add(id, key); err != nil {
		return nil, err
	}
	if err := k.SetCurrent(id); err != nil {
		return nil, err
	}
	return k, nil
}

// Add adds a key named id, without making it current. The id must be a
// non-empty UTF-8 string of at most 255 bytes, never used before (not even
// by an erased key); key must be [KeySize] bytes.
func (k *Keyring) Add(id string, key []byte) error {
	if id == "" || len(id) > 255 || !utf8.ValidString(id) {
		return fmt.Errorf("%w: key id", ErrInvalidKey)
	}
	if len(key) != KeySize {
		return fmt.Errorf("%w: %d bytes are required", ErrInvalidKey, KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.keys[id]; ok || k.erased[id] {
		return fmt.Errorf("%w: key id already in use", ErrInvalidKey)
	}
	if k.keys == nil {
		k.keys = make(map[string]cipher.AEAD)
	}
	k.keys[id] = aead
	return nil
}

// SetCurrent makes the key named id the one new seals use.
func (k *Keyring) SetCurrent(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.erased[id] {
		return fmt.Errorf("%w: %w", ErrInvalidKey, ErrKeyErased)
	}
	if _, ok := k.keys[id]; !ok {
		return ErrUnknownKey
	}
	k.current = id
	return nil
}

// Current returns the id of the key new seals use, empty if none.
func (k *Keyring) Current() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current
}

// Erase forgets the key named id for good: what it sealed can no longer be
// opened ([ErrKeyErased]), and the id cannot be reused. Erasing the
// current key leaves the Keyring without a current key until SetCurrent.
//
// Erase drops the Keyring's reference to the key; Go offers no way to wipe
// the expanded key from memory, and the copies in the key store are the
// caller's to destroy.
func (k *Keyring) Erase(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.keys[id]; !ok {
		if k.erased[id] {
			return nil
		}
		return ErrUnknownKey
	}
	delete(k.keys, id)
	if k.erased == nil {
		k.erased = make(map[string]bool)
	}
	k.erased[id] = true
	if k.current == id {
		k.current = ""
	}
	return nil
}

// Seal encrypts plaintext with the current key. The result is
//
//	byte 1 | uvarint len(id) | id | 12-byte nonce | ciphertext and tag
//
// and the GCM associated data is aad followed by the id, so the key id
// cannot be swapped either.
func (k *Keyring) Seal(plaintext, aad []byte) ([]byte, error) {
	k.mu.RLock()
	id := k.current
	aead := k.keys[id]
	k.mu.RUnlock()
	if aead == nil {
		return nil, fmt.Errorf("%w: no current key", ErrInvalidKey)
	}
	out := make([]byte, 0, 1+binary.MaxVarintLen64+len(id)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(out, sealFormat)
	out = appendString(out, id)
	nonceAt := len(out)
	out = out[:nonceAt+aead.NonceSize()]
	if _, err := rand.Read(out[nonceAt:]); err != nil {
		return nil, err
	}
	return aead.Seal(out, out[nonceAt:], plaintext, sealAAD(aad, id)), nil
}

// Open decrypts sealed. It fails with [ErrKeyErased] if its key was
// erased, [ErrUnknownKey] if the key is not held, and [ErrUnsealable] if
// sealed was altered or aad is not the one it was sealed with.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	id, rest, err := SealedKeyID(sealed)
	if err != nil {
		return nil, err
	}
	k.mu.RLock()
	aead, erased := k.keys[id], k.erased[id]
	k.mu.RUnlock()
	switch {
	case erased:
		return nil, ErrKeyErased
	case aead == nil:
		return nil, ErrUnknownKey
	case len(rest) < aead.NonceSize()+aead.Overhead():
		return nil, fmt.Errorf("%w: data truncated", ErrUnsealable)
	}
	nonce, ct := rest[:aead.NonceSize()], rest[aead.NonceSize():]
	pt, err := aead.Open(nil, nonce, ct, sealAAD(aad, id))
	if err != nil {
		return nil, ErrUnsealable
	}
	return pt, nil
}

// SealedKeyID returns the id of the key that sealed a value produced by a
// [Keyring], and the rest of the value. It lets an operator find which
// entries a key covers before erasing it.
func SealedKeyID(sealed []byte) (id string, rest []byte, err error) {
	if len(sealed) == 0 || sealed[0] != sealFormat {
		return "", nil, fmt.Errorf("%w: unknown format", ErrUnsealable)
	}
	r := reader{b: sealed[1:]}
	b := r.text()
	if r.err {
		return "", nil, fmt.Errorf("%w: unknown format", ErrUnsealable)
	}
	return string(b), r.b, nil
}

func sealAAD(aad []byte, id string) []byte {
	out := make([]byte, 0, len(aad)+1+len(id))
	out = append(out, aad...)
	return appendString(out, id)
}

// entryAAD is the associated data that binds personal data to its entry:
// stream, version and kind, each length-prefixed. The sequence number is
// left out because the Log assigns it only when the append wins the race
// for the head; the stream version is fixed by the caller.
func entryAAD(stream string, version uint64, kind string) []byte {
	b := make([]byte, 0, len(stream)+len(kind)+24)
	b = appendString(b, "sostegno.register.v1")
	b = appendString(b, stream)
	b = binary.AppendUvarint(b, version)
	return appendString(b, kind)
}
