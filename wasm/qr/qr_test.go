package qr

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// codeURLs are links of the shapes the payment responses carry.
func codeURLs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/code_urls.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		t.Fatal("testdata/code_urls.txt holds no links")
	}
	return out
}

// A symbol read back by an independent reader (reader_test.go, written
// from ISO/IEC 18004) gives the text, at level M, in a symbol no larger
// than version 10.
func TestEncodeReadsBack(t *testing.T) {
	texts := append(codeURLs(t), "01234567", "HTTPS://QR.ALIPAY.COM/ABC", "订单 12345", strings.Repeat("https://example.com/pay?x=", 8), strings.Repeat("a", MaxText))
	for _, text := range texts {
		c, err := Encode(text)
		if err != nil {
			t.Fatalf("Encode(%q): %v", text, err)
		}
		if n := c.Size(); n < 21 || n > 17+4*10 || (n-17)%4 != 0 {
			t.Fatalf("Encode(%q): width %d, want 17+4*version with version 1 to 10", text, n)
		}
		got, err := readSymbol(c.Modules)
		if err != nil {
			t.Fatalf("Encode(%q): symbol does not read back: %v", text, err)
		}
		if got.level != levelM {
			t.Errorf("Encode(%q): error correction level %d, want M", text, got.level)
		}
		if got.text != text {
			t.Errorf("Encode(%q): reads back as %q", text, got.text)
		}
	}
}

// The path draws exactly the dark modules, shifted by the quiet zone.
func TestPathDrawsTheSymbol(t *testing.T) {
	c, err := Encode("weixin://wxpay/bizpayurl?pr=iSatxsszz")
	if err != nil {
		t.Fatal(err)
	}
	if c.Width() != c.Size()+2*QuietZone {
		t.Errorf("width %d for a symbol of %d", c.Width(), c.Size())
	}
	drawn := make([][]bool, c.Size())
	for i := range drawn {
		drawn[i] = make([]bool, c.Size())
	}
	run := regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
	for d := c.Path(); d != ""; {
		m := run.FindStringSubmatch(d)
		if m == nil {
			t.Fatalf("path data %.40q is not a run of modules", d)
		}
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		n, _ := strconv.Atoi(m[3])
		if m[3] != m[4] {
			t.Fatalf("run %s does not close", m[0])
		}
		for i := 0; i < n; i++ {
			drawn[y-QuietZone][x-QuietZone+i] = true
		}
		d = d[len(m[0]):]
	}
	for y := range drawn {
		for x := range drawn[y] {
			if drawn[y][x] != c.Modules[y][x] {
				t.Fatalf("module (%d,%d) drawn %v, want %v", x, y, drawn[y][x], c.Modules[y][x])
			}
		}
	}
	if _, err := readSymbol(drawn); err != nil {
		t.Errorf("the drawn symbol does not read back: %v", err)
	}
}

func TestEncodeRefuses(t *testing.T) {
	for _, tc := range []struct {
		text string
		want error
	}{
		{"", ErrEmpty},
		{strings.Repeat("a", MaxText+1), ErrTooLong},
		{"https://x/\xff", ErrNotUTF8},
	} {
		if _, err := Encode(tc.text); !errors.Is(err, tc.want) {
			t.Errorf("Encode(%.20q): %v, want %v", tc.text, err, tc.want)
		}
	}
}

func FuzzEncode(f *testing.F) {
	f.Add("weixin://wxpay/bizpayurl?pr=abc")
	f.Add("0123456789")
	f.Add("ÄÖ\x00")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Encode(text)
		if err != nil {
			return
		}
		got, err := readSymbol(c.Modules)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if got.text != text {
			t.Fatalf("%q reads back as %q", text, got.text)
		}
	})
}

// The reader is not blind: one flipped data module breaks the read.
func TestReaderNoticesDamage(t *testing.T) {
	c, err := Encode("weixin://wxpay/bizpayurl?pr=iSatxsszz")
	if err != nil {
		t.Fatal(err)
	}
	n := c.Size()
	c.Modules[n-1][n-1] = !c.Modules[n-1][n-1] // first data module
	if _, err := readSymbol(c.Modules); err == nil {
		t.Error("a symbol with a flipped data module reads back cleanly")
	}
}
