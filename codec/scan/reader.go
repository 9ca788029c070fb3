package scan

import (
	"bytes"
	"io"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// DefaultBufferSize is the most text a Reader made by NewReader holds.
const DefaultBufferSize = 4 << 20

// MinBufferSize is the smallest buffer NewReaderSize accepts.
const MinBufferSize = 64 << 10

const (
	// readSize is the most read from the source at once.
	readSize = 64 << 10
	// stepSize is how much new text a Reader gathers before scanning
	// while the source has more at once.
	stepSize = 256 << 10
	// quickPending is the longest unfinished construct (a pretty-printed
	// body, an HTTP dump) that is tried again on every new line from a
	// source that has no more at once, as long as the text read has paid
	// for it (quickCredit per byte); a longer one (say, everything after
	// an unterminated quote) is tried again once the new text is an
	// eighth of it, so that the cost stays linear.
	quickPending = 16 << 10
	// quickCredit is what each byte read pays towards trying unfinished
	// constructs again: a construct of n bytes tried again costs n.
	quickCredit = 64
	// maxEmptyReads is how many reads without data or error are allowed.
	maxEmptyReads = 100
)

// Reader finds envelopes in a stream, in order, holding a bounded amount
// of it: it scans whole lines as they arrive and keeps back only a
// construct that is not finished yet (an object, HTTP dump or curl command
// spanning lines) and the start of its line. Offsets and line numbers
// count from the start of the stream.
//
// While the source has more text at once (a file, a fast pipe) a Reader
// gathers it in large steps. When a read returns less than asked, as a
// pipe that is being written to slowly does (tail -f log | ottpay decode),
// the Reader scans the whole lines it holds at once, so that an envelope
// is returned as soon as its line is complete. An envelope is returned
// only once nothing after it can change it: an object spanning lines is
// returned when its last line has come, never in pieces. (An unfinished
// construct longer than 16 KB, such as the text after an unterminated
// quote, is tried again only as more text comes.)
type Reader struct {
	src     io.Reader
	s       *scanner
	buf     []byte
	size    int
	gather  int  // new text gathered before a scan
	off     int  // stream offset of buf[0]
	lines   int  // line breaks before buf[0]
	bol     bool // buf[0] begins a line
	from    int  // where in buf scanning resumes
	scanned int  // where in buf the text scanned last ended
	pending int  // length of the unfinished construct at from, or 0
	nl      int  // offset in buf of its last line feed, or -1
	credit  int  // what the text read has paid towards quick scans
	need    int  // unscanned bytes wanted before the next scan
	force   int  // stream offset: constructs before it may end at the buffer's end
	last    int  // stream offset of the end of the last construct with findings
	eof     bool
	done    bool
	err     error
	queue   []Found
	next    int
}

// NewReader returns a Reader over r holding at most DefaultBufferSize bytes.
func NewReader(r io.Reader) *Reader { return NewReaderSize(r, DefaultBufferSize) }

// NewReaderSize returns a Reader over r holding at most size bytes (at
// least MinBufferSize). An envelope, HTTP dump or curl command longer than
// size is not found as such, though envelopes inside it still are.
func NewReaderSize(r io.Reader, size int) *Reader {
	return newReader(r, max(size, MinBufferSize), codec.ParseEnvelope)
}

func newReader(r io.Reader, size int, a accepter) *Reader {
	return &Reader{src: r, s: newScanner(a), size: size, gather: stepSize, bol: true, last: -1, need: stepSize, nl: -1}
}

// Next returns the next envelope, whole or broken (see Found), or io.EOF
// after the last one. An error reading the stream is returned once the
// envelopes before it are.
func (r *Reader) Next() (Found, error) {
	for {
		if r.next < len(r.queue) {
			f := r.queue[r.next]
			r.queue[r.next] = Found{}
			r.next++
			return f, nil
		}
		if r.done {
			if r.err != nil {
				return Found{}, r.err
			}
			return Found{}, io.EOF
		}
		r.step()
	}
}

// fill reads until enough new whole lines are held, the buffer is full or
// the stream ends.
func (r *Reader) fill() {
	if r.buf == nil {
		r.buf = make([]byte, 0, min(r.size, 2*stepSize))
	}
	empty := 0
	for !r.eof && len(r.buf) < r.size {
		if len(r.buf)-r.from >= r.need && r.nl >= r.from {
			return
		}
		want := min(readSize, r.size-len(r.buf))
		if cap(r.buf)-len(r.buf) < want {
			nb := make([]byte, len(r.buf), min(r.size, max(2*cap(r.buf), len(r.buf)+want)))
			r.s.work += len(r.buf)
			copy(nb, r.buf)
			r.buf = nb
		}
		n, err := r.src.Read(r.buf[len(r.buf) : len(r.buf)+want])
		n = min(max(n, 0), want)
		r.s.work += 1 + n
		r.credit = min(r.credit+quickCredit*n, quickCredit*r.size)
		if j := bytes.LastIndexByte(r.buf[len(r.buf):len(r.buf)+n], '\n'); j >= 0 {
			r.nl = len(r.buf) + j
		}
		r.buf = r.buf[:len(r.buf)+n]
		switch {
		case err == io.EOF:
			r.eof = true
		case err != nil:
			r.eof, r.err = true, err
		case n == 0:
			if empty++; empty >= maxEmptyReads {
				r.eof, r.err = true, io.ErrNoProgress
			}
		case n < want && r.quick():
			// The source has no more for now: scan what is whole.
			return
		}
	}
}

// quick says whether the text held is worth scanning before more comes:
// a line was completed since the last scan, and trying an unfinished
// construct again is paid for by the text read.
func (r *Reader) quick() bool {
	fresh := len(r.buf) - max(r.scanned, r.from)
	if r.nl < max(r.scanned, r.from) {
		return false
	}
	if 8*fresh >= r.pending {
		return true
	}
	if r.pending <= quickPending && r.credit >= r.pending {
		r.credit -= r.pending
		return true
	}
	return false
}

// step scans the next part of the stream into the queue.
func (r *Reader) step() {
	r.fill()
	end := len(r.buf)
	r.s.work++ // the step
	if !r.eof && r.nl >= r.from {
		end = r.nl + 1
	}
	final := r.eof && end == len(r.buf)
	s := r.s
	s.out = s.out[:0]
	s.force = r.force - r.off
	s.lastEnd = r.last - r.off
	pending := s.top(r.buf[:end], r.off, r.from, final, r.bol)
	npos, nlfs := s.number(r.buf[:end], r.off, 0, r.lines)
	r.queue, r.next = s.out, 0
	r.scanned = end
	if s.lastEnd >= 0 {
		r.last = r.off + s.lastEnd
	}
	if pending < 0 {
		r.need, r.pending = r.gather, 0
		if final {
			r.done = true
			r.buf = nil
			return
		}
		r.drop(end, npos, nlfs)
		return
	}
	if pending == r.from && len(r.buf) >= r.size {
		// The construct at pending is longer than the buffer: give it up.
		r.force = r.off + pending + 1
	}
	r.need = max(r.gather, 2*(len(r.buf)-pending))
	r.pending = end - pending
	r.drop(pending, npos, nlfs)
}

// drop discards the buffer before the line of p (keeping at most lookback
// bytes of it) and resumes scanning at p. The buffer holds lfs line
// feeds before offset npos, as numbering the findings counted them.
func (r *Reader) drop(p, npos, lfs int) {
	k := p
	for k > 0 && p-k < lookback && r.buf[k-1] != '\n' {
		k--
	}
	r.s.work += p - k
	if k > 0 {
		r.s.work += len(r.buf) // counting lines, then moving the rest
		r.bol = r.buf[k-1] == '\n'
		r.lines += lfs + lfsBetween(r.buf, npos, k)
		r.off += k
		n := copy(r.buf, r.buf[k:])
		r.buf = r.buf[:n]
	}
	r.from = p - k
	r.scanned = max(r.scanned-k, 0)
	r.nl = max(r.nl-k, -1)
}
