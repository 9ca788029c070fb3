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
	texts := append(codeURLs(t), "01234567", "HTTPS://QR.ALIPAY.COM/ABC", "订单 12345", strings.Repeat("https://example.com/pay?x=", 8))
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

// The Reed-Solomon example of ISO/IEC 18004 (version 1-M, "01234567" in
// numeric mode): these 16 data codewords take these 10 error correction
// codewords. Both the encoder and the test reader agree with it.
func TestReedSolomonVector(t *testing.T) {
	data := []byte{0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11}
	want := []byte{0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55}
	if got := ecCodewords(data, 10); string(got) != string(want) {
		t.Errorf("encoder: % x, want % x", got, want)
	}
	if got := rsRemainder(data, 10); string(got) != string(want) {
		t.Errorf("test reader: % x, want % x", got, want)
	}
}

// "OTT" in byte mode at version 1-M, worked by hand from the standard:
// mode 0100, count 00000011, the three bytes, terminator 0000, then the
// pad codewords EC 11 alternating to 16 data codewords.
func TestByteModeVector(t *testing.T) {
	c, err := Encode("OTT")
	if err != nil {
		t.Fatal(err)
	}
	got, err := readSymbol(c.Modules)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x40, 0x34, 0xf5, 0x45, 0x40, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec}
	if c.Version != 1 || string(got.data) != string(want) {
		t.Errorf("version %d, data codewords % x, want version 1, % x", c.Version, got.data, want)
	}
	if got.mask != c.Mask {
		t.Errorf("format information says mask %d, the encoder used %d", got.mask, c.Mask)
	}
}

// The byte capacities at level M, versions 1 to 10, as the standard's
// capacity table gives them; each is the longest text of its version.
func TestCapacities(t *testing.T) {
	want := []int{14, 26, 42, 62, 84, 106, 122, 152, 180, 213}
	for v := 1; v <= 10; v++ {
		if capacity(v) != want[v-1] {
			t.Errorf("version %d holds %d bytes, want %d", v, capacity(v), want[v-1])
		}
		for _, n := range []int{want[v-1], want[v-1] + 1} {
			if n > MaxText {
				continue
			}
			c, err := Encode(strings.Repeat("x", n))
			if err != nil {
				t.Fatal(err)
			}
			wantV := v
			if n > want[v-1] {
				wantV = v + 1
			}
			if c.Version != wantV {
				t.Errorf("%d bytes: version %d, want %d", n, c.Version, wantV)
			}
			if _, err := readSymbol(c.Modules); err != nil {
				t.Errorf("%d bytes: %v", n, err)
			}
		}
	}
}

// Every mask pattern gives a symbol that reads back, and the chosen one
// varies with the content.
func TestEveryMask(t *testing.T) {
	seen := map[int]bool{}
	for i := 0; i < 200 && len(seen) < 8; i++ {
		c, err := Encode("weixin://wxpay/bizpayurl?pr=" + strconv.Itoa(i*7919))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := readSymbol(c.Modules); err != nil {
			t.Fatalf("mask %d: %v", c.Mask, err)
		}
		seen[c.Mask] = true
	}
	if len(seen) < 4 {
		t.Errorf("only masks %v chosen over 200 texts", seen)
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
		got, err := readSymbol(c.Modules)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if got.text != text {
			t.Fatalf("%q reads back as %q", text, got.text)
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
