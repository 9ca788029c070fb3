package jsapi

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
)

// canonicalObject takes a text only when it is byte for byte what
// codec.Object.AppendJSON writes for the object parsed from it.
func TestCanonicalObject(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{`{}`, true},
		{`{"a":"b"}`, true},
		{`{"amount":"114886","remarks":"礼品包装，不要放发票。","tip":"0"}`, true},
		{`{"q":"say \"hi\"\\ok","c":"a\nb\tc\rd\be\ff","s":"a` + "\u2028" + `b 😀"}`, true},
		{`{"n":1.50,"e":-1E+5,"t":true,"f":false,"z":null,"o":{"a":[1,"x",{}]},"l":[]}`, true},
		{`{"long":"` + string(bytes.Repeat([]byte("abcdefgh"), 40)) + `","x":"é"}`, true},
		{`{"a": "b"}`, false},
		{" {\"a\":\"b\"}", false},
		{"{\"a\":\"b\"}\n", false},
		{"\ufeff{\"a\":\"b\"}", false},
		{`{"a":"b","c":[1, 2]}`, false},
		{`{"a":"caf\u00e9"}`, false},
		{`{"a":"\u0001"}`, false},
		{`{"u":"https:\/\/x"}`, false},
		{`{"a":"` + string(bytes.Repeat([]byte("abcdefgh"), 4)) + `\u0041"}`, false},
	} {
		got := canonicalObject([]byte(tc.text))
		if got != tc.want {
			t.Errorf("canonicalObject(%q) = %v, want %v", tc.text, got, tc.want)
		}
		if got {
			assertCanonical(t, []byte(tc.text))
		}
	}
}

// assertCanonical checks the promise canonicalObject makes for p.
func assertCanonical(t *testing.T, p []byte) {
	t.Helper()
	o, err := codec.ParseObject(p)
	if err != nil {
		return // not an object codec reads: never decrypted data
	}
	if w := o.AppendJSON(nil); !bytes.Equal(w, p) {
		t.Fatalf("canonicalObject takes %q, but codec writes %q", p, w)
	}
}

func FuzzCanonicalObject(f *testing.F) {
	f.Add(`{"a":"b"}`)
	f.Add(`{"q":"say \"hi\"\\ok","c":"a\nb\t","n":1.50,"o":{"a":[1,"x",{}]}}`)
	f.Add(`{"a":"枫叶 😀 \u00e9"}`)
	f.Fuzz(func(t *testing.T, text string) {
		if canonicalObject([]byte(text)) {
			assertCanonical(t, []byte(text))
		}
	})
}

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

// DecodeJSON, which copies decrypted text in whole where it can, writes
// byte for byte what Report.AppendJSON writes: on the log whose decrypted
// texts are in codec's form and in others, and on the Appendix A vectors.
func TestDecodeJSONIsReportAppendJSON(t *testing.T) {
	text, err := os.ReadFile("testdata/nonascii.log")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := os.ReadFile("testdata/nonascii.keys.json")
	if err != nil {
		t.Fatal(err)
	}
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
	// The log holds decrypted texts of both kinds, so both ways are taken.
	k, _ := parseKeys(keys)
	var whole, not int
	sr := scan.NewReader(bytes.NewReader(text))
	for f, err := sr.Next(); err == nil; f, err = sr.Next() {
		if r := report.Decode(f, k); r.Opened != nil {
			if canonicalObject(r.Opened.Plaintext) {
				whole++
			} else {
				not++
			}
		}
	}
	if whole < 5 || not < 3 {
		t.Errorf("the log has %d decrypted texts in codec's form and %d not; want both", whole, not)
	}
}
