package codec

import (
	"encoding/base64"
	"math/rand"
	"testing"
)

// The Base64 primitives beside encoding/base64 over 64 KB.
func BenchmarkBase64(b *testing.B) {
	raw := make([]byte, 65536)
	rand.New(rand.NewSource(1)).Read(raw)
	text := base64.StdEncoding.EncodeToString(raw)
	dst := make([]byte, len(text))
	b.Run("encode", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			encodeB64(dst, raw)
		}
	})
	b.Run("encode-std", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			base64.StdEncoding.Encode(dst, raw)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			decodeB64(dst, text)
		}
	})
	b.Run("decode-std", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			base64.StdEncoding.DecodeString(text)
		}
	})
}
