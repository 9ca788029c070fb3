package codec

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
)

// This file is the nested dimension: a nested object or array rendered as
// each sender's runtime turns it into text. The nested value's compact
// JSON text is read with the one JSON tokenizer (package jsontok, worded
// for this package by json.go), token by token, and rendered as it is
// read; no tree is built.

// appendNested appends the rendering under s of text, the compact JSON
// text of a nested object or array.
func appendNested(dst []byte, text string, s spec) ([]byte, *Error) {
	style := s.v[dimNested]
	switch {
	case style == nestedPHP:
		return append(dst, "Array"...), nil
	case style == nestedJS && text != "" && text[0] == '{':
		return append(dst, "[object Object]"...), nil
	}
	if err := checkText(text, LayerEncode); err != nil {
		return dst, err
	}
	w := nestedWriter{p: newParser(text, LayerEncode), s: s, style: style}
	defer w.p.Release()
	dst, err := w.value(dst, 2)
	if err != nil {
		return dst, err
	}
	if !w.p.AtEnd() {
		return dst, w.p.syntax("expected the end of the nested value")
	}
	return dst, nil
}

// nestedWriter renders one nested value as it reads it.
type nestedWriter struct {
	p     parser
	s     spec
	style uint8
	skip  []byte // the text of values read only to pass over them
	spans []span // the members of the JSON objects being written
}

// span is one member written by a JSON object: dst[start:end], and its
// key's array index, if it is one.
type span struct {
	start, end int
	index      uint32
	isIndex    bool
}

// value reads the value at p.I and appends its rendering. depth is the
// nesting depth of the value if it is an object or array.
func (w *nestedWriter) value(dst []byte, depth int) ([]byte, *Error) {
	p := &w.p
	p.SkipSpace()
	switch c := p.Peek(); c {
	case '{', '[':
		if c == '{' && w.style == nestedJS {
			var err *Error
			w.skip, _, err = p.value(w.skip[:0], depth)
			return append(dst, "[object Object]"...), err
		}
		empty, err := p.Enter(depth)
		if err != nil {
			return dst, p.fail(err)
		}
		if c == '[' {
			return w.array(dst, depth, empty)
		}
		return w.object(dst, depth, empty)
	case '"':
		t, err := p.str()
		if err != nil {
			return dst, err
		}
		if w.style == nestedJSON {
			return appendQuoted(dst, t), nil
		}
		return append(dst, t...), nil
	case 0:
		if p.I >= len(p.S) {
			return dst, p.syntax("expected a value")
		}
	}
	start := p.I
	k, err := p.scalar()
	if err != nil {
		return dst, err
	}
	lit := p.S[start:p.I]
	switch k {
	case KindNumber:
		switch w.style {
		case nestedJSON:
			f, _ := strconv.ParseFloat(lit, 64)
			if math.IsInf(f, 0) {
				return append(dst, "null"...), nil // JSON.stringify(Infinity)
			}
			return appendJSNumber(dst, f), nil
		case nestedJS:
			f, _ := strconv.ParseFloat(lit, 64)
			return appendJSNumber(dst, f), nil
		}
		return appendNumber(dst, lit, w.s, false), nil // Java: the runtime's numbers
	case KindNull:
		if w.style == nestedJS {
			return dst, nil // Array.prototype.join writes null as ""
		}
	}
	return append(dst, lit...), nil
}

// array renders the array whose '[' was read (empty if its ']' was too):
// [a,b] as JSON, a,b as JavaScript's String(), [a, b] as Java's
// List.toString.
func (w *nestedWriter) array(dst []byte, depth int, empty bool) ([]byte, *Error) {
	p := &w.p
	open, sep, closer := "[", ",", "]"
	switch w.style {
	case nestedJS:
		open, closer = "", ""
	case nestedJava, nestedGson:
		sep = ", "
	}
	dst = append(dst, open...)
	for more := !empty; more; {
		var err *Error
		if dst, err = w.value(dst, depth+1); err != nil {
			return dst, err
		}
		var e *jsontok.Error
		if more, e = p.More(false); e != nil {
			return dst, p.fail(e)
		}
		if more {
			dst = append(dst, sep...)
		}
	}
	return append(dst, closer...), nil
}

// object renders the object whose '{' was read (empty if its '}' was
// too): as JSON.stringify writes it after JSON.parse (array-index keys
// first, in numeric order), or as Java's Map.toString ({k=v, k2=v2},
// members in order; gson drops null members, as Gson's toJson round trip
// does).
func (w *nestedWriter) object(dst []byte, depth int, empty bool) ([]byte, *Error) {
	p := &w.p
	json := w.style == nestedJSON
	sep := byte(',')
	if !json {
		sep = ' ' // written after a ','
	}
	dst = append(dst, '{')
	region := len(dst)
	base := len(w.spans)
	reorder := false
	n := 0
	for more := !empty; more; {
		key, e := p.Name()
		if e != nil {
			return dst, p.fail(e)
		}
		if w.style == nestedGson && strings.HasPrefix(p.S[p.I:], "null") {
			p.I += 4 // Gson leaves null members out
		} else {
			if n > 0 {
				dst = append(dst, ',')
				if !json {
					dst = append(dst, sep)
				}
			}
			n++
			sp := span{start: len(dst)}
			if json {
				dst = appendQuoted(dst, key)
				dst = append(dst, ':')
				sp.index, sp.isIndex = arrayIndex(key)
				reorder = reorder || sp.isIndex
			} else {
				dst = append(dst, key...)
				dst = append(dst, '=')
			}
			var err *Error
			if dst, err = w.value(dst, depth+1); err != nil {
				return dst, err
			}
			if json {
				sp.end = len(dst)
				w.spans = append(w.spans, sp)
			}
		}
		if more, e = p.More(true); e != nil {
			return dst, p.fail(e)
		}
	}
	if reorder {
		dst = reorderIndexKeys(dst, region, w.spans[base:])
	}
	w.spans = w.spans[:base]
	return append(dst, '}'), nil
}

// reorderIndexKeys rewrites the members written at dst[region:] with the
// array-index keys first, in numeric order, then the others in order, as
// JavaScript orders an object's own properties.
func reorderIndexKeys(dst []byte, region int, spans []span) []byte {
	tmp := append([]byte(nil), dst[region:]...)
	ord := make([]int, len(spans))
	for i := range ord {
		ord[i] = i
	}
	slices.SortStableFunc(ord, func(a, b int) int {
		x, y := spans[a], spans[b]
		switch {
		case x.isIndex && y.isIndex:
			return int(int64(x.index) - int64(y.index))
		case x.isIndex:
			return -1
		case y.isIndex:
			return 1
		}
		return 0
	})
	dst = dst[:region]
	for j, i := range ord {
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, tmp[spans[i].start-region:spans[i].end-region]...)
	}
	return dst
}

// arrayIndex reports whether k is a canonical array index, which
// JavaScript objects list first, in numeric order.
func arrayIndex(k string) (uint32, bool) {
	if k == "" || len(k) > 10 || (k[0] == '0' && len(k) > 1) {
		return 0, false
	}
	n, err := strconv.ParseUint(k, 10, 64)
	if err != nil || n >= math.MaxUint32 {
		return 0, false
	}
	return uint32(n), true
}
