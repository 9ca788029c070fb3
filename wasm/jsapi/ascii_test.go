package jsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"reflect"
	"testing"
	"unicode/utf8"
)

// jsonTokens reads a JSON text as the sequence of its tokens, member names
// and values in order: two texts with the same tokens are the same JSON to
// any reader, JSON.parse included, however their strings are spelt.
func jsonTokens(t *testing.T, b []byte) []any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out []any
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("not JSON: %v\n%s", err, b)
		}
		out = append(out, tok)
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// What ottpay.decode hands to JavaScript (decodeJSON with ascii set) is
// DecodeJSON's JSON, the same reports in the same order, with every
// character outside ASCII spelt as a \u escape: on a log whose data,
// member names, envelope members, warnings and errors hold CJK, accented
// Latin, characters beyond U+FFFF, U+2028 and C1 controls, and bytes that
// are not UTF-8.
func TestASCIIReportsAreDecodeJSON(t *testing.T) {
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
		"non-ASCII log":  {text, keys},
		"Appendix A":     {[]byte(envelopeText(t, a) + "\n" + envelopeText(t, cb)), []byte(`{"QC00005496":"` + a.SignKey + `","ON00004652":"` + cb.SignKey + `"}`)},
		"no envelope":    {[]byte("héllo wörld"), keyJSON(a.SignKey)},
		"keys not valid": {text, []byte(`["clé"]`)},
	} {
		plain := DecodeJSON(in.text, in.keys)
		asc := decodeJSON(in.text, in.keys, true)
		if !isASCII(asc) {
			t.Errorf("%s: the text for JavaScript is not ASCII:\n%s", name, asc)
		}
		if !reflect.DeepEqual(jsonTokens(t, asc), jsonTokens(t, plain)) {
			t.Errorf("%s: the text for JavaScript is other JSON than DecodeJSON's:\n%s\nwant\n%s", name, asc, plain)
		}
		if name == "non-ASCII log" {
			if isASCII(plain) {
				t.Fatal("DecodeJSON of the non-ASCII log is ASCII: the test proves nothing")
			}
			if n := len(reports(t, asc)); n != 8 {
				t.Errorf("%d reports for the 8 envelopes of the log", n)
			}
		}
	}
}

// appendASCII spells each character outside ASCII as JSON.parse reads it
// back: one \u escape in the Basic Multilingual Plane, a surrogate pair
// beyond; text that is not UTF-8 is refused untouched.
func TestAppendASCII(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":"b"}`, `{"a":"b"}`},
		{`"é"`, `"\u00e9"`},
		{`"\u0085"`, `"\u0085"`},
		{"\"\u0085\u00ff\u0100\"", `"\u0085\u00ff\u0100"`},
		{`"枫叶 ok"`, `"\u67ab\u53f6 ok"`},
		{"\"a\u2028b\"", `"a\u2028b"`},
		{`"😀"`, `"\ud83d\ude00"`},
		{`"𝄞x￿"`, `"\ud834\udd1ex\uffff"`},
		{`{"名前":"x"}`, `{"\u540d\u524d":"x"}`},
	} {
		got, ok := appendASCII([]byte("["), []byte(tc.in))
		if !ok || string(got) != "["+tc.want {
			t.Errorf("appendASCII(%q) = %q, %v; want %q", tc.in, got, ok, "["+tc.want)
		}
		var a, b any
		if json.Unmarshal([]byte(tc.in), &a) != nil || json.Unmarshal([]byte(tc.want), &b) != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%q and %q are not the same JSON", tc.in, tc.want)
		}
	}
	for _, bad := range []string{"\"caf\xe9\"", "\"\xed\xa0\x80\"", "\"\xf0\x9f\x98\""} {
		if got, ok := appendASCII([]byte("["), []byte(bad)); ok || string(got) != "[" {
			t.Errorf("appendASCII(%q) = %q, %v; want it refused", bad, got, ok)
		}
	}
	for _, tc := range []struct {
		in   string
		want int
	}{{"", -1}, {"abcdefgh", -1}, {"abcdefghé", 8}, {"é", 0}, {"abcdefghijklmnopqrstuvwxyz0123456789\xff", 36}} {
		if got := firstNonASCII([]byte(tc.in)); got != tc.want {
			t.Errorf("firstNonASCII(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
