package codec

import (
	"bytes"
	"testing"
)

// FuzzEncryptData checks EncryptData (padding and encrypting in place,
// Base64 twelve bytes a step) against crypto/aes and encoding/base64
// doing the same job one step at a time (refEncrypt), for any key and
// plaintext, short and several kilobytes long, and that DecryptData gives
// the plaintext back.
func FuzzEncryptData(f *testing.F) {
	f.Add("0123456789ABCDEF", []byte(""), uint16(0))
	f.Add("0123456789ABCDEF", []byte(`{"amount":"100"}`), uint16(0))
	f.Add("FEDCBA9876543210", []byte("x"), uint16(1535))
	f.Add("FEDCBA9876543210", []byte("xy"), uint16(1536))
	f.Add("FEDCBA9876543210", []byte("第"), uint16(3071))
	f.Add("FEDCBA9876543210", []byte("z"), uint16(4608))
	f.Fuzz(func(t *testing.T, key string, pt []byte, extra uint16) {
		if len(key) != 16 {
			return
		}
		// extra repeats the plaintext's bytes so that long inputs are
		// reached without a long seed.
		if len(pt) > 0 {
			for n := int(extra); n > 0; n-- {
				pt = append(pt, pt[n%len(pt)]^byte(n))
			}
		}
		got, err := EncryptData(key, pt)
		if err != nil {
			t.Fatal(err)
		}
		if want := refEncrypt([]byte(key), pt); got != want {
			t.Fatalf("EncryptData of %d bytes = %.40q…, the reference gives %.40q…", len(pt), got, want)
		}
		back, pad, err := DecryptData(key, got)
		if err != nil || !bytes.Equal(back, pt) || pad != 16-len(pt)%16 {
			t.Fatalf("DecryptData(EncryptData(%d bytes)) = %d bytes, padding %d, %v", len(pt), len(back), pad, err)
		}
	})
}
