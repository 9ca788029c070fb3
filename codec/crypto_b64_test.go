package codec

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// Every byte value, put at every position of a Base64 text long enough
// for the word-at-a-time loops, is accepted by decodeB64 exactly when
// encoding/base64 accepts it, and decodes to the same bytes; and
// encodeB64 gives encoding/base64's text for every length around the
// word boundaries with every byte value in every position.
func TestBase64AgainstTheStandardLibraryForEveryByteInEveryPosition(t *testing.T) {
	raw := []byte("0123456789abcdefghijklmnopqrstuv") // 32 bytes: 44 characters
	text := base64.StdEncoding.EncodeToString(raw)
	dst := make([]byte, len(text))
	for pos := 0; pos < len(text); pos++ {
		for c := 0; c < 256; c++ {
			s := []byte(text)
			s[pos] = byte(c)
			std, stdErr := base64.StdEncoding.DecodeString(string(s))
			if c == '\n' || c == '\r' {
				continue // encoding/base64 skips line breaks; decodeB64 leaves them to the slow path
			}
			n, ok, _ := decodeB64(dst, string(s))
			if ok != (stdErr == nil) {
				t.Fatalf("byte 0x%02x at %d: decodeB64 ok=%v, encoding/base64 error %v", c, pos, ok, stdErr)
			}
			if ok && !bytes.Equal(dst[:n], std) {
				t.Fatalf("byte 0x%02x at %d: decodeB64 %x, encoding/base64 %x", c, pos, dst[:n], std)
			}
		}
	}
	for size := 0; size <= 40; size++ {
		for pos := 0; pos < size; pos++ {
			for c := 0; c < 256; c += 7 {
				in := bytes.Repeat([]byte{0xa5}, size)
				in[pos] = byte(c)
				want := base64.StdEncoding.EncodeToString(in)
				got := make([]byte, len(want))
				encodeB64(got, in)
				if string(got) != want {
					t.Fatalf("encodeB64(%x) = %q, encoding/base64 %q", in, got, want)
				}
			}
		}
	}
}
