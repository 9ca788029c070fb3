package jsontok

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// read reads s as one value the way the codec does, returning its compact
// form.
func read(s string, max int) (string, *Error) {
	r := Reader{S: s, MaxDepth: max}
	r.SkipSpace()
	out, _, err := r.Value(nil, 1)
	if err != nil {
		return "", err
	}
	if !r.AtEnd() {
		return "", r.Syntax("the end of the text")
	}
	return string(out), nil
}

// Each rule of the package doc refuses what it says, where it says.
func TestReaderRules(t *testing.T) {
	tests := []struct {
		name, in string
		code     Code
		off      int
	}{
		{"trailing comma", `{"a":1,}`, Syntax, 7},
		{"single quotes", `{'a':1}`, Syntax, 1},
		{"leading zero", `[01]`, Syntax, 2},
		{"comment", `[1/*x*/]`, Syntax, 2},
		{"bare control character", "[\"a\tb\"]", Control, 3},
		{"invalid UTF-8", "[\"a\xffb\"]", BadUTF8, 3},
		{"surrogate half in UTF-8", "[\"\xed\xa0\x80\"]", BadUTF8, 2},
		{"overlong form", "[\"\xc0\xaf\"]", BadUTF8, 2},
		{"UTF-8 outside strings", "[1,\xc3\xa9]", Syntax, 3},
		{"lone high surrogate", `["\ud83dx"]`, Surrogate, 2},
		{"lone low surrogate", `["\ude00"]`, Surrogate, 2},
		{"reversed pair", `["\ude00\ud83d"]`, Surrogate, 2},
		{"unknown escape", `["\x"]`, Syntax, 3},
		{"short u escape", `["\u12"]`, Syntax, 4},
		{"duplicate name", `{"a":1,"b":{"c":1,"c":2}}`, Duplicate, 0},
		{"duplicate name, escaped", `{"a":1,"\u0061":2}`, Duplicate, 0},
		{"missing colon", `{"a" 1}`, Colon, 5},
		{"too deep", `[[[[1]]]]`, TooDeep, 3},
		{"unterminated", `["abc`, Syntax, 5},
	}
	for _, tt := range tests {
		_, err := read(tt.in, 3)
		if err == nil {
			t.Errorf("%s: %q read without error", tt.name, tt.in)
			continue
		}
		if err.Code != tt.code || err.Off != tt.off {
			t.Errorf("%s: %q: code %d at %d (%v), want code %d at %d", tt.name, tt.in, err.Code, err.Off, err, tt.code, tt.off)
		}
	}
	for _, ok := range []string{
		`{"a":"\"\\\/\b\f\n\r\t\u0041\u00e9\u4e09\ud83d\ude00"}`, `[[[1]]]`, `{"a":{"a":1},"b":{"a":2}}`,
		`[-0,0.5,1e5,1E+5,-1.5e-5,true,false,null]`, " {\"张三\" : [ ] } ",
	} {
		if _, err := read(ok, 3); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
}

// Replace reads what encoding/json reads as U+FFFD the same way.
func TestReplace(t *testing.T) {
	for _, s := range []string{"\"a\xffb\"", `"\ud83dx"`, `"\ude00\ud83d"`, "\"\xed\xa0\x80\""} {
		r := Reader{S: s, Replace: true}
		got, err := r.String()
		var want string
		if e := json.Unmarshal([]byte(s), &want); e != nil || err != nil || got != want || r.I != len(s) {
			t.Errorf("%q: %q (%v), encoding/json %q (%v)", s, got, err, want, e)
		}
	}
}

// The writer's two forms: JSON.stringify's, and the report's for text
// embedded in scripts.
func TestAppendString(t *testing.T) {
	tests := []struct {
		in           string
		plain, scrpt string
	}{
		{"a\"b\\c/", `"a\"b\\c/"`, `"a\"b\\c/"`},
		{"\b\f\n\r\t\x01\x1f\x7f", `"\b\f\n\r\t\u0001\u001f` + "\x7f\"", `"\u0008\u000c\n\r\t\u0001\u001f` + "\x7f\""},
		{"<&>张三😀", `"<&>张三😀"`, `"<&>张三😀"`},
		{"\u2028\u2029", "\"\u2028\u2029\"", `"\u2028\u2029"`},
		{"a\xffb\xe4\xb8", `"a\ufffdb\ufffd\ufffd"`, `"a\ufffdb\ufffd\ufffd"`},
	}
	for _, tt := range tests {
		if got, ok := AppendString(nil, tt.in, 0); string(got) != tt.plain || !ok {
			t.Errorf("AppendString(%q) = %s, want %s", tt.in, got, tt.plain)
		}
		if got, _ := AppendString(nil, tt.in, Script); string(got) != tt.scrpt {
			t.Errorf("AppendString(%q, Script) = %s, want %s", tt.in, got, tt.scrpt)
		}
	}
	if _, ok := AppendString(nil, "a\xff", Strict); ok {
		t.Error("Strict wrote invalid UTF-8")
	}
}

// FuzzReader checks the reader against encoding/json: what it reads,
// encoding/json reads as the same value, and its compact form reads back
// as itself; what it refuses and encoding/json reads breaks one of the
// rules encoding/json does not apply.
func FuzzReader(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"\u00e9",{"b":null}],"c":true}`, `{"a":1,"a":2}`, "[\"\xff\"]",
		`["\ud800"]`, `[[[[[[1]]]]]]`, `{"a" :"b" , "c":{ }}`, `[1,]`, `"\/\b"`, `-0.0E-0`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := read(s, 5)
		valid := json.Valid([]byte(s))
		if err == nil {
			if !valid {
				t.Fatalf("read %q, encoding/json refuses it", s)
			}
			var a, b any
			if json.Unmarshal([]byte(s), &a) != nil || json.Unmarshal([]byte(out), &b) != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("compact form %s of %q reads as another value", out, s)
			}
			if again, err := read(out, 5); err != nil || again != out {
				t.Fatalf("compact form %s reads back as %s (%v)", out, again, err)
			}
			return
		}
		if valid && err.Code == Syntax {
			t.Fatalf("refused %q as a syntax error (%v), encoding/json reads it", s, err)
		}
		if err.Off < 0 || err.Off > len(s) || strings.TrimSpace(err.Error()) == "" {
			t.Fatalf("error %v for %q", err, s)
		}
	})
}
