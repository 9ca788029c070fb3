package jsapi

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// Cut into pieces with pieceLen, UTF-8 text gives pieces that are UTF-8
// text, each at most the size asked, that join to the text again; so each
// piece decodes in the browser as it does within the whole. The texts mix
// characters of one to four bytes, so that every size of piece falls
// inside characters of every length.
func TestPiecesEndAtCharacterBoundaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	chars := []string{"a", "\n", "é", "\u0085", "枫", "\u2028", "😀", "𝄞"}
	for round := 0; round < 200; round++ {
		var text []byte
		for len(text) < 2000 {
			text = append(text, chars[rng.IntN(len(chars))]...)
		}
		size := utf8.UTFMax + 1 + rng.IntN(60)
		var joined []byte
		for b := text; len(b) > 0; {
			n := pieceLen(b, size)
			if n <= 0 || n > size {
				t.Fatalf("piece of %d bytes, asked at most %d", n, size)
			}
			if !utf8.Valid(b[:n]) {
				t.Fatalf("piece %q of UTF-8 text is not UTF-8 (size %d)", b[:n], size)
			}
			joined = append(joined, b[:n]...)
			b = b[n:]
		}
		if !bytes.Equal(joined, text) {
			t.Fatal("the pieces do not join to the text")
		}
	}
	// Text that is not UTF-8 is still cut, at most the size asked.
	junk := bytes.Repeat([]byte{0x80}, 100)
	if n := pieceLen(junk, 10); n != 10 {
		t.Errorf("pieceLen of continuation bytes only = %d, want 10", n)
	}
	if n := pieceLen([]byte("short"), 10); n != 5 {
		t.Errorf("pieceLen of a text that fits = %d, want 5", n)
	}
}
