// Package batch decodes every envelope in a large log (tens of megabytes,
// thousands of envelopes mixed with other lines) and holds the outcome as a
// table that can be sorted, filtered, counted and exported.
//
// Decoding runs in chunks: between two chunks the engine reports progress,
// checks for cancellation and yields, so a page that runs it in a goroutine
// stays responsive. In a browser the Go scheduler does not return to the
// JavaScript event loop while a goroutine can run, so pages set
// Options.Yield to YieldToPage.
package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
)

// DefaultChunk is the number of envelopes decoded between two yields when
// Options.Chunk is zero: a few tens of milliseconds of work in a browser.
const DefaultChunk = 500

// Options configure a batch decode.
type Options struct {
	// Keys picks the sign key of each envelope, by merchant_id (see
	// report.Keys), when Decode is nil.
	Keys report.Keys
	// Decode, when set, decodes each envelope instead of report.Decode
	// with Keys: the workbench passes its key ring, which tries the key
	// of every profile that shares the envelope's merchant_id.
	Decode func(scan.Found) report.Report
	// Chunk is the number of envelopes decoded between two yields;
	// DefaultChunk when zero or negative.
	Chunk int
	// Yield, when set, is called between two chunks to hand the thread to
	// the page; YieldToPage is the one for browsers. It must return when
	// its context is cancelled.
	Yield func(context.Context)
	// Pause, used when Yield is nil, is how long the engine sleeps between
	// two chunks. Zero only lets other goroutines run (runtime.Gosched).
	Pause time.Duration
	// Progress, when set, is called after every chunk and once at the end,
	// on the decoding goroutine.
	Progress func(Progress)
}

// Progress is a snapshot of a running decode.
type Progress struct {
	// Envelopes is the number of envelopes decoded so far.
	Envelopes int
	// Read is the number of input bytes consumed so far; Size is the
	// input size given to Decode, or -1 when unknown.
	Read, Size int64
	// Counts are the outcomes so far.
	Counts Counts
	// Done is true on the last call.
	Done bool
}

// Fraction returns the share of the input consumed, from 0 to 1, or -1
// when the input size is unknown.
func (p Progress) Fraction() float64 {
	if p.Size < 0 {
		return -1
	}
	if p.Size == 0 || p.Read >= p.Size {
		return 1
	}
	return float64(p.Read) / float64(p.Size)
}

// Result is the outcome of a batch decode.
type Result struct {
	// Rows holds one row per envelope, in input order.
	Rows []Row
	// Counts are the outcomes of Rows.
	Counts Counts
	// Read is the number of input bytes consumed.
	Read int64
}

// ErrRead is wrapped by the error Decode returns when the input could not
// be read to its end.
var ErrRead = errors.New("batch: the input could not be read")

// DecodeText decodes every envelope in text; see Decode.
func DecodeText(ctx context.Context, text []byte, opt Options) (*Result, error) {
	return Decode(ctx, bytes.NewReader(text), int64(len(text)), opt)
}

// Decode finds every envelope in r with the scanner and decodes each with
// opt.Decode, else opt.Keys. size is the input size for progress, or -1 when unknown.
//
// When ctx is cancelled Decode stops at the next chunk boundary and returns
// the rows decoded so far with ctx's error. When the input fails to read it
// returns the rows so far with an error wrapping ErrRead. The result is
// never nil.
func Decode(ctx context.Context, r io.Reader, size int64, opt Options) (*Result, error) {
	chunk := opt.Chunk
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	cr := &countingReader{r: r}
	sr := scan.NewReader(cr)
	res := &Result{}
	if size > 0 {
		// About one envelope per kilobyte in a log of callbacks: enough
		// to avoid most regrowth without holding much idle memory.
		res.Rows = make([]Row, 0, min(size/1024, 1<<16))
	}
	progress := func(done bool) {
		res.Read = cr.n
		if opt.Progress != nil {
			opt.Progress(Progress{Envelopes: len(res.Rows), Read: cr.n, Size: size, Counts: res.Counts, Done: done})
		}
	}
	finish := func(err error) (*Result, error) {
		progress(true)
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return finish(err)
	}
	inChunk := 0
	for {
		f, err := sr.Next()
		if err == io.EOF {
			return finish(nil)
		}
		if err != nil {
			return finish(fmt.Errorf("%w after %d envelopes: %w", ErrRead, len(res.Rows), err))
		}
		var rep report.Report
		if opt.Decode != nil {
			rep = opt.Decode(f)
		} else {
			rep = report.Decode(f, opt.Keys)
		}
		row := rowOf(len(res.Rows), &rep)
		res.Counts.add(row.Outcome)
		res.Rows = append(res.Rows, row)
		inChunk++
		if inChunk < chunk {
			continue
		}
		inChunk = 0
		progress(false)
		if opt.Yield != nil {
			opt.Yield(ctx)
		} else if opt.Pause > 0 {
			t := time.NewTimer(opt.Pause)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
		} else {
			runtime.Gosched()
		}
		if err := ctx.Err(); err != nil {
			return finish(err)
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Field names the table reads from the decrypted data, first found wins.
var (
	orderIDFields = []string{"order_id", "orderId"}
	amountFields  = []string{"amount", "total_amount", "pay_amount", "refund_amount"}
	statusFields  = []string{"status", "order_status", "trade_status", "rspCode", "respcode"}
)

// rowOf makes the table row of a report. The row keeps the decrypted data
// for export and drops the intermediate values of the decode.
func rowOf(index int, r *report.Report) Row {
	row := Row{
		Index:    index,
		Line:     r.Line,
		Kind:     r.Kind,
		Merchant: r.MerchantID,
		Action:   r.Action,
		RspCode:  r.RspCode,
		Outcome:  r.Outcome(),
		Rule:     r.Rule,
		Key:      r.Key,
		Cause:    r.Error,
		Warnings: r.Warnings,
		Data:     r.Data,
	}
	row.OrderID, _ = r.Field(orderIDFields...)
	row.Amount, _ = r.Field(amountFields...)
	row.Status, _ = r.Field(statusFields...)
	if row.Merchant == "" && r.Data != nil {
		if v, ok := r.Data.Get("merchant_id"); ok && v.Kind == codec.KindString {
			row.Merchant = v.Text
		}
	}
	return row
}
