// Package qr renders a payment link (the code_url of a decrypted response)
// as a QR code a phone can scan, drawn on the device as an inline SVG: no
// image is fetched from anywhere.
//
// The encoder is written from ISO/IEC 18004 for what a code_url needs and
// no more, to keep the browser build small: byte mode (any UTF-8 text),
// error correction level M (about 15% of the symbol can be damaged or
// covered), versions 1 to 10 (up to 213 bytes), the mask chosen by the
// standard's penalty rules, and the 4-module quiet zone.
package qr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxText is the longest text, in bytes, Encode accepts: what a version 10
// symbol holds at level M. A code_url is well under 100 bytes.
const MaxText = 213

// QuietZone is the width, in modules, of the light border around the symbol.
const QuietZone = 4

// Errors returned by Encode, tested with errors.Is.
var (
	// ErrEmpty is returned for an empty text.
	ErrEmpty = errors.New("qr: nothing to encode: the code_url is empty")
	// ErrTooLong is returned for a text longer than MaxText bytes.
	ErrTooLong = errors.New("qr: text too long for a scannable QR code")
	// ErrNotUTF8 is returned for a text that is not valid UTF-8.
	ErrNotUTF8 = errors.New("qr: text is not valid UTF-8")
)

// Code is an encoded QR symbol.
type Code struct {
	// Text is the encoded text.
	Text string
	// Version is the QR version, 1 to 10; the symbol is 17+4*Version
	// modules wide.
	Version int
	// Mask is the data mask pattern used, 0 to 7.
	Mask int
	// Modules holds the symbol without its quiet zone: Modules[y][x] is
	// true for a dark module.
	Modules [][]bool
}

// Size returns the width of the symbol in modules, without the quiet zone.
func (c *Code) Size() int { return len(c.Modules) }

// layout is the codeword structure of one version at level M
// (ISO/IEC 18004 table 9): error correction codewords per block, and the
// data codewords of each block, shorter blocks first.
type layout struct {
	ec     int
	blocks []int
}

var layoutsM = [11]layout{
	1:  {10, []int{16}},
	2:  {16, []int{28}},
	3:  {26, []int{44}},
	4:  {18, []int{32, 32}},
	5:  {24, []int{43, 43}},
	6:  {16, []int{27, 27, 27, 27}},
	7:  {18, []int{31, 31, 31, 31}},
	8:  {22, []int{38, 38, 39, 39}},
	9:  {22, []int{36, 36, 36, 37, 37}},
	10: {26, []int{43, 43, 43, 43, 44}},
}

// alignmentCentres lists the alignment pattern centre coordinates.
var alignmentCentres = [11][]int{
	2: {6, 18}, 3: {6, 22}, 4: {6, 26}, 5: {6, 30}, 6: {6, 34},
	7: {6, 22, 38}, 8: {6, 24, 42}, 9: {6, 26, 46}, 10: {6, 28, 50},
}

func (l layout) dataCodewords() int {
	n := 0
	for _, b := range l.blocks {
		n += b
	}
	return n
}

// countBits is the width of the byte-mode character count.
func countBits(version int) int {
	if version <= 9 {
		return 8
	}
	return 16
}

// capacity is the number of text bytes a version holds in byte mode.
func capacity(version int) int {
	return (layoutsM[version].dataCodewords()*8 - 4 - countBits(version)) / 8
}

// Encode encodes text as a QR code at error correction level M, in the
// smallest version that holds it.
func Encode(text string) (*Code, error) {
	switch {
	case text == "":
		return nil, ErrEmpty
	case len(text) > MaxText:
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d; copy the link as text instead", ErrTooLong, len(text), MaxText)
	case !utf8.ValidString(text):
		return nil, fmt.Errorf("%w: copy the link as text instead", ErrNotUTF8)
	}
	version := 1
	for capacity(version) < len(text) {
		version++
	}
	codewords := interleave(version, dataCodewords(version, []byte(text)))
	s := newSymbol(version)
	s.place(codewords)
	best, bestScore := 0, -1
	for mask := 0; mask < 8; mask++ {
		s.applyMask(mask)
		s.drawFormat(mask)
		if score := s.penalty(); bestScore < 0 || score < bestScore {
			best, bestScore = mask, score
		}
		s.applyMask(mask) // undo: the mask is its own inverse
	}
	s.applyMask(best)
	s.drawFormat(best)
	return &Code{Text: text, Version: version, Mask: best, Modules: s.dark}, nil
}

// dataCodewords is the bit stream of text in byte mode, terminated and
// padded to the version's data capacity.
func dataCodewords(version int, text []byte) []byte {
	n := layoutsM[version].dataCodewords()
	var w bitWriter
	w.write(0b0100, 4)
	w.write(len(text), countBits(version))
	for _, b := range text {
		w.write(int(b), 8)
	}
	w.write(0, min(4, n*8-w.n)) // terminator
	if r := w.n % 8; r != 0 {
		w.write(0, 8-r)
	}
	for pad := 0; len(w.b) < n; pad++ {
		w.write([]int{0xEC, 0x11}[pad%2], 8)
	}
	return w.b
}

type bitWriter struct {
	b []byte
	n int // bits written
}

func (w *bitWriter) write(v, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		if v>>i&1 != 0 {
			w.b[len(w.b)-1] |= 0x80 >> (w.n % 8)
		}
		w.n++
	}
}

// interleave splits data into the version's blocks, adds each block's
// error correction codewords, and interleaves them.
func interleave(version int, data []byte) []byte {
	l := layoutsM[version]
	blocks := make([][]byte, len(l.blocks))
	ecs := make([][]byte, len(l.blocks))
	for i, n := range l.blocks {
		blocks[i], data = data[:n], data[n:]
		ecs[i] = ecCodewords(blocks[i], l.ec)
	}
	var out []byte
	for i := 0; i < l.blocks[len(l.blocks)-1]; i++ {
		for _, b := range blocks {
			if i < len(b) {
				out = append(out, b[i])
			}
		}
	}
	for i := 0; i < l.ec; i++ {
		for _, e := range ecs {
			out = append(out, e[i])
		}
	}
	return out
}

// GF(256) with the QR polynomial x^8+x^4+x^3+x^2+1.
var gfExp, gfLog = func() (exp [512]byte, log [256]int) {
	x := 1
	for i := 0; i < 255; i++ {
		exp[i], exp[i+255] = byte(x), byte(x)
		log[x] = i
		if x <<= 1; x&0x100 != 0 {
			x ^= 0x11d
		}
	}
	return
}()

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[gfLog[a]+gfLog[b]]
}

// ecCodewords returns the n Reed-Solomon codewords of data: the remainder
// of data(x)*x^n divided by the generator (x-a^0)(x-a^1)...(x-a^(n-1)).
func ecCodewords(data []byte, n int) []byte {
	gen := []byte{1}
	for i := 0; i < n; i++ {
		next := make([]byte, len(gen)+1)
		for j, c := range gen {
			next[j] ^= c
			next[j+1] ^= gfMul(c, gfExp[i])
		}
		gen = next
	}
	rem := make([]byte, n)
	for _, d := range data {
		f := d ^ rem[0]
		copy(rem, rem[1:])
		rem[n-1] = 0
		for j := range rem {
			rem[j] ^= gfMul(gen[j+1], f)
		}
	}
	return rem
}

// symbol is a matrix under construction.
type symbol struct {
	version, size int
	dark          [][]bool
	function      [][]bool // finder, timing, alignment, format and version areas
}

func newSymbol(version int) *symbol {
	n := 17 + 4*version
	s := &symbol{version: version, size: n, dark: grid(n), function: grid(n)}
	for _, p := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
		s.finder(p[0], p[1])
	}
	for i := 0; i < n; i++ {
		if !s.function[6][i] {
			s.set(i, 6, i%2 == 0)
		}
		if !s.function[i][6] {
			s.set(6, i, i%2 == 0)
		}
	}
	pos := alignmentCentres[version]
	last := len(pos) - 1
	for i, cy := range pos {
		for j, cx := range pos {
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue // overlaps a finder pattern
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					s.set(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	// Format areas, drawn for each mask; the dark module.
	for i := 0; i < 9; i++ {
		s.function[8][i], s.function[i][8] = true, true
	}
	for i := 0; i < 8; i++ {
		s.function[8][n-1-i], s.function[n-1-i][8] = true, true
	}
	s.set(8, n-8, true)
	if version >= 7 {
		bits := versionBits(version)
		for i := 0; i < 18; i++ {
			d := bits>>i&1 != 0
			s.set(n-11+i%3, i/3, d)
			s.set(i/3, n-11+i%3, d)
		}
	}
	return s
}

func grid(n int) [][]bool {
	g := make([][]bool, n)
	cells := make([]bool, n*n)
	for i := range g {
		g[i] = cells[i*n : (i+1)*n]
	}
	return g
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// set draws a function module.
func (s *symbol) set(x, y int, dark bool) {
	s.dark[y][x], s.function[y][x] = dark, true
}

// finder draws a finder pattern with its separator, top-left at (x, y).
func (s *symbol) finder(x, y int) {
	for dy := -1; dy <= 7; dy++ {
		for dx := -1; dx <= 7; dx++ {
			i, j := x+dx, y+dy
			if i < 0 || j < 0 || i >= s.size || j >= s.size {
				continue
			}
			d := max(abs(dx-3), abs(dy-3)) // rings around the centre
			s.set(i, j, d != 2 && d != 4)
		}
	}
}

// place puts the codewords in the data area, in the standard's zigzag of
// two-module columns from the bottom right; remainder modules stay light.
func (s *symbol) place(codewords []byte) {
	bit := 0
	for right := s.size - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5 // the vertical timing pattern
		}
		upward := (right+1)&2 == 0
		for v := 0; v < s.size; v++ {
			y := v
			if upward {
				y = s.size - 1 - v
			}
			for x := right; x >= right-1; x-- {
				if s.function[y][x] || bit >= len(codewords)*8 {
					continue
				}
				s.dark[y][x] = codewords[bit/8]>>(7-bit%8)&1 != 0
				bit++
			}
		}
	}
}

// maskAt reports whether mask pattern m inverts the module (x, y).
func maskAt(m, x, y int) bool {
	switch m {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (x/3+y/2)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	}
	return ((x+y)%2+x*y%3)%2 == 0
}

func (s *symbol) applyMask(m int) {
	for y := range s.dark {
		for x := range s.dark[y] {
			if !s.function[y][x] && maskAt(m, x, y) {
				s.dark[y][x] = !s.dark[y][x]
			}
		}
	}
}

// formatBits is the 15-bit format information of level M with a mask:
// 5 data bits, 10 BCH bits, XOR 101010000010010.
func formatBits(mask int) int {
	data := 0b00<<3 | mask // level M is 00
	rem := data
	for i := 0; i < 10; i++ {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	return (data<<10 | rem&0x3ff) ^ 0x5412
}

// versionBits is the 18-bit version information: 6 data bits, 12 BCH bits.
func versionBits(version int) int {
	rem := version
	for i := 0; i < 12; i++ {
		rem = rem<<1 ^ (rem>>11)*0x1f25
	}
	return version<<12 | rem&0xfff
}

// drawFormat draws both copies of the format information.
func (s *symbol) drawFormat(mask int) {
	bits := formatBits(mask)
	n := s.size
	b := func(i int) bool { return bits>>i&1 != 0 }
	for i := 0; i <= 5; i++ {
		s.dark[i][8] = b(i)
	}
	s.dark[7][8], s.dark[8][8], s.dark[8][7] = b(6), b(7), b(8)
	for i := 9; i < 15; i++ {
		s.dark[8][14-i] = b(i)
	}
	for i := 0; i < 8; i++ {
		s.dark[8][n-1-i] = b(i)
	}
	for i := 8; i < 15; i++ {
		s.dark[n-15+i][8] = b(i)
	}
}

// penalty scores the symbol by the standard's four rules; the mask with
// the lowest score is used.
func (s *symbol) penalty() int {
	n := s.size
	score := 0
	at := func(x, y int, vertical bool) bool {
		if vertical {
			return s.dark[x][y]
		}
		return s.dark[y][x]
	}
	for _, vertical := range []bool{false, true} {
		for y := 0; y < n; y++ {
			// Rule 1: runs of five or more modules of one colour.
			run := 1
			for x := 1; x <= n; x++ {
				if x < n && at(x, y, vertical) == at(x-1, y, vertical) {
					run++
					continue
				}
				if run >= 5 {
					score += 3 + run - 5
				}
				run = 1
			}
			// Rule 3: 1:1:3:1:1 finder-like patterns with four light
			// modules on one side.
			for x := 0; x+7 <= n; x++ {
				if !(at(x, y, vertical) && !at(x+1, y, vertical) && at(x+2, y, vertical) && at(x+3, y, vertical) &&
					at(x+4, y, vertical) && !at(x+5, y, vertical) && at(x+6, y, vertical)) {
					continue
				}
				if lightRun(x-4, x, y, n, vertical, at) || lightRun(x+7, x+11, y, n, vertical, at) {
					score += 40
				}
			}
		}
	}
	// Rule 2: 2x2 blocks of one colour.
	dark := 0
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if s.dark[y][x] {
				dark++
			}
			if x+1 < n && y+1 < n {
				c := s.dark[y][x]
				if s.dark[y][x+1] == c && s.dark[y+1][x] == c && s.dark[y+1][x+1] == c {
					score += 3
				}
			}
		}
	}
	// Rule 4: distance of the dark share from 50%, in steps of 5%.
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1
	return score + 10*max(k, 0)
}

// lightRun reports whether modules from..to-1 of a line are all light,
// counting modules past the edge as light (the quiet zone).
func lightRun(from, to, y, n int, vertical bool, at func(x, y int, vertical bool) bool) bool {
	for x := from; x < to; x++ {
		if x >= 0 && x < n && at(x, y, vertical) {
			return false
		}
	}
	return true
}

// SVG encodes text and returns the symbol as a standalone SVG element.
func SVG(text string) (string, error) {
	c, err := Encode(text)
	if err != nil {
		return "", err
	}
	return c.SVG(), nil
}

// SVG returns the symbol as one <svg> element: a light background and one
// path of dark modules, quiet zone included, scaled by its container (one
// user unit per module). The text is carried in aria-label, escaped.
func (c *Code) SVG() string {
	n := c.Size()
	w := strconv.Itoa(n + 2*QuietZone)
	var b strings.Builder
	b.Grow(256 + n*n)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	b.WriteString(w + " " + w)
	b.WriteString(`" shape-rendering="crispEdges" role="img" aria-label="QR code: `)
	b.WriteString(attrEscaper.Replace(c.Text))
	b.WriteString(`"><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y, row := range c.Modules {
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			run := 1
			for x+run < n && row[x+run] {
				run++
			}
			// One rectangle per horizontal run of dark modules.
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+QuietZone, y+QuietZone, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}

// attrEscaper escapes text for an XML attribute value.
var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
