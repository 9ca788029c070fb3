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

// A symbol read back by an independent reader gives the text, at level M,
// with a width of 17+4*version modules.
func TestEncodeReadsBack(t *testing.T) {
	texts := append(codeURLs(t), "01234567", "HTTPS://QR.ALIPAY.COM/ABC", "订单 12345", strings.Repeat("https://example.com/pay?x=", 5))
	for _, text := range texts {
		c, err := Encode(text)
		if err != nil {
			t.Fatalf("Encode(%q): %v", text, err)
		}
		if c.Version < 1 || c.Size() != 17+4*c.Version {
			t.Fatalf("Encode(%q): version %d with width %d, want width 17+4*version", text, c.Version, c.Size())
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

// The worked example of ISO/IEC 18004 (also the usual tutorial example):
// "01234567" at version 1-M is these 16 data and 10 error correction
// codewords.
func TestKnownVector(t *testing.T) {
	c, err := Encode("01234567")
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 1 {
		t.Fatalf("version %d, want 1", c.Version)
	}
	r, err := newSymbolReader(c.Modules)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.checkFunctionPatterns(); err != nil {
		t.Fatal(err)
	}
	_, mask, err := r.readFormat()
	if err != nil {
		t.Fatal(err)
	}
	wantData := []byte{0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11}
	wantEC := []byte{0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55}
	got := r.readCodewords(mask)
	if string(got) != string(wantData)+string(wantEC) {
		t.Errorf("codewords\n% x\nwant\n% x", got, append(wantData, wantEC...))
	}
	// The reader's own Reed-Solomon arithmetic agrees with the standard.
	if ec := rsRemainder(wantData, 10); string(ec) != string(wantEC) {
		t.Errorf("rsRemainder = % x, want % x", ec, wantEC)
	}
}

// The format information of level M, mask 0, as the standard tabulates it.
func TestFormatInformationVector(t *testing.T) {
	if got, want := bchFormat(levelM<<3|0), 0b101010000010010; got != want {
		t.Errorf("format bits %015b, want %015b", got, want)
	}
	if got, want := bchVersion(7), 0b000111110010010100; got != want {
		t.Errorf("version 7 bits %018b, want %018b", got, want)
	}
}

var pathRun = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// The SVG draws exactly the dark modules of the symbol, offset by the quiet
// zone, and nothing from elsewhere.
func TestSVGDrawsTheSymbol(t *testing.T) {
	text := codeURLs(t)[0] + "&a=<b>\"c\""
	c, err := Encode(text)
	if err != nil {
		t.Fatal(err)
	}
	svg := c.SVG()
	w := c.Size() + 2*QuietZone
	if !strings.HasPrefix(svg, `<svg `) || !strings.HasSuffix(svg, `</svg>`) {
		t.Fatalf("not one svg element: %.80s", svg)
	}
	if want := `viewBox="0 0 ` + strconv.Itoa(w) + " " + strconv.Itoa(w) + `"`; !strings.Contains(svg, want) {
		t.Errorf("svg lacks %s", want)
	}
	if strings.Contains(svg, "<b>") || !strings.Contains(svg, "&lt;b&gt;&#34;c&#34;") {
		t.Errorf("text not escaped in the label: %.300s", svg)
	}
	for _, ref := range []string{"href", "url(", "<image", "<script"} {
		if strings.Contains(svg, ref) {
			t.Errorf("svg refers to something else (%s)", ref)
		}
	}
	drawn := make([][]bool, c.Size())
	for i := range drawn {
		drawn[i] = make([]bool, c.Size())
	}
	for _, m := range pathRun.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		n, _ := strconv.Atoi(m[3])
		if m[3] != m[4] {
			t.Fatalf("run %q is not a closed rectangle", m[0])
		}
		for i := 0; i < n; i++ {
			px, py := x+i-QuietZone, y-QuietZone
			if px < 0 || py < 0 || px >= c.Size() || py >= c.Size() {
				t.Fatalf("run %q draws in the quiet zone", m[0])
			}
			if drawn[py][px] {
				t.Fatalf("module (%d,%d) drawn twice", px, py)
			}
			drawn[py][px] = true
		}
	}
	for y := range drawn {
		for x := range drawn[y] {
			if drawn[y][x] != c.Modules[y][x] {
				t.Fatalf("module (%d,%d): drawn %v, symbol %v", x, y, drawn[y][x], c.Modules[y][x])
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
		if _, err := SVG(tc.text); !errors.Is(err, tc.want) {
			t.Errorf("SVG(%.20q): %v, want %v", tc.text, err, tc.want)
		}
	}
	// The longest accepted text still encodes.
	if _, err := SVG(strings.Repeat("a", MaxText)); err != nil {
		t.Errorf("SVG of %d bytes: %v", MaxText, err)
	}
}

func FuzzSVG(f *testing.F) {
	f.Add("weixin://wxpay/bizpayurl?pr=abc")
	f.Add("0123456789")
	f.Add("ÄÖ\x00")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Encode(text)
		if err != nil {
			return
		}
		if c.Size() != 17+4*c.Version {
			t.Fatalf("width %d for version %d", c.Size(), c.Version)
		}
		if c.Version <= 10 {
			got, err := readSymbol(c.Modules)
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			if got.text != text {
				t.Fatalf("%q reads back as %q", text, got.text)
			}
		}
		_ = c.SVG()
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
