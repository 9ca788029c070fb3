package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
)

// outcome is how one envelope of a batch ended, for the stderr summary.
type outcome struct {
	outcome report.Outcome
	line    int
	err     string
}

// result is one decoded batch, ready to print.
type result struct {
	json     []byte // the reports, one line of JSON each, newlines included
	outcomes []outcome
}

// job is a batch of envelopes to decode and the slot its result goes to.
type job struct {
	found []scan.Found
	slot  chan result
}

// batchBytes is the most envelope text gathered into one batch before it
// is handed to a worker (a longer envelope makes a batch of its own).
const batchBytes = 64 << 10

// errStopped ends the scan when the writer has given up.
var errStopped = errors.New("stopped")

// flushingReader calls before ahead of every read from r, so that what
// was found in the text already read is handed on before a read that may
// wait for more (a log tailed into decode).
type flushingReader struct {
	r      io.Reader
	before func() error
}

func (f *flushingReader) Read(p []byte) (int, error) {
	if err := f.before(); err != nil {
		return 0, err
	}
	return f.r.Read(p)
}

// decodeStream decodes every envelope of in and writes one report per
// line to out, in input order, on the given number of workers.
//
// The pipeline is scan.Reader -> worker pool -> reorder buffer, in
// batches: the reader gathers envelopes into a batch of up to
// window/(4*workers) envelopes and batchBytes of text, and hands it to the
// pool when it is full or before reading more input, so that an envelope
// waits for no input after its own. In the same order it queues the slot
// the batch's result will arrive in; the writer takes the slots from that
// queue in order and waits on each. Batches cut the hand-offs between
// goroutines, which cost more than decoding a small envelope. At most
// window envelopes are held at any time however long the input is, while
// the workers keep every core busy.
func decodeStream(in io.Reader, out io.Writer, keys report.Keys, workers, window int) (st streamStats, err error) {
	if workers < 1 {
		workers = 1
	}
	if window < workers {
		window = workers
	}
	perBatch := max(1, window/(4*workers))
	// Batches queued for the writer: with the one it is writing and the
	// one being gathered, at most window envelopes (and, as a batch stops
	// at batchBytes, at most slots+2 times batchBytes and a longest
	// envelope of text).
	slots := max(1, window/perBatch-2)
	jobs := make(chan job, workers)
	order := make(chan chan result, slots)
	done := make(chan struct{}) // closed when the writer gives up
	bufs := sync.Pool{New: func() any { return new([]byte) }}

	// Read by the writer only after order is closed.
	var (
		readErr     error
		maxInFlight int
	)
	var inFlight atomic.Int64 // envelopes gathered and not yet written
	go func() {
		defer close(order)
		defer close(jobs)
		defer func() {
			if p := recover(); p != nil {
				readErr = fmt.Errorf("internal error while scanning the input: %v (this is a bug; please report it with the input that caused it)", p)
			}
		}()
		var (
			batch []scan.Found
			size  int
		)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			slot := make(chan result, 1)
			select {
			case order <- slot:
			case <-done:
				return errStopped
			}
			select {
			case jobs <- job{found: batch, slot: slot}:
			case <-done:
				return errStopped
			}
			batch, size = make([]scan.Found, 0, perBatch), 0
			return nil
		}
		sr := scan.NewReader(&flushingReader{r: in, before: flush})
		for {
			f, err := sr.Next()
			if err == io.EOF {
				flush()
				return
			}
			if errors.Is(err, errStopped) {
				return
			}
			if err != nil {
				if flush() == nil {
					readErr = fmt.Errorf("cannot read the input: %v", err)
				}
				return
			}
			batch = append(batch, f)
			size += len(f.Raw)
			if n := int(inFlight.Add(1)); n > maxInFlight {
				maxInFlight = n
			}
			if len(batch) >= perBatch || size >= batchBytes {
				if flush() != nil {
					return
				}
			}
		}
	}()
	for i := 0; i < workers; i++ {
		go func() {
			for j := range jobs {
				bp := bufs.Get().(*[]byte)
				b := (*bp)[:0]
				outs := make([]outcome, len(j.found))
				for k, f := range j.found {
					b, outs[k] = decodeOne(b, f, keys)
				}
				*bp = b
				j.slot <- result{json: b, outcomes: outs}
			}
		}()
	}

	w := bufio.NewWriterSize(out, 64<<10)
	// wait is called before blocking on the pipeline: it shows what is
	// written so far, so that a log tailed into decode is reported as it
	// grows.
	var flushErr error
	wait := func() {
		if flushErr == nil && w.Buffered() > 0 {
			flushErr = w.Flush()
		}
	}
	for {
		var (
			slot chan result
			ok   bool
		)
		select {
		case slot, ok = <-order:
		default:
			wait()
			slot, ok = <-order
		}
		if !ok {
			break
		}
		var res result
		select {
		case res = <-slot:
		default:
			wait()
			res = <-slot
		}
		inFlight.Add(-int64(len(res.outcomes)))
		if flushErr == nil {
			_, flushErr = w.Write(res.json)
		}
		if cap(res.json) <= 4*batchBytes { // an outsized buffer is left to the collector
			b := res.json
			bufs.Put(&b)
		}
		if flushErr != nil {
			close(done)
			return st, fmt.Errorf("cannot write the reports: %v", flushErr)
		}
		for _, o := range res.outcomes {
			st.add(o.outcome, o.line, o.err)
		}
	}
	if err := w.Flush(); err != nil {
		return st, fmt.Errorf("cannot write the reports: %v", err)
	}
	st.maxInFlight = maxInFlight
	return st, readErr
}

// decodeOne appends the report of one envelope, as one line of JSON, to
// dst; it never panics.
func decodeOne(dst []byte, f scan.Found, keys report.Keys) (out []byte, o outcome) {
	defer func() {
		if p := recover(); p != nil {
			r := report.Report{
				Line:     f.Line,
				Warnings: []string{},
				Error:    fmt.Sprintf("internal error while decoding this envelope: %v (this is a bug; please report it with the envelope)", p),
			}
			out = append(r.AppendJSON(dst), '\n')
			o = outcome{outcome: report.Failed, line: f.Line, err: r.Error}
		}
	}()
	r := report.Decode(f, keys)
	out = append(r.AppendJSON(dst), '\n')
	return out, outcome{outcome: r.Outcome(), line: r.Line, err: r.Error}
}
