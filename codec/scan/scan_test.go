package scan

import (
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// The cases under testdata/cases are the pastes of the spec: raw, pretty
// and several bodies per line, log lines, JSON strings (once and twice
// escaped, PHP escapes), Base64 (standard, URL-safe, wrapped), HTTP dumps
// (CRLF, chunked, curl -v), curl commands, the H5PAY example, data broken
// by line breaks, form bodies, a mix, garbage and duplicates.

// TestFindingLayers checks where envelopes are found and how they were
// wrapped, with the envelope parser replaced by a plain reading of the
// members, so that it tests the finding and unwrapping alone.
func TestFindingLayers(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			checkFindings(t, c, scanWith(c.input, shapeAccept), shapeAccept)
		})
	}
}

// TestScan checks the same cases through Scan and codec.ParseEnvelope.
func TestScan(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			checkFindings(t, c, Scan(c.input), codec.ParseEnvelope)
		})
	}
}
