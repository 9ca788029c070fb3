//go:build js && wasm

package vault

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
)

// deriveKey is the AES-256 key PBKDF2-HMAC-SHA256 derives from passphrase
// with k. In the browser it asks Web Crypto (crypto.subtle), which runs the
// 600,000 rounds natively instead of in Go's wasm; where the page has no
// crypto.subtle (not a secure context: a file:// page, or http:// on a host
// other than localhost / 127.0.0.1) or Web Crypto refuses, it computes the
// same key with Go's crypto/pbkdf2, only slower. Both give the same bytes
// (TestWebCryptoMatchesGo), so stored data opens either way.
func deriveKey(ctx context.Context, k kdfParams, passphrase string) ([]byte, error) {
	subtle, ok := webCrypto()
	if !ok {
		return k.goKey(passphrase)
	}
	key, err := webCryptoKey(ctx, subtle, k, passphrase)
	if err == nil {
		return key, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return k.goKey(passphrase)
}

// webCrypto returns the page's crypto.subtle, and whether there is one.
func webCrypto() (js.Value, bool) {
	c := js.Global().Get("crypto")
	if c.Type() != js.TypeObject {
		return js.Value{}, false
	}
	s := c.Get("subtle")
	if s.Type() != js.TypeObject {
		return js.Value{}, false
	}
	return s, true
}

// webCryptoKey derives the key with subtle: importKey("raw", passphrase
// bytes, "PBKDF2") then deriveBits({PBKDF2, SHA-256, salt, iterations},
// 256). The passphrase goes to JavaScript as its exact bytes (not as a JS
// string, which would have to be re-encoded), and the JavaScript copies of
// the passphrase and of the key are zeroed once read.
func webCryptoKey(ctx context.Context, subtle js.Value, k kdfParams, passphrase string) (key []byte, err error) {
	// A call into JavaScript that throws panics in Go: turn it into an
	// error (the caller falls back to Go).
	defer func() {
		if r := recover(); r != nil {
			key, err = nil, fmt.Errorf("web crypto: %v", r)
		}
	}()
	uint8Array := js.Global().Get("Uint8Array")
	passBytes := []byte(passphrase)
	defer clear(passBytes)
	pass := uint8Array.New(len(passBytes))
	js.CopyBytesToJS(pass, passBytes)
	defer pass.Call("fill", 0)
	salt := uint8Array.New(len(k.Salt))
	js.CopyBytesToJS(salt, k.Salt)

	usages := js.Global().Get("Array").New("deriveBits")
	base, err := await(ctx, subtle.Call("importKey", "raw", pass, "PBKDF2", false, usages))
	if err != nil {
		return nil, err
	}
	params := js.Global().Get("Object").New()
	params.Set("name", "PBKDF2")
	params.Set("hash", "SHA-256")
	params.Set("salt", salt)
	params.Set("iterations", k.Iterations)
	bits, err := await(ctx, subtle.Call("deriveBits", params, base, keySize*8))
	if err != nil {
		return nil, err
	}
	view := uint8Array.New(bits)
	defer view.Call("fill", 0)
	if n := view.Get("length").Int(); n != keySize {
		return nil, fmt.Errorf("web crypto: derived %d bytes, want %d", n, keySize)
	}
	key = make([]byte, keySize)
	js.CopyBytesToGo(key, view)
	return key, nil
}

// errRejected is what a rejected promise gives when its reason has no
// message.
var errRejected = errors.New("web crypto: the promise was rejected")

// await waits for a JavaScript promise without blocking the event loop: the
// goroutine sleeps on a channel that the promise's callbacks fill, while
// the browser runs the work and then the callbacks. It must not be called
// from inside a JavaScript callback (that would block the event loop the
// promise needs), the same rule as for IndexedDB.
func await(ctx context.Context, promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{v: arg0(args)}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		err := errRejected
		if r := arg0(args); r.Type() == js.TypeObject && r.Get("message").Type() == js.TypeString {
			err = fmt.Errorf("web crypto: %s: %s", r.Get("name").String(), r.Get("message").String())
		}
		done <- result{err: err}
		return nil
	})
	promise.Call("then", onOK, onErr)
	select {
	case r := <-done:
		onOK.Release()
		onErr.Release()
		return r.v, r.err
	case <-ctx.Done():
		// The callbacks may still fire: leave them in place (done is
		// buffered, so they never block) rather than release functions
		// JavaScript is about to call.
		return js.Value{}, ctx.Err()
	}
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}
