package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
)

// DefaultIterations is the PBKDF2-HMAC-SHA256 iteration count given to a
// new passphrase (vault or backup) unless Options says otherwise: OWASP's
// current figure for PBKDF2-HMAC-SHA256. It is deliberately slow. In the
// browser, Web Crypto derives the key in about 0.1-0.4 s at this count,
// 6-10 times faster than Go's wasm, which is the fallback (1-2 s) where
// crypto.subtle is missing; natively it takes 0.1-0.2 s (BenchmarkUnlock
// in Chromium and BenchmarkDefaultKeyDerivation natively, on a busy
// 2-core machine). It is not raised above OWASP's figure: a higher count
// would take Web Crypto past 0.3 s on such a machine, and the fallback past
// 2 s. The count is stored with the data, so changing it later keeps old
// data readable; a vault gets the new count when its passphrase is next
// set.
const DefaultIterations = 600_000

// The iteration counts the vault accepts, in Options and in stored data.
// The upper bound keeps a crafted backup file from freezing the page.
const (
	minIterations = 1_000
	maxIterations = 20_000_000
)

// kdfName is the only key derivation the vault knows.
const kdfName = "pbkdf2-sha256"

// saltSize is the size of a new random salt, in bytes.
const saltSize = 16

// kdfParams are the key derivation parameters stored with sealed data.
type kdfParams struct {
	Name       string `json:"name"`
	Iterations int    `json:"iterations"`
	Salt       []byte `json:"salt"`
}

// newKDF returns parameters with a fresh random salt.
func newKDF(iterations int) kdfParams {
	salt := make([]byte, saltSize)
	rand.Read(salt)
	return kdfParams{Name: kdfName, Iterations: iterations, Salt: salt}
}

// check reports whether stored parameters are ones the vault can use.
func (k kdfParams) check() error {
	switch {
	case k.Name != kdfName:
		return fmt.Errorf("key derivation %q is unknown to this version (it knows %q): use the newest version of the workbench", k.Name, kdfName)
	case k.Iterations < minIterations || k.Iterations > maxIterations:
		return fmt.Errorf("key derivation iteration count %d is outside %d..%d", k.Iterations, minIterations, maxIterations)
	case len(k.Salt) < 8 || len(k.Salt) > 64:
		return fmt.Errorf("key derivation salt of %d bytes is outside 8..64", len(k.Salt))
	}
	return nil
}

// derive turns a passphrase into a sealer. It is slow by design: in the
// browser it waits for Web Crypto (see deriveKey), so call it from a
// goroutine, never from inside a JavaScript callback.
func (k kdfParams) derive(ctx context.Context, passphrase string) (*sealer, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	key, err := deriveKey(ctx, k, passphrase)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	return newSealer(key)
}

// newSealer returns the sealer for a derived key.
func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// keySize is the size of the derived AES-256 key, in bytes.
const keySize = 32

// goKey is the AES-256 key PBKDF2-HMAC-SHA256 derives from passphrase (its
// UTF-8 bytes, as typed) with these parameters, computed by Go's
// crypto/pbkdf2: the reference every other implementation (Web Crypto in
// the browser) must match byte for byte.
func (k kdfParams) goKey(passphrase string) ([]byte, error) {
	key, err := pbkdf2.Key(sha256.New, passphrase, k.Salt, k.Iterations, keySize)
	if err != nil {
		return nil, fmt.Errorf("deriving the key from the passphrase: %v", err)
	}
	return key, nil
}

// sealer encrypts and authenticates with AES-256-GCM. A sealed box is
// nonce (12 bytes) || ciphertext || tag (16 bytes).
type sealer struct {
	aead cipher.AEAD
}

// seal encrypts plain, binding it to aad (which is not stored in the box).
func (s *sealer) seal(plain, aad []byte) []byte {
	return s.aead.Seal(nil, nil, plain, aad)
}

// open decrypts a box made by seal with the same key and aad; any other
// key, aad or a changed byte gives an error.
func (s *sealer) open(box, aad []byte) ([]byte, error) {
	if len(box) < s.aead.Overhead() {
		return nil, fmt.Errorf("sealed data of %d bytes is too short", len(box))
	}
	return s.aead.Open(nil, nil, box, aad)
}

// checkPlain and checkAAD make the check box stored beside the passphrase
// parameters, which tells a wrong passphrase from damaged records, and works
// for an empty vault.
var (
	checkPlain = []byte("ottpay key vault")
	checkAAD   = []byte("ottpay-vault/check")
)

// lockParams is what the vault stores about its passphrase.
type lockParams struct {
	KDF   kdfParams `json:"kdf"`
	Check []byte    `json:"check"`
}

// newLock derives a key for a new passphrase and returns the parameters to
// store with it.
func newLock(ctx context.Context, passphrase string, iterations int) (lockParams, *sealer, error) {
	k := newKDF(iterations)
	s, err := k.derive(ctx, passphrase)
	if err != nil {
		return lockParams{}, nil, err
	}
	return lockParams{KDF: k, Check: s.seal(checkPlain, checkAAD)}, s, nil
}

// unlock derives the key for passphrase and checks it against the stored
// check box: ErrWrongPassphrase if it does not open it.
func (l lockParams) unlock(ctx context.Context, passphrase string) (*sealer, error) {
	s, err := l.KDF.derive(ctx, passphrase)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	plain, err := s.open(l.Check, checkAAD)
	if err != nil || string(plain) != string(checkPlain) {
		return nil, ErrWrongPassphrase
	}
	return s, nil
}
