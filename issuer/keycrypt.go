package issuer

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sealer encrypts private keys at rest with AES-256-GCM under the master
// key. The key id is bound into each ciphertext as additional data, so a
// sealed key copied onto another key's record does not open.
type Sealer struct {
	aead  cipher.AEAD
	links []byte // the key that signs links (LinkSigner), derived from the master key
}

// NewSealer uses a 32-byte master key.
func NewSealer(master []byte) (*Sealer, error) {
	if len(master) != 32 {
		return nil, fmt.Errorf("the master key must be 32 bytes, not %d", len(master))
	}
	block, err := aes.NewCipher(master)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	links, err := hkdf.Key(sha256.New, master, nil, "laurel link signing", 32)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, links: links}, nil
}

// Seal encrypts plaintext for the record named by id.
func (s *Sealer) Seal(plaintext []byte, id string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	_, _ = rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plaintext, []byte(id))
}

// ErrUnseal means a sealed key could not be opened: a different master key,
// or a damaged or moved record.
var ErrUnseal = errors.New("cannot decrypt a private key: wrong master key or damaged key record")

// Open decrypts what Seal made for the same id.
func (s *Sealer) Open(sealed []byte, id string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrUnseal
	}
	out, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(id))
	if err != nil {
		return nil, ErrUnseal
	}
	return out, nil
}

// ParseMasterKey reads a master key written as 64 hex digits or as base64
// (standard or URL-safe, padded or not) of 32 bytes.
func ParseMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, errors.New("the master key must be 32 bytes, written as 64 hex digits or base64")
}

// LoadOrCreateMasterKeyFile reads the master key from path, creating the
// file with a new random key (mode 0600) when it does not exist yet.
func LoadOrCreateMasterKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return ParseMasterKey(string(b))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read master key: %w", err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create master key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // another process made it first
		return LoadOrCreateMasterKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create master key: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("write master key: %w", err)
	}
	return key, f.Close()
}
