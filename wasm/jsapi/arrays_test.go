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
		var got []json.RawMessage
		arrays := 0
		decodeArrays(tc.text, tc.keys, tc.size, func(b []byte) {
			arrays++
			rs := reportList(t, b)
			if len(b) > tc.size+2 && len(rs) > 1 {
				// Over the size only by the report that crossed it.
				if last := len(rs[len(rs)-1]); len(b)-last-2 > tc.size {
					t.Errorf("%s: an array of %d bytes, %d reports, for pieces of %d", tc.name, len(b), len(rs), tc.size)
				}
			}
			for _, r := range rs {
				got = append(got, append(json.RawMessage(nil), r...))
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
		if len(got) != len(want) {
			t.Fatalf("%s: %d reports in the arrays, DecodeJSON has %d", tc.name, len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("%s: report %d is\n%s\nDecodeJSON's is\n%s", tc.name, i, got[i], want[i])
			}
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
