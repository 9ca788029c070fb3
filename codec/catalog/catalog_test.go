package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog/internal/gen"
)

// specPath is the repository's copy of the spec's ottpay-actions.json,
// which catalog.json is generated from.
const specPath = "testdata/ottpay-actions.json"

func readSpec(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(specPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the spec copy %s is missing: it belongs to the repository (copy ottpay-actions.json of the shared spec there)", specPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEmbeddedCatalogueLoads(t *testing.T) {
	c := load()
	if c.err != nil {
		t.Fatalf("catalog.json does not load: %v", c.err)
	}
	if len(c.actions) == 0 || len(c.codes.List) == 0 || len(c.callback.Callback) == 0 {
		t.Fatalf("catalogue incomplete: %d actions, %d codes, %d callback fields",
			len(c.actions), len(c.codes.List), len(c.callback.Callback))
	}
}

func TestBrokenCatalogueFileGivesEmptyCatalogue(t *testing.T) {
	for _, b := range []string{``, `{`, `[]`, `{"schema":"other/9"}`} {
		c := parse([]byte(b))
		if c.err == nil {
			t.Errorf("parse(%q) reported no error", b)
		}
		if len(c.actions) != 0 {
			t.Errorf("parse(%q) produced actions", b)
		}
	}
}

// The committed catalog.json is exactly what the generator makes of the
// spec: nobody edited it by hand and the spec has not moved on.
func TestCatalogueFileIsGeneratedFromSpec(t *testing.T) {
	want, err := gen.Build(readSpec(t))
	if err != nil {
		t.Fatalf("generating from the spec: %v", err)
	}
	if !bytes.Equal(catalogJSON, want) {
		t.Fatal("catalog.json differs from what gen.go makes of the spec: run `go generate ./codec/catalog/` and review the diff")
	}
}

type specField struct {
	Name     string `json:"name"`
	Required string `json:"required"`
	Type     string `json:"type"`
}

type specDoc struct {
	Actions []struct {
		Action        string      `json:"action"`
		Variant       string      `json:"variant"`
		Version       string      `json:"version"`
		Endpoint      string      `json:"endpoint"`
		Title         string      `json:"title"`
		Source        string      `json:"source"`
		EnvelopeExtra []specField `json:"envelope_extra"`
		Request       []specField `json:"request"`
		Response      []specField `json:"response"`
		CallbackData  string      `json:"callback_data"`
		Examples      []struct {
			Kind      string `json:"kind"`
			Verified  bool   `json:"verified"`
			Plaintext string `json:"plaintext"`
		} `json:"examples"`
	} `json:"actions"`
	ResponseCodes []struct {
		Code    string `json:"code"`
		Meaning string `json:"meaning"`
	} `json:"response_codes"`
	Statuses []struct {
		Value string `json:"value"`
		Field string `json:"field"`
	} `json:"statuses"`
	CallbackDataFields []specField `json:"callback_data_fields"`
	Envelope           struct {
		Request, Response, Callback []specField
	} `json:"envelope"`
}

func loadSpec(t *testing.T) specDoc {
	t.Helper()
	var s specDoc
	if err := json.Unmarshal(readSpec(t), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Actions) == 0 {
		t.Fatal("the spec lists no actions")
	}
	return s
}

func sameFields(t *testing.T, where string, got []Field, want []specField) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d fields, the spec lists %d", where, len(got), len(want))
		return
	}
	for i := range want {
		wantType := want[i].Type
		if got[i].Name != want[i].Name || got[i].Required != want[i].Required || got[i].Type != wantType {
			t.Errorf("%s field %d: got %s %q %s, the spec says %s %q %s", where, i,
				got[i].Name, got[i].Required, got[i].Type, want[i].Name, want[i].Required, wantType)
		}
	}
}

// Every action of the spec is in the catalogue, with its fields.
func TestEveryActionOfTheSpecIsPresent(t *testing.T) {
	s := loadSpec(t)
	if got := len(Actions()); got != len(s.Actions) {
		t.Errorf("Actions() returns %d variants, the spec lists %d", got, len(s.Actions))
	}
	for _, sa := range s.Actions {
		a := one(t, sa.Action+"/"+sa.Variant)
		id := a.ID()
		if a.Name != sa.Action || a.Variant != sa.Variant || a.Version != sa.Version ||
			a.Endpoint != sa.Endpoint || a.Title != sa.Title || a.Source != sa.Source {
			t.Errorf("%s: got name %q variant %q version %q endpoint %q title %q source %q", id,
				a.Name, a.Variant, a.Version, a.Endpoint, a.Title, a.Source)
		}
		sameFields(t, id+" envelope extras", a.EnvelopeExtra, sa.EnvelopeExtra)
		sameFields(t, id+" request", a.Request, sa.Request)
		sameFields(t, id+" response", a.Response, sa.Response)
		if sa.CallbackData != "" {
			sameFields(t, id+" callback", a.Callback, s.CallbackDataFields)
		} else if len(a.Callback) != 0 {
			t.Errorf("%s: the spec documents no callback, the catalogue lists %d callback fields", id, len(a.Callback))
		}
		for _, ex := range sa.Examples {
			if ex.Verified && ex.Plaintext != "" && a.Example != ex.Plaintext {
				t.Errorf("%s: example is %q, the spec's verified plaintext is %q", id, a.Example, ex.Plaintext)
			}
		}
	}
	sameFields(t, "CALLBACK", CallbackAction().Callback, s.CallbackDataFields)
	sameFields(t, "request envelope", EnvelopeFields(codec.Request), s.Envelope.Request)
	sameFields(t, "response envelope", EnvelopeFields(codec.Response), s.Envelope.Response)
	sameFields(t, "callback envelope", EnvelopeFields(codec.Callback), s.Envelope.Callback)

	codes := Codes()
	if len(codes) != len(s.ResponseCodes) {
		t.Fatalf("Codes() has %d codes, the spec %d", len(codes), len(s.ResponseCodes))
	}
	for i, c := range s.ResponseCodes {
		if codes[i] != (Code{c.Code, c.Meaning}) {
			t.Errorf("code %d: got %+v, the spec says %+v", i, codes[i], c)
		}
	}
	statuses := Statuses()
	if len(statuses) != len(s.Statuses) {
		t.Fatalf("Statuses() has %d entries, the spec %d", len(statuses), len(s.Statuses))
	}
	for i, st := range s.Statuses {
		if statuses[i].Value != st.Value || statuses[i].Field != st.Field {
			t.Errorf("status %d: got %+v, the spec says %+v", i, statuses[i], st)
		}
	}
}

// Every documented example in the catalogue validates without errors.
func TestDocumentedExamplesHaveNoErrors(t *testing.T) {
	n := 0
	for _, a := range Actions() {
		if a.Example == "" {
			continue
		}
		n++
		data, err := objectFromJSON([]byte(a.Example))
		if err != nil {
			t.Fatalf("%s example: %v", a.ID(), err)
		}
		for _, p := range Validate(a, data) {
			if p.Severity == Error {
				t.Errorf("%s example: %s", a.ID(), p)
			}
		}
	}
	if n < 3 {
		t.Errorf("only %d actions carry a documented example; the spec has H5PAY, PREPAY_INIT and card examples", n)
	}
}

func TestLookup(t *testing.T) {
	if got := Lookup("h5pay"); len(got) != 1 || got[0].Name != "H5PAY" || got[0].Version != "2.0" {
		t.Errorf("Lookup(h5pay) = %+v", got)
	}
	variants := Lookup("  cc_purchase ")
	var names []string
	for _, a := range variants {
		names = append(names, a.Variant)
	}
	want := []string{"unionpay-securepay-pc", "unionpay-securepay-mobile", "elavon-converge-hosted", "global-payments-portico"}
	if !slices.Equal(names, want) {
		t.Errorf("Lookup(cc_purchase) variants = %q, want %q", names, want)
	}
	if a := one(t, "CC_PURCHASE/Elavon-Converge-Hosted"); a.Variant != "elavon-converge-hosted" {
		t.Errorf("variant lookup gave %q", a.Variant)
	}
	for _, a := range variants {
		if got := one(t, a.ID()); got.ID() != a.ID() {
			t.Errorf("Lookup(%q) gave %q", a.ID(), got.ID())
		}
	}
	for _, bad := range []string{"", "NOPE", "CC_PURCHASE/nope", "H5PAY/", "CALLBACK/x", "/"} {
		if got := Lookup(bad); len(got) != 0 {
			t.Errorf("Lookup(%q) = %d entries, want none", bad, len(got))
		}
	}
	cb := one(t, "callback")
	if cb.Name != CallbackName || len(cb.Callback) == 0 || len(cb.Request) != 0 {
		t.Errorf("Lookup(callback) = %+v", cb)
	}
	ids := map[string]bool{}
	for _, a := range Actions() {
		if a.Name == CallbackName {
			t.Error("Actions() includes the CALLBACK entry")
		}
		if ids[a.ID()] {
			t.Errorf("two variants share the ID %q", a.ID())
		}
		ids[a.ID()] = true
	}
}

func TestReturnedValuesAreCopies(t *testing.T) {
	a := one(t, "H5PAY")
	a.Request[0].Name = "changed"
	a.Request[4].Enum[0] = "changed"
	a.Notes[0] = "changed"
	b := one(t, "H5PAY")
	if b.Request[0].Name == "changed" || b.Request[4].Enum[0] == "changed" || b.Notes[0] == "changed" {
		t.Error("changing a returned Action changed the catalogue")
	}
	cb := CallbackAction()
	cb.Callback[0].Name = "changed"
	if CallbackAction().Callback[0].Name == "changed" || one(t, "H5PAY").Callback[0].Name == "changed" {
		t.Error("changing the callback entry changed the catalogue")
	}
	codes := Codes()
	codes[0].Code = "changed"
	if Codes()[0].Code == "changed" {
		t.Error("changing Codes() changed the catalogue")
	}
}

// Documented alternative spellings find the field; other spellings do not.
func TestFieldAlternativeSpellings(t *testing.T) {
	cases := []struct {
		action string
		kind   codec.EnvelopeKind
		name   string
		want   string
	}{
		{"CC_PURCHASE/elavon-converge-hosted", codec.Request, "bizType", "biz_type"},
		{"CC_PURCHASE/unionpay-securepay-pc", codec.Request, "biz_type", "bizType"},
		{"STATUS_QUERY", codec.Request, "orderId", "order_id"},
		{"CC_QUERYPAY/global-payments-portico", codec.Request, "order_id", "orderId"},
		{"ACTIVEPAY/pc-wechat", codec.Request, "tip", "Tip"},
		{"ACTIVEPAY/retail", codec.Request, "Tip", "tip"},
		{"PREPAY_QUERY", codec.Response, "rsp_code", "rspCode"},
		{"PREPAY_QUERY", codec.Response, "respcode", "rspCode"},
		{"CC_PURCHASE/unionpay-securepay-mobile", codec.Response, "rspCode", "respcode"},
		{"CC_PURCHASE/unionpay-securepay-mobile", codec.Response, "rsp_code", "respcode"},
		{"EX_RATE_QUERY", codec.Response, "fee_type", "feeType"},
		{"CALLBACK", codec.Callback, "Tip", "tip"},
		{"CALLBACK", codec.Callback, "orderId", "order_id"},
		{"H5PAY", codec.Callback, "amount", "amount"},
	}
	for _, c := range cases {
		f, ok := one(t, c.action).Field(c.kind, c.name)
		if !ok || f.Name != c.want {
			t.Errorf("%s Field(%v, %q) = %q, %v; want %q", c.action, c.kind, c.name, f.Name, ok, c.want)
		}
	}
	for _, c := range []struct{ action, name string }{
		{"H5PAY", "Amount"}, {"H5PAY", "AMOUNT"}, {"H5PAY", "orderID"}, {"H5PAY", "code_url"},
	} {
		if f, ok := one(t, c.action).Field(codec.Request, c.name); ok {
			t.Errorf("%s Field(request, %q) found %q; only documented spellings match", c.action, c.name, f.Name)
		}
	}
}

func TestFieldsByKind(t *testing.T) {
	a := one(t, "H5PAY")
	if got := a.Fields(codec.Request); len(got) != len(a.Request) || got[0].Name != a.Request[0].Name {
		t.Errorf("Fields(Request) = %v", got)
	}
	if got := a.Fields(codec.Response); len(got) != len(a.Response) {
		t.Errorf("Fields(Response) = %v", got)
	}
	if got := a.Fields(codec.Callback); len(got) != len(CallbackAction().Callback) {
		t.Errorf("Fields(Callback) = %v", got)
	}
	if got := a.Fields(0); got != nil {
		t.Errorf("Fields(0) = %v", got)
	}
	if len(one(t, "STATUS_QUERY").Fields(codec.Callback)) != 0 {
		t.Error("STATUS_QUERY has no documented callback")
	}
}

// The documented units, formats and limits reach the fields.
func TestFieldFacts(t *testing.T) {
	check := func(action string, kind codec.EnvelopeKind, name string, ok func(Field) bool, what string) {
		t.Helper()
		f, found := one(t, action).Field(kind, name)
		if !found || !ok(f) {
			t.Errorf("%s %s: want %s, got %+v", action, name, what, f)
		}
	}
	check("ACTIVEPAY/retail", codec.Request, "amount", func(f Field) bool { return f.Unit == UnitCents && f.IsRequired() }, "required cents")
	check("EX_RATE_QUERY", codec.Response, "rate", func(f Field) bool { return f.Unit == UnitRate }, "rate scaled by 10^8")
	check("CALLBACK", codec.Callback, "exchange_rate", func(f Field) bool { return f.Unit == UnitDecimal }, "decimal")
	check("CALLBACK", codec.Callback, "finish_time", func(f Field) bool { return f.Unit == UnitTime }, "a time")
	check("CC_PURCHASE/unionpay-securepay-pc", codec.Request, "txnTime", func(f Field) bool { return f.Format == FormatTime14 }, "yyyyMMddHHmmss")
	check("CC_PURCHASE/unionpay-securepay-pc", codec.Request, "orderId", func(f Field) bool { return f.MaxLen == 20 && f.AlNum }, "at most 20 letters/digits")
	check("H5PAY", codec.Request, "operator_id", func(f Field) bool { return f.Digits == 10 }, "10 digits")
	check("H5PAY", codec.Request, "currency_type", func(f Field) bool { return slices.Equal(f.Enum, []string{"CAD", "USD", "CNY"}) }, "CAD | USD | CNY")
	check("CC_PURCHASE/unionpay-securepay-mobile", codec.Request, "biz_type", func(f Field) bool { return slices.Equal(f.Enum, []string{" securePay"}) }, `" securePay" as printed`)
	check("MAPPPAY", codec.Response, "payInfo", func(f Field) bool { return f.Type == "object" && len(f.Sub) == 6 }, "an object with six members")
	check("CC_PURCHASE/global-payments-portico", codec.Request, "cc_number", func(f Field) bool { return len(f.Sub) > 0 }, "the encrypted card members")

	rsp := EnvelopeFields(codec.Callback)[0]
	if rsp.Name != "rsp_code" || !slices.Contains(rsp.Aliases, "rep_code") || len(rsp.Enum) != len(Codes()) {
		t.Errorf("callback envelope rsp_code = %+v; want the Appendix B codes as values and rep_code as alternative spelling", rsp)
	}
	if EnvelopeFields(0) != nil {
		t.Error("EnvelopeFields(0) should be nil")
	}
}

func TestLookupField(t *testing.T) {
	cases := map[string]func(Field) bool{
		"amount":      func(f Field) bool { return f.Unit == UnitCents },
		"Tip":         func(f Field) bool { return f.Unit == UnitCents },
		"rate":        func(f Field) bool { return f.Unit == UnitRate },
		"order_id":    func(f Field) bool { return strings.Contains(f.Note, "OTT Pay") }, // the callback meaning comes first
		"operator_id": func(f Field) bool { return f.Note != "" },
	}
	for name, ok := range cases {
		if f, found := LookupField(name); !found || !ok(f) {
			t.Errorf("LookupField(%q) = %+v, %v", name, f, found)
		}
	}
	if _, found := LookupField("no_such_field"); found {
		t.Error("LookupField found an undocumented field")
	}
}

func TestResponseCode(t *testing.T) {
	for _, c := range Codes() {
		got, ok := ResponseCode(strings.ToLower(c.Code))
		if !ok || got != c {
			t.Errorf("ResponseCode(%q) = %+v, %v; want %+v", strings.ToLower(c.Code), got, ok, c)
		}
	}
	if c, ok := ResponseCode(" ORDER_USED "); !ok || c.Meaning != "order number duplicated" {
		t.Errorf("ResponseCode(ORDER_USED) = %+v, %v", c, ok)
	}
	for _, bad := range []string{"", "NOT_A_CODE", "10003"} {
		if _, ok := ResponseCode(bad); ok {
			t.Errorf("ResponseCode(%q) found a code", bad)
		}
	}
	if !strings.HasPrefix(CodesSource(), "https://") {
		t.Errorf("CodesSource() = %q", CodesSource())
	}
}

func TestEnumerations(t *testing.T) {
	found := false
	for _, e := range Enumerations() {
		if e.Field == "biz_type" {
			found = slices.Contains(e.Values, " securePay") && slices.Contains(e.Values, "WECHATPAY")
		}
	}
	if !found {
		t.Errorf("Enumerations() lacks biz_type with \" securePay\" and WECHATPAY: %+v", Enumerations())
	}
}
