package codec

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// The peer vectors: testdata/rules/peers.json holds objects with numbers,
// nulls and nested values, and the md5 input and md5 each peer of the peer
// table computes for them come from the peers' code shapes run by node
// (gen.peers.js: the ".0" node peer, and the peer whose encode path joins
// values with String()) and by the JDK (GenPeers.java: Jackson's types,
// and the Gson SDK's decipher path, which appends null as "null").

// peerRules says which rule reproduces each peer: a preset, or a
// combination when no preset does.
var peerRules = map[string]string{
	"jsdot0":     "jsdot0",                     // numbers=dot0, null="", nested JSON
	"jsjoin":     "jsjoin",                     // [object Object], arrays joined
	"jackson":    "jackson",                    // ints kept, Map.toString
	"gsondecode": "java,null=null,nested=java", // no preset: a combination
}

func loadPeerVectors(t *testing.T) (cases []struct{ Name, JSON string }, want map[string]map[string]ruleExpect) {
	t.Helper()
	b, err := os.ReadFile("testdata/rules/peers.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	want = map[string]map[string]ruleExpect{}
	for _, f := range []string{"expect.peers.js.json", "expect.peers.java.json"} {
		b, err := os.ReadFile("testdata/rules/" + f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]map[string]ruleExpect
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(f, err)
		}
		for name, peers := range m {
			if want[name] == nil {
				want[name] = map[string]ruleExpect{}
			}
			for p, e := range peers {
				want[name][p] = e
			}
		}
	}
	return cases, want
}

// Each peer's message verifies, names the peer's preset (among every
// preset that matches) or, for the peer no preset models, the combination
// of dimensions it uses; and that rule reproduces the peer's md5 input and
// md5 byte for byte, so encoding with it makes messages the peer accepts.
func TestPeerVectors(t *testing.T) {
	cases, want := loadPeerVectors(t)
	for _, c := range cases {
		o, err := ParseObject([]byte(c.JSON))
		if err != nil {
			t.Fatal(err)
		}
		for peer, text := range peerRules {
			e, ok := want[c.Name][peer]
			if !ok {
				t.Fatalf("%s: no expectation for %s", c.Name, peer)
			}
			r, err := ParseRule(text)
			if err != nil {
				t.Fatal(err)
			}
			in, err := SortedValues(o, r)
			if err != nil || in != e.Input {
				t.Errorf("%s / %s: SortedValues under %s =\n %q, %v\nwant\n %q", c.Name, peer, r, in, err, e.Input)
			}
			if md5, err := Digest(o, r); err != nil || md5 != e.MD5 {
				t.Errorf("%s / %s: Digest = %s, %v; want %s", c.Name, peer, md5, err, e.MD5)
			}
			v := Verify(o, strings.ToLower(e.MD5))
			if !v.Verified {
				t.Errorf("%s / %s: not verified: %+v", c.Name, peer, v.Rules)
				continue
			}
			// Every rule named gives the peer's md5 input.
			for _, p := range append(slices.Clone(v.Presets), v.Combination) {
				if p == "" {
					continue
				}
				if in, _ := SortedValues(o, p); in != e.Input {
					t.Errorf("%s / %s: verified naming %s, whose input is %q, not %q", c.Name, peer, p, in, e.Input)
				}
			}
			presetGives := false
			for _, p := range Presets() {
				if in, _ := SortedValues(o, p); in == e.Input {
					presetGives = true
				}
			}
			if strings.Contains(text, "=") && !presetGives {
				if v.Combination != r || v.Rule != r || len(v.Presets) != 0 {
					t.Errorf("%s / %s: verified as rule %q, presets %v, combination %q; want the combination %q", c.Name, peer, v.Rule, v.Presets, v.Combination, r)
				}
				if !strings.HasPrefix(string(r), "numbers=java,ints=number,bool=text,null=null,nested=java,keys=utf16") {
					t.Errorf("the combination is spelled %q", r)
				}
			} else if !strings.Contains(text, "=") && !slices.Contains(v.Presets, r) || v.Combination != "" || v.Rule != v.Presets[0] {
				t.Errorf("%s / %s: verified as rule %q, presets %v, combination %q; want the preset %s among them", c.Name, peer, v.Rule, v.Presets, v.Combination, r)
			}
		}
	}
}

// A peer message decodes through the whole scheme: the data encrypted
// with the key derived from the peer's md5 opens, and the report names the
// peer's rule.
func TestPeerMessagesOpen(t *testing.T) {
	cases, want := loadPeerVectors(t)
	c := cases[0]
	for peer, text := range peerRules {
		md5 := want[c.Name][peer].MD5
		data, err := EncryptData(AESKey(md5, exKey), []byte(c.JSON))
		if err != nil {
			t.Fatal(err)
		}
		e := &Envelope{Kind: Response, RspCode: "SUCCESS", Data: data, MD5: md5, HasData: true, HasMD5: true}
		op, err := e.Open(exKey)
		if err != nil {
			t.Fatalf("%s: %v", peer, err)
		}
		r, _ := ParseRule(text)
		if !slices.Contains(op.Presets, r) && op.Combination != r {
			t.Errorf("%s: opened as %q / %v / %q, want %s", peer, op.Rule, op.Presets, op.Combination, r)
		}
	}
}

// Every preset that reproduces the md5 is named, not only the first.
func TestVerifyNamesEveryMatchingPreset(t *testing.T) {
	o, _ := ParseObject([]byte(`{"amount":100,"order_id":"A1"}`))
	md5, _ := Digest(o, RulePHP)
	v := Verify(o, md5)
	// 100 renders "100" under js, php, jackson and jsjoin alike.
	if want := []Rule{RuleJS, RulePHP, RuleJackson, RuleJSJoin}; !v.Verified || v.Rule != RuleJS || !slices.Equal(v.Presets, want) {
		t.Errorf("Verify = %v %q %v, want presets %v", v.Verified, v.Rule, v.Presets, want)
	}
}

// Verify counts its md5 computations: one for an all-string object with
// plain keys; one per distinct md5 input of the presets otherwise; and
// the search, which runs only when no preset matches, stays within its
// bound on an object that exercises every dimension.
func TestVerifyCountsMD5s(t *testing.T) {
	count := func(js, md5 string) (Verification, int) {
		t.Helper()
		o, err := ParseObject([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		return verify(o, md5, nil, &n), n
	}
	const plain = `{"order_id":"A1","amount":"100","biz_type":"WECHATPAY","zh":"茶"}`
	o, _ := ParseObject([]byte(plain))
	good, _ := Digest(o, RuleStrings)
	if v, n := count(plain, good); !v.Verified || n != 1 {
		t.Errorf("strings-only object: verified %v with %d md5s, want 1", v.Verified, n)
	}
	if v, n := count(plain, strings.Repeat("0", 32)); v.Verified || n != 1 {
		t.Errorf("strings-only object, wrong md5: %d md5s, want 1 (every sender agrees)", n)
	}
	// Integer-like keys: byte and UTF-16 order agree, PHP's differs; the
	// eight presets give two distinct inputs, hashed once each, and an
	// all-string object leaves nothing else to search.
	if v, n := count(`{"10":"a","9":"b"}`, strings.Repeat("0", 32)); v.Verified || n != 2 {
		t.Errorf("integer-like keys: %d md5s, want 2", n)
	}
	// Every dimension matters here: numbers (integer and fraction), a
	// boolean, a null, a nested object holding a number and a null, and
	// keys that order three ways.
	const worst = `{"10":1,"9":2.5,"😀":true,"！":null,"a":{"x":1,"y":null},"b":[1,null]}`
	v, n := count(worst, strings.Repeat("0", 32))
	if v.Verified {
		t.Fatal("a wrong md5 verified")
	}
	if n <= len(presets) || n > len(presets)+maxSearch {
		t.Errorf("worst object: %d md5s, want the search to run and stay within %d", n, len(presets)+maxSearch)
	}
	t.Logf("worst object: %d md5s (bound %d)", n, len(presets)+maxSearch)
}

func TestParseRuleCombinations(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"numbers=dot0,ints=number,bool=text,null=empty,nested=json,keys=utf16", "jsdot0"},
		{" Keys=UTF16 , nested=json,null=empty,bool=text,ints=number,numbers=dot0", "jsdot0"},
		{"java,ints=keep,nested=java", "jackson"},
		{"java,null=null", "numbers=java,ints=number,bool=text,null=null,nested=gson,keys=utf16"},
		{"numbers=raw,ints=keep,bool=php,null=omit,nested=php,keys=bytes", "numbers=raw,ints=keep,bool=php,null=omit,nested=php,keys=bytes"},
	} {
		r, err := ParseRule(tt.in)
		if err != nil || string(r) != tt.want {
			t.Errorf("ParseRule(%q) = %q, %v; want %q", tt.in, r, err, tt.want)
		}
		if r2, err := ParseRule(string(r)); err != nil || r2 != r {
			t.Errorf("ParseRule(%q) does not give itself back: %q, %v", r, r2, err)
		}
	}
	for _, tt := range []struct{ in, says string }{
		{"numbers=dot1,ints=number,bool=text,null=empty,nested=json,keys=utf16", "numbers is one of raw, js, dot0, java, php"},
		{"numbers=js", "missing: ints, bool, null, nested, keys"},
		{"js,colour=red", `"colour" is not a dimension`},
		{"js,null=null,null=empty", "null is given twice"},
		{"strings,numbers=js", "takes no dimensions"},
		{"null=null,js", "a preset name may only come first"},
		{"gson", `"gson" is not a preset`},
	} {
		_, err := ParseRule(tt.in)
		if !errors.Is(err, ErrUnknownRule) || !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), "jsdot0") {
			t.Errorf("ParseRule(%q) error %v; want ErrUnknownRule saying %q and listing the presets", tt.in, err, tt.says)
		}
	}
}
