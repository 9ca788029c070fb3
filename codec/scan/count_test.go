package scan

import (
	"bytes"
	"testing"
)

// countLFWords counts what bytes.Count counts, whatever the length and
// alignment of the text and whatever bytes surround the line feeds (the
// bytes next to '\n' in value, 0x09 and 0x0b, and those with the high bit
// set, are where a word-at-a-time count could carry or borrow wrongly).
func TestCountLFWordsIsBytesCount(t *testing.T) {
	var all []byte
	for i := 0; i < 4; i++ {
		for c := 0; c < 256; c++ {
			all = append(all, byte(c))
		}
	}
	tricky := bytes.Repeat([]byte("\n\x0b\x09\n\n\x8a\xff\x00\n\x0a\x7f\x80"), 40)
	lines := bytes.Repeat([]byte("\n"), 100)
	for _, text := range [][]byte{all, tricky, lines, []byte("no line feed at all, but longer than thirty-two bytes")} {
		for from := 0; from < 40 && from <= len(text); from++ {
			for to := from; to <= len(text); to += 1 + (to-from)/8 {
				b := text[from:to]
				if got, want := countLFWords(b), bytes.Count(b, []byte{'\n'}); got != want {
					t.Fatalf("countLFWords(%q) = %d, want %d", b, got, want)
				}
			}
		}
	}
}
