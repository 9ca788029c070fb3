package jsapi

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The arrays ottpay.decode hands to JavaScript one by one hold, joined,
// DecodeJSON's reports in DecodeJSON's order, each array no larger than
// asked unless it holds a single report; the text of each is reused only
// after it was handed over. Checked on a long log with text outside ASCII,
// on text without envelopes and with keys that cannot be used.
func TestDecodeArraysJoinToDecodeJSON(t *testing.T) {
	text, keys := readNonASCII(t)
	long := bytes.Repeat(text, 50)
	for _, tc := range []struct {
		name       string
		text, keys []byte
		size       int
		arrays     int // at least
	}{
		{"long log, small pieces", long, keys, 4 << 10, 30},
		{"long log, one report a piece", long, keys, 1, 400},
		{"long log, parsePiece", bytes.Repeat(text, 200), keys, parsePiece, 3},
		{"no envelope", []byte("nothing here"), keys, 1, 1},
		{"bad keys", text, []byte("42"), 1, 1},
	} {
		want := reportList(t, DecodeJSON(tc.text, tc.keys))
		arrays := 0
		got := joinedArrays(t, tc.text, tc.keys, tc.size, func(b []byte, rs []json.RawMessage) {
			arrays++
			if len(b) > tc.size+2 && len(rs) > 1 {
				// Over the size only by the report that crossed it.
				if last := len(rs[len(rs)-1]); len(b)-last-2 > tc.size {
					t.Errorf("%s: an array of %d bytes, %d reports, for pieces of %d", tc.name, len(b), len(rs), tc.size)
				}
			}
			// The caller may not keep b: spoil it, as the next report
			// written into the same memory would.
			for i := range b {
				b[i] = 'x'
			}
		})
		if arrays < tc.arrays {
			t.Errorf("%s: %d arrays, want at least %d", tc.name, arrays, tc.arrays)
		}
		sameReports(t, tc.name, got, want)
	}
}

// joinedArrays runs decodeArrays on text and keys in arrays of about size
// bytes, checks that each array is a non-empty list of reports, calls
// each (when not nil) with the array and its reports once they are
// copied, and returns the copies of every report, in order.
func joinedArrays(t *testing.T, text, keys []byte, size int, each func(b []byte, rs []json.RawMessage)) []json.RawMessage {
	t.Helper()
	var got []json.RawMessage
	decodeArrays(text, keys, size, func(b []byte) {
		rs := reportList(t, b)
		for _, r := range rs {
			got = append(got, append(json.RawMessage(nil), r...))
		}
		if each != nil {
			each(b, rs)
		}
	})
	return got
}

// sameReports fails t, naming the first difference, unless the reports
// handed over in arrays (got) are DecodeJSON's (want), in order.
func sameReports(t *testing.T, what string, got, want []json.RawMessage) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d reports in the arrays, DecodeJSON has %d", what, len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("%s: report %d is\n%s\nDecodeJSON's is\n%s", what, i, got[i], want[i])
		}
	}
}

// reportList splits the JSON text of an array of reports into the text of
// each report, checking it is JSON.
func reportList(t *testing.T, b []byte) []json.RawMessage {
	t.Helper()
	var rs []json.RawMessage
	if err := json.Unmarshal(b, &rs); err != nil || len(rs) == 0 {
		t.Fatalf("not a non-empty JSON array: %v\n%s", err, b)
	}
	var again []map[string]any
	if err := json.Unmarshal(b, &again); err != nil {
		t.Fatalf("not an array of objects: %v", err)
	}
	return rs
}
