package jsontok

import (
	"math/rand/v2"
	"testing"
)

// The fast string scan agrees with the careful one on every input: the
// end of a plain run is found eight bytes at a time, exactly.
func TestStringScanAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	alphabet := []byte("\"\\/bnu0aF9 +=\n\r\t\x01\x1f\x20\x7f\x80\xff\xc3\xa9QUJD")
	for range 20000 {
		b := make([]byte, 1+rng.IntN(40))
		b[0] = '"'
		for i := 1; i < len(b); i++ {
			if rng.IntN(3) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rng.IntN(64)]
			}
		}
		for from := 0; from < len(b); from++ {
			want := from
			for want < len(b) && b[want] != '"' && b[want] != '\\' && b[want] >= 0x20 {
				want++
			}
			if got := PlainRun(b, from); got != want {
				t.Fatalf("PlainRun(%q, %d) = %d, want %d", b, from, got, want)
			}
		}
		fe, fs := ScanString(b, 0)
		ce, cs := scanBrokenString(b, 0)
		if fs != cs || (fs == OK || fs == Broken) && fe != ce {
			t.Fatalf("ScanString(%q) = %d %d, the careful scan says %d %d", b, fe, fs, ce, cs)
		}
	}
}
