package scan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// The cases under testdata/cases are the pastes of the spec: raw, pretty
// and several bodies per line, log lines, JSON strings (once and twice
// escaped, PHP escapes), Base64 (standard, URL-safe, wrapped), HTTP dumps
// (CRLF, chunked, curl -v), curl commands, the H5PAY example, data broken
// by line breaks, form bodies, a mix, garbage and duplicates; and broken
// envelopes (broken_*), each reported with the reason it is not one.

// TestFindingLayers checks where envelopes are found and how they were
// wrapped, with the envelope parser replaced by a plain reading of the
// members, so that it tests the finding and unwrapping alone.
func TestFindingLayers(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			checkFindings(t, c, scanWith(c.input, shapeAccept), shapeAccept, false)
		})
	}
}

// TestScan checks the same cases through Scan and codec.ParseEnvelope.
func TestScan(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			checkFindings(t, c, Scan(c.input), codec.ParseEnvelope, true)
		})
	}
}

// Every envelope found in the cases that is a documented vector opens and
// verifies with its documented sign key: unwrapping (unescaping, Base64,
// form decoding, shell unquoting, line-break repair) kept it intact.
func TestFoundVectorsOpen(t *testing.T) {
	keys := map[string]string{} // md5 to sign key
	b, err := os.ReadFile(filepath.Join("testdata", "envelopes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vectors map[string]struct {
		SignKey  string `json:"sign_key"`
		Envelope struct {
			MD5 string `json:"md5"`
		} `json:"envelope"`
	}
	if err := json.Unmarshal(b, &vectors); err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors {
		if v.SignKey != "" {
			keys[v.Envelope.MD5] = v.SignKey
		}
	}
	opened := 0
	for _, c := range loadCases(t) {
		for i, f := range Scan(c.input) {
			if f.Envelope == nil {
				continue
			}
			key, ok := keys[f.Envelope.MD5]
			if !ok {
				continue
			}
			o, err := f.Envelope.Open(key)
			if err != nil || !o.Verified {
				t.Errorf("%s: finding %d (via %q) does not open: %v", c.name, i+1, f.Via, err)
				continue
			}
			opened++
		}
	}
	if opened < 20 {
		t.Errorf("only %d envelopes opened; the cases should hold more vectors", opened)
	}
}
