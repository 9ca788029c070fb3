package scan

import (
	"bytes"
	"sort"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
)

// This file finds JSON objects: a parser over one object, in the
// tokenizer's tolerant mode (package jsontok reads its strings, escapes and
// numbers), that records, for the walk that follows, every nested object
// with the envelope members it has and every string value worth
// searching.

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
	// atEnd is the parse running into the end of b: a failure if b is
	// final, else more is wanted.
	atEnd := func() (int, bool) {
		if final {
			return fail()
		}
		s.work += n - p
		s.ev = s.ev[:evBase]
		return -1, true
	}
	for {
		for i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
			i++
		}
		if i >= n {
			return atEnd()
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
		}
		if c == '"' && state != stColon && state != stAfter && len(st) > 0 {
			// A member name or a string value.
			j, status := jsontok.ScanString(b, i)
			switch status {
			case jsontok.More:
				i = j
				return atEnd()
			case jsontok.Bad:
				i = j
				return fail()
			case jsontok.Broken:
				brk++
			}
			if state == stKeyOrEnd || state == stKey {
				f := &st[len(st)-1]
				f.key = keyBit(b[i+1 : j-1])
				f.keys |= f.key
				i, state = j, stColon
				continue
			}
			if j-i-2 >= minString {
				s.ev = append(s.ev, event{kind: evString, start: i + 1, end: j - 1})
			}
			i, state = j, stAfter
			continue
		}
		switch state {
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
			case c == '-' || c >= '0' && c <= '9':
				j, ok := jsontok.ScanNumber(b, i)
				if !ok {
					i = j
					return fail()
				}
				if j >= n {
					return atEnd()
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
					return atEnd()
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
		sc.text, sc.tab = jsontok.AppendUnescaped(sc.text, sc.tab, content, true)
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
