// Package scan finds OTT Pay envelopes in pasted text: raw or
// pretty-printed bodies, JSON strings holding a body, Base64-wrapped bodies,
// HTTP dumps, curl commands and log lines, mixed together.
package scan

import (
	"io"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// TEMPORARY stubs: the scanner author replaces these bodies.

// Found is one envelope found in the text.
type Found struct {
	Envelope *codec.Envelope
	// Raw is the envelope's JSON text as it was found (after unwrapping).
	Raw []byte
	// Start and End are byte offsets of the envelope in the input.
	Start, End int
	// Line is the 1-based line number where the envelope starts.
	Line int
	// Via says how it was wrapped, outermost first, e.g. "json",
	// "http-body", "curl -d", "json-string", "base64", "log-line".
	Via []string
}

// Scan returns every envelope in text, in order of appearance.
func Scan(text []byte) []Found { return nil }

// Reader scans a stream in bounded memory.
type Reader struct{}

// NewReader returns a Reader over r.
func NewReader(r io.Reader) *Reader { return &Reader{} }

// Next returns the next envelope, or io.EOF.
func (r *Reader) Next() (Found, error) { return Found{}, io.EOF }
