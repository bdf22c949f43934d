// Package crypt encrypts protected fields at rest and computes blind indexes.
//
// Field encryption is AES-256-GCM. Every ciphertext carries the ID of the key
// that sealed it (so keys can be rotated) and is bound by its associated data
// to the table, column and row it belongs to: a value copied into another row
// or column fails to open. Blind indexes are HMAC-SHA-256 under a separate
// key, for exact-match lookups of values that are never stored in clear.
package crypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
)

const (
	formatV1 = 0x01
	keyLen   = 32
	headLen  = 1 + 4 // format byte + key ID
)

// ErrOpen is returned when a ciphertext cannot be opened: wrong key, wrong
// associated data (moved to another row or column), or tampering.
var ErrOpen = errors.New("crypt: ciphertext cannot be opened")

// Keyring holds the field-encryption keys (by ID), which one seals new values,
// and the blind-index key. It is safe for concurrent use.
type Keyring struct {
	mu       sync.RWMutex
	active   uint32
	aeads    map[uint32]cipher.AEAD
	raw      map[uint32][]byte
	indexKey []byte
	source   string // key file, for reloads during rotation
}

type keyFile struct {
	Format   int               `json:"format"`
	Active   uint32            `json:"active"`
	Keys     map[string]string `json:"keys"`
	IndexKey string            `json:"index_key"`
	Note     string            `json:"note,omitempty"`
}

// NewKeyring returns a keyring with one fresh random key and a fresh index key.
func NewKeyring() *Keyring {
	k := &Keyring{aeads: map[uint32]cipher.AEAD{}, raw: map[uint32][]byte{}}
	if err := k.add(1, randomKey()); err != nil {
		panic(err)
	}
	k.active = 1
	k.indexKey = randomKey()
	return k
}

func randomKey() []byte {
	b := make([]byte, keyLen)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

func (k *Keyring) add(id uint32, key []byte) error {
	if len(key) != keyLen {
		return fmt.Errorf("crypt: key %d must be %d bytes, has %d", id, keyLen, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	k.aeads[id] = aead
	k.raw[id] = key
	return nil
}

// Load reads a key file.
func Load(path string) (*Keyring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f keyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("crypt: key file %s: %w", path, err)
	}
	if f.Format != 1 {
		return nil, fmt.Errorf("crypt: key file %s: unknown format %d", path, f.Format)
	}
	k := &Keyring{aeads: map[uint32]cipher.AEAD{}, raw: map[uint32][]byte{}, active: f.Active}
	for ids, enc := range f.Keys {
		id, err := strconv.ParseUint(ids, 10, 32)
		if err != nil || id == 0 {
			return nil, fmt.Errorf("crypt: key file %s: bad key id %q", path, ids)
		}
		key, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return nil, fmt.Errorf("crypt: key file %s: key %s: %w", path, ids, err)
		}
		if err := k.add(uint32(id), key); err != nil {
			return nil, err
		}
	}
	if _, ok := k.aeads[k.active]; !ok {
		return nil, fmt.Errorf("crypt: key file %s: active key %d is missing", path, k.active)
	}
	k.indexKey, err = base64.StdEncoding.DecodeString(f.IndexKey)
	if err != nil || len(k.indexKey) != keyLen {
		return nil, fmt.Errorf("crypt: key file %s: bad index key", path)
	}
	return k, nil
}

// LoadOrCreate reads the key file at path, or creates it (mode 0600) with a
// new keyring when it does not exist. created tells the caller to warn the
// operator to back the file up: without it the protected data is lost.
func LoadOrCreate(path string) (k *Keyring, created bool, err error) {
	k, err = Load(path)
	if err == nil {
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	k = NewKeyring()
	if err := k.Save(path); err != nil {
		return nil, false, err
	}
	return k, true, nil
}

// Save writes the keyring atomically with mode 0600.
func (k *Keyring) Save(path string) error {
	k.mu.RLock()
	f := keyFile{Format: 1, Active: k.active, Keys: map[string]string{},
		IndexKey: base64.StdEncoding.EncodeToString(k.indexKey),
		Note:     "ctip field-encryption keys. Back this file up separately from the database; without it protected data cannot be read."}
	for id, key := range k.raw {
		f.Keys[strconv.FormatUint(uint64(id), 10)] = base64.StdEncoding.EncodeToString(key)
	}
	k.mu.RUnlock()
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ActiveKeyID is the ID of the key that seals new values.
func (k *Keyring) ActiveKeyID() uint32 {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.active
}

// KeyIDs lists the IDs of all keys in the ring.
func (k *Keyring) KeyIDs() []uint32 {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return slices.Sorted(maps.Keys(k.raw))
}

// AddKey adds a new random key and makes it the active one; older keys stay
// so that existing values can still be opened until they are re-encrypted.
func (k *Keyring) AddKey() uint32 {
	k.mu.Lock()
	defer k.mu.Unlock()
	var next uint32
	for id := range k.raw {
		next = max(next, id)
	}
	next++
	if err := k.add(next, randomKey()); err != nil {
		panic(err)
	}
	k.active = next
	return next
}

// RemoveKey drops a key that no value uses any more. The active key cannot be removed.
func (k *Keyring) RemoveKey(id uint32) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if id == k.active {
		return errors.New("crypt: cannot remove the active key")
	}
	delete(k.aeads, id)
	delete(k.raw, id)
	return nil
}

// AD builds the associated data that binds a value to its table, column and row.
func AD(table, column, row string) []byte {
	return []byte(table + "|" + column + "|" + row)
}

// Seal encrypts plaintext under the active key. An empty plaintext seals to
// nil (stored as NULL).
func (k *Keyring) Seal(plaintext []byte, ad []byte) []byte {
	if len(plaintext) == 0 {
		return nil
	}
	k.mu.RLock()
	id := k.active
	aead := k.aeads[id]
	k.mu.RUnlock()
	out := make([]byte, headLen, headLen+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out[0] = formatV1
	binary.BigEndian.PutUint32(out[1:5], id)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, ad)
}

// Open decrypts a value sealed by Seal with the same associated data. A nil
// or empty ciphertext opens to nil.
func (k *Keyring) Open(ciphertext []byte, ad []byte) ([]byte, error) {
	if len(ciphertext) == 0 {
		return nil, nil
	}
	if len(ciphertext) < headLen+12+16 || ciphertext[0] != formatV1 {
		return nil, ErrOpen
	}
	id := binary.BigEndian.Uint32(ciphertext[1:5])
	k.mu.RLock()
	aead, ok := k.aeads[id]
	src := k.source
	k.mu.RUnlock()
	if !ok && src != "" {
		// A rotation may have added a key since this process loaded the file.
		k.Reload(src)
		k.mu.RLock()
		aead, ok = k.aeads[id]
		k.mu.RUnlock()
	}
	if !ok {
		return nil, fmt.Errorf("%w: unknown key %d", ErrOpen, id)
	}
	ns := aead.NonceSize()
	nonce := ciphertext[headLen : headLen+ns]
	pt, err := aead.Open(nil, nonce, ciphertext[headLen+ns:], ad)
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// KeyIDOf returns the key ID a ciphertext was sealed with (0 if none).
func KeyIDOf(ciphertext []byte) uint32 {
	if len(ciphertext) < headLen || ciphertext[0] != formatV1 {
		return 0
	}
	return binary.BigEndian.Uint32(ciphertext[1:5])
}

// SealString is Seal for text.
func (k *Keyring) SealString(s string, ad []byte) []byte { return k.Seal([]byte(s), ad) }

// OpenString is Open for text.
func (k *Keyring) OpenString(ciphertext []byte, ad []byte) (string, error) {
	b, err := k.Open(ciphertext, ad)
	return string(b), err
}

// BlindIndex returns a keyed hash of a normalised value for exact lookups.
// domain separates uses (e.g. "person.id_number") so equal values in
// different fields do not produce equal indexes. An empty value gives "".
func (k *Keyring) BlindIndex(domain, normalised string) string {
	if normalised == "" {
		return ""
	}
	k.mu.RLock()
	mac := hmac.New(sha256.New, k.indexKey)
	k.mu.RUnlock()
	mac.Write([]byte(domain))
	mac.Write([]byte{0})
	mac.Write([]byte(normalised))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Reload merges the keys of the key file at path into the ring and takes
// its active key (key rotation while servers run: `ctip keys rotate` adds a
// key to the file; running servers pick it up). Keys are never dropped by a
// reload. It reports whether anything changed.
func (k *Keyring) Reload(path string) (bool, error) {
	f, err := Load(path)
	if err != nil {
		return false, err
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	k.mu.Lock()
	defer k.mu.Unlock()
	changed := false
	for id, key := range f.raw {
		if _, ok := k.raw[id]; !ok {
			if err := k.add(id, key); err != nil {
				return changed, err
			}
			changed = true
		}
	}
	if f.active != k.active {
		k.active = f.active
		changed = true
	}
	return changed, nil
}

// SetSource remembers the key file, so that Open can reload it once when it
// meets a key ID it does not know (a value re-encrypted by a rotation that
// this process has not loaded yet).
func (k *Keyring) SetSource(path string) {
	k.mu.Lock()
	k.source = path
	k.mu.Unlock()
}

// Source returns the key file set by SetSource.
func (k *Keyring) Source() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.source
}
