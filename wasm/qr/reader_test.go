package qr

// A reader of QR symbols written from ISO/IEC 18004, independent of the
// encoder under test: it checks the function patterns, reads the format and
// version information, removes the mask, reads the codewords in the
// standard's zigzag order, checks every block's Reed-Solomon codewords and
// parses the segments back into text. Versions 1 to 10 (a code_url needs at
// most version 7 at level M).

import (
	"fmt"
	"unicode/utf8"
)

// Error correction levels as the format information encodes them.
const (
	levelL = 1
	levelM = 0
	levelQ = 3
	levelH = 2
)

// blockSpec is one group of error-correction blocks.
type blockSpec struct{ count, data int }

// versionSpec is the codeword layout of one version at one level: EC
// codewords per block and the block groups (ISO/IEC 18004 table 9).
type versionSpec struct {
	ec     int
	groups []blockSpec
}

var layouts = map[int]map[int]versionSpec{
	1:  {levelL: {7, []blockSpec{{1, 19}}}, levelM: {10, []blockSpec{{1, 16}}}, levelQ: {13, []blockSpec{{1, 13}}}, levelH: {17, []blockSpec{{1, 9}}}},
	2:  {levelL: {10, []blockSpec{{1, 34}}}, levelM: {16, []blockSpec{{1, 28}}}, levelQ: {22, []blockSpec{{1, 22}}}, levelH: {28, []blockSpec{{1, 16}}}},
	3:  {levelL: {15, []blockSpec{{1, 55}}}, levelM: {26, []blockSpec{{1, 44}}}, levelQ: {18, []blockSpec{{2, 17}}}, levelH: {22, []blockSpec{{2, 13}}}},
	4:  {levelL: {20, []blockSpec{{1, 80}}}, levelM: {18, []blockSpec{{2, 32}}}, levelQ: {26, []blockSpec{{2, 24}}}, levelH: {16, []blockSpec{{4, 9}}}},
	5:  {levelL: {26, []blockSpec{{1, 108}}}, levelM: {24, []blockSpec{{2, 43}}}, levelQ: {18, []blockSpec{{2, 15}, {2, 16}}}, levelH: {22, []blockSpec{{2, 11}, {2, 12}}}},
	6:  {levelL: {18, []blockSpec{{2, 68}}}, levelM: {16, []blockSpec{{4, 27}}}, levelQ: {24, []blockSpec{{4, 19}}}, levelH: {28, []blockSpec{{4, 15}}}},
	7:  {levelL: {20, []blockSpec{{2, 78}}}, levelM: {18, []blockSpec{{4, 31}}}, levelQ: {18, []blockSpec{{2, 14}, {4, 15}}}, levelH: {26, []blockSpec{{4, 13}, {1, 14}}}},
	8:  {levelL: {24, []blockSpec{{2, 97}}}, levelM: {22, []blockSpec{{2, 38}, {2, 39}}}, levelQ: {22, []blockSpec{{4, 18}, {2, 19}}}, levelH: {26, []blockSpec{{4, 14}, {2, 15}}}},
	9:  {levelL: {30, []blockSpec{{2, 116}}}, levelM: {22, []blockSpec{{3, 36}, {2, 37}}}, levelQ: {20, []blockSpec{{4, 16}, {4, 17}}}, levelH: {24, []blockSpec{{4, 12}, {4, 13}}}},
	10: {levelL: {18, []blockSpec{{2, 68}, {2, 69}}}, levelM: {26, []blockSpec{{4, 43}, {1, 44}}}, levelQ: {24, []blockSpec{{6, 19}, {2, 20}}}, levelH: {28, []blockSpec{{6, 15}, {2, 16}}}},
}

// alignment lists the alignment pattern centre coordinates per version.
var alignment = map[int][]int{
	1: nil, 2: {6, 18}, 3: {6, 22}, 4: {6, 26}, 5: {6, 30}, 6: {6, 34},
	7: {6, 22, 38}, 8: {6, 24, 42}, 9: {6, 26, 46}, 10: {6, 28, 50},
}

// symbolReader reads one symbol.
type symbolReader struct {
	m        [][]bool
	n, ver   int
	function [][]bool // modules that belong to function patterns
}

func newSymbolReader(m [][]bool) (*symbolReader, error) {
	n := len(m)
	for _, row := range m {
		if len(row) != n {
			return nil, fmt.Errorf("symbol is not square: row of %d modules in a %d-row symbol", len(row), n)
		}
	}
	if n < 21 || (n-17)%4 != 0 {
		return nil, fmt.Errorf("symbol width %d is not 17+4*version", n)
	}
	ver := (n - 17) / 4
	if ver > 10 {
		return nil, fmt.Errorf("version %d is beyond what this reader handles (1..10)", ver)
	}
	r := &symbolReader{m: m, n: n, ver: ver}
	r.function = make([][]bool, n)
	for i := range r.function {
		r.function[i] = make([]bool, n)
	}
	return r, nil
}

func (r *symbolReader) mark(x, y, w, h int) {
	for j := y; j < y+h; j++ {
		for i := x; i < x+w; i++ {
			if i >= 0 && j >= 0 && i < r.n && j < r.n {
				r.function[j][i] = true
			}
		}
	}
}

// checkFinder checks a finder pattern with its separator whose top-left
// module is at (x, y).
func (r *symbolReader) checkFinder(x, y int) error {
	for dy := -1; dy <= 7; dy++ {
		for dx := -1; dx <= 7; dx++ {
			i, j := x+dx, y+dy
			if i < 0 || j < 0 || i >= r.n || j >= r.n {
				continue
			}
			var want bool
			switch {
			case dx == -1 || dy == -1 || dx == 7 || dy == 7:
				want = false // separator
			case dx == 0 || dy == 0 || dx == 6 || dy == 6:
				want = true // outer ring
			case dx == 1 || dy == 1 || dx == 5 || dy == 5:
				want = false
			default:
				want = true // 3x3 centre
			}
			if r.m[j][i] != want {
				return fmt.Errorf("finder pattern at (%d,%d): module (%d,%d) is %v, want %v", x, y, i, j, r.m[j][i], want)
			}
		}
	}
	return nil
}

// checkFunctionPatterns checks the finder, timing and alignment patterns
// and the dark module, and marks every function module.
func (r *symbolReader) checkFunctionPatterns() error {
	n := r.n
	for _, p := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
		if err := r.checkFinder(p[0], p[1]); err != nil {
			return err
		}
	}
	r.mark(0, 0, 9, 9)
	r.mark(n-8, 0, 8, 9)
	r.mark(0, n-8, 9, 8)
	for i := 8; i < n-8; i++ {
		if r.m[6][i] != (i%2 == 0) || r.m[i][6] != (i%2 == 0) {
			return fmt.Errorf("timing pattern broken at %d", i)
		}
	}
	r.mark(0, 6, n, 1)
	r.mark(6, 0, 1, n)
	pos := alignment[r.ver]
	for _, cy := range pos {
		for _, cx := range pos {
			if (cx == 6 && cy == 6) || (cx == 6 && cy == pos[len(pos)-1]) || (cy == 6 && cx == pos[len(pos)-1]) {
				continue // overlaps a finder pattern
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					d := max(dx*dx, dy*dy)
					want := d != 1
					if r.m[cy+dy][cx+dx] != want {
						return fmt.Errorf("alignment pattern at (%d,%d) broken at (%d,%d)", cx, cy, cx+dx, cy+dy)
					}
				}
			}
			r.mark(cx-2, cy-2, 5, 5)
		}
	}
	if !r.m[4*r.ver+9][8] {
		return fmt.Errorf("dark module at (8,%d) is light", 4*r.ver+9)
	}
	if r.ver >= 7 {
		r.mark(n-11, 0, 3, 6)
		r.mark(0, n-11, 6, 3)
	}
	return nil
}

// bchFormat returns the 15-bit format information for 5 data bits
// (level<<3 | mask), masked with 101010000010010.
func bchFormat(data int) int {
	v := data << 10
	for i := 14; i >= 10; i-- {
		if v&(1<<i) != 0 {
			v ^= 0x537 << (i - 10)
		}
	}
	return (data<<10 | v) ^ 0x5412
}

// bchVersion returns the 18-bit version information for a version.
func bchVersion(ver int) int {
	v := ver << 12
	for i := 17; i >= 12; i-- {
		if v&(1<<i) != 0 {
			v ^= 0x1f25 << (i - 12)
		}
	}
	return ver<<12 | v
}

// readFormat reads both copies of the format information and returns the
// level and mask.
func (r *symbolReader) readFormat() (level, mask int, err error) {
	n := r.n
	bit := func(x, y int) int {
		if r.m[y][x] {
			return 1
		}
		return 0
	}
	// Copy 1, around the top-left finder, bit 14 first.
	var a int
	for _, p := range [][2]int{{0, 8}, {1, 8}, {2, 8}, {3, 8}, {4, 8}, {5, 8}, {7, 8}, {8, 8}, {8, 7}, {8, 5}, {8, 4}, {8, 3}, {8, 2}, {8, 1}, {8, 0}} {
		a = a<<1 | bit(p[0], p[1])
	}
	// Copy 2, split between the other two finders, bit 14 first.
	var b int
	for i := 0; i < 7; i++ {
		b = b<<1 | bit(8, n-1-i)
	}
	for i := 8; i >= 1; i-- {
		b = b<<1 | bit(n-i, 8)
	}
	if a != b {
		return 0, 0, fmt.Errorf("the two copies of the format information differ: %015b vs %015b", a, b)
	}
	for d := 0; d < 32; d++ {
		if bchFormat(d) == a {
			return d >> 3, d & 7, nil
		}
	}
	return 0, 0, fmt.Errorf("format information %015b is not a valid BCH codeword", a)
}

// readVersion checks both copies of the version information (version 7+).
func (r *symbolReader) readVersion() error {
	if r.ver < 7 {
		return nil
	}
	want := bchVersion(r.ver)
	var a, b int
	for i := 17; i >= 0; i-- {
		// Bit i sits at (i/3, n-11+i%3) in the bottom-left block and
		// transposed in the top-right block.
		if r.m[r.n-11+i%3][i/3] {
			a |= 1 << i
		}
		if r.m[i/3][r.n-11+i%3] {
			b |= 1 << i
		}
	}
	if a != want || b != want {
		return fmt.Errorf("version information %018b / %018b, want %018b for version %d", a, b, want, r.ver)
	}
	return nil
}

func maskBit(mask, x, y int) bool {
	switch mask {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (y/2+x/3)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	default:
		return ((x+y)%2+x*y%3)%2 == 0
	}
}

// readCodewords reads the data area in zigzag order, unmasked.
func (r *symbolReader) readCodewords(mask int) []byte {
	var out []byte
	var cur byte
	nbits := 0
	up := true
	for right := r.n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5 // skip the vertical timing column
		}
		for k := 0; k < r.n; k++ {
			y := k
			if up {
				y = r.n - 1 - k
			}
			for _, x := range []int{right, right - 1} {
				if r.function[y][x] {
					continue
				}
				v := r.m[y][x] != maskBit(mask, x, y)
				cur <<= 1
				if v {
					cur |= 1
				}
				nbits++
				if nbits == 8 {
					out = append(out, cur)
					cur, nbits = 0, 0
				}
			}
		}
		up = !up
	}
	return out // remainder bits dropped
}

// GF(256) with the QR polynomial x^8+x^4+x^3+x^2+1.
var rdExp, rdLog [512]int

func init() {
	x := 1
	for i := 0; i < 255; i++ {
		rdExp[i] = x
		rdLog[x] = i
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11d
		}
	}
	for i := 255; i < 512; i++ {
		rdExp[i] = rdExp[i-255]
	}
}

func rdMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	return rdExp[rdLog[a]+rdLog[b]]
}

// rsRemainder returns the ec Reed-Solomon codewords of data.
func rsRemainder(data []byte, ec int) []byte {
	// Generator (x - a^0)(x - a^1)...(x - a^(ec-1)), highest degree first.
	gen := []int{1}
	for i := 0; i < ec; i++ {
		next := make([]int, len(gen)+1)
		for j, c := range gen {
			next[j] ^= c
			next[j+1] ^= rdMul(c, rdExp[i])
		}
		gen = next
	}
	rem := make([]int, ec)
	for _, d := range data {
		f := int(d) ^ rem[0]
		copy(rem, rem[1:])
		rem[ec-1] = 0
		for j := 0; j < ec; j++ {
			rem[j] ^= rdMul(gen[j+1], f)
		}
	}
	out := make([]byte, ec)
	for i, v := range rem {
		out[i] = byte(v)
	}
	return out
}

// deinterleave splits the codewords into blocks, checks each block's EC
// codewords and returns the data codewords in order.
func deinterleave(cw []byte, spec versionSpec) ([]byte, error) {
	var sizes []int
	for _, g := range spec.groups {
		for i := 0; i < g.count; i++ {
			sizes = append(sizes, g.data)
		}
	}
	total := 0
	for _, s := range sizes {
		total += s + spec.ec
	}
	if len(cw) != total {
		return nil, fmt.Errorf("symbol holds %d codewords, the layout needs %d", len(cw), total)
	}
	blocks := make([][]byte, len(sizes))
	k := 0
	maxData := sizes[len(sizes)-1]
	for i := 0; i < maxData; i++ {
		for b, s := range sizes {
			if i < s {
				blocks[b] = append(blocks[b], cw[k])
				k++
			}
		}
	}
	ecs := make([][]byte, len(sizes))
	for i := 0; i < spec.ec; i++ {
		for b := range sizes {
			ecs[b] = append(ecs[b], cw[k])
			k++
		}
	}
	var data []byte
	for b := range blocks {
		want := rsRemainder(blocks[b], spec.ec)
		if string(want) != string(ecs[b]) {
			return nil, fmt.Errorf("block %d: Reed-Solomon codewords % x, want % x", b, ecs[b], want)
		}
		data = append(data, blocks[b]...)
	}
	return data, nil
}

// bitReader reads big-endian bit fields.
type bitReader struct {
	b   []byte
	pos int
}

func (br *bitReader) left() int { return len(br.b)*8 - br.pos }

func (br *bitReader) read(n int) (int, error) {
	if n > br.left() {
		return 0, fmt.Errorf("segment runs past the data codewords")
	}
	v := 0
	for i := 0; i < n; i++ {
		v = v<<1 | int(br.b[br.pos/8]>>(7-br.pos%8)&1)
		br.pos++
	}
	return v, nil
}

const alnumChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// parseSegments decodes numeric, alphanumeric and byte segments.
func parseSegments(data []byte, ver int) (string, error) {
	br := &bitReader{b: data}
	var out []byte
	countBits := func(mode int) int {
		small := map[int]int{1: 10, 2: 9, 4: 8}
		large := map[int]int{1: 12, 2: 11, 4: 16}
		if ver <= 9 {
			return small[mode]
		}
		return large[mode]
	}
	for br.left() >= 4 {
		mode, _ := br.read(4)
		if mode == 0 {
			break // terminator
		}
		if mode != 1 && mode != 2 && mode != 4 {
			return "", fmt.Errorf("unexpected segment mode %04b", mode)
		}
		count, err := br.read(countBits(mode))
		if err != nil {
			return "", err
		}
		switch mode {
		case 1:
			for ; count >= 3; count -= 3 {
				v, err := br.read(10)
				if err != nil {
					return "", err
				}
				out = fmt.Appendf(out, "%03d", v)
			}
			if count == 2 {
				v, err := br.read(7)
				if err != nil {
					return "", err
				}
				out = fmt.Appendf(out, "%02d", v)
			} else if count == 1 {
				v, err := br.read(4)
				if err != nil {
					return "", err
				}
				out = fmt.Appendf(out, "%d", v)
			}
		case 2:
			for ; count >= 2; count -= 2 {
				v, err := br.read(11)
				if err != nil {
					return "", err
				}
				out = append(out, alnumChars[v/45], alnumChars[v%45])
			}
			if count == 1 {
				v, err := br.read(6)
				if err != nil {
					return "", err
				}
				out = append(out, alnumChars[v])
			}
		case 4:
			for i := 0; i < count; i++ {
				v, err := br.read(8)
				if err != nil {
					return "", err
				}
				out = append(out, byte(v))
			}
		}
	}
	if !utf8.Valid(out) {
		return "", fmt.Errorf("decoded bytes are not UTF-8: %q", out)
	}
	return string(out), nil
}

// readSymbol reads a symbol back: its level, its data codewords and text.
type readResult struct {
	level, mask int
	data        []byte
	text        string
}

func readSymbol(m [][]bool) (*readResult, error) {
	r, err := newSymbolReader(m)
	if err != nil {
		return nil, err
	}
	if err := r.checkFunctionPatterns(); err != nil {
		return nil, err
	}
	level, mask, err := r.readFormat()
	if err != nil {
		return nil, err
	}
	if err := r.readVersion(); err != nil {
		return nil, err
	}
	data, err := deinterleave(r.readCodewords(mask), layouts[r.ver][level])
	if err != nil {
		return nil, err
	}
	text, err := parseSegments(data, r.ver)
	if err != nil {
		return nil, err
	}
	return &readResult{level: level, mask: mask, data: data, text: text}, nil
}
