package scan

import (
	"bytes"
	"slices"
)

// This file reads curl commands as a POSIX shell would split them: single
// and double quotes, $'...', backslash escapes and line continuations
// (backslash, and the ^ of cmd.exe and ` of PowerShell).

// command is a command split into words after quote removal: the words'
// bytes one after another, with the offset in the text of each byte.
type command struct {
	val   []byte
	tab   []int
	words []shellWord
	// dataOnly keeps only the values of curl's data options, with the
	// state of an option waiting for its value.
	dataOnly, expect, urlencode bool
	// In dataOnly mode: tails holds what earlier readings of the text
	// gave, points lists the places where a later reading may meet this
	// one (see curlTails), and stopped is set when this reading stopped
	// at a place in tails, with what the rest of the command gave there.
	tails            curlTails
	points           []int
	stopped, stopEnd bool
	stopAt           int
	// reach is how far parseCommand read.
	reach int
}

// curlTails records, for a text, what reading a command gave from the
// places where two readings of it that began at different curl words may
// first agree, for the readings that found no data (or ran into an open
// quote at the end of the text).
//
// A reading begins outside quotes, at the word after a curl word. Where
// another reading is outside quotes at the same place, the two split the
// rest into the same words. That first happens either at the word after a
// curl word (the other reading is at a word start too: the blank before
// cannot end a quote), or right after an escaped quote \' that the other
// reading, inside single quotes, took for a backslash and the closing
// quote; nowhere else, since no other byte takes two different quoting
// states to one. So a reading that comes to such a place known to an
// earlier reading that found no data, while no option waits for its value
// and the word it is in is no data option, finds no data in the rest
// either, and ends where the earlier one did: it stops there. Every part
// of the text is then read at most once in each of the four quoting states
// (none, '...', "..." and $'...'), which keeps the reading of all the curl
// words of a text linear.
type curlTails map[int]int

// tail returns what reading from place i of b gave: the end of the
// command and whether it ended (false: it ran into an open quote at the end
// of the text). It says known only when that result holds for this reading
// too: one that ran to the end of b holds only if b is final.
func (t curlTails) tail(i, n int, final bool) (end int, ended, known bool) {
	v, ok := t[i]
	if !ok {
		return 0, false, false
	}
	end, ended = v>>1, v&1 == 1
	if (!ended || end >= n) && !final {
		return 0, false, false
	}
	return end, ended, true
}

// record records the places as giving end (ended) or an open quote.
func (t *curlTails) record(places []int, end int, ended bool) {
	if len(places) == 0 {
		return
	}
	if *t == nil {
		*t = make(curlTails)
	}
	v := end << 1
	if ended {
		v |= 1
	}
	for _, w := range places {
		(*t)[w] = v
	}
}

// afterCurl says whether the blanks before b[i] follow a curl word that
// may start a command (see tryCurl), so that a reading from that word would
// begin its words at b[i].
func afterCurl(b []byte, i int) bool {
	for i > 0 {
		switch {
		case b[i-1] == ' ' || b[i-1] == '\t':
			i--
			continue
		case i >= 2 && continuation(b, i-2) == 2:
			i -= 2
			continue
		case i >= 3 && continuation(b, i-3) == 3:
			i -= 3
			continue
		}
		break
	}
	if i >= 8 && string(b[i-4:i]) == ".exe" {
		i -= 4
	}
	return i >= 4 && string(b[i-4:i]) == "curl" && (i == 4 || !isWordByte(b[i-5]))
}

// shellWord is one word of a command: val[vs:ve] of its command, the last
// of its bytes coming from before the text offset last.
type shellWord struct {
	start, vs, ve, last int
}

func (c *command) word(k int) []byte { return c.val[c.words[k].vs:c.words[k].ve] }

// continuation returns the length of a line continuation (the escape
// character, then a line break) at b[i], or 0.
func continuation(b []byte, i int) int {
	if i >= len(b) || (b[i] != '\\' && b[i] != '^' && b[i] != '`') {
		return 0
	}
	switch {
	case i+1 < len(b) && b[i+1] == '\n':
		return 2
	case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
		return 3
	}
	return 0
}

// parseCommand splits the command that starts at b[p] into words, up to
// the end of the command (an unquoted line break, ;, |, && or &). In
// dataOnly mode it lists in cmd.points the places where a later reading may
// meet this one, and stops at a place that cmd.tails knows (see
// curlTails), taking the end of the command from there.
func parseCommand(cmd *command, b []byte, p int, final bool) (end int, more, ok bool) {
	n := len(b)
	i := p
	defer func() { cmd.reach = max(cmd.reach, i) }()
	for {
		for i < n {
			if b[i] == ' ' || b[i] == '\t' || b[i] == '\r' && (i+1 >= n || b[i+1] != '\n') {
				i++
			} else if k := continuation(b, i); k > 0 {
				i += k
			} else {
				break
			}
		}
		if i >= n {
			if !final {
				return 0, true, false
			}
			return n, false, true
		}
		switch c := b[i]; {
		case c == '\n' || c == '\r' || c == ';' || c == '|' || c == ')' || c == '#' ||
			c == '&' && (i+1 >= n || b[i+1] == '&' || b[i+1] == ' ' || b[i+1] == '\n' || b[i+1] == '\r'):
			return i, false, true
		}
		if cmd.dataOnly && afterCurl(b, i) {
			// Data found so far does not matter when the rest runs into
			// an open quote; else no option may wait for its value here.
			if end, ended, known := cmd.tails.tail(i, n, final); known && (!ended || !cmd.expect) {
				return end, false, ended
			}
			if !cmd.expect {
				cmd.points = append(cmd.points, i)
			}
		}
		j, wmore, wok := cmd.readWord(b, i, final)
		if wmore {
			i = n
			return 0, true, false
		}
		if !wok {
			i = n
			return 0, false, false
		}
		i = j
		if cmd.stopped {
			return cmd.stopAt, false, cmd.stopEnd
		}
	}
}

// readWord reads the word at b[i] into cmd and returns its end. In
// dataOnly mode it may stop at a place that cmd.tails knows (see
// curlTails), setting cmd.stopped.
func (cmd *command) readWord(b []byte, i int, final bool) (end int, more, ok bool) {
	n := len(b)
	w := shellWord{start: i, vs: len(cmd.val), last: i}
	add := func(c byte, at int) {
		cmd.val = append(cmd.val, c)
		cmd.tab = append(cmd.tab, at)
		w.last = at + 1
	}
	done := func(end int) (int, bool, bool) {
		w.ve = len(cmd.val)
		cmd.keep(w)
		return end, false, true
	}
	for i < n {
		c := b[i]
		if k := continuation(b, i); k > 0 {
			i += k
			continue
		}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == ')' ||
			c == '\r' && (i+1 >= n || b[i+1] == '\n' || b[i+1] == ' '):
			return done(i)
		case c == '&' && (i+1 >= n || b[i+1] == '&' || b[i+1] == ' ' || b[i+1] == '\n' || b[i+1] == '\r'):
			return done(i)
		case c == '\'':
			j := bytes.IndexByte(b[i+1:], '\'')
			if j < 0 {
				return 0, !final, false
			}
			cmd.val = append(cmd.val, b[i+1:i+1+j]...)
			for k := i + 1; k <= i+j; k++ {
				cmd.tab = append(cmd.tab, k)
			}
			w.last = i + 1 + j
			i += j + 2
			if cmd.dataOnly && j > 0 && b[i-2] == '\\' {
				// A reading outside quotes here took \' for a quote.
				cmd.points = append(cmd.points, i)
			}
		case c == '"':
			i++
			for {
				if i >= n {
					return 0, !final, false
				}
				d := b[i]
				if d == '"' {
					w.last = i
					i++
					break
				}
				if d == '\\' && i+1 < n {
					switch e := b[i+1]; e {
					case '"', '\\', '$', '`':
						add(e, i)
						i += 2
						continue
					case '\n':
						i += 2
						continue
					case '\r':
						if i+2 < n && b[i+2] == '\n' {
							i += 3
							continue
						}
					}
				}
				add(d, i)
				i++
			}
		case c == '$' && i+1 < n && b[i+1] == '\'':
			i += 2
			for {
				if i >= n {
					return 0, !final, false
				}
				d := b[i]
				if d == '\'' {
					w.last = i
					i++
					break
				}
				if d == '\\' && i+1 < n {
					if e, ok := ansiEscape(b[i+1]); ok {
						add(e, i)
						i += 2
						continue
					}
				}
				add(d, i)
				i++
			}
		case c == '\\' && i+1 < n:
			add(b[i+1], i)
			i += 2
			if b[i-1] == '\'' && cmd.dataOnly {
				// A reading inside single quotes here took \' for a
				// backslash and the closing quote: if it found no data,
				// this word is the only one that may hold some.
				if end, ended, known := cmd.tails.tail(i, n, final); known {
					if isFlag, _ := dataValue(cmd.val[w.vs:]); !ended || !cmd.expect && !isFlag {
						cmd.stopped, cmd.stopAt, cmd.stopEnd = true, end, ended
						return i, false, true
					}
				}
			}
		default:
			add(c, i)
			i++
		}
	}
	if !final {
		return 0, true, false
	}
	return done(n)
}

// keep adds w to the words, or in dataOnly mode keeps only what is the
// value of a data option.
func (cmd *command) keep(w shellWord) {
	if !cmd.dataOnly {
		cmd.words = append(cmd.words, w)
		return
	}
	val := cmd.val[w.vs:w.ve]
	at, urlencode := 0, cmd.urlencode
	if !cmd.expect {
		isFlag, a := dataValue(val)
		urlencode = bytes.HasPrefix(val, []byte("--data-urlencode"))
		cmd.expect, cmd.urlencode = isFlag && a < 0, urlencode
		if !isFlag || a < 0 {
			cmd.val, cmd.tab = cmd.val[:w.vs], cmd.tab[:w.vs]
			return
		}
		at = a
	}
	cmd.expect = false
	w.vs += at
	if urlencode && w.vs < w.ve && cmd.val[w.vs] == '=' {
		w.vs++
	}
	if w.vs == w.ve || cmd.val[w.vs] == '@' { // empty, or a file name
		cmd.val, cmd.tab = cmd.val[:w.vs-at], cmd.tab[:w.vs-at]
		return
	}
	cmd.words = append(cmd.words, w)
}

func ansiEscape(c byte) (byte, bool) {
	switch c {
	case '\\', '\'', '"', '?':
		return c, true
	case 'n':
		return '\n', true
	case 't':
		return '\t', true
	case 'r':
		return '\r', true
	}
	return 0, false
}

// dataFlags are the curl options whose value is the request body.
var dataFlags = [...]string{"--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode", "--json"}

// boolOptions are curl's short options without a value, which may come
// grouped before -d.
const boolOptions = "sSvkLiIfgGjJlnNOqRZ"

// dataValue says whether word w is a data option, and where in w its
// value starts, or -1 when the value is the next word.
func dataValue(w []byte) (isFlag bool, at int) {
	if len(w) >= 2 && w[0] == '-' && w[1] != '-' {
		// Short options, perhaps grouped: -d VALUE, -dVALUE, -sSd VALUE.
		for k := 1; k < len(w); k++ {
			c := w[k]
			if c == 'd' {
				if k == len(w)-1 {
					return true, -1
				}
				return true, k + 1
			}
			if bytes.IndexByte([]byte(boolOptions), c) < 0 {
				return false, -1
			}
		}
		return false, -1
	}
	for _, f := range dataFlags {
		if bytes.HasPrefix(w, []byte(f)) {
			switch {
			case len(w) == len(f):
				return true, -1
			case w[len(f)] == '=':
				return true, len(f) + 1
			}
		}
	}
	return false, -1
}

// tryCurl tries a curl command whose word "curl" is at b[p]. A command
// with request data is taken whole; its data (several -d values joined
// with '&', as curl sends them) is searched. A command without data is
// recorded in ts (see curlTails), so that the curl words inside it cost
// little.
func (s *scanner) tryCurl(v *view, p int, ts *textState) (next int, more, ok bool) {
	b := v.b
	n := len(b)
	if p+4 > n || string(b[p:p+4]) != "curl" {
		return p, false, false
	}
	after := p + 4
	if bytes.HasPrefix(b[after:], []byte(".exe")) {
		after += 4
	}
	// The word is curl when a blank ends it, perhaps after line
	// continuations (which a shell removes: curl\ and a line break, then
	// -d, is the word curl-d).
	k := after
	for c := continuation(b, k); c > 0; c = continuation(b, k) {
		k += c
	}
	if k < n && b[k] != ' ' && b[k] != '\t' {
		return p, false, false
	}
	final := s.finalAt(v, p)
	cmd := &s.cmd
	*cmd = command{val: cmd.val[:0], tab: cmd.tab[:0], words: cmd.words[:0], points: cmd.points[:0],
		dataOnly: true, tails: ts.curl}
	end, more, ok := parseCommand(cmd, b, after, final)
	s.work += 1 + cmd.reach - p // the attempt and the text read
	if more {
		return p, true, false
	}
	if !ok || len(cmd.words) == 0 {
		// No command, or one without data: the curl words in it, read
		// again from themselves, would find no data either.
		ts.curl.record(cmd.points, end, ok)
		return p, false, false
	}
	if v.depth+1 > maxDepth {
		return end, false, true
	}
	size := len(cmd.words)
	s.work += size
	for _, w := range cmd.words {
		size += w.ve - w.vs
	}
	sc := s.scratchFor(v.depth + 1)
	payload, tab := slices.Grow(sc.text, size), slices.Grow(sc.tab, size+1)
	last := 0
	for k, w := range cmd.words {
		if k > 0 {
			payload = append(payload, '&')
			tab = append(tab, cmd.tab[w.vs])
		}
		payload = append(payload, cmd.val[w.vs:w.ve]...)
		tab = append(tab, cmd.tab[w.vs:w.ve]...)
		last = w.last
	}
	sc.text, sc.tab = payload, append(tab, last)
	s.scanView(v.mapped(sc.text, sc.tab, ViaCurl), 0)
	return end, false, true
}
