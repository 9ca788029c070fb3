package ui

import (
	"context"
	"io"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// InlineDecode is the longest text the Decode page decodes at once, as it
// is typed or pasted. Longer text, and every text that arrives in a share
// link, is decoded in the background by DecodeCards, with a progress bar
// and a Cancel button, so that the page never stops responding.
const InlineDecode = 16 << 10

// MaxCards is the most envelopes the Decode page shows cards for; the
// Batch page is for more. Decoding stops there.
const MaxCards = 100

// DecodeChunk is the number of envelopes DecodeCards decodes between two
// yields when DecodeOptions.Chunk is zero.
const DecodeChunk = 10

// readStep is the most text DecodeCards hands the scanner between two
// yields.
const readStep = 16 << 10

// DecodeOptions tune DecodeCards.
type DecodeOptions struct {
	// Chunk is the number of envelopes decoded between two yields;
	// DecodeChunk when zero or negative.
	Chunk int
	// Yield hands the thread to the page between two chunks, and between
	// two steps of reading the text, and returns when the page has had its
	// turn or ctx is cancelled (batch.YieldToPage in a browser). Nil
	// yields nothing.
	Yield func(ctx context.Context)
	// Progress, when set, is called after every chunk and step, and once
	// at the end with Done set.
	Progress func(DecodeProgress)
}

// DecodeProgress is a snapshot of a running DecodeCards.
type DecodeProgress struct {
	// Envelopes is the number of envelopes decoded so far.
	Envelopes int
	// Read is how much of the text the scanner has read, of Size bytes.
	Read, Size int64
	// Done is true on the last call.
	Done bool
}

// Percent is the share of the text read, from 0 to 100.
func (p DecodeProgress) Percent() int {
	if p.Size <= 0 || p.Read >= p.Size {
		return 100
	}
	return int(100 * p.Read / p.Size)
}

// DecodeCards is DecodeText in steps, like the Batch page: it reads the
// text a step at a time and decodes the envelopes in chunks, yielding to
// the page, reporting progress and checking ctx between any two. It stops
// after MaxCards envelopes (more reports true if the text held more), or
// when ctx is cancelled, returning the cards so far with ctx's error.
func DecodeCards(ctx context.Context, text string, profiles []vault.Profile, typed string, opt DecodeOptions) (cards []Card, more bool, err error) {
	if strings.TrimSpace(text) == "" {
		return nil, false, nil
	}
	chunk := opt.Chunk
	if chunk <= 0 {
		chunk = DecodeChunk
	}
	src := &steppedReader{r: strings.NewReader(text), ctx: ctx, yield: opt.Yield}
	progress := func(done bool) {
		if opt.Progress != nil {
			opt.Progress(DecodeProgress{Envelopes: len(cards), Read: src.n, Size: int64(len(text)), Done: done})
		}
	}
	src.step = func() { progress(false) }
	defer func() { progress(true) }()
	ring := NewKeyRing(profiles, typed)
	sr := scan.NewReader(src)
	for {
		if err := ctx.Err(); err != nil {
			return cards, false, err
		}
		f, err := sr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return cards, false, ctxErr
			}
			return cards, false, err
		}
		if len(cards) == MaxCards {
			return cards, true, nil
		}
		r, use := ring.Decode(f)
		cards = append(cards, buildCard(len(cards)+1, &r, profiles, typed != "", &use))
		if len(cards)%chunk == 0 {
			progress(false)
			if opt.Yield != nil {
				opt.Yield(ctx)
			}
		}
	}
	if len(cards) == 0 {
		r := report.NoEnvelope()
		cards = append(cards, buildCard(1, &r, profiles, typed != "", nil))
	}
	return cards, false, ctx.Err()
}

// steppedReader hands the scanner at most readStep bytes at a time, and
// yields to the page and reports progress before every step but the
// first. A cancelled ctx ends the text early.
type steppedReader struct {
	r     io.Reader
	ctx   context.Context
	yield func(context.Context)
	step  func()
	n     int64
	reads int
}

func (s *steppedReader) Read(p []byte) (int, error) {
	if s.reads > 0 {
		s.step()
		if s.yield != nil {
			s.yield(s.ctx)
		}
	}
	s.reads++
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > readStep {
		p = p[:readStep]
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	return n, err
}
