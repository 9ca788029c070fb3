package scan

import "slices"

// This file unwraps a body given as Base64: standard or URL-safe, with or
// without padding, on one line or wrapped in lines of equal length.

// minBase64 is the length of the shortest Base64 run worth decoding: the
// smallest envelope is longer than 18 bytes.
const minBase64 = 24

const (
	b64Space = 0xFE
	b64Stop  = 0xFF
)

// b64val maps a byte to its value in either Base64 alphabet.
var b64val = func() (t [256]byte) {
	for i := range t {
		t[i] = b64Stop
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range len(std) {
		t[std[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63
	for _, c := range " \t\r\n" {
		t[c] = b64Space
	}
	return t
}()

// isB64 reports whether c belongs to either Base64 alphabet (padding
// excluded).
func isB64(c byte) bool { return b64val[c] < 64 }

// decodeBase64 decodes src leniently: either alphabet, whitespace skipped,
// stopping at padding or at the first byte of neither alphabet.
func decodeBase64(src []byte) []byte { return appendBase64(nil, src) }

// appendBase64 is decodeBase64 appending to out.
func appendBase64(out, src []byte) []byte {
	out = slices.Grow(out, len(src)/4*3+3)
	var acc uint32
	n := 0
	for _, c := range src {
		d := b64val[c]
		if d == b64Space {
			continue
		}
		if d >= 64 {
			break
		}
		acc = acc<<6 | uint32(d)
		if n++; n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		out = append(out, byte(acc>>4))
	case 3:
		out = append(out, byte(acc>>10), byte(acc>>2))
	}
	return out
}

// startsJSON says whether b starts with a JSON object or array, after
// whitespace and a byte order mark.
func startsJSON(b []byte) bool {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		b = b[3:]
	}
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}

func skipPadding(b []byte, i int) int {
	for k := 0; k < 2 && i < len(b) && b[i] == '='; k++ {
		i++
	}
	return i
}

// tryBase64 tries a Base64 run at b[p]. The Base64 of a JSON object starts
// "ey" ('{' then '"' or a space) or "ew" ('{' then a line break), of an
// array "W3", "Wy" or "Ww". It returns the offset to go on from: after the
// run when it decoded to JSON, after the first word otherwise, or p when
// there is no run.
func (s *scanner) tryBase64(v *view, p int) (next int, more bool) {
	b := v.b
	n := len(b)
	final := s.finalAt(v, p)
	if p+1 >= n || !(b[p] == 'e' && (b[p+1] == 'y' || b[p+1] == 'w') ||
		b[p] == 'W' && (b[p+1] == '3' || b[p+1] == 'y' || b[p+1] == 'w')) {
		return p, false
	}
	e := p
	for e < n && isB64(b[e]) {
		e++
	}
	s.work += e - p
	if e == n && !final {
		return p, true
	}
	width := e - p
	if width < minBase64 {
		return e, false
	}
	var head [9]byte
	if !startsJSON(appendBase64(head[:0], b[p:p+8])) {
		return e, false
	}
	end := skipPadding(b, e)
	if end == e && width%4 == 0 {
		// Lines of equal width, perhaps a last shorter one, separated by
		// spaces or one line break.
		q := e
		for {
			g, breaks := q, 0
			for g < n && (b[g] == ' ' || b[g] == '\t' || b[g] == '\r' || b[g] == '\n') {
				if b[g] == '\n' {
					breaks++
				}
				g++
			}
			s.work += g - q
			if g == q || breaks > 1 {
				break
			}
			if g == n {
				if !final {
					return p, true
				}
				break
			}
			e2 := g
			for e2 < n && isB64(b[e2]) {
				e2++
			}
			s.work += e2 - g
			if e2 == n && !final {
				return p, true
			}
			w := e2 - g
			if w == 0 || w > width {
				break
			}
			pe := skipPadding(b, e2)
			if w == width && pe == e2 {
				end, q = e2, e2
				continue
			}
			// A last, shorter line: taken when padded or ending its line.
			le := pe
			for le < n && (b[le] == ' ' || b[le] == '\t' || b[le] == '\r') {
				le++
			}
			s.work += le - e2
			if le == n && !final {
				return p, true
			}
			if pe > e2 || le == n || b[le] == '\n' {
				end = pe
			}
			break
		}
	}
	if v.depth+1 > maxDepth {
		return end, false
	}
	s.work += end - p
	sc := s.scratchFor(v.depth + 1)
	sc.text = appendBase64(sc.text, b[p:end])
	s.scanView(v.decoded(sc.text, p, end, ViaBase64), 0)
	return end, false
}
