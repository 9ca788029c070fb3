package codec

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// Seeds shared by the fuzz targets: the documented plaintexts and
// envelopes, the rule cases, and shapes that stress the parser.
func fuzzSeeds(t testing.TB) (objects, bodies []string) {
	for _, v := range loadVectors(t) {
		objects = append(objects, v.Plaintext)
		if v.Envelope != nil && string(v.Envelope) != "null" {
			bodies = append(bodies, string(v.Envelope))
		}
	}
	b, err := os.ReadFile("testdata/rules/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ JSON string }
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		objects = append(objects, c.JSON)
	}
	objects = append(objects, `{}`, ` { "a" : [ ] } `, `{"a":"\ud83d\ude00\u0000\/"}`, `{"a":1e999}`, `{"a":[[[{}]]]}`,
		`{"a":1,"a":2}`, `{"a":"\ud800"}`, "{\"a\":\"\xff\"}", `[]`, `{"a":-0.0e-0}`, `{"":""}`)
	bodies = append(bodies,
		`{"action":"ACTIVEPAY","version":"1.0","merchant_id":"QC00005496","data":"`+exData+`","md5":"`+exMD5+`"}`,
		`{"rsp_code":"FAIL","rsp_msg":"x"}`,
		`{"rep_code":"SUCCESS","rsp_msg":"ok","merchant_id":"M","data":"`+wrap60(exData)+`","md5":"`+strings.ToLower(exMD5)+`","extra":[1,{"k":null}]}`,
		`{"data":"AAAAAAAAAAAAAAAAAAAAAA==","md5":"00000000000000000000000000000000","rsp_code":"S"}`,
		`{"data":null,"md5":null,"action":"A"}`)
	return objects, bodies
}

func FuzzParseObject(f *testing.F) {
	objects, _ := fuzzSeeds(f)
	for _, s := range objects {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if validUTF8(string(b)) != utf8.Valid(b) {
			t.Fatalf("validUTF8(%q) disagrees with utf8.Valid", b)
		}
		o, err := ParseObject(b)
		// The bytes are read in place and the members copied out of
		// them: the parse of a string copy agrees, the values the parser
		// concatenated are the values in order, and writing over the
		// bytes afterwards changes no member.
		c := []byte(string(b))
		ms, values, perr := parseObjectValues(nil, c, LayerInput, nil)
		ref, rerr := parseObject(string(b), LayerInput)
		if (perr == nil) != (rerr == nil) || (perr != nil && perr.Error() != rerr.Error()) {
			t.Fatalf("parsing %q in place gives %v, parsing a copy %v", b, perr, rerr)
		}
		if perr == nil {
			want := snapshot(&Object{Members: ref})
			var cat strings.Builder
			nested := false
			for _, m := range ref {
				cat.WriteString(m.Value.Text)
				nested = nested || m.Value.Kind == KindObject || m.Value.Kind == KindArray
			}
			if values != "" && (nested || values != cat.String()) {
				t.Fatalf("parsing %q: values %q, the values of the members concatenate to %q", b, values, cat.String())
			}
			if values == "" && !nested && cat.Len() > 0 {
				t.Fatalf("parsing %q: no values concatenated for %q", b, cat.String())
			}
			increasing := true
			for i := 1; i < len(ms); i++ {
				increasing = increasing && ms[i-1].Key < ms[i].Key
			}
			if namesIncreasing(ms) != increasing {
				t.Fatalf("namesIncreasing(%q) = %v", b, !increasing)
			}
			for i := range c {
				c[i] = 'x'
			}
			if len(ms) != len(want) {
				t.Fatalf("parsing in place gives %d members, a copy %d", len(ms), len(want))
			}
			for i := range ms {
				if ms[i] != want[i] {
					t.Fatalf("member %d is %+v after the input was overwritten, was parsed as %+v", i, ms[i], want[i])
				}
			}
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.What == "" || e.Err == nil {
				t.Fatalf("error %v is not a complete *Error", err)
			}
			return
		}
		if !json.Valid(b) {
			t.Fatalf("accepted text that is not JSON: %q", b)
		}
		// Writing and reading again gives the same members.
		text := o.AppendJSON(nil)
		o2, err := ParseObject(text)
		if err != nil {
			t.Fatalf("own output %q does not parse: %v", text, err)
		}
		if len(o2.Members) != len(o.Members) {
			t.Fatalf("round trip changed the member count: %q", text)
		}
		for i := range o.Members {
			if o.Members[i] != o2.Members[i] {
				t.Fatalf("round trip changed member %d: %+v -> %+v", i, o.Members[i], o2.Members[i])
			}
		}
		if again := o2.AppendJSON(nil); string(again) != string(text) {
			t.Fatalf("compact text is not stable: %q -> %q", text, again)
		}
		// Every rule either renders the object or says why not.
		for _, r := range []Rule{RuleStrings, RuleJS, RuleCryptoJS, RulePHP, RuleJava} {
			if _, err := Digest(o, r); err != nil && !errors.Is(err, ErrNonString) {
				t.Fatalf("rule %s cannot render a parsed object: %v", r, err)
			}
		}
	})
}

func FuzzParseEnvelope(f *testing.F) {
	_, bodies := fuzzSeeds(f)
	for _, s := range bodies {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEnvelope(b)
		if err != nil {
			return
		}
		out, err := e.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of a parsed envelope: %v", err)
		}
		e2, err := ParseEnvelope(out)
		if err != nil {
			t.Fatalf("own output %q does not parse: %v", out, err)
		}
		if e2.Kind != e.Kind || e2.Action != e.Action || e2.RspCode != e.RspCode || e2.MerchantID != e.MerchantID ||
			e2.Data != e.Data || e2.MD5 != e.MD5 || e2.HasData != e.HasData || len(e2.Extra) != len(e.Extra) {
			t.Fatalf("round trip changed the envelope: %+v -> %+v", e, e2)
		}
	})
}

func FuzzDecodeBody(f *testing.F) {
	_, bodies := fuzzSeeds(f)
	for _, s := range bodies {
		f.Add([]byte(s), exKey)
	}
	f.Add([]byte(`{"rsp_code":"SUCCESS","data":"`+exData+`","md5":"`+exMD5+`"}`), "6698851a525c9433")
	f.Fuzz(func(t *testing.T, body []byte, key string) {
		e, op, err := DecodeBody(body, key)
		if err == nil {
			if e == nil || op == nil || !op.Verified || op.Rule == "" {
				t.Fatalf("success without a verified message: %+v %+v", e, op)
			}
			if _, err := ParseObject(op.Plaintext); err != nil {
				t.Fatalf("opened plaintext does not parse: %v", err)
			}
			// The object, the md5 input and the envelope are memory of
			// their own: writing over and appending to the plaintext and
			// the body changes none of them.
			want, input, env := snapshot(op.Object), strings.Clone(op.Rules[0].Input), *e
			env.Data, env.MD5 = strings.Clone(e.Data), strings.Clone(e.MD5)
			for i := range op.Plaintext {
				op.Plaintext[i] = 'x'
			}
			for i := range body {
				body[i] = 'x'
			}
			_ = append(op.Plaintext, make([]byte, 4096)...)
			for i, m := range op.Object.Members {
				if m != want[i] {
					t.Fatalf("member %d changed with the plaintext: %+v, was %+v", i, m, want[i])
				}
			}
			if op.Rules[0].Input != input || e.Data != env.Data || e.MD5 != env.MD5 {
				t.Fatal("the md5 input or the envelope changed with the plaintext or the body")
			}
			return
		}
		var ce *Error
		if !errors.As(err, &ce) || ce.What == "" || ce.Err == nil {
			t.Fatalf("error %v is not a complete *Error", err)
		}
		if op != nil && !errors.Is(err, ErrMD5Mismatch) && !errors.Is(err, ErrKeyCase) {
			t.Fatalf("a message came with error %v", err)
		}
	})
}

// FuzzOpen seals any object under any rule and key, and opens it again;
// it also opens arbitrary md5 and data.
func FuzzOpen(f *testing.F) {
	objects, _ := fuzzSeeds(f)
	for i, s := range objects {
		f.Add(s, exKey, uint8(i), exMD5, exData)
	}
	f.Fuzz(func(t *testing.T, text, key string, rule uint8, md5, data string) {
		// Arbitrary input never panics.
		if op, err := openRaw(md5, data, key); err == nil && (op == nil || !op.Verified) {
			t.Fatalf("Open succeeded without a verified message")
		}
		o, err := ParseObject([]byte(text))
		if err != nil || key == "" {
			return
		}
		rules := []Rule{RuleStrings, RuleJS, RuleCryptoJS, RulePHP, RuleJava}
		r := rules[int(rule)%len(rules)]
		sum, sealed, err := Seal(o, key, r)
		if err != nil {
			if !errors.Is(err, ErrNonString) {
				t.Fatalf("Seal of a parsed object under %s: %v", r, err)
			}
			return
		}
		op, err := openRaw(sum, sealed, key)
		if err != nil {
			t.Fatalf("Open of a sealed message: %v", err)
		}
		if string(op.Plaintext) != string(o.AppendJSON(nil)) || !op.Verified || op.MD5Uppercased {
			t.Fatalf("round trip: %q verified=%v", op.Plaintext, op.Verified)
		}
		want, _ := Digest(o, r)
		if got, _ := Digest(o, op.Rule); got != want {
			t.Fatalf("verified as %s (md5 %s), sealed as %s (md5 %s)", op.Rule, got, r, want)
		}
	})
}
