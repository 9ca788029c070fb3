package codec

import (
	"math"
	"strconv"
	"strings"
)

// This file is the numbers dimension of the sender rules (and the ints
// dimension, which says whether integer literals keep their text): a JSON
// number literal rendered as each sender's runtime turns the number it
// parsed into text.

// appendNumber renders the JSON number literal lit under s. top is false
// inside nested values, where the ".0" of numbers=dot0 is not appended
// (the habit concatenates top-level values only).
func appendNumber(dst []byte, lit string, s spec, top bool) []byte {
	if s.v[dimInts] == intsKeep && isIntLiteral(lit) {
		if strings.TrimLeft(lit, "-0") == "" {
			return append(dst, '0') // -0 parses as the integer 0
		}
		return append(dst, lit...)
	}
	switch s.v[dimNumbers] {
	case numPHP:
		return appendPHPNumber(dst, lit)
	case numJava:
		f, _ := strconv.ParseFloat(lit, 64)
		return appendJavaDouble(dst, f)
	case numJS, numDot0:
		f, _ := strconv.ParseFloat(lit, 64)
		dst = appendJSNumber(dst, f)
		if s.v[dimNumbers] == numDot0 && top {
			dst = append(dst, ".0"...)
		}
		return dst
	}
	return append(dst, lit...)
}

// isIntLiteral reports whether the number literal lit has neither a
// fraction nor an exponent.
func isIntLiteral(lit string) bool { return !strings.ContainsAny(lit, ".eE") }

// shortest returns the shortest decimal digits that round-trip f (f > 0,
// finite) and the decimal point position: f = 0.DIGITS * 10^decpt.
func shortest(buf []byte, f float64, prec int) ([]byte, int) {
	b := strconv.AppendFloat(buf[:0], f, 'e', prec, 64)
	// d.ddddde±XX
	e := 0
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == 'e' {
			exp, _ := strconv.Atoi(string(b[i+1:]))
			e = exp
			b = b[:i]
			break
		}
	}
	digits := b[:0]
	for _, c := range b {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	return digits, e + 1
}

func appendZeros(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, '0')
	}
	return dst
}

// appendJSNumber renders f as JavaScript's Number.prototype.toString does.
func appendJSNumber(dst []byte, f float64) []byte {
	switch {
	case f == 0:
		return append(dst, '0')
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [32]byte
	d, n := shortest(buf[:], f, -1)
	k := len(d)
	switch {
	case k <= n && n <= 21:
		dst = append(dst, d...)
		return appendZeros(dst, n-k)
	case 0 < n && n <= 21:
		dst = append(dst, d[:n]...)
		dst = append(dst, '.')
		return append(dst, d[n:]...)
	case -6 < n && n <= 0:
		dst = append(dst, '0', '.')
		dst = appendZeros(dst, -n)
		return append(dst, d...)
	}
	dst = append(dst, d[0])
	if k > 1 {
		dst = append(dst, '.')
		dst = append(dst, d[1:]...)
	}
	dst = append(dst, 'e')
	if n-1 >= 0 {
		dst = append(dst, '+')
	}
	return strconv.AppendInt(dst, int64(n-1), 10)
}

// appendJavaDouble renders f as Java's Double.toString does (as specified
// since Java 19: the shortest decimal that identifies f, at least two
// digits; older releases print a few values with more digits, 1.0E23 as
// 9.999999999999999E22).
func appendJavaDouble(dst []byte, f float64) []byte {
	switch {
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [32]byte
	d, n := shortest(buf[:], f, -1)
	if len(d) == 1 {
		// Java prints at least two digits, the two closest to f: this
		// differs from d.0 for subnormals only (4.9E-324).
		d, n = shortest(buf[:], f, 1)
	}
	k := len(d)
	if f >= 1e-3 && f < 1e7 {
		switch {
		case n <= 0:
			dst = append(dst, '0', '.')
			dst = appendZeros(dst, -n)
			return append(dst, d...)
		case k <= n:
			dst = append(dst, d...)
			dst = appendZeros(dst, n-k)
			return append(dst, '.', '0')
		}
		dst = append(dst, d[:n]...)
		dst = append(dst, '.')
		return append(dst, d[n:]...)
	}
	dst = append(dst, d[0], '.')
	if k > 1 {
		dst = append(dst, d[1:]...)
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(n-1), 10)
}

// appendPHPNumber renders a JSON number literal as PHP does after
// json_decode: an integer literal that fits in 64 bits as an int, every
// other number as a float converted to string with precision 14.
func appendPHPNumber(dst []byte, lit string) []byte {
	if !strings.ContainsAny(lit, ".eE") {
		if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
			return strconv.AppendInt(dst, n, 10)
		}
	}
	f, _ := strconv.ParseFloat(lit, 64)
	return appendPHPFloat(dst, f)
}

// appendPHPFloat renders f as PHP's (string) cast does with the default
// precision of 14 ("%.14G", with ".0" added to a one-digit mantissa).
func appendPHPFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "INF"...)
	case math.IsInf(f, -1):
		return append(dst, "-INF"...)
	}
	if math.Signbit(f) {
		dst = append(dst, '-')
		f = -f
	}
	if f == 0 {
		return append(dst, '0')
	}
	var buf [32]byte
	d, n := shortest(buf[:], f, 13)
	const precision = 14
	if n < -3 || n > precision {
		dst = append(dst, d[0], '.')
		if len(d) > 1 {
			dst = append(dst, d[1:]...)
		} else {
			dst = append(dst, '0')
		}
		dst = append(dst, 'E')
		e := n - 1
		if e < 0 {
			dst = append(dst, '-')
			e = -e
		} else {
			dst = append(dst, '+')
		}
		return strconv.AppendInt(dst, int64(e), 10)
	}
	if n <= 0 {
		dst = append(dst, '0', '.')
		dst = appendZeros(dst, -n)
		return append(dst, d...)
	}
	if len(d) <= n {
		dst = append(dst, d...)
		return appendZeros(dst, n-len(d))
	}
	dst = append(dst, d[:n]...)
	dst = append(dst, '.')
	return append(dst, d[n:]...)
}
