package codec

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// The rule vectors: testdata/rules/cases.json holds the objects, and the
// expected md5 input and md5 of each rule come from the peers' own
// runtimes (testdata/rules/gen.js under node, gen.php under PHP 8, Gen.java
// with Gson under Java; each file says how to regenerate it).

type ruleExpect struct {
	Input string `json:"input"`
	MD5   string `json:"md5"`
	Error string `json:"error"`
}

func loadRuleVectors(t *testing.T) (cases []struct{ Name, JSON string }, want map[string]map[Rule]ruleExpect) {
	t.Helper()
	b, err := os.ReadFile("testdata/rules/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	want = map[string]map[Rule]ruleExpect{}
	for _, f := range []string{"expect.js.json", "expect.php.json", "expect.java.json"} {
		b, err := os.ReadFile("testdata/rules/" + f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]map[Rule]ruleExpect
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(f, err)
		}
		for name, rules := range m {
			if want[name] == nil {
				want[name] = map[Rule]ruleExpect{}
			}
			for r, e := range rules {
				want[name][r] = e
			}
		}
	}
	return cases, want
}

// Every rule renders and orders every case exactly as its peer runtime
// does.
func TestRuleVectors(t *testing.T) {
	cases, want := loadRuleVectors(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			o, err := ParseObject([]byte(c.JSON))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []Rule{RuleStrings, RuleJS, RuleCryptoJS, RulePHP, RuleJava} {
				e, ok := want[c.Name][r]
				if !ok {
					t.Fatalf("no expectation for rule %s", r)
				}
				in, err := SortedValues(o, r)
				md5, err2 := Digest(o, r)
				if e.Error != "" {
					if !errors.Is(err, ErrNonString) || !errors.Is(err2, ErrNonString) {
						t.Errorf("%s: SortedValues error %v, Digest error %v; want ErrNonString", r, err, err2)
					}
					continue
				}
				if err != nil || in != e.Input {
					t.Errorf("%s: SortedValues =\n %q, %v\nwant\n %q", r, in, err, e.Input)
				}
				if err2 != nil || md5 != e.MD5 {
					t.Errorf("%s: Digest = %s, %v; want %s", r, md5, err2, e.MD5)
				}
			}
		})
	}
}

// A message sealed under one rule verifies as that rule (or as an earlier
// rule that gives the same md5), and under no rule when the md5 is changed.
func TestVerifyNamesTheMatchingRule(t *testing.T) {
	cases, want := loadRuleVectors(t)
	for _, c := range cases {
		o, err := ParseObject([]byte(c.JSON))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []Rule{RuleJS, RuleCryptoJS, RulePHP, RuleJava} {
			e := want[c.Name][r]
			v := Verify(o, strings.ToLower(e.MD5))
			if !v.Verified {
				t.Errorf("%s / %s: md5 %s not verified: %+v", c.Name, r, e.MD5, v.Rules)
				continue
			}
			if got := want[c.Name][v.Rule]; got.MD5 != e.MD5 {
				t.Errorf("%s / %s: verified as %s, whose md5 is %s, not %s", c.Name, r, v.Rule, got.MD5, e.MD5)
			}
			if v.Rules[0].Rule != RuleStrings {
				t.Errorf("%s: the documented rule is not tried first: %+v", c.Name, v.Rules)
			}
		}
		if v := Verify(o, "00000000000000000000000000000000"); v.Verified || v.Rule != "" {
			t.Errorf("%s: a wrong md5 verified: %+v", c.Name, v)
		}
	}
}

// All-string objects whose keys every sender orders alike have one answer:
// only the documented rule is tried.
func TestVerifyPlainObjectTriesOneRule(t *testing.T) {
	o, _ := ParseObject([]byte(`{"b":"2","a":"1"}`))
	md5, _ := Digest(o, RuleStrings)
	v := Verify(o, md5)
	if !v.Verified || v.Rule != RuleStrings || len(v.Rules) != 1 || v.Rules[0].Input != "12" {
		t.Errorf("Verify = %+v", v)
	}
	// Integer-like keys sort differently in PHP: every rule is tried and
	// the PHP sender's md5 is recognised as php.
	o, _ = ParseObject([]byte(`{"10":"ten","9":"nine"}`))
	phpMD5, _ := Digest(o, RulePHP)
	v = Verify(o, phpMD5)
	if !v.Verified || v.Rule != RulePHP || len(v.Rules) != len(Presets()) || !slices.Equal(v.Presets, []Rule{RulePHP}) {
		t.Errorf("Verify of a PHP-ordered md5 = %+v", v)
	}
	if in, _ := SortedValues(o, RulePHP); in != "nineten" {
		t.Errorf("php order gives %q, want nineten", in)
	}
	if in, _ := SortedValues(o, RuleStrings); in != "tennine" {
		t.Errorf("byte order gives %q, want tennine", in)
	}
}

// The documented rule refuses non-string values and says how to fix it.
func TestStringsRuleRefusesNonStrings(t *testing.T) {
	o, _ := ParseObject([]byte(`{"amount":100}`))
	_, err := SortedValues(o, RuleStrings)
	if !errors.Is(err, ErrNonString) {
		t.Fatalf("error %v, want ErrNonString", err)
	}
	for _, part := range []string{`"amount"`, "number", `send the value as a string ("100")`, "js, cryptojs, php, java"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q does not say %q", err, part)
		}
	}
	if _, _, err := Seal(o, "K", RuleStrings); !errors.Is(err, ErrNonString) {
		t.Errorf("Seal error %v, want ErrNonString", err)
	}
	if _, _, err := Seal(o, "K", RuleJS); err != nil {
		t.Errorf("Seal under the js rule: %v", err)
	}
}

func TestParseRule(t *testing.T) {
	for _, s := range []string{"strings", "js", "cryptojs", "php", "java", "PHP", " java "} {
		r, err := ParseRule(s)
		if err != nil || string(r) != strings.ToLower(strings.TrimSpace(s)) {
			t.Errorf("ParseRule(%q) = %q, %v", s, r, err)
		}
	}
	_, err := ParseRule("gson")
	if !errors.Is(err, ErrUnknownRule) || !strings.Contains(err.Error(), "cryptojs") {
		t.Errorf("ParseRule(gson) error %v, want ErrUnknownRule listing the rules", err)
	}
	o := &Object{}
	if _, err := SortedValues(o, "gson"); !errors.Is(err, ErrUnknownRule) {
		t.Errorf("SortedValues with an unknown rule: %v", err)
	}
}

// Number rendering of each rule against values checked in the peers'
// runtimes (JavaScript String(n), PHP 8 (string) cast, Java
// Double.toString; Java 17 agrees on all of these).
func TestNumberRendering(t *testing.T) {
	tests := []struct{ lit, js, php, java string }{
		{"100", "100", "100", "100.0"},
		{"1.5", "1.5", "1.5", "1.5"},
		{"1e21", "1e+21", "1.0E+21", "1.0E21"},
		{"1e20", "100000000000000000000", "1.0E+20", "1.0E20"},
		{"0.000001", "0.000001", "1.0E-6", "1.0E-6"},
		{"0.0000001", "1e-7", "1.0E-7", "1.0E-7"},
		{"123456789.123", "123456789.123", "123456789.123", "1.23456789123E8"},
		{"0.1", "0.1", "0.1", "0.1"},
		{"-2.5e-10", "-2.5e-10", "-2.5E-10", "-2.5E-10"},
		{"9223372036854775807", "9223372036854776000", "9223372036854775807", "9.223372036854776E18"},
		{"9223372036854775808", "9223372036854776000", "9.2233720368548E+18", "9.223372036854776E18"},
		{"1e400", "Infinity", "INF", "Infinity"},
		{"-1e400", "-Infinity", "-INF", "-Infinity"},
		{"-0", "0", "0", "-0.0"},
		{"-0.0", "0", "-0", "-0.0"},
		{"0.30000000000000004", "0.30000000000000004", "0.3", "0.30000000000000004"},
		{"5e-324", "5e-324", "4.9406564584125E-324", "4.9E-324"},
		{"2.5e-323", "2.5e-323", "2.4703282292062E-323", "2.5E-323"},
	}
	for _, tt := range tests {
		if got := (numberUnder(tt.lit, RuleJS)); got != tt.js {
			t.Errorf("js %s = %s, want %s", tt.lit, got, tt.js)
		}
		if got := (numberUnder(tt.lit, RuleCryptoJS)); got != tt.js+".0" {
			t.Errorf("cryptojs %s = %s, want %s.0", tt.lit, got, tt.js)
		}
		if got := (numberUnder(tt.lit, RulePHP)); got != tt.php {
			t.Errorf("php %s = %s, want %s", tt.lit, got, tt.php)
		}
		if got := (numberUnder(tt.lit, RuleJava)); got != tt.java {
			t.Errorf("java %s = %s, want %s", tt.lit, got, tt.java)
		}
	}
}

// numberUnder renders a top-level number literal under rule r.
func numberUnder(lit string, r Rule) string {
	s, err := specOf(r)
	if err != nil {
		panic(err)
	}
	return string(appendNumber(nil, lit, s, true))
}

func TestCompareUTF16(t *testing.T) {
	// U+1F600 is D83D DE00 in UTF-16: before U+FF01, after U+D7FF.
	tests := []struct {
		a, b string
		want int
	}{
		{"a", "b", -1}, {"b", "a", 1}, {"a", "a", 0}, {"a", "ab", -1},
		{"😀", "！", -1}, {"！", "😀", 1}, {"퟿", "😀", -1}, {"😀", "😁", -1}, {"x😀", "x！", -1},
	}
	for _, tt := range tests {
		got := compareUTF16(tt.a, tt.b)
		if (got < 0) != (tt.want < 0) || (got > 0) != (tt.want > 0) {
			t.Errorf("compareUTF16(%q, %q) = %d, want sign %d", tt.a, tt.b, got, tt.want)
		}
	}
}
