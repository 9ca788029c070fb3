package vault

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"testing"
)

func TestKDFIsPBKDF2HMACSHA256(t *testing.T) {
	var v struct {
		Passphrase string
		Salt       string
		Iterations int
		KeyHex     string `json:"key_hex"`
	}
	readJSON(t, "pbkdf2-sha256.json", &v)
	want, err := hex.DecodeString(v.KeyHex)
	if err != nil {
		t.Fatal(err)
	}
	got, err := kdfParams{Name: kdfName, Iterations: v.Iterations, Salt: []byte(v.Salt)}.goKey(v.Passphrase)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 32 || !bytes.Equal(got, want[:32]) {
		t.Fatalf("derived key %x, want the first 32 bytes of %x", got, want)
	}
}

func TestKDFParamsAreChecked(t *testing.T) {
	good := newKDF(testIterations)
	if err := good.check(); err != nil {
		t.Fatalf("fresh parameters: %v", err)
	}
	for name, k := range map[string]kdfParams{
		"unknown name":    {Name: "scrypt", Iterations: testIterations, Salt: good.Salt},
		"too few rounds":  {Name: kdfName, Iterations: minIterations - 1, Salt: good.Salt},
		"too many rounds": {Name: kdfName, Iterations: maxIterations + 1, Salt: good.Salt},
		"short salt":      {Name: kdfName, Iterations: testIterations, Salt: good.Salt[:7]},
		"no salt":         {Name: kdfName, Iterations: testIterations},
	} {
		if err := k.check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, err := k.derive(context.Background(), "x"); err == nil {
			t.Errorf("%s: derive accepted", name)
		}
	}
	if a, b := newKDF(testIterations), newKDF(testIterations); bytes.Equal(a.Salt, b.Salt) {
		t.Error("two new parameter sets share a salt")
	}
}

func TestSealedBoxesOpenOnlyWithTheSameKeyAndContext(t *testing.T) {
	k := newKDF(testIterations)
	s, err := k.derive(context.Background(), "passphrase one")
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte(`{"sign_key":"6698851A525C9433"}`)
	box := s.seal(plain, recordAAD("a"))
	if bytes.Contains(box, plain[13:29]) {
		t.Fatal("sealed box holds the plaintext")
	}
	if again := s.seal(plain, recordAAD("a")); bytes.Equal(again, box) {
		t.Error("sealing twice gave the same box: nonces are not fresh")
	}
	got, err := s.open(box, recordAAD("a"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := s.open(box, recordAAD("b")); err == nil {
		t.Error("a box opened as another record")
	}
	other, err := k.derive(context.Background(), "passphrase two")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.open(box, recordAAD("a")); err == nil {
		t.Error("a box opened with another passphrase")
	}
	for i := range box {
		bad := bytes.Clone(box)
		bad[i] ^= 1
		if _, err := s.open(bad, recordAAD("a")); err == nil {
			t.Fatalf("a box with byte %d changed opened", i)
		}
	}
	if _, err := s.open(box[:10], recordAAD("a")); err == nil {
		t.Error("a truncated box opened")
	}
}

func TestLockTellsAWrongPassphrase(t *testing.T) {
	l, _, err := newLock(context.Background(), "right", testIterations)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.unlock(context.Background(), "right"); err != nil {
		t.Fatalf("right passphrase: %v", err)
	}
	for _, wrong := range []string{"Right", "right ", "", "wrong"} {
		if _, err := l.unlock(context.Background(), wrong); !errors.Is(err, ErrWrongPassphrase) {
			t.Errorf("passphrase %q: got %v, want ErrWrongPassphrase", wrong, err)
		}
	}
}

// BenchmarkDefaultKeyDerivation measures what one key derivation costs
// with the default iteration count: Go's crypto/pbkdf2 natively, Web Crypto
// in the browser (BenchmarkUnlock in webcrypto_test.go sets Web Crypto and
// Go's wasm side by side there).
func BenchmarkDefaultKeyDerivation(b *testing.B) {
	k := newKDF(DefaultIterations)
	for b.Loop() {
		if _, err := k.derive(context.Background(), "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
