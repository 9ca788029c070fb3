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
// the end of the command (an unquoted line break, ;, |, && or &). curls
// lists the unquoted words "curl" met, which a failed parse covers.
func parseCommand(cmd *command, b []byte, p int, final bool) (curls []int, end int, more, ok bool) {
	n := len(b)
	i := p
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
				return curls, 0, true, false
			}
			return curls, n, false, true
		}
		switch c := b[i]; {
		case c == '\n' || c == '\r' || c == ';' || c == '|' || c == ')' || c == '#' ||
			c == '&' && (i+1 >= n || b[i+1] == '&' || b[i+1] == ' ' || b[i+1] == '\n' || b[i+1] == '\r'):
			return curls, i, false, true
		}
		j, wmore, wok := cmd.readWord(b, i, final)
		if wmore {
			return curls, 0, true, false
		}
		if !wok {
			return curls, 0, false, false
		}
		if j-i == 4 && string(b[i:j]) == "curl" {
			curls = append(curls, i)
		}
		i = j
	}
}

// readWord reads the word at b[i] into cmd and returns its end.
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
// with '&', as curl sends them) is searched.
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
	if after < n && b[after] != ' ' && b[after] != '\t' && continuation(b, after) == 0 {
		return p, false, false
	}
	final := s.finalAt(v, p)
	cmd := &s.cmd
	*cmd = command{val: cmd.val[:0], tab: cmd.tab[:0], words: cmd.words[:0], dataOnly: true}
	curls, end, more, ok := parseCommand(cmd, b, after, final)
	if more {
		return p, true, false
	}
	if !ok {
		for _, c := range curls {
			mark(&ts.curl, c)
		}
		return p, false, false
	}
	if len(cmd.words) == 0 {
		return p, false, false
	}
	if v.depth+1 > maxDepth {
		return end, false, true
	}
	size := len(cmd.words)
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
