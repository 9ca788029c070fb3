package catalog

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// TestValidateVectors runs testdata/validate.jsonl: the documented examples
// give no problem beyond what the docs themselves contradict, a missing
// required field is an error naming it, unknown fields and non-string values
// are warnings.
func TestValidateVectors(t *testing.T) {
	readVectors(t, "validate.jsonl", func(line int, raw []byte) {
		var v struct {
			Case   string          `json:"case"`
			Action string          `json:"action"`
			Kind   string          `json:"kind"`
			Data   json.RawMessage `json:"data"`
			Want   [][2]string     `json:"want"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("validate.jsonl:%d: %v", line, err)
		}
		kind, err := kindFromName(v.Kind)
		if err != nil {
			t.Fatalf("validate.jsonl:%d: %v", line, err)
		}
		data, err := objectFromJSON(v.Data)
		if err != nil {
			t.Fatalf("validate.jsonl:%d: %v", line, err)
		}
		a := one(t, v.Action)
		got := ValidateData(a, kind, data)
		var gotPairs [][2]string
		for _, p := range got {
			gotPairs = append(gotPairs, [2]string{p.Field, p.Severity.String()})
			if !strings.Contains(p.Message, strconv.Quote(p.Field)) {
				t.Errorf("validate.jsonl:%d (%s): message does not name the field %q: %s", line, v.Case, p.Field, p.Message)
			}
		}
		if len(gotPairs) != len(v.Want) {
			t.Errorf("validate.jsonl:%d (%s):\n got  %v\n want %v\n%s", line, v.Case, gotPairs, v.Want, list(got))
			return
		}
		for i := range v.Want {
			if gotPairs[i] != v.Want[i] {
				t.Errorf("validate.jsonl:%d (%s): problem %d is %v, want %v\n%s", line, v.Case, i, gotPairs[i], v.Want[i], list(got))
			}
		}
		if kind == codec.Request || a.Name == CallbackName {
			if plain := Validate(a, data); len(plain) != len(got) {
				t.Errorf("validate.jsonl:%d (%s): Validate and ValidateData disagree: %d vs %d problems", line, v.Case, len(plain), len(got))
			}
		}
	})
}

func list(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("    " + p.String() + "\n")
	}
	return b.String()
}

func TestMissingFieldMessage(t *testing.T) {
	a := one(t, "H5PAY")
	data := &codec.Object{}
	data.Members = append(data.Members, codec.Member{Key: "biz_type", Value: str("WECHATPAY")})
	problems := Validate(a, data)
	if !HasErrors(problems) {
		t.Fatal("no error for missing required fields")
	}
	var missing []string
	for _, p := range problems {
		if p.Severity == Error {
			missing = append(missing, p.Field)
			if !strings.Contains(p.Message, "missing") || !strings.Contains(p.Message, "H5PAY") {
				t.Errorf("message does not say what is missing where: %s", p.Message)
			}
		}
	}
	want := "amount currency_type operator_id submit_type call_back_url"
	if got := strings.Join(missing, " "); got != want {
		t.Errorf("missing fields %q, want %q in documentation order", got, want)
	}
}

func TestValidateNilAndEmptyAction(t *testing.T) {
	if got := Validate(one(t, "STATUS_QUERY"), nil); len(got) != 1 || got[0].Field != "order_id" || got[0].Severity != Error {
		t.Errorf("Validate(nil data) = %v", got)
	}
	data := &codec.Object{Members: []codec.Member{{Key: "x", Value: str("1")}}}
	if got := Validate(Action{}, data); len(got) != 1 || got[0].Severity != Warning {
		t.Errorf("Validate(zero Action) = %v", got)
	}
	if got := ValidateData(one(t, "H5PAY"), 0, data); len(got) != 1 || got[0].Severity != Warning {
		t.Errorf("ValidateData(kind 0) = %v", got)
	}
}

// CheckField checks one input of a form.
func TestCheckField(t *testing.T) {
	type want struct {
		sev      Severity
		contains string
	}
	cases := []struct {
		action string
		kind   codec.EnvelopeKind
		field  string
		value  codec.Value
		want   []want
	}{
		{"H5PAY", codec.Request, "amount", str("500"), nil},
		{"H5PAY", codec.Request, "amount", str(""), []want{{Error, "required"}}},
		{"H5PAY", codec.Request, "order_id", str(""), nil},
		{"H5PAY", codec.Request, "amount", str("5.00"), []want{{Error, `send "500"`}}},
		{"H5PAY", codec.Request, "amount", str("5.5"), []want{{Error, `send "550"`}}},
		{"H5PAY", codec.Request, "amount", str("abc"), []want{{Error, "whole cents"}}},
		{"H5PAY", codec.Response, "amount", str("6.00"), []want{{Warning, "whole cents"}}},
		{"H5PAY", codec.Request, "amount", codec.Value{Kind: codec.KindNumber, Text: "500"}, []want{{Warning, `send it as the string "500"`}}},
		{"H5PAY", codec.Request, "biz_type", str("ALIPAY"), []want{{Warning, `"WECHATPAY"`}}},
		{"H5PAY", codec.Request, "submit_type", str("form"), nil},
		{"H5PAY", codec.Request, "operator_id", str("0000000437"), nil},
		{"H5PAY", codec.Request, "operator_id", str("000000043A"), []want{{Warning, "10 digits"}}},
		{"H5PAY", codec.Request, "call_back_url", str("https://shop.example/cb"), nil},
		{"H5PAY", codec.Request, "call_back_url", str("javascript:alert(1)"), []want{{Warning, "URL"}}},
		{"H5PAY", codec.Request, "colour", str("blue"), []want{{Warning, "not a documented field of H5PAY"}}},
		{"H5PAY", codec.Request, "Amount", str("1"), []want{{Warning, `did you mean "amount"`}}},
		{"H5PAY", codec.Request, "orderId", str("1"), []want{{Info, "alternative spelling"}}},
		{"CC_PURCHASE/unionpay-securepay-mobile", codec.Request, "biz_type", str("securePay"), []want{{Info, "leading space"}}},
		{"CC_PURCHASE/unionpay-securepay-mobile", codec.Request, "biz_type", str(" securePay"), []want{{Info, "leading space"}}},
		{"CC_PURCHASE/unionpay-securepay-mobile", codec.Request, "biz_type", str("SECUREPAY"), []want{{Warning, "letter case"}}},
		{"CC_PURCHASE/unionpay-securepay-mobile", codec.Request, "orderId", str("12345678901234567890"), nil},
		{"CC_PURCHASE/unionpay-securepay-mobile", codec.Request, "orderId", str("123456789012345678901"), []want{{Warning, "21 characters"}}},
		{"CC_PURCHASE/unionpay-securepay-mobile", codec.Request, "txnTime", str("20191325162635"), []want{{Warning, "yyyyMMddHHmmss"}}},
		{"CC_PURCHASE/unionpay-securepay-mobile", codec.Request, "txnTime", str("20191125162635"), nil},
		{"PREPAY_INIT", codec.Request, "duration", str("1 hour"), []want{{Error, "seconds"}}},
		{"EX_RATE_QUERY", codec.Response, "rate", str("6.5"), []want{{Warning, "10^8"}}},
		{"EX_RATE_QUERY", codec.Request, "fee_type", str("USD"), nil},
		{"CALLBACK", codec.Callback, "exchange_rate", str("5,05"), []want{{Warning, "decimal"}}},
		{"CALLBACK", codec.Callback, "finish_time", str("2024-01-08 16:29:03 CST"), nil},
		{"CALLBACK", codec.Callback, "amount", codec.Value{Kind: codec.KindNull, Text: "null"}, []want{{Warning, "JSON null"}}},
	}
	for _, c := range cases {
		got := CheckField(one(t, c.action), c.kind, c.field, c.value)
		if len(got) != len(c.want) {
			t.Errorf("CheckField(%s, %q, %q): got %d problems, want %d\n%s", c.action, c.field, c.value.Text, len(got), len(c.want), list(got))
			continue
		}
		for i, w := range c.want {
			if got[i].Severity != w.sev || !strings.Contains(got[i].Message, w.contains) || got[i].Field != c.field {
				t.Errorf("CheckField(%s, %q, %q) problem %d = %s; want %s containing %q", c.action, c.field, c.value.Text, i, got[i], w.sev, w.contains)
			}
		}
	}
}

// Match picks the variant the data was written for.
func TestMatch(t *testing.T) {
	cases := map[string]string{
		`{"orderId":"1","merchant_id":"ON00000097","operator_id":"0000020156","txnTime":"20191125162635","txnAmt":"100","frontUrl":"https://a.example/r","backUrl":"https://a.example/c","channelType":"ELAVONECOM","biz_type":"converge_hosted","cc_channelType":"web"}`: "elavon-converge-hosted",
		`{"orderId":"1","merchant_id":"ON00000097","txnTime":"20191125162635","txnAmt":"100","frontUrl":"https://a.example/r","backUrl":"https://a.example/c","channelType":"UPAYONLINE","bizType":"securePay","cc_channelType":"web"}`:                                   "unionpay-securepay-pc",
		`{"orderId":"1","merchant_id":"ON00000097","txnTime":"20191125162635","txnAmt":"100","channelType":"UPAYONLINE","biz_type":"securePay","cc_channelType":"mobile"}`:                                                                                                "unionpay-securepay-mobile",
		`{"orderId":"1","shopId":"S1","operator_id":"0000020156","txnTime":"20191125162635","txnAmt":"100","cc_number":"x","cc_sha":"y","channelType":"PORTICOECOM","biz_type":"portico_card","currency":"CAD","cc_maskednum":"1234"}`:                                    "global-payments-portico",
	}
	for text, want := range cases {
		data, err := objectFromJSON([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		a, problems, ok := Match("cc_purchase", codec.Request, data)
		if !ok || a.Variant != want {
			t.Errorf("Match picked %q, want %q for %s", a.Variant, want, text)
		}
		if HasErrors(problems) {
			t.Errorf("Match(%s) reports errors:\n%s", want, list(problems))
		}
	}
	if _, _, ok := Match("NOPE", codec.Request, nil); ok {
		t.Error("Match found an unknown action")
	}
	if a, _, ok := Match("CALLBACK", codec.Callback, nil); !ok || a.Name != CallbackName {
		t.Error("Match(CALLBACK) did not return the callback entry")
	}
}

func TestSeverityString(t *testing.T) {
	for s, want := range map[Severity]string{Error: "error", Warning: "warning", Info: "note", 0: "severity(0)", 9: "severity(9)"} {
		if got := s.String(); got != want {
			t.Errorf("Severity(%d).String() = %q, want %q", s, got, want)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	a := one(&testing.T{}, "H5PAY")
	data, err := objectFromJSON([]byte(a.Example))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Validate(a, data)
	}
}

// TestMatchReturnsACopy checks that Match, which reads the variants in
// place to choose one, still hands out a copy: changing what it returns
// changes nothing in the catalogue.
func TestMatchReturnsACopy(t *testing.T) {
	data := &codec.Object{}
	data.SetString("order_id", "1")
	a, _, ok := Match("ACTIVEPAY", codec.Request, data)
	if !ok || len(a.Request) == 0 {
		t.Fatal("Match found no ACTIVEPAY variant with request fields")
	}
	want := a.Request[0].Name
	a.Request[0].Name = "changed"
	a.Notes = append(a.Notes[:0], "changed")
	for _, v := range Lookup("ACTIVEPAY") {
		if v.Variant == a.Variant && v.Request[0].Name != want {
			t.Fatalf("changing Match's result changed the catalogue: field 0 is %q, want %q", v.Request[0].Name, want)
		}
	}
}
