package catalog

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// The catalogue's problem texts quote the sender's names and values with
// codec.Quote: no control character, C1 control or bidi override in them
// reaches whoever reads the problems.
func TestProblemsEscapeSenderText(t *testing.T) {
	for _, h := range []string{"\x1b[2J", "a\x07b", "x\ry", "\u009b31m", "\u202eevil", "\u2066x\u2069", "\x9b"} {
		o := &codec.Object{}
		for _, k := range []string{"amount", "currency", "order_id", "biz_type", h} {
			o.SetString(k, h)
		}
		o.Set("tip", codec.Value{Kind: codec.KindObject, Text: `{"k":"` + h + `"}`})
		_, problems, ok := Match("ACTIVEPAY", codec.Request, o)
		if !ok || len(problems) == 0 {
			t.Fatalf("ACTIVEPAY with hostile values gives no problems")
		}
		for _, p := range problems {
			s := p.String()
			for i := 0; i < len(s); {
				r, n := utf8.DecodeRuneInString(s[i:])
				if r == utf8.RuneError && n == 1 || r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || unicode.Is(unicode.Cf, r) {
					t.Errorf("problem %q carries %q raw", s, s[i:i+n])
					break
				}
				i += n
			}
		}
		if !strings.Contains(problemsText(problems), codec.Quote(h, 0)) {
			t.Errorf("no problem names the value %q quoted: %s", h, problemsText(problems))
		}
	}
}

func problemsText(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}
