package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
)

// result is one decoded envelope, ready to print.
type result struct {
	json    []byte // the report as one line of JSON, newline included
	outcome report.Outcome
	line    int
	err     string
}

// job is one envelope to decode and the slot its result goes to.
type job struct {
	found scan.Found
	slot  chan result
}

// decodeStream decodes every envelope of in and writes one report per
// line to out, in input order, on the given number of workers.
//
// The pipeline is scan.Reader -> worker pool -> reorder buffer. The reader
// hands each envelope to the pool and, in the same order, queues the slot
// its result will arrive in; the writer takes the slots from that queue in
// order and waits on each. The queue holds at most window slots, so at
// most window+2 envelopes are held at any time however long the input is,
// while the workers keep every core busy.
func decodeStream(in io.Reader, out io.Writer, keys report.Keys, workers, window int) (st streamStats, err error) {
	if workers < 1 {
		workers = 1
	}
	if window < workers {
		window = workers
	}
	jobs := make(chan job, workers)
	order := make(chan chan result, window)
	done := make(chan struct{}) // closed when the writer gives up

	// Read by the writer only after order is closed.
	var (
		readErr     error
		maxInFlight int
	)
	inFlight := make(chan struct{}, window+2) // a token per envelope held
	go func() {
		defer close(order)
		defer close(jobs)
		defer func() {
			if p := recover(); p != nil {
				readErr = fmt.Errorf("internal error while scanning the input: %v (this is a bug; please report it with the input that caused it)", p)
			}
		}()
		sr := scan.NewReader(in)
		for {
			f, err := sr.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = fmt.Errorf("cannot read the input: %v", err)
				return
			}
			select {
			case inFlight <- struct{}{}:
			case <-done:
				return
			}
			if n := len(inFlight); n > maxInFlight {
				maxInFlight = n
			}
			slot := make(chan result, 1)
			select {
			case order <- slot:
			case <-done:
				return
			}
			select {
			case jobs <- job{found: f, slot: slot}:
			case <-done:
				return
			}
		}
	}()
	for i := 0; i < workers; i++ {
		go func() {
			for j := range jobs {
				j.slot <- decodeOne(j.found, keys)
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
		<-inFlight
		if flushErr == nil {
			_, flushErr = w.Write(res.json)
		}
		if flushErr != nil {
			close(done)
			return st, fmt.Errorf("cannot write the reports: %v", flushErr)
		}
		st.add(res.outcome, res.line, res.err)
	}
	if err := w.Flush(); err != nil {
		return st, fmt.Errorf("cannot write the reports: %v", err)
	}
	st.maxInFlight = maxInFlight
	return st, readErr
}

// decodeOne decodes one envelope into a result; it never panics.
func decodeOne(f scan.Found, keys report.Keys) (res result) {
	defer func() {
		if p := recover(); p != nil {
			r := report.Report{
				Line:     f.Line,
				Warnings: []string{},
				Error:    fmt.Sprintf("internal error while decoding this envelope: %v (this is a bug; please report it with the envelope)", p),
			}
			res = result{json: append(r.AppendJSON(nil), '\n'), outcome: report.Failed, line: f.Line, err: r.Error}
		}
	}()
	r := report.Decode(f, keys)
	b := r.AppendJSON(make([]byte, 0, 256+2*len(f.Raw)))
	return result{json: append(b, '\n'), outcome: r.Outcome(), line: r.Line, err: r.Error}
}
