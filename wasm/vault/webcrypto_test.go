//go:build js && wasm

package vault

// These tests and the benchmark run in real Chromium (see idb_test.go):
//
//	wasm/vault/internal/browsertest/run.sh -run WebCrypto
//	wasm/vault/internal/browsertest/run.sh -run '^$' -bench Unlock -benchtime 3x

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"maps"
	"syscall/js"
	"testing"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"
)

// withoutWebCrypto runs f with crypto.subtle hidden, as on a page that is
// not a secure context (crypto.getRandomValues, which Go's crypto/rand
// uses, stays).
func withoutWebCrypto(t testing.TB, f func()) {
	t.Helper()
	c := js.Global().Get("crypto")
	desc := js.Global().Get("Object").New()
	desc.Set("value", js.Undefined())
	desc.Set("configurable", true)
	js.Global().Get("Object").Call("defineProperty", c, "subtle", desc)
	defer js.Global().Get("Reflect").Call("deleteProperty", c, "subtle")
	if _, ok := webCrypto(); ok {
		t.Fatal("crypto.subtle is still there after hiding it")
	}
	f()
}

func TestWebCryptoIsWhatTheBrowserTestsUse(t *testing.T) {
	// The test page is served from http://localhost, a secure context:
	// the tests of compat_test.go therefore open the old data with Web
	// Crypto here, and with Go's crypto/pbkdf2 natively.
	if !js.Global().Get("isSecureContext").Bool() {
		t.Fatalf("the test page (%s) is not a secure context", js.Global().Get("location").Get("href").String())
	}
	if _, ok := webCrypto(); !ok {
		t.Fatal("crypto.subtle is missing in a secure context")
	}
}

// kdfCase is one input of the differential test.
type kdfCase struct {
	name       string
	passphrase string
	salt       []byte
	iterations int
	want       []byte // the known key, if any
}

func kdfCases(t *testing.T) []kdfCase {
	var rfc struct {
		Passphrase, Salt string
		Iterations       int
		KeyHex           string `json:"key_hex"`
	}
	readJSON(t, "pbkdf2-sha256.json", &rfc)
	want, err := hex.DecodeString(rfc.KeyHex)
	if err != nil || len(want) < keySize {
		t.Fatalf("pbkdf2-sha256.json: key_hex %q", rfc.KeyHex)
	}
	random := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}
	return []kdfCase{
		{"RFC 7914 vector", rfc.Passphrase, []byte(rfc.Salt), rfc.Iterations, want[:keySize]},
		{"default count", "correct horse battery staple", random(saltSize), DefaultIterations, nil},
		{"non-ASCII passphrase", "Grüße, 口令 🔑 ", random(saltSize), minIterations, nil},
		{"bytes that are not UTF-8", "\xff\xfe\x00 pass", random(saltSize), minIterations, nil},
		{"passphrase longer than a SHA-256 block", string(bytes.Repeat([]byte("long passphrase "), 9)), random(saltSize), minIterations, nil},
		{"shortest salt", "pw", random(8), minIterations + 1, nil},
		{"longest salt", "pw", random(64), 2 * minIterations, nil},
	}
}

// TestWebCryptoMatchesGo checks, for the same passphrase, salt and count,
// that Web Crypto derives the same key as Go's crypto/pbkdf2, that AES-GCM
// in Web Crypto and in Go give the same box for the same nonce, and that
// each opens the boxes the other makes: the stored format does not depend
// on which one ran.
func TestWebCryptoMatchesGo(t *testing.T) {
	ctx := context.Background()
	subtle, ok := webCrypto()
	if !ok {
		t.Fatal("no crypto.subtle")
	}
	plain := []byte(`{"id":"x","sign_key":"6698851A525C9433"}`)
	aad := recordAAD("x")
	for _, c := range kdfCases(t) {
		t.Run(c.name, func(t *testing.T) {
			k := kdfParams{Name: kdfName, Iterations: c.iterations, Salt: c.salt}
			web, err := webCryptoKey(ctx, subtle, k, c.passphrase)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := k.goKey(c.passphrase)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(web, ref) {
				t.Fatalf("keys differ:\nweb crypto %x\ngo         %x", web, ref)
			}
			if c.want != nil && !bytes.Equal(web, c.want) {
				t.Fatalf("key %x, want %x", web, c.want)
			}

			nonce := make([]byte, 12)
			rand.Read(nonce)
			block, _ := aes.NewCipher(ref)
			gcm, _ := cipher.NewGCM(block)
			goBox := gcm.Seal(bytes.Clone(nonce), nonce, plain, aad)
			webBox := append(bytes.Clone(nonce), webGCM(t, subtle, "encrypt", web, nonce, plain, aad)...)
			if !bytes.Equal(goBox, webBox) {
				t.Fatalf("boxes differ:\nweb crypto %x\ngo         %x", webBox, goBox)
			}

			// The vault's own sealer (random nonce) and Web Crypto
			// open each other's boxes.
			s, err := newSealer(web)
			if err != nil {
				t.Fatal(err)
			}
			box := s.seal(plain, aad)
			if got := webGCM(t, subtle, "decrypt", web, box[:12], box[12:], aad); !bytes.Equal(got, plain) {
				t.Fatalf("web crypto opened the vault's box to %q", got)
			}
			if got, err := s.open(webBox, aad); err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("the vault opened web crypto's box to %q, %v", got, err)
			}
		})
	}
}

// webGCM runs AES-GCM encrypt or decrypt in Web Crypto and returns the
// output (ciphertext || tag, or the plaintext).
func webGCM(t *testing.T, subtle js.Value, op string, key, nonce, in, aad []byte) []byte {
	t.Helper()
	ctx := context.Background()
	u8 := func(b []byte) js.Value {
		v := js.Global().Get("Uint8Array").New(len(b))
		js.CopyBytesToJS(v, b)
		return v
	}
	ck, err := await(ctx, subtle.Call("importKey", "raw", u8(key), "AES-GCM", false, js.Global().Get("Array").New(op)))
	if err != nil {
		t.Fatal(err)
	}
	params := js.Global().Get("Object").New()
	params.Set("name", "AES-GCM")
	params.Set("iv", u8(nonce))
	params.Set("additionalData", u8(aad))
	out, err := await(ctx, subtle.Call(op, params, ck, u8(in)))
	if err != nil {
		t.Fatalf("web crypto %s: %v", op, err)
	}
	view := js.Global().Get("Uint8Array").New(out)
	b := make([]byte, view.Get("length").Int())
	js.CopyBytesToGo(b, view)
	return b
}

func TestWithoutWebCryptoGoOpensTheSameVault(t *testing.T) {
	sv := loadStoredVault(t)
	withoutWebCrypto(t, func() {
		ctx := context.Background()
		v, _ := memoryVaultFrom(t, sv)
		wantErr(t, "wrong passphrase", v.Unlock(ctx, sv.Passphrase+"x"), ErrWrongPassphrase)
		if err := v.Unlock(ctx, sv.Passphrase); err != nil {
			t.Fatal(err)
		}
		list, err := v.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sameProfiles(t, list, sv.Profiles)
	})
	if _, ok := webCrypto(); !ok {
		t.Fatal("crypto.subtle was not restored")
	}
}

// writeStored puts the stored texts of sv into database name, as a page of
// the older code would have left them.
func writeStored(t *testing.T, name string, sv storedVault) {
	t.Helper()
	ctx := context.Background()
	openTest(t, name, Options{}).Close() // creates the current layout
	db := rawOpen(t, name)
	defer db.Close()
	txn, err := db.Transaction(idb.TransactionReadWrite, storeMeta, storeRecords)
	if err != nil {
		t.Fatal(err)
	}
	metas, _ := txn.ObjectStore(storeMeta)
	records, _ := txn.ObjectStore(storeRecords)
	if _, err := metas.PutKey(js.ValueOf(metaKey), js.ValueOf(sv.Meta)); err != nil {
		t.Fatal(err)
	}
	for id, text := range sv.Records {
		if _, err := records.PutKey(js.ValueOf(id), js.ValueOf(text)); err != nil {
			t.Fatal(err)
		}
	}
	if err := txn.Await(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestWebCryptoOpensAnIndexedDBVaultWrittenBefore(t *testing.T) {
	ctx := context.Background()
	sv := loadStoredVault(t)
	name := testDB(t)
	writeStored(t, name, sv)
	unchanged := func(when string) {
		t.Helper()
		records, meta := rawState(t, name)
		if meta != sv.Meta || !maps.Equal(records, sv.Records) {
			t.Fatalf("%s changed the stored vault", when)
		}
	}

	v := openTest(t, name, Options{})
	wantErr(t, "wrong passphrase", v.Unlock(ctx, "vault passphrase"), ErrWrongPassphrase)
	_, err := v.List(ctx)
	wantErr(t, "List after a wrong passphrase", err, ErrLocked)
	unchanged("a wrong passphrase")

	start := time.Now()
	if err := v.Unlock(ctx, sv.Passphrase); err != nil {
		t.Fatal(err)
	}
	t.Logf("unlock at 600,000 iterations with Web Crypto: %v", time.Since(start))
	list, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, sv.Profiles)
	unchanged("unlocking and reading")
}

// BenchmarkUnlock unlocks the stored vault of testdata (600,000
// iterations) with Web Crypto and with Go's crypto/pbkdf2 (crypto.subtle
// hidden, as on a page that is not a secure context) in the same browser
// run, and reports milliseconds per unlock for each and their ratio.
func BenchmarkUnlock(b *testing.B) {
	sv := loadStoredVault(b)
	ctx := context.Background()
	v, _ := memoryVaultFrom(b, sv)
	var web, gopath time.Duration
	for b.Loop() {
		start := time.Now()
		if err := v.Unlock(ctx, sv.Passphrase); err != nil {
			b.Fatal(err)
		}
		web += time.Since(start)
		withoutWebCrypto(b, func() {
			start := time.Now()
			if err := v.Unlock(ctx, sv.Passphrase); err != nil {
				b.Fatal(err)
			}
			gopath += time.Since(start)
		})
	}
	n := float64(b.N)
	webMS := float64(web.Microseconds()) / 1000 / n
	goMS := float64(gopath.Microseconds()) / 1000 / n
	b.ReportMetric(webMS, "webcrypto-ms/unlock")
	b.ReportMetric(goMS, "go-ms/unlock")
	b.ReportMetric(goMS/webMS, "go/webcrypto")
	b.Logf("per unlock at 600,000 iterations: Web Crypto %.1f ms, Go %.1f ms", webMS, goMS)
}

// TestDataSealedWithWebCryptoOpensWithGo writes a vault and a backup with
// Web Crypto, then opens both with crypto.subtle hidden: what a secure page
// writes, an insecure one (or the native build) reads.
func TestDataSealedWithWebCryptoOpensWithGo(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	v, b := memoryVault(c)
	ps := putAll(t, v, sampleProfiles())
	if err := v.SetPassphrase(ctx, "", "written with web crypto"); err != nil {
		t.Fatal(err)
	}
	file, err := v.Export(ctx, "backup with web crypto")
	if err != nil {
		t.Fatal(err)
	}
	withoutWebCrypto(t, func() {
		w := reopen(t, b, testOptions(c))
		wantErr(t, "wrong passphrase", w.Unlock(ctx, "written with web crypto!"), ErrWrongPassphrase)
		if err := w.Unlock(ctx, "written with web crypto"); err != nil {
			t.Fatal(err)
		}
		list, err := w.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sameProfiles(t, list, ps)
		fresh, _ := memoryVault(c)
		imp, err := fresh.PreviewImport(ctx, file, "backup with web crypto")
		if err != nil {
			t.Fatal(err)
		}
		sameProfiles(t, imp.New, ps)
	})
}

// TestCancelledUnlockLeavesTheVaultLocked checks that an unlock whose
// context ends while Web Crypto works returns the context's error, not a
// wrong-passphrase one, and unlocks nothing.
func TestCancelledUnlockLeavesTheVaultLocked(t *testing.T) {
	sv := loadStoredVault(t)
	v, b := memoryVaultFrom(t, sv)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := v.Unlock(ctx, sv.Passphrase)
	wantErr(t, "Unlock with an ended context", err, context.Canceled)
	if st, _ := v.Status(context.Background()); !st.Locked {
		t.Fatal("the vault is unlocked after a cancelled Unlock")
	}
	records, meta := stored(b)
	if meta != sv.Meta || !maps.Equal(records, sv.Records) {
		t.Fatal("a cancelled unlock changed the stored vault")
	}
	// The key derivation the cancelled call started still ends in the
	// browser; the next unlock works.
	if err := v.Unlock(context.Background(), sv.Passphrase); err != nil {
		t.Fatal(err)
	}
}
