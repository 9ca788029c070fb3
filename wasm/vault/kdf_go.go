//go:build !(js && wasm)

package vault

import "context"

// deriveKey is the AES-256 key PBKDF2-HMAC-SHA256 derives from passphrase
// with k. Outside the browser it is Go's crypto/pbkdf2 (goKey).
func deriveKey(_ context.Context, k kdfParams, passphrase string) ([]byte, error) {
	return k.goKey(passphrase)
}
