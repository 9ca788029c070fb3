package scan

import (
	"bytes"

	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
)

// This file unwraps JSON string escaping: a body held in a JSON string
// ("{\"rsp_code\":...}"), once or more.

// maxEscapes bounds how many times a body may have been escaped.
const maxEscapes = 4

// unescapeJSON returns the content of a JSON string with its escapes
// decoded and, when withTab is set, the offset in src of each byte of the
// result (len(result)+1 entries). It is lenient: an invalid escape is
// copied as it stands; a lone surrogate becomes U+FFFD.
func unescapeJSON(src []byte, withTab bool) ([]byte, []int) {
	var tab []int
	if withTab {
		tab = make([]int, 0, len(src)+1)
	}
	return jsontok.AppendUnescaped(make([]byte, 0, len(src)), tab, src, withTab)
}

// tryEscaped tries an escaped object at b[p] == '{', b[p+1] == '\\' (the
// content of a JSON string, seen without its quotes or with them): it
// unescapes the rest of the line as many times as needed for a JSON object
// to parse at its start, and searches that object. The text is unescaped
// in growing pieces, so a failure costs what the parse read.
func (s *scanner) tryEscaped(v *view, p int, ts *textState) (next int, more bool) {
	b := v.b
	if v.depth+1 > maxDepth {
		return p + 1, false
	}
	final := s.finalAt(v, p)
	if p >= ts.lineEnd { // the line end found for an earlier p is this one's too
		ts.lineEnd = len(b)
		if j := bytes.IndexByte(b[p:], '\n'); j >= 0 {
			ts.lineEnd = p + j
		}
		s.work += ts.lineEnd - p
	}
	le := ts.lineEnd
	open := le == len(b) && !final // the line may go on past b
	for size := 16; ; size *= 2 {
		lim := min(p+size, le)
		for lim < le && b[lim-1] == '\\' {
			lim++
		}
		evBase := len(s.ev)
		text, tab, levels, end, status := s.unescapeObject(b[p:lim], lim == le && !open)
		switch status {
		case escOK:
			// The object's events are kept: it is walked without a
			// second parse.
			s.work += end
			sc := s.scratchFor(v.depth + 1)
			sc.text = append(sc.text, text[:end]...)
			for _, t := range tab[:end+1] {
				sc.tab = append(sc.tab, t+p)
			}
			via := make([]string, levels)
			for i := range via {
				via[i] = ViaJSONString
			}
			next := sc.tab[end]
			s.handleObject(v.mapped(sc.text, sc.tab, via...), 0, evBase)
			return next, false
		case escMore:
			if lim < le {
				continue
			}
			if open {
				return p, true
			}
		case escBad:
			for _, c := range s.cover {
				mark(&ts.esc, p+tab[c])
			}
		}
		return p + 1, false
	}
}

const (
	escOK = iota
	escMore
	escBad
)

// unescapeObject unescapes src until a JSON object parses at its start. It
// returns the text (in scratch buffers of s), the offset in src of each of
// its bytes, the number of times it was unescaped and the end of the
// object, whose events are left in s.ev. On escBad, s.cover holds offsets
// in the text (see parseObject).
func (s *scanner) unescapeObject(src []byte, final bool) (text []byte, tab []int, levels, end, status int) {
	text = src
	for levels = 1; levels <= maxEscapes; levels++ {
		// Two pairs of scratch buffers, used in turn.
		k := levels & 1
		s.work += len(text)
		prev := text
		out, t := jsontok.AppendUnescaped(s.utext[k][:0], s.utab[k][:0], text, true)
		s.utext[k], s.utab[k] = out, t
		if tab != nil {
			for i, o := range t {
				t[i] = tab[o]
			}
		}
		text, tab = out, t
		if len(text) == 0 || text[0] != '{' {
			break
		}
		end, more := s.parseObject(text, 0, final)
		if end > 0 {
			return text, tab, levels, end, escOK
		}
		if more {
			return nil, nil, 0, 0, escMore
		}
		j := 1
		for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n') {
			j++
		}
		if j >= len(text) || text[j] != '\\' || len(text) == len(prev) {
			// Not escaped again; or nothing was unescaped, and
			// unescaping once more would give the same text.
			return text, tab, levels, 0, escBad
		}
	}
	s.cover = s.cover[:0]
	return text, tab, levels, 0, escBad
}
