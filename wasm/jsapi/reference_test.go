package jsapi

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
)

// referenceJSON is the JSON text of the array of reports of text made the
// plain way: every envelope the scanner finds, decoded, written by
// Report.AppendJSON.
func referenceJSON(t testing.TB, text, keys []byte) []byte {
	t.Helper()
	k, msg := parseKeys(keys)
	if msg != "" {
		return ErrorReports(msg)
	}
	out := []byte{'['}
	sr := scan.NewReader(bytes.NewReader(text))
	for {
		f, err := sr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		r := report.Decode(f, k)
		out = r.AppendJSON(out)
	}
	if len(out) == 1 {
		r := report.NoEnvelope()
		out = r.AppendJSON(out)
	}
	return append(out, ']')
}

// DecodeJSON writes byte for byte what Report.AppendJSON writes for each
// report: on the log whose decrypted texts are in codec's form and in
// others, and on the Appendix A vectors.
func TestDecodeJSONIsReportAppendJSON(t *testing.T) {
	text, keys := readNonASCII(t)
	a, cb := vectors(t)
	for name, in := range map[string]struct{ text, keys []byte }{
		"non-ASCII log": {text, keys},
		"Appendix A":    {[]byte(envelopeText(t, a) + "\n" + envelopeText(t, cb)), []byte(`{"QC00005496":"` + a.SignKey + `","ON00004652":"` + cb.SignKey + `"}`)},
		"wrong key":     {[]byte(envelopeText(t, a)), keyJSON("0000000000000000")},
	} {
		if got, want := DecodeJSON(in.text, in.keys), referenceJSON(t, in.text, in.keys); !bytes.Equal(got, want) {
			t.Errorf("%s: DecodeJSON wrote\n%s\nReport.AppendJSON writes\n%s", name, got, want)
		}
	}
}

// readNonASCII reads testdata/nonascii.log and the keys that decode it
// (see testdata/gen_nonascii.go).
func readNonASCII(t testing.TB) (text, keys []byte) {
	t.Helper()
	text, err := os.ReadFile("testdata/nonascii.log")
	if err != nil {
		t.Fatal(err)
	}
	keys, err = os.ReadFile("testdata/nonascii.keys.json")
	if err != nil {
		t.Fatal(err)
	}
	return text, keys
}
