package catalog

import (
	"testing"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// FuzzCheck feeds arbitrary names and values to the checks and
// explanations a form runs on every keystroke: they never panic, and every
// problem names its field and says something.
func FuzzCheck(f *testing.F) {
	for _, seed := range []struct {
		action uint8
		kind   uint8
		name   string
		value  string
		vkind  uint8
	}{
		{0, 1, "amount", "100", 0},
		{6, 1, "amount", "5.00", 0},
		{10, 1, "bizType", " securePay", 0},
		{5, 2, "rate", "650000000", 1},
		{3, 3, "finish_time", "2023-03-23 01:21:53", 0},
		{12, 1, "orderId", "2020041468976O124O000857", 0},
		{1, 1, "Tip", "\xff\xfe", 0},
		{2, 2, "rsp_code", "", 3},
		{7, 2, "payInfo", `{"a":1}`, 4},
		{4, 1, "refund_amt", "99999999999999999999999999999999.999", 1},
	} {
		f.Add(seed.action, seed.kind, seed.name, seed.value, seed.vkind)
	}
	actions := append(Actions(), CallbackAction(), Action{})
	f.Fuzz(func(t *testing.T, action, kind uint8, name, value string, vkind uint8) {
		a := actions[int(action)%len(actions)]
		k := codec.EnvelopeKind(kind % 4)
		v := codec.Value{Kind: codec.Kind(vkind % 7), Text: value}
		for _, p := range CheckField(a, k, name, v) {
			if p.Field != name || p.Message == "" || p.Severity < Error || p.Severity > Info {
				t.Fatalf("bad problem %+v for %q", p, name)
			}
		}
		obj := &codec.Object{Members: []codec.Member{{Key: name, Value: v}, {Key: value, Value: v}}}
		ValidateData(a, k, obj)
		if got := ExplainValue(name, v); utf8.ValidString(value) && !utf8.ValidString(got) {
			t.Fatalf("ExplainValue(%q, %q) made invalid UTF-8: %q", name, value, got)
		}
		for _, f := range a.Request {
			f.Explain(v)
		}
		Explain(name)
	})
}
