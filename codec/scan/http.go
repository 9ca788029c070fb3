package scan

import (
	"bytes"

	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
)

// This file reads HTTP request and response dumps: a start line, headers,
// a blank line and the body, with LF or CRLF line endings, plain or with
// curl -v's "> " and "< " markers, the body possibly chunked.

var methods = [...]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// lineEnd returns the offset of the line feed ending the line at b[i], or
// len(b), and whether there was one.
func lineEnd(b []byte, i int) (int, bool) {
	if j := bytes.IndexByte(b[i:], '\n'); j >= 0 {
		return i + j, true
	}
	return len(b), false
}

func trimCR(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\r' || b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// httpVersion reads "HTTP/1.1", "HTTP/2" and the like at the start of b and
// returns the rest.
func httpVersion(b []byte) ([]byte, bool) {
	if !bytes.HasPrefix(b, []byte("HTTP/")) || len(b) < 6 || b[5] < '0' || b[5] > '9' {
		return nil, false
	}
	b = b[6:]
	if len(b) >= 2 && b[0] == '.' && b[1] >= '0' && b[1] <= '9' {
		b = b[2:]
	}
	return b, true
}

// startLine says whether line (without its line break) starts an HTTP
// request or response, and which.
func startLine(line []byte) (via string, method string) {
	line = trimCR(line)
	if rest, ok := httpVersion(line); ok {
		if len(rest) >= 4 && rest[0] == ' ' && isDigits(rest[1:4]) && (len(rest) == 4 || rest[4] == ' ') &&
			bytes.IndexByte(rest, '{') < 0 { // a body on the start line is no dump
			return ViaHTTPResponse, ""
		}
		return "", ""
	}
	for _, m := range methods {
		if len(line) > len(m)+1 && string(line[:len(m)]) == m && line[len(m)] == ' ' {
			rest := line[len(m)+1:]
			sp := bytes.IndexByte(rest, ' ')
			if sp <= 0 {
				return "", ""
			}
			if tail, ok := httpVersion(rest[sp+1:]); ok && len(tail) == 0 {
				return ViaHTTPRequest, m
			}
			return "", ""
		}
	}
	return "", ""
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// header splits a header line "Name: value".
func header(line []byte) (name, value []byte, ok bool) {
	i := 0
	if len(line) > 0 && line[0] == ':' { // HTTP/2 pseudo-header as some tools print it
		i = 1
	}
	for i < len(line) && isTokenByte(line[i]) {
		i++
	}
	if i == 0 || i >= len(line) || line[i] != ':' {
		return nil, nil, false
	}
	return line[:i], bytes.TrimSpace(line[i+1:]), true
}

func isTokenByte(c byte) bool {
	return isWordByte(c) || c != 0 && bytes.IndexByte([]byte("!#$%&'*+-.^`|~"), c) >= 0
}

// tryHTTP tries an HTTP dump whose start line begins at b[p], at the start
// of a line. It returns the end of the dump.
func (s *scanner) tryHTTP(v *view, p int) (next int, more, ok bool) {
	b := v.b
	n := len(b)
	final := s.finalAt(v, p)
	q := p
	var marker byte
	if b[q] == '>' || b[q] == '<' {
		if q+1 >= n || b[q+1] != ' ' {
			return p, false, false
		}
		marker = b[q]
		q += 2
	}
	le, has := lineEnd(b, q)
	s.work += 1 + 2*(le-q) // the attempt, the line and its start-line check
	if !has && !final {
		return p, true, false
	}
	kind, method := startLine(b[q:le])
	if kind == "" {
		return p, false, false
	}
	if kind == ViaHTTPRequest && v.depth+1 <= maxDepth {
		// The request target may carry a form in its query.
		line := trimCR(b[q:le])
		ts := q + len(method) + 1
		te := q + bytes.LastIndexByte(line, ' ')
		s.scanView(v.sub(ts, te, kind), 0)
	}
	contentLength, chunked := -1, false
	pos := min(le+1, n)
	bodyStart := -1
	for bodyStart < 0 {
		if pos >= n {
			if !final {
				return p, true, true
			}
			return n, false, true
		}
		le, has := lineEnd(b, pos)
		s.work += 2 * (le - pos) // the line, then the header in it
		if !has && !final {
			return p, true, true
		}
		line := trimCR(b[pos:le])
		if marker != 0 {
			if len(line) == 0 || line[0] != marker {
				bodyStart = pos
				break
			}
			line = bytes.TrimPrefix(line[1:], []byte{' '})
		}
		if len(bytes.TrimSpace(line)) == 0 {
			bodyStart = min(le+1, n)
			break
		}
		name, value, isHeader := header(line)
		if !isHeader {
			bodyStart = pos
			break
		}
		switch {
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case bytes.EqualFold(name, []byte("content-length")):
			if isDigits(value) && len(value) < 10 {
				contentLength = 0
				for _, c := range value {
					contentLength = contentLength*10 + int(c-'0')
				}
			}
		}
		pos = min(le+1, n)
	}
	if contentLength == 0 || contentLength < 0 && !chunked && (method == "GET" || method == "HEAD") {
		return bodyStart, false, true
	}
	bs := bodyStart
	for bs < n && (b[bs] == ' ' || b[bs] == '\t' || b[bs] == '\r' || b[bs] == '\n') {
		bs++
	}
	s.work += bs - bodyStart
	if bs >= n {
		if !final {
			return p, true, true
		}
		return n, false, true
	}
	// The next dump may follow at once: then this one has no body.
	ls := bs
	for ls > bodyStart && b[ls-1] != '\n' {
		ls--
	}
	le, has = lineEnd(b, ls)
	s.work += 2*(le-ls) + bs - ls // the line and its start-line check
	if !has && !final {
		return p, true, true
	}
	if line := b[ls:le]; len(line) > 2 && (line[0] == '>' || line[0] == '<') && line[1] == ' ' {
		if k, _ := startLine(line[2:]); k != "" {
			return ls, false, true
		}
	} else if k, _ := startLine(line); k != "" {
		return ls, false, true
	}
	if v.depth+1 > maxDepth {
		return bs, false, true
	}
	looks := false
	if !chunked && ls == bs {
		var more bool
		if looks, more = chunkedLooking(b, ls, le, final); more {
			return p, true, true
		}
	}
	s.work += 64 // chunkedLooking
	if chunked || looks {
		out, tab, end, reach, more, ok := dechunk(b, bs, final)
		s.work += 3 * (max(reach, end) - bs) // two readings and a copy
		if more {
			return p, true, true
		}
		if ok {
			s.scanView(v.mapped(out, tab, kind), 0)
			return end, false, true
		}
	}
	be, _ := lineEnd(b, bs)
	s.work += be - bs
	if b[bs] == '{' {
		evBase := len(s.ev)
		end, more := s.parseObject(b, bs, final)
		if more {
			return p, true, true
		}
		if end > 0 {
			// The body is one object: walked without a second parse.
			for k := evBase; k < len(s.ev); k++ {
				s.ev[k].start -= bs
				s.ev[k].end -= bs
			}
			s.handleObject(v.sub(bs, end, kind), 0, evBase)
			return end, false, true
		}
	}
	s.scanView(v.sub(bs, be, kind), 0)
	return be, false, true
}

// chunkSize reads a chunk-size line: hex digits, perhaps extensions.
func chunkSize(line []byte) (int, bool) {
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimSpace(line)
	if len(line) == 0 || len(line) > 7 {
		return 0, false
	}
	size := 0
	for _, c := range line {
		if !jsontok.IsHex(c) {
			return 0, false
		}
		size = size<<4 | int(unhex(c))
	}
	return size, true
}

// dechunk reassembles a chunked body starting at b[p]. Chunks are read by
// their sizes; when the sizes do not fit (line endings changed by a copy),
// the size lines are dropped with the line break before each. It returns
// the body with the offset in b of each of its bytes, and reach, the end
// of the text it read.
func dechunk(b []byte, p int, final bool) (out []byte, tab []int, end, reach int, more, ok bool) {
	n := len(b)
	add := func(from, to int) {
		for k := from; k < to; k++ {
			out = append(out, b[k])
			tab = append(tab, k)
		}
	}
	last := p
	i := p
	for {
		le, has := lineEnd(b, i)
		reach = max(reach, le)
		if !has && !final {
			return nil, nil, 0, reach, true, false
		}
		size, isSize := chunkSize(trimCR(b[i:le]))
		if !isSize {
			break
		}
		i = min(le+1, n)
		if size == 0 {
			if le, _ := lineEnd(b, i); i < n && len(trimCR(b[i:le])) == 0 {
				reach = max(reach, le)
				i = min(le+1, n)
			}
			return out, append(tab, last), i, max(reach, i), false, len(out) > 0
		}
		if i+size > n {
			if !final {
				return nil, nil, 0, reach, true, false
			}
			break
		}
		add(i, i+size)
		i += size
		reach = max(reach, i)
		last = i
		if i < n && b[i] == '\r' {
			i++
		}
		if i < n && b[i] == '\n' {
			i++
			continue
		}
		if i >= n && !final {
			return nil, nil, 0, reach, true, false
		}
		break
	}
	// By lines.
	out, tab = out[:0], tab[:0]
	i, last = p, p
	sized, stopped := false, false
	for i < n {
		le, has := lineEnd(b, i)
		reach = max(reach, le)
		if !has && !final {
			return nil, nil, 0, reach, true, false
		}
		line := trimCR(b[i:le])
		if size, isSize := chunkSize(line); isSize {
			for len(out) > 0 && (out[len(out)-1] == '\n' || out[len(out)-1] == '\r') {
				out, tab = out[:len(out)-1], tab[:len(tab)-1]
			}
			i, sized = min(le+1, n), true
			if size == 0 {
				if le, _ := lineEnd(b, i); i < n && len(trimCR(b[i:le])) == 0 {
					reach = max(reach, le)
					i = min(le+1, n)
				}
				stopped = true
				break
			}
			continue
		}
		if !sized || len(line) == 0 {
			stopped = true
			break
		}
		add(i, min(le+1, n))
		i = min(le+1, n)
		last = i
	}
	if !stopped && !final {
		// The text ended inside the body: the next line may go on with it.
		return nil, nil, 0, reach, true, false
	}
	if len(tab) > 0 {
		last = tab[len(tab)-1] + 1
	}
	return out, append(tab, last), i, max(reach, i), false, sized && len(out) > 0
}

// chunkedLooking says whether the body line b[ls:le] is a chunk size
// followed by a line opening a JSON object, or that the text must go on
// for this to be known.
func chunkedLooking(b []byte, ls, le int, final bool) (looks, more bool) {
	if _, ok := chunkSize(trimCR(b[ls:le])); !ok || le >= len(b) {
		return false, false
	}
	next := bytes.TrimLeft(b[le+1:min(le+64, len(b))], " \t\r")
	if len(next) == 0 && le+64 > len(b) && !final {
		return false, true
	}
	return bytes.HasPrefix(next, []byte{'{'}), false
}
