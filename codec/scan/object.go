package scan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"sort"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// This file finds JSON objects: a strict JSON parser over one object that
// records, for the walk that follows, every nested object with the
// envelope members it has and every string value worth searching.

// keySet records which envelope member names an object has.
type keySet uint16

const (
	kAction keySet = 1 << iota
	kVersion
	kMerchant
	kData
	kMD5
	kRspCode
	kRepCode
	kRspMsg
)

const (
	kRequest = kAction | kVersion | kMerchant | kData | kMD5
	kRsp     = kRspCode | kRepCode
)

// candidate says whether an object with these member names is taken for an
// envelope, whole or broken (see the package doc): the full request shape;
// a response or callback (rsp_code or rep_code, and rsp_msg); or a data
// member with a kind member and one more member only envelopes have
// (action with merchant_id or md5; rsp_code or rep_code with merchant_id
// or md5). An application's own {"action":"click","data":{...}} or
// {"code":0,"data":[...]} is not one.
func (k keySet) candidate() bool {
	switch {
	case k&kRequest == kRequest:
		return true
	case k&kRsp != 0 && k&kRspMsg != 0:
		return true
	case k&kData == 0:
		return false
	case k&kAction != 0 && k&(kMerchant|kMD5) != 0:
		return true
	}
	return k&kRsp != 0 && k&(kMerchant|kMD5) != 0
}

func keyBit(k []byte) keySet {
	if bytes.IndexByte(k, '\\') >= 0 {
		k, _ = unescapeJSON(k, false)
	}
	switch string(k) {
	case "action":
		return kAction
	case "version":
		return kVersion
	case "merchant_id":
		return kMerchant
	case "data":
		return kData
	case "md5":
		return kMD5
	case "rsp_code":
		return kRspCode
	case "rep_code":
		return kRepCode
	case "rsp_msg":
		return kRspMsg
	}
	return 0
}

type evKind uint8

const (
	evObject evKind = iota + 1
	evString
)

// event is an object or a string value met while parsing, in text order.
type event struct {
	kind       evKind
	start, end int    // object: '{' to after '}'; string: its content
	keys       keySet // object: the envelope member names it has
	null       keySet // object: its first kind member set to null, if any
	repair     bool   // object: a string in it holds raw line breaks
	next       int    // object: index of the first event after its own
	// deep is, for an object, the offset of the first container nested
	// more than codec.MaxDepth deep in it, where the envelope parser
	// stops reading it; 0 when there is none.
	deep int
}

type frame struct {
	start int
	obj   bool
	keys  keySet
	key   keySet // the envelope member name of the member being read
	null  keySet // the first kind member (action, rsp_code, rep_code) set to null
	ev    int    // index of its event (objects)
	brk   int    // strings with raw line breaks before it opened
}

// Parser states.
const (
	stValue = iota
	stElemOrEnd
	stKeyOrEnd
	stKey
	stColon
	stAfter
)

// parseObject parses the JSON object at b[p] == '{' and returns the offset
// after it, with its events appended to s.ev. On failure it returns -1,
// with s.cover holding the starts of the nested objects left open (a parse
// from any of them fails the same way), or more set when the parse ran
// into the end of b and final is false.
//
// Strings may hold raw line breaks where Base64 was broken across lines;
// such objects are marked for repair.
func (s *scanner) parseObject(b []byte, p int, final bool) (end int, more bool) {
	s.cover = s.cover[:0]
	evBase := len(s.ev)
	st := s.stack[:0]
	defer func() { s.stack = st[:0] }()
	brk := 0
	n := len(b)
	i := p
	state := stValue
	s.work++ // the attempt
	fail := func() (int, bool) {
		s.work += min(i+1, n) - p
		for _, f := range st[1:] {
			if f.obj {
				s.cover = append(s.cover, f.start)
			}
		}
		s.ev = s.ev[:evBase]
		return -1, false
	}
	for {
		for i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
			i++
		}
		if i >= n {
			if final {
				return fail()
			}
			s.work += n - p
			s.ev = s.ev[:evBase]
			return -1, true
		}
		c := b[i]
		switch state {
		case stKeyOrEnd, stKey:
			if c == '}' && state == stKeyOrEnd {
				goto closeObject
			}
			if c != '"' {
				return fail()
			}
			j, status := scanString(b, i)
			switch status {
			case strMore:
				if final {
					i = j
					return fail()
				}
				s.work += n - p
				s.ev = s.ev[:evBase]
				return -1, true
			case strBad:
				i = j
				return fail()
			case strBroken:
				brk++
			}
			f := &st[len(st)-1]
			f.key = keyBit(b[i+1 : j-1])
			f.keys |= f.key
			i, state = j, stColon
			continue
		case stColon:
			if c != ':' {
				return fail()
			}
			i, state = i+1, stValue
			continue
		case stElemOrEnd, stValue:
			if c == ']' && state == stElemOrEnd {
				goto closeArray
			}
			switch {
			case c == '{':
				if len(st) >= maxNest {
					return fail()
				}
				s.tooDeep(st, i)
				st = append(st, frame{start: i, obj: true, ev: len(s.ev), brk: brk})
				s.ev = append(s.ev, event{kind: evObject, start: i})
				i, state = i+1, stKeyOrEnd
				continue
			case c == '[':
				if len(st) >= maxNest {
					return fail()
				}
				s.tooDeep(st, i)
				st = append(st, frame{start: i})
				i, state = i+1, stElemOrEnd
				continue
			case len(st) == 0:
				return fail()
			case c == '"':
				j, status := scanString(b, i)
				switch status {
				case strMore:
					if final {
						i = j
						return fail()
					}
					s.work += n - p
					s.ev = s.ev[:evBase]
					return -1, true
				case strBad:
					i = j
					return fail()
				case strBroken:
					brk++
				}
				if j-i-2 >= minString {
					s.ev = append(s.ev, event{kind: evString, start: i + 1, end: j - 1})
				}
				i = j
			case c == '-' || c >= '0' && c <= '9':
				j, ok := scanNumber(b, i)
				if !ok {
					i = j
					return fail()
				}
				if j >= n {
					if final {
						return fail()
					}
					s.work += n - p
					s.ev = s.ev[:evBase]
					return -1, true
				}
				i = j
			case c == 't' || c == 'f' || c == 'n':
				lit := "null"
				if c == 't' {
					lit = "true"
				} else if c == 'f' {
					lit = "false"
				}
				m := min(len(lit), n-i)
				if string(b[i:i+m]) != lit[:m] {
					return fail()
				}
				if m < len(lit) {
					if final {
						return fail()
					}
					s.work += n - p
					s.ev = s.ev[:evBase]
					return -1, true
				}
				if f := &st[len(st)-1]; c == 'n' && f.obj && f.key&(kAction|kRsp) != 0 && f.null == 0 {
					f.null = f.key
				}
				i += len(lit)
			default:
				return fail()
			}
			state = stAfter
			continue
		case stAfter:
			top := st[len(st)-1]
			switch {
			case c == ',':
				i++
				if top.obj {
					state = stKey
				} else {
					state = stValue
				}
				continue
			case c == '}' && top.obj:
				goto closeObject
			case c == ']' && !top.obj:
				goto closeArray
			}
			return fail()
		}
	closeObject:
		{
			f := st[len(st)-1]
			st = st[:len(st)-1]
			e := &s.ev[f.ev]
			e.end, e.keys, e.null, e.repair, e.next = i+1, f.keys, f.null, brk > f.brk, len(s.ev)
			i++
			if len(st) == 0 {
				s.work += i - p
				return i, false
			}
			state = stAfter
			continue
		}
	closeArray:
		st = st[:len(st)-1]
		i, state = i+1, stAfter
		if len(st) == 0 {
			s.work += i - p
			return i, false
		}
	}
}

// tooDeep notes, for the object codec.MaxDepth levels up from a container
// opening at i, that the envelope parser reads it no further than i.
func (s *scanner) tooDeep(st []frame, i int) {
	if len(st) < codec.MaxDepth {
		return
	}
	if f := st[len(st)-codec.MaxDepth]; f.obj && s.ev[f.ev].deep == 0 {
		s.ev[f.ev].deep = i
	}
}

// String scan results.
const (
	strOK     = iota
	strBroken // valid but for raw line breaks inside Base64-like text
	strBad
	strMore
)

// b64ish holds the bytes of Base64 text (either alphabet) with padding,
// and the space the published examples wrap it with.
var b64ish = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_= " {
		t[c] = true
	}
	return t
}()

// scanString scans the JSON string at b[i] == '"' and returns the offset
// after its closing quote, with a status (strOK and the others below).
func scanString(b []byte, i int) (int, int) {
	n := len(b)
	start := i
	i++
	for {
		i = plainRun(b, i)
		if i >= n {
			return i, strMore
		}
		switch b[i] {
		case '"':
			return i + 1, strOK
		case '\\':
			next, status := skipEscape(b, i)
			if status != strOK {
				return i, status
			}
			i = next
		default:
			// A control character: a raw line break may be one that broke
			// Base64 text, which the careful scan below tells.
			return scanBrokenString(b, start)
		}
	}
}

// skipEscape checks the escape sequence at b[i] == '\\' inside a JSON
// string and returns the offset after it with strOK, or strMore when b
// ends inside it, or strBad when it is not a JSON escape.
func skipEscape(b []byte, i int) (int, int) {
	n := len(b)
	if i+1 >= n {
		return i, strMore
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2, strOK
	case 'u':
		if i+6 > n {
			if isHexPrefix(b[i+2:]) {
				return i, strMore
			}
			return i, strBad
		}
		if !isHexPrefix(b[i+2 : i+6]) {
			return i, strBad
		}
		return i + 6, strOK
	}
	return i, strBad
}

// plainRun returns the offset of the first byte from b[i] on that ends a
// run of plain string content: a quote, a backslash or a control
// character; len(b) when there is none. It reads eight bytes at a time.
func plainRun(b []byte, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (ones * '"')
		e := x ^ (ones * '\\')
		// A byte's high bit is set where it is zero in q or e, or below
		// 0x20 in x; the lowest byte so marked is exact.
		m := ((q-ones)&^q | (e-ones)&^e | (x-ones*0x20)&^x) & highs
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}

// scanBrokenString is scanString for a string holding a control
// character: it also tells a raw line break inside Base64-like text,
// which a copy of a log may have added, from any other.
func scanBrokenString(b []byte, i int) (int, int) {
	n := len(b)
	start := i + 1
	i = start
	status := strOK
	plain := true // the content so far is Base64-like
	for i < n {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, status
		case c == '\\':
			plain = false
			next, st := skipEscape(b, i)
			if st != strOK {
				return i, st
			}
			i = next
		case c < 0x20:
			if (c != '\n' && c != '\r') || !plain || i-start < 8 {
				return i, strBad
			}
			for i < n && (b[i] == '\r' || b[i] == '\n') {
				i++
			}
			if i >= n {
				return i, strMore
			}
			if !b64ish[b[i]] || b[i] == ' ' {
				return i, strBad
			}
			status = strBroken
		default:
			if plain && !b64ish[c] {
				if status == strBroken {
					return i, strBad
				}
				plain = false
			}
			i++
		}
	}
	return i, strMore
}

func isHexPrefix(b []byte) bool {
	for _, c := range b {
		if !isHex(c) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// scanNumber scans a JSON number at b[i] and returns the offset after it.
// A number running into the end of b returns len(b).
func scanNumber(b []byte, i int) (int, bool) {
	n := len(b)
	digits := func() bool {
		j := i
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > j || i == n
	}
	if b[i] == '-' {
		i++
	}
	if i < n && b[i] == '0' {
		i++
	} else if !digits() {
		return i, false
	}
	if i < n && b[i] == '.' {
		i++
		if !digits() {
			return i, false
		}
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < n && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return i, false
		}
	}
	return i, true
}

// handleObject walks the events of the object parsed at v.b[p:]: each
// envelope candidate is offered, and unless it was taken as an envelope
// its members are searched; string values are searched as text.
func (s *scanner) handleObject(v *view, p, evBase int) {
	evEnd := len(s.ev)
	var ct candidateText
	for k := evBase; k < evEnd; {
		e := s.ev[k]
		if e.kind == evObject && e.keys.candidate() {
			raw, notes := s.candidateRaw(&ct, v.b, e), []string(nil)
			if e.repair {
				notes = []string{noteBreaks}
			}
			via := v.via
			if e.start != p {
				via = appendVia(v.via, ViaJSON)
			}
			cost := e.end - e.start
			if e.deep > 0 {
				cost = e.deep - e.start
			}
			if s.offer(v, e.start, e.end, raw, true, cost, e.null, via, notes) {
				k = e.next
				continue
			}
		} else if e.kind == evString {
			s.scanString(v, e.start, e.end)
		}
		k++
	}
	s.ev = s.ev[:evBase]
}

// candidateText is the copy of an envelope candidate's text kept for the
// findings: the outermost candidate of an object is copied once (and once
// more without the raw line breaks in its strings, if it has some), and the
// candidates nested in it share the copies, so that however deep they nest
// their findings hold no more than the object's size.
type candidateText struct {
	start, end int    // the span of the text copied
	text       []byte // the copy
	fixed      []byte // the copy without raw line breaks in strings, or nil
	removed    []int  // the offsets of the bytes removed from fixed
}

// candidateRaw returns the text of candidate e of b, repaired if need be,
// sharing the copy in ct when e lies inside it.
func (s *scanner) candidateRaw(ct *candidateText, b []byte, e event) []byte {
	if ct.text == nil || e.start < ct.start || e.end > ct.end {
		s.work += e.end - e.start
		*ct = candidateText{start: e.start, end: e.end, text: bytes.Clone(b[e.start:e.end])}
	}
	if !e.repair {
		lo, hi := e.start-ct.start, e.end-ct.start
		return ct.text[lo:hi:hi]
	}
	if ct.fixed == nil {
		s.work += len(ct.text)
		ct.fixed, ct.removed = removeBreaksAt(ct.text, ct.start)
	}
	// The candidate starts and ends outside strings, where the repair of
	// the outer text agrees with its own.
	lo := e.start - ct.start - sort.SearchInts(ct.removed, e.start)
	hi := e.end - ct.start - sort.SearchInts(ct.removed, e.end)
	return ct.fixed[lo:hi:hi]
}

// scanString searches the content v.b[cs:ce] of a JSON string.
func (s *scanner) scanString(v *view, cs, ce int) {
	if v.depth+1 > maxDepth {
		return
	}
	content := v.b[cs:ce]
	s.work += len(content)
	var c *view
	if bytes.IndexByte(content, '\\') < 0 {
		c = v.sub(cs, ce, ViaJSONString)
	} else {
		sc := s.scratchFor(v.depth + 1)
		sc.text, sc.tab = appendUnescaped(sc.text, sc.tab, content, true)
		for i := range sc.tab {
			sc.tab[i] += cs
		}
		c = v.mapped(sc.text, sc.tab, ViaJSONString)
	}
	s.scanView(c, 0)
}

const noteBreaks = "line breaks inside a string value were removed"

// removeBreaks returns a copy of the JSON object text b without the raw
// line breaks inside its strings.
func removeBreaks(b []byte) []byte {
	out, _ := removeBreaksAt(b, 0)
	return out
}

// removeBreaksAt is removeBreaks for b found at offset base, also
// returning the offsets (base+i) of the bytes it removed, in order.
func removeBreaksAt(b []byte, base int) (out []byte, removed []int) {
	out = make([]byte, 0, len(b))
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case in && c == '\\' && i+1 < len(b):
			out = append(out, c, b[i+1])
			i++
			continue
		case c == '"':
			in = !in
		case in && (c == '\r' || c == '\n'):
			removed = append(removed, base+i)
			continue
		}
		out = append(out, c)
	}
	return out, removed
}
