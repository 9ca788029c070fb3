package scan

import (
	"bytes"
	"errors"
	"hash/maphash"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// The words of Found.Via (see the package doc).
const (
	ViaLogLine      = "log-line"
	ViaHTTPRequest  = "http-request"
	ViaHTTPResponse = "http-response"
	ViaCurl         = "curl"
	ViaJSON         = "json"
	ViaJSONString   = "json-string"
	ViaBase64       = "base64"
	ViaForm         = "form"
)

// Found is one envelope found in the text, or one broken envelope: an
// object with the envelope's members (see the package doc) that is not a
// valid envelope.
type Found struct {
	// Envelope is the envelope as codec.ParseEnvelope read it from Raw;
	// nil for a broken envelope.
	Envelope *codec.Envelope
	// Err says why a broken envelope is not one: the error of
	// codec.ParseEnvelope (a *codec.Error wrapping one of the codec's
	// sentinel errors, such as codec.ErrDuplicate or codec.ErrFieldType),
	// or, for an envelope whose action or rsp_code is null, a
	// *codec.Error wrapping codec.ErrMissingField. Nil when Envelope is
	// set.
	Err error
	// Raw is the envelope's JSON text as it was found (after unwrapping).
	// It may share memory with the Raw of the findings nested in it, so
	// it is for reading only.
	Raw []byte
	// Start and End are byte offsets of the envelope in the input: of its
	// text when the text is there (perhaps escaped), else of the outermost
	// encoded span that held it (see the package doc).
	Start, End int
	// Line is the 1-based line number where the envelope starts.
	Line int
	// Via says how it was wrapped, outermost first, e.g. "log-line",
	// "http-request", "curl", "json", "json-string", "base64", "form".
	// It is empty for an envelope standing on its own.
	Via []string
	// Notes lists the repairs made to Raw, if any, in words for a person.
	Notes []string
}

// Scan returns every envelope in text, whole or broken, in order of
// appearance.
func Scan(text []byte) []Found {
	s := newScanner(codec.ParseEnvelope)
	s.top(text, 0, 0, true, true)
	s.number(text, 0, 0, 0)
	return s.out
}

// Limits of the scanner.
const (
	// maxDepth bounds the nesting of wrappings that are unwrapped.
	maxDepth = 8
	// maxNest bounds the nesting of JSON containers in one object; deeper
	// objects are found from their own start.
	maxNest = 512
	// minString is the shortest JSON string value worth searching: the
	// smallest envelope or form body is longer.
	minString = 20
	// lookback bounds how far back a log-line prefix is looked for.
	lookback = 4096
)

// accepter parses a candidate envelope; codec.ParseEnvelope in production.
type accepter func([]byte) (*codec.Envelope, error)

// scanner holds the state of one scan: the findings and reusable buffers.
type scanner struct {
	accept accepter
	out    []Found

	ev    []event
	stack []frame
	cover []int
	utext [2][]byte // scratch for unescaping
	utab  [2][]int
	cmd   command // scratch for curl commands
	// derived[d] holds the text of the view of depth d derived from its
	// parent (unescaped, decoded, unquoted), reused by the next such view
	// of that depth once the first has been scanned: findings keep
	// copies, never the text itself.
	derived [maxDepth + 1]scratch

	// The top-level construct being scanned (depth 0).
	conStart int  // its start in the top view
	conPlain bool // not an HTTP dump or curl command: log-line applies
	conFirst int  // index in out of its first finding
	logLine  int8 // 0 unknown, 1 yes, -1 no
	lastEnd  int  // end of the last top-level construct with findings
	force    int  // constructs starting before force treat the end as final
	topView  *view

	// Findings of the current construct indexed by span and text, once
	// it has more than a few (see found).
	seed    maphash.Seed
	seen    map[dupKey]int
	indexed int // findings from conFirst on that are in seen

	// work counts the bytes examined and the parse attempts made, for
	// the tests that prove the scan linear (see work_test.go).
	work int
}

type dupKey struct {
	start, end int
	sum        uint64
}

func newScanner(a accepter) *scanner {
	return &scanner{accept: a, seed: maphash.MakeSeed(), lastEnd: -1}
}

// scratch is a reusable text and offset table.
type scratch struct {
	text []byte
	tab  []int
}

// maxKeep bounds the scratch kept between uses, in bytes of text.
const maxKeep = 256 << 10

// scratchFor returns the scratch for a view of the given depth, emptied.
func (s *scanner) scratchFor(depth int) *scratch {
	sc := &s.derived[depth]
	if cap(sc.text) > maxKeep || cap(sc.tab) > maxKeep {
		*sc = scratch{} // let a giant go
	}
	sc.text, sc.tab = sc.text[:0], sc.tab[:0]
	return sc
}

// view is a text being scanned: the input itself, a part of it, or text
// derived from it (unescaped, decoded), with the way back to input offsets.
type view struct {
	b []byte
	// Exact views: the input offset of b[i] is base+i, or base+tab[i]
	// when tab is set (len(b)+1 entries).
	base int
	tab  []int
	// Opaque views (decoded text): every offset maps to [os, oe).
	opaque bool
	os, oe int

	via       []string
	depth     int
	final     bool // the end of b is the end of the text
	lineStart bool // b[0] begins a line
}

// span maps [s, e) of v.b to input offsets.
func (v *view) span(s, e int) (int, int) {
	switch {
	case v.opaque:
		return v.os, v.oe
	case v.tab != nil:
		return v.base + v.tab[s], v.base + v.tab[e]
	}
	return v.base + s, v.base + e
}

func appendVia(via []string, more ...string) []string {
	out := make([]string, 0, len(via)+len(more))
	return append(append(out, via...), more...)
}

// sub returns the child view of v.b[s:e].
func (v *view) sub(s, e int, via ...string) *view {
	c := &view{b: v.b[s:e], via: appendVia(v.via, via...), depth: v.depth + 1, final: true, lineStart: true}
	switch {
	case v.opaque:
		c.opaque, c.os, c.oe = true, v.os, v.oe
	case v.tab != nil:
		c.base, c.tab = v.base, v.tab[s:e+1]
	default:
		c.base = v.base + s
	}
	return c
}

// mapped returns a child view of text derived from v.b, where tab[i] is
// the offset in v.b of text[i] (len(text)+1 entries). It takes tab over.
func (v *view) mapped(text []byte, tab []int, via ...string) *view {
	c := &view{b: text, via: appendVia(v.via, via...), depth: v.depth + 1, final: true, lineStart: true}
	switch {
	case v.opaque:
		c.opaque, c.os, c.oe = true, v.os, v.oe
	case v.tab != nil:
		for i, t := range tab {
			tab[i] = v.tab[t]
		}
		c.base, c.tab = v.base, tab
	default:
		c.base, c.tab = v.base, tab
	}
	return c
}

// decoded returns a child view of text decoded from v.b[s:e]; its
// findings are reported at the span of v.b[s:e].
func (v *view) decoded(text []byte, s, e int, via ...string) *view {
	os, oe := v.span(s, e)
	return &view{b: text, opaque: true, os: os, oe: oe, via: appendVia(v.via, via...),
		depth: v.depth + 1, final: true, lineStart: true}
}

// finalAt says whether a construct starting at p in v may treat the end of
// v.b as the end of the text.
func (s *scanner) finalAt(v *view, p int) bool {
	return v.final || (v == s.topView && p < s.force)
}

// top scans the top view b (input offset base) from from, and returns the
// offset in b of a construct that needs more text, or -1.
func (s *scanner) top(b []byte, base, from int, final, lineStart bool) int {
	v := &view{b: b, base: base, final: final, lineStart: lineStart}
	s.topView = v
	return s.scanView(v, from)
}

// begin marks the start of a top-level construct at p.
func (s *scanner) begin(v *view, p int, plain bool) {
	if v.depth != 0 {
		return
	}
	s.conStart, s.conPlain, s.conFirst, s.logLine = p, plain, len(s.out), 0
	if s.indexed > 0 {
		clear(s.seen)
		s.indexed = 0
	}
}

// end marks the end of the top-level construct begun last.
func (s *scanner) end(v *view, e int) {
	if v.depth == 0 && len(s.out) > s.conFirst {
		s.lastEnd = e
	}
}

// hasPrefix says whether the line of the current top-level construct holds
// text before it that is not part of an earlier finding (list punctuation
// between findings does not count).
func (s *scanner) hasPrefix() bool {
	if s.logLine == 0 {
		s.logLine = -1
		b := s.topView.b
		lo := max(s.lastEnd, s.conStart-lookback, 0)
		for i := s.conStart - 1; i >= lo; i-- {
			s.work++
			c := b[i]
			if c == '\n' {
				break
			}
			if c != ' ' && c != '\t' && c != '\r' && c != ',' && c != '[' && c != ']' {
				s.logLine = 1
				break
			}
		}
	}
	return s.logLine > 0
}

// offer reports v.b[st:en], an envelope candidate whose text after
// unwrapping is raw. It returns whether it was taken as an envelope; a
// broken one is reported with its error but not taken, so that its members
// are still searched. The finding keeps raw itself when owned is set, else a
// copy; cost is how much of raw the envelope parser may read, null the
// first kind member of raw set to null, if any.
func (s *scanner) offer(v *view, st, en int, raw []byte, owned bool, cost int, null keySet, via []string, notes []string) bool {
	start, end := v.span(st, en)
	s.work += 1 + cost // the lookup and the parse
	if f := s.found(start, end, raw); f != nil {
		return f.Envelope != nil
	}
	env, err := s.accept(raw)
	switch {
	case err == nil && env == nil:
		return false
	case err == nil && env.Kind == 0:
		// A candidate always has action, rsp_code or rep_code: codec
		// reads a null one as absent, which leaves no kind.
		env, err = nil, noKind(null)
	case err != nil:
		env = nil
		if errors.Is(err, codec.ErrMissingField) {
			if nerr := nullKind(null); nerr != nil {
				err = nerr
			}
		}
	}
	var full []string
	if s.conPlain && s.hasPrefix() {
		full = appendVia([]string{ViaLogLine}, via...)
	} else if len(via) > 0 {
		full = appendVia(via)
	}
	if !owned {
		s.work += len(raw)
		raw = bytes.Clone(raw)
	}
	s.out = append(s.out, Found{Envelope: env, Err: err, Raw: raw, Start: start, End: end, Via: full, Notes: notes})
	return env != nil
}

// found returns the finding of the current construct with the span
// [start, end) and the text raw, if there is one: the same envelope found
// through two wrappings. A construct with more than a few findings has
// them indexed by span, length and ends of the text, so that the search
// stays linear however long and nested the findings are.
func (s *scanner) found(start, end int, raw []byte) *Found {
	prior := s.out[s.conFirst:]
	if len(prior) <= 8 {
		for i := range prior {
			if f := &prior[i]; f.Start == start && f.End == end && len(f.Raw) == len(raw) {
				s.work += len(raw)
				if bytes.Equal(f.Raw, raw) {
					return f
				}
			}
		}
		return nil
	}
	if s.seen == nil {
		s.seen = make(map[dupKey]int)
	}
	for ; s.indexed < len(prior); s.indexed++ {
		f := &prior[s.indexed]
		s.seen[dupKey{f.Start, f.End, s.rawSum(f.Raw)}] = s.indexed
	}
	if i, ok := s.seen[dupKey{start, end, s.rawSum(raw)}]; ok {
		s.work += len(raw)
		if bytes.Equal(prior[i].Raw, raw) {
			return &prior[i]
		}
	}
	return nil
}

// rawSum hashes the length and the ends of raw, in constant time.
func (s *scanner) rawSum(raw []byte) uint64 {
	const ends = 32
	if len(raw) <= 2*ends {
		return maphash.Bytes(s.seed, raw)
	}
	return maphash.Bytes(s.seed, raw[:ends]) ^ 3*maphash.Bytes(s.seed, raw[len(raw)-ends:]) ^ uint64(len(raw))
}

// noKind returns the error for an envelope of unknown kind, whose first
// kind member set to null is null (0 if none).
func noKind(null keySet) error {
	if err := nullKind(null); err != nil {
		return err
	}
	return &codec.Error{
		Layer: codec.LayerEnvelope,
		Err:   codec.ErrMissingField,
		What:  "the envelope has no action and no rsp_code, so it is neither a request nor a response",
		Hint:  "a request names its action and a response carries its rsp_code, as strings: the sender left them out",
	}
}

// nullKind returns the error for an envelope whose kind member null
// (action, rsp_code or rep_code) is null, or nil when null is 0.
func nullKind(null keySet) error {
	var name, hint string
	switch null {
	case kAction:
		name, hint = "action", "a request names its action as a string, such as \"ACTIVEPAY\": the sender left it unset"
	case kRspCode, kRepCode:
		name = "rsp_code"
		if null == kRepCode {
			name = "rep_code"
		}
		hint = "a response or callback carries its code as a string, such as \"SUCCESS\": the sender left it unset"
	default:
		return nil
	}
	return &codec.Error{
		Layer: codec.LayerEnvelope,
		Err:   codec.ErrMissingField,
		What:  "the member \"" + name + "\" is null, so the message is neither a request nor a response",
		Hint:  hint,
	}
}

// number fills Line for the findings from out[first:], whose offsets are
// in b (input offset base), b[0] being on line lineBase+1. It returns the
// offset in b it counted to and the line feeds in b before it, which
// spares a Reader counting them again.
func (s *scanner) number(b []byte, base, first, lineBase int) (pos, lfs int) {
	line := lineBase + 1
	for i := first; i < len(s.out); i++ {
		rel := min(max(s.out[i].Start-base, 0), len(b))
		s.work += max(rel-pos, pos-rel)
		line += lfsBetween(b, pos, rel)
		pos = rel
		s.out[i].Line = line
	}
	return pos, line - lineBase - 1
}

// textState holds what one scan of a view learnt about positions it has
// not reached yet: object starts known to fail, command words known to
// start no data (see curlTails), and a line end.
type textState struct {
	obj, esc map[int]struct{}
	curl     curlTails
	lineEnd  int // the end of the line of the last escaped object tried
}

func mark(m *map[int]struct{}, p int) {
	if *m == nil {
		*m = make(map[int]struct{})
	}
	(*m)[p] = struct{}{}
}

func marked(m map[int]struct{}, p int) bool {
	if m == nil {
		return false
	}
	_, ok := m[p]
	if ok {
		delete(m, p)
	}
	return ok
}

// Byte classes for the main loop.
const (
	clWord  = 1 << iota // a letter that may start a trigger word
	clLine              // a byte that may start an HTTP dump line
	clBrace             // '{'
)

var class = func() (t [256]uint8) {
	for _, c := range "acdemrvW" {
		t[c] |= clWord
	}
	for _, c := range "GPDHO<>" {
		t[c] |= clLine
	}
	t['{'] |= clBrace
	return t
}()

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// scanView scans v from from for envelopes. It returns the offset of a
// construct that needs more text than v holds (top view only), or -1.
func (s *scanner) scanView(v *view, from int) int {
	if v.depth > maxDepth {
		return -1
	}
	b := v.b
	var ts textState
	i := from
	for i < len(b) {
		c := b[i]
		cl := class[c]
		if cl == 0 {
			i++
			continue
		}
		if cl&clBrace != 0 {
			next, more := s.atBrace(v, i, &ts)
			if more {
				s.work += i - from
				return s.retract(i)
			}
			i = next
			continue
		}
		if cl&clLine != 0 && (i == 0 && v.lineStart || i > 0 && b[i-1] == '\n') {
			s.begin(v, i, false)
			next, more, ok := s.tryHTTP(v, i)
			if more {
				s.work += i - from
				return s.retract(i)
			}
			if ok {
				s.end(v, next)
				i = next
				continue
			}
		}
		if cl&clWord == 0 || i > 0 && isWordByte(b[i-1]) {
			i++
			continue
		}
		next, more := s.atWord(v, i, &ts)
		if more {
			s.work += i - from
			return s.retract(i)
		}
		i = next
	}
	s.work += len(b) - from
	return -1
}

// retract drops the findings of the top-level construct at p, which needs
// more text: it will be scanned again, whole, once the text has come.
func (s *scanner) retract(p int) int {
	s.out = s.out[:s.conFirst]
	return p
}

// atBrace tries an object, then an escaped object, at b[p] == '{'.
func (s *scanner) atBrace(v *view, p int, ts *textState) (next int, more bool) {
	b := v.b
	if marked(ts.obj, p) {
		return p + 1, false
	}
	j := p + 1
	for j < len(b) && (b[j] == ' ' || b[j] == '\n' || b[j] == '\r' || b[j] == '\t') {
		j++
	}
	s.work += j - p
	if j < len(b) && b[j] != '"' && b[j] != '}' {
		// Not an object; perhaps an escaped one.
		if b[j] == '\\' && j == p+1 {
			return s.atEscaped(v, p, ts)
		}
		return p + 1, false
	}
	s.begin(v, p, true)
	evBase := len(s.ev)
	end, more := s.parseObject(b, p, s.finalAt(v, p))
	if more {
		return p, true
	}
	if end > 0 {
		s.handleObject(v, p, evBase)
		s.end(v, end)
		return end, false
	}
	for _, c := range s.cover {
		mark(&ts.obj, c)
	}
	return p + 1, false
}

// atEscaped tries an escaped object at b[p] == '{', b[p+1] == '\\'.
func (s *scanner) atEscaped(v *view, p int, ts *textState) (next int, more bool) {
	if marked(ts.esc, p) {
		return p + 1, false
	}
	s.begin(v, p, true)
	next, more = s.tryEscaped(v, p, ts)
	if more {
		return p, true
	}
	s.end(v, next)
	return next, false
}

// atWord tries the constructs that start with a word at b[p].
func (s *scanner) atWord(v *view, p int, ts *textState) (next int, more bool) {
	b := v.b
	switch b[p] {
	case 'c':
		{
			s.begin(v, p, false)
			next, more, ok := s.tryCurl(v, p, ts)
			if more {
				return p, true
			}
			if ok {
				s.end(v, next)
				return next, false
			}
		}
	case 'e', 'W':
		if p == 0 || !isB64(b[p-1]) {
			s.begin(v, p, true)
			next, more := s.tryBase64(v, p)
			if more {
				return p, true
			}
			if next > p {
				s.end(v, next)
				return next, false
			}
		}
	default:
		s.begin(v, p, true)
		next, more := s.tryForm(v, p)
		if more {
			return p, true
		}
		if next > p {
			s.end(v, next)
			return next, false
		}
	}
	for p < len(b) && isWordByte(b[p]) {
		p++
	}
	return p, false
}
