package codec

import (
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
)

// Encoding keeps member order and value text, writes raw UTF-8 and escapes
// only what JSON requires: never the HTML characters encoding/json escapes.
func TestAppendJSONIsCompactRawAndOrdered(t *testing.T) {
	o := &Object{}
	o.SetString("z", "<a href='x'>&amp;</a>")
	o.SetString("a", "张三 😀 \u2028 \x7f")
	o.SetString("ctl", "line\nbreak\ttab\r\x01\x1f\b\f")
	o.SetString("q", `"quoted" \ back\slash /`)
	o.Set("n", Value{Kind: KindNumber, Text: "100.50"})
	o.Set("b", Value{Kind: KindBool, Text: "true"})
	o.Set("nil", Value{Kind: KindNull, Text: "null"})
	o.Set("obj", Value{Kind: KindObject, Text: `{"k":[1,"v"]}`})
	o.SetString("z", "<tag>&") // Set replaces in place
	want := `{"z":"<tag>&","a":"张三 😀 ` + "\u2028 \x7f" + `","ctl":"line\nbreak\ttab\r\u0001\u001f\b\f","q":"\"quoted\" \\ back\\slash /","n":100.50,"b":true,"nil":null,"obj":{"k":[1,"v"]}}`
	if got := string(o.AppendJSON(nil)); got != want {
		t.Errorf("AppendJSON:\n got %s\nwant %s", got, want)
	}
	b, _ := o.MarshalJSON()
	if string(b) != want {
		t.Errorf("MarshalJSON differs from AppendJSON")
	}
	back, err := ParseObject(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(back.AppendJSON(nil)); got != want {
		t.Errorf("parse then encode changed the text:\n got %s\nwant %s", got, want)
	}
	if v, ok := back.Get("ctl"); !ok || v.Text != "line\nbreak\ttab\r\x01\x1f\b\f" {
		t.Errorf("Get(ctl) = %q, %v", v.Text, ok)
	}
	if _, ok := back.Get("missing"); ok {
		t.Error("Get of a missing key reports it present")
	}
}

// Decoding accepts what real senders write inside the plaintext: PHP's
// "\/" and \uXXXX escapes with surrogate pairs, Gson's \u003d, and keeps
// number literals and member order as written.
func TestParseObjectSenderEscapes(t *testing.T) {
	in := `  {"url":"http:\/\/x.example\/cb","name":"\u5f20\u4e09","emoji":"\ud83d\ude00",` +
		`"gson":"prepay_id\u003dwx\u0026a\u003cb\u003e","amount":1.50,"n":-0,"e":1E+2,"t":true,"f":false,"z":null,` +
		`"nested":{ "a" : [ 1 , "\u00e9" , { } , [ ] ] }, "s":"\"\\\b\f\n\r\t"}` + "\r\n\t "
	o, err := ParseObject([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Member{
		{"url", Value{KindString, "http://x.example/cb"}},
		{"name", Value{KindString, "张三"}},
		{"emoji", Value{KindString, "😀"}},
		{"gson", Value{KindString, "prepay_id=wx&a<b>"}},
		{"amount", Value{KindNumber, "1.50"}},
		{"n", Value{KindNumber, "-0"}},
		{"e", Value{KindNumber, "1E+2"}},
		{"t", Value{KindBool, "true"}},
		{"f", Value{KindBool, "false"}},
		{"z", Value{KindNull, "null"}},
		{"nested", Value{KindObject, `{"a":[1,"é",{},[]]}`}},
		{"s", Value{KindString, "\"\\\b\f\n\r\t"}},
	}
	if len(o.Members) != len(want) {
		t.Fatalf("got %d members, want %d: %+v", len(o.Members), len(want), o.Members)
	}
	for i := range want {
		if o.Members[i] != want[i] {
			t.Errorf("member %d = %+v, want %+v", i, o.Members[i], want[i])
		}
	}
	// The md5 is computed over the decoded strings, not the escapes.
	o2, _ := ParseObject([]byte(`{"b":"\u4e2d","a":"http:\/\/x"}`))
	if s, _ := SortedValues(o2, RuleStrings); s != "http://x中" {
		t.Errorf("SortedValues = %q, want the decoded strings", s)
	}
}

func TestParseObjectRejects(t *testing.T) {
	tests := []struct {
		in   string
		want error
		says string
	}{
		{``, ErrNotJSON, "empty"},
		{`   `, ErrNotJSON, "empty"},
		{`[1,2]`, ErrNotObject, "array"},
		{`"{\"a\":\"b\"}"`, ErrNotObject, "encoded twice"},
		{`42`, ErrNotObject, "number"},
		{`{"a":"b"}{"c":"d"}`, ErrNotJSON, "after the end"},
		{`{"a":"b",}`, ErrNotJSON, "member name"},
		{`{"a" "b"}`, ErrNotJSON, "':'"},
		{`{'a':'b'}`, ErrNotJSON, "member name"},
		{`{"a":01}`, ErrNotJSON, "','"},
		{`{"a":1.}`, ErrNotJSON, "malformed number"},
		{`{"a":-}`, ErrNotJSON, "malformed number"},
		{`{"a":.5}`, ErrNotJSON, "expected a value"},
		{`{"a":NaN}`, ErrNotJSON, "expected a value"},
		{`{"a":tru}`, ErrNotJSON, "expected a value"},
		{`{"a":"b`, ErrNotJSON, "unterminated"},
		{`{"a":"b\x"}`, ErrNotJSON, "escape"},
		{`{"a":"\u12"}`, ErrNotJSON, "hex digits"},
		{"{\"a\":\"line\nbreak\"}", ErrNotJSON, "control character"},
		{`{"a":"\ud83d"}`, ErrNotJSON, "surrogate"},
		{`{"a":"\ude00\ud83d"}`, ErrNotJSON, "surrogate"},
		{`{"a":1,"a":2}`, ErrDuplicate, `"a"`},
		{`{"a":{"x":1,"y":2,"x":3}}`, ErrDuplicate, `"x"`},
		{`{"a":[{"k":1,"\u006b":2}]}`, ErrDuplicate, `"k"`},
		{"{\"a\":\"\xff\"}", ErrNotUTF8, "0xff"},
		{"\xef\xbb\xbf{}", ErrNotJSON, "'{'"},
		{`{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`, ErrTooDeep, "64"},
	}
	for _, tt := range tests {
		_, err := ParseObject([]byte(tt.in))
		if !errors.Is(err, tt.want) {
			t.Errorf("ParseObject(%q) error %v, want %v", tt.in, err, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.says) || !strings.HasPrefix(err.Error(), "input: ") {
			t.Errorf("ParseObject(%q) error %q does not name the layer and %q", tt.in, err, tt.says)
		}
		var e *Error
		if !errors.As(err, &e) || e.Hint == "" {
			t.Errorf("ParseObject(%q) error %v has no hint", tt.in, err)
		}
	}
	// Exactly MaxDepth levels are accepted.
	deep := `{"a":` + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + `}`
	if _, err := ParseObject([]byte(deep)); err != nil {
		t.Errorf("%d levels of nesting refused: %v", MaxDepth, err)
	}
}

// Hostile sizes fail fast with the right error, never by exhausting the
// stack or the clock (the benchmarks time them; here they must just end).
func TestHostileInputFailsFast(t *testing.T) {
	deep := []byte(`{"a":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`)
	if _, err := ParseObject(deep); !errors.Is(err, ErrTooDeep) {
		t.Errorf("100,000-deep object: %v, want ErrTooDeep", err)
	}
	deepObj := []byte(strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000))
	if _, err := ParseObject(deepObj); !errors.Is(err, ErrTooDeep) {
		t.Errorf("100,000 nested objects: %v, want ErrTooDeep", err)
	}
	arr := []byte(strings.Repeat("[", 100000))
	if _, err := ParseObject(arr); !errors.Is(err, ErrTooDeep) {
		t.Errorf("100,000 open brackets: %v, want ErrTooDeep", err)
	}
	if _, _, err := DecodeBody(deep, "K"); !errors.Is(err, ErrTooDeep) {
		t.Errorf("DecodeBody of a 100,000-deep body: %v, want ErrTooDeep", err)
	}
	big := make([]byte, MaxMessageSize+1)
	for i := range big {
		big[i] = 'a'
	}
	if _, err := ParseObject(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized input: %v, want ErrTooLarge", err)
	}
	if _, _, err := DecodeBody(big, "K"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("DecodeBody of an oversized body: %v, want ErrTooLarge", err)
	}
	garbage := make([]byte, 8<<20)
	x := uint32(2463534242)
	for i := range garbage {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		garbage[i] = byte(x)
	}
	if _, _, err := DecodeBody(garbage, "K"); !errors.Is(err, ErrNotJSON) && !errors.Is(err, ErrNotUTF8) {
		t.Errorf("8 MB of random bytes: %v, want ErrNotJSON or ErrNotUTF8", err)
	}
	ascii := []byte(strings.Repeat("garbage ", 1<<20))
	if _, _, err := DecodeBody(ascii, "K"); !errors.Is(err, ErrNotJSON) {
		t.Errorf("8 MB of text: %v, want ErrNotJSON", err)
	}
	if _, err := openRaw("C12F9560769C2CB55E6954935B325916", strings.Repeat("A", 2*MaxMessageSize+4), "K"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized data: %v, want ErrTooLarge", err)
	}
	// Many members, some nested, each object checked for duplicates
	// without quadratic time.
	var b strings.Builder
	b.WriteString(`{"n":{`)
	for i := 0; i < 200000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + itoa(i) + `":1`)
	}
	b.WriteString(`,"k7":2}}`)
	if _, err := ParseObject([]byte(b.String())); !errors.Is(err, ErrDuplicate) {
		t.Errorf("200,000 members with a duplicate: %v, want ErrDuplicate", err)
	}
}

// encoding/json uses the Object's own rules in both directions.
func TestObjectWithEncodingJSON(t *testing.T) {
	var x struct{ Fields *Object }
	if err := json.Unmarshal([]byte(`{"Fields":{"b":"1","a":2.50}}`), &x); err != nil {
		t.Fatal(err)
	}
	if got := string(x.Fields.AppendJSON(nil)); got != `{"b":"1","a":2.50}` {
		t.Errorf("decoded through encoding/json: %s", got)
	}
	if err := json.Unmarshal([]byte(`{"Fields":{"a":1,"a":2}}`), &x); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate through encoding/json: %v", err)
	}
}

// Objects built by a caller are checked before they are sealed.
func TestSealChecksCallerObjects(t *testing.T) {
	tests := []struct {
		o    *Object
		want error
	}{
		{&Object{Members: []Member{{"a", Value{KindString, "1"}}, {"a", Value{KindString, "2"}}}}, ErrDuplicate},
		{&Object{Members: []Member{{"a", Value{KindNumber, "1,5"}}}}, ErrNotJSON},
		{&Object{Members: []Member{{"a", Value{KindBool, "yes"}}}}, ErrNotJSON},
		{&Object{Members: []Member{{"a", Value{KindObject, `{"x":}`}}}}, ErrNotJSON},
		{&Object{Members: []Member{{"a", Value{KindArray, `{}`}}}}, ErrNotJSON},
		{&Object{Members: []Member{{"a", Value{KindString, "\xff"}}}}, ErrNotUTF8},
		{&Object{Members: []Member{{"\xff", Value{KindString, "x"}}}}, ErrNotUTF8},
		{&Object{Members: []Member{{"a", Value{Kind(42), "x"}}}}, ErrFieldType},
	}
	for _, tt := range tests {
		if _, _, err := Seal(tt.o, "K", RuleJS); !errors.Is(err, tt.want) {
			t.Errorf("Seal(%+v) error %v, want %v", tt.o.Members, err, tt.want)
		}
	}
	if _, _, err := Seal(&Object{}, "", RuleStrings); !errors.Is(err, ErrEmptySignKey) {
		t.Errorf("Seal with no key: %v", err)
	}
	if _, _, err := Seal(&Object{}, "K", "JS"); !errors.Is(err, ErrUnknownRule) {
		t.Errorf("Seal with rule JS: %v", err)
	}
	// The zero Object is an empty object ready to use.
	md5, data, err := Seal(&Object{}, "K", "")
	if err != nil || md5 != "D41D8CD98F00B204E9800998ECF8427E" {
		t.Fatalf("Seal of {} = %s, %v", md5, err)
	}
	if op, err := openRaw(md5, data, "K"); err != nil || string(op.Plaintext) != "{}" {
		t.Errorf("Open of {} = %v", err)
	}
}

// The UTF-8 check agrees with the standard library on the sequences that
// matter: overlong forms, surrogates, truncation, the largest code point.
func TestValidUTF8(t *testing.T) {
	tests := []string{
		"", "ascii only, longer than eight bytes", "中文", "中文中文中文中文x", "😀", "\u00e9",
		"\xe0\x80\x80", "\xe0\xa0\x80", "\xed\xa0\x80", "\xed\x9f\xbf", "\xef\xbf\xbf", "\xee\x80",
		"\xe4\xb8", "\xe4\xb8\x41", "\xe4\x41\xad", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xc0\x80", "\xff",
		"abcdefg\xe4\xb8\xad", "abcdefgh\xe4\xb8", "\x80abcdefgh",
	}
	for _, s := range tests {
		if validUTF8(s) != utf8.ValidString(s) {
			t.Errorf("validUTF8(%q) = %v, utf8.ValidString says %v", s, validUTF8(s), utf8.ValidString(s))
		}
		if got := string(appendQuoted(nil, s)); utf8.ValidString(s) != !strings.Contains(got, `\ufffd`) {
			t.Errorf("appendQuoted(%q) = %s", s, got)
		}
	}
}

// Long strings take a word-at-a-time path; what it cannot vouch for goes
// through the byte-exact one.
func TestLongStrings(t *testing.T) {
	long := strings.Repeat("abcdefghij", 30)
	tests := []struct {
		in   string
		want error
		text string
	}{
		{long, nil, long},
		{long[:150] + `\n` + long[150:], nil, long[:150] + "\n" + long[150:]},
		{long[:150] + "中文" + long[150:], nil, long[:150] + "中文" + long[150:]},
		{long[:150] + "\x7f" + long[150:], nil, long[:150] + "\x7f" + long[150:]},
		{long[:150] + "\t" + long[150:], ErrNotJSON, ""},
		{long[:150] + "\x1f" + long[150:], ErrNotJSON, ""},
		{long[:150] + "\xff" + long[150:], ErrNotUTF8, ""},
		{long[:150] + "\xe4\xb8" + long[150:], ErrNotUTF8, ""},
	}
	for i, tt := range tests {
		o, err := ParseObject([]byte(`{"k":"` + tt.in + `"}`))
		if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
			t.Errorf("case %d: error %v, want %v", i, err, tt.want)
			continue
		}
		if err == nil && o.Members[0].Value.Text != tt.text {
			t.Errorf("case %d: text %q", i, o.Members[0].Value.Text)
		}
	}
	for i := 0; i < 256; i++ {
		s := strings.Repeat("x", i%40) + string(rune(i)) + strings.Repeat("y", 20)
		if i >= 0x80 {
			s = strings.Repeat("x", i%40) + string([]byte{byte(i)}) + strings.Repeat("y", 20)
		}
		want := i >= 0x20 && i < 0x80
		if jsontok.PlainASCII(s) != want {
			t.Errorf("plainASCII with byte %#x = %v", i, !want)
		}
	}
}

// An over-limit input is refused before it is copied: ParseObject,
// ParseEnvelope and DecodeBody allocate next to nothing for it.
func TestOverLimitInputIsNotCopied(t *testing.T) {
	huge := make([]byte, MaxMessageSize+1)
	for i := range huge {
		huge[i] = ' '
	}
	huge[0] = '{'
	for _, c := range []struct {
		name  string
		parse func() error
	}{
		{"ParseObject", func() error { _, err := ParseObject(huge); return err }},
		{"ParseEnvelope", func() error { _, err := ParseEnvelope(huge); return err }},
		{"Object.UnmarshalJSON", func() error { return new(Object).UnmarshalJSON(huge) }},
		{"DecodeBody", func() error { _, _, err := DecodeBody(huge, exKey); return err }},
	} {
		var err error
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err = c.parse()
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s of %d bytes: %v, want ErrTooLarge", c.name, len(huge), err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 64<<10 {
			t.Errorf("%s of %d bytes allocated %d bytes before refusing it", c.name, len(huge), got)
		}
	}
}
