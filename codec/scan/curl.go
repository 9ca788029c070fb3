package scan

import "bytes"

// This file reads curl commands as a POSIX shell would split them: single
// and double quotes, $'...', backslash escapes and line continuations
// (backslash, and the ^ of cmd.exe and ` of PowerShell).

// shellWord is one word of a command after quote removal, with the offset
// in the text of each of its bytes (len(val)+1 entries).
type shellWord struct {
	val   []byte
	tab   []int
	start int
}

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
var nParse int
func parseCommand(b []byte, p int, final bool) (words []shellWord, curls []int, end int, more, ok bool) {
	nParse++
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
				return nil, curls, 0, true, false
			}
			return words, curls, n, false, true
		}
		switch c := b[i]; {
		case c == '\n' || c == '\r' || c == ';' || c == '|' || c == ')' || c == '#' ||
			c == '&' && (i+1 >= n || b[i+1] == '&' || b[i+1] == ' ' || b[i+1] == '\n' || b[i+1] == '\r'):
			return words, curls, i, false, true
		}
		w, j, wmore, wok := readWord(b, i, final)
		if wmore {
			return nil, curls, 0, true, false
		}
		if !wok {
			return nil, curls, 0, false, false
		}
		if j-i == 4 && string(b[i:j]) == "curl" {
			curls = append(curls, i)
		}
		words = append(words, w)
		i = j
	}
}

// readWord reads the word at b[i].
func readWord(b []byte, i int, final bool) (w shellWord, end int, more, ok bool) {
	n := len(b)
	w.start = i
	last := i
	add := func(c byte, at int) {
		w.val = append(w.val, c)
		w.tab = append(w.tab, at)
		last = at + 1
	}
	unterminated := func() (shellWord, int, bool, bool) {
		if !final {
			return shellWord{}, 0, true, false
		}
		return shellWord{}, 0, false, false
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
			return w.done(last), i, false, true
		case c == '&' && (i+1 >= n || b[i+1] == '&' || b[i+1] == ' ' || b[i+1] == '\n' || b[i+1] == '\r'):
			return w.done(last), i, false, true
		case c == '\'':
			j := bytes.IndexByte(b[i+1:], '\'')
			if j < 0 {
				return unterminated()
			}
			for k := i + 1; k <= i+j; k++ {
				add(b[k], k)
			}
			last = i + 1 + j
			i += j + 2
		case c == '"':
			i++
			for {
				if i >= n {
					return unterminated()
				}
				d := b[i]
				if d == '"' {
					last = i
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
					return unterminated()
				}
				d := b[i]
				if d == '\'' {
					last = i
					i++
					break
				}
				if d == '\\' && i+1 < n {
					e, ok := ansiEscape(b[i+1])
					if ok {
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
		return shellWord{}, 0, true, false
	}
	return w.done(last), n, false, true
}

func (w shellWord) done(last int) shellWord {
	w.tab = append(w.tab, last)
	return w
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

// dataValue says whether word w (followed by next) gives a request body,
// and returns it; attached says the value is in w itself.
func dataValue(w []byte) (isFlag bool, attached int) {
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
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
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
	words, curls, end, more, ok := parseCommand(b, after, final)
	if more {
		return p, true, false
	}
	if !ok {
		for _, c := range curls {
			mark(&ts.curl, c)
		}
		return p, false, false
	}
	var payload []byte
	var tab []int
	last := 0
	for k := 0; k < len(words); k++ {
		flag := words[k].val
		isFlag, at := dataValue(flag)
		if !isFlag {
			continue
		}
		var val []byte
		var vt []int
		if at >= 0 {
			val, vt = flag[at:], words[k].tab[at:]
		} else if k+1 < len(words) {
			k++
			val, vt = words[k].val, words[k].tab
		} else {
			continue
		}
		if len(val) > 0 && val[0] == '@' {
			continue // a file name
		}
		if bytes.HasPrefix(flag, []byte("--data-urlencode")) && len(val) > 0 && val[0] == '=' {
			val, vt = val[1:], vt[1:]
		}
		if len(val) == 0 {
			continue
		}
		if len(payload) > 0 {
			payload = append(payload, '&')
			tab = append(tab, vt[0])
		}
		payload = append(payload, val...)
		tab = append(tab, vt[:len(val)]...)
		last = vt[len(val)]
	}
	if payload == nil {
		return p, false, false
	}
	if v.depth+1 <= maxDepth {
		s.scanView(v.mapped(payload, append(tab, last), ViaCurl), 0)
	}
	return end, false, true
}
