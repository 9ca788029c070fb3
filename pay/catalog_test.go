package pay_test

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/pay"
	"github.com/ottpay-toolkit/ottpay/pay/internal/gen"
)

// The committed generated file is what the catalogue gives today.
func TestGeneratedFileIsCurrent(t *testing.T) {
	want, err := gen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(gen.FileName)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from what the catalogue gives: run go generate ./pay", gen.FileName)
	}
}

var (
	ctxType   = reflect.TypeFor[context.Context]()
	errorType = reflect.TypeFor[error]()
)

// typedMethods returns the *Client methods shaped like an action method:
// (ctx, *XRequest) (*XResponse, error).
func typedMethods() map[string]reflect.Method {
	out := map[string]reflect.Method{}
	ct := reflect.TypeFor[*pay.Client]()
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		ft := m.Type // receiver first
		if ft.NumIn() == 3 && ft.NumOut() == 2 && ft.In(1) == ctxType &&
			ft.In(2).Kind() == reflect.Pointer && ft.In(2).Elem().Name() == m.Name+"Request" &&
			ft.Out(0).Kind() == reflect.Pointer && ft.Out(0).Elem().Name() == m.Name+"Response" &&
			ft.Out(1) == errorType {
			out[m.Name] = m
		}
	}
	return out
}

// One typed method per catalogue action variant, no more, no fewer.
func TestOneMethodPerVariant(t *testing.T) {
	actions := catalog.Actions()
	methods := typedMethods()
	if len(methods) != len(actions) {
		t.Errorf("%d typed methods for %d catalogue variants", len(methods), len(actions))
	}
	names := map[string]int{}
	for _, a := range actions {
		names[a.Name]++
		if _, ok := methods[gen.MethodName(a)]; !ok {
			t.Errorf("%s has no method %s", a.ID(), gen.MethodName(a))
		}
	}
	if names["CC_PURCHASE"] != 4 || names["CC_PREAUTH"] != 4 {
		t.Errorf("variants %v, want 4 of CC_PURCHASE and of CC_PREAUTH", names)
	}
	// Every response embeds Result and keeps unknown members.
	for name, m := range methods {
		rt := m.Type.Out(0).Elem()
		if f, ok := rt.FieldByName("Result"); !ok || !f.Anonymous {
			t.Errorf("%sResponse does not embed Result", name)
		}
		if f, ok := rt.FieldByName("Extra"); !ok || f.Type != reflect.TypeFor[[]codec.Member]() {
			t.Errorf("%sResponse has no Extra []codec.Member", name)
		}
	}
}

// requestValue is a value the docs accept for a request field.
func requestValue(a catalog.Action, f catalog.Field, callbackURL string) string {
	switch {
	case len(f.Enum) > 0:
		return strings.TrimSpace(f.Enum[0])
	case f.Format == catalog.FormatTime14:
		return "20240101120000"
	case f.Format == catalog.FormatURL || strings.HasSuffix(strings.ToLower(f.Name), "url"):
		return callbackURL
	case f.Format == catalog.FormatCurrency || f.Name == "fee_type" || f.Name == "currency":
		return "CAD"
	case f.Unit == catalog.UnitSeconds:
		return "100"
	case f.Name == "operator_id":
		return "0000000437"
	case f.MaxLen > 0:
		return "A1"
	}
	return "v-" + f.Name
}

// isID reports an order-identifying request field.
func isID(f catalog.Field) bool {
	for _, n := range append([]string{f.Name}, f.Aliases...) {
		switch n {
		case "order_id", "prepay_order_id", "ori_order_id":
			return true
		}
	}
	return false
}

// fillRequest returns a typed request for action a with every documented
// field set (amounts 1000 cents), but the merchant id (the client fills
// it) and order ids: those come from id(field), "" leaving them to the
// client.
func fillRequest(t *testing.T, a catalog.Action, m reflect.Method, callbackURL string, id func(catalog.Field) string) reflect.Value {
	t.Helper()
	req := reflect.New(m.Type.In(2).Elem())
	for _, f := range a.Request {
		fv := req.Elem().FieldByName(gen.FieldName(f))
		if !fv.IsValid() {
			t.Fatalf("%s: no field %s for %s", a.ID(), gen.FieldName(f), f.Name)
		}
		switch {
		case isID(f):
			fv.SetString(id(f))
		case f.Name == "merchant_id" || f.Name == "merId":
		case f.Unit == catalog.UnitCents:
			fv.SetInt(1000)
		case fv.Kind() == reflect.String:
			fv.SetString(requestValue(a, f, callbackURL))
		}
	}
	return req
}

// checkTypedResponse checks that every documented response member the
// data carries landed in its typed field and not in Extra.
func checkTypedResponse(t *testing.T, a catalog.Action, rsp reflect.Value) {
	t.Helper()
	res := rsp.Elem().FieldByName("Result").Interface().(pay.Result)
	if res.Opened == nil || !res.Opened.Verified || res.Envelope == nil || res.Request == nil {
		t.Fatalf("%s: result not verified: %+v", a.ID(), res)
	}
	for _, m := range res.Data().Members {
		f, documented := a.Field(codec.Response, m.Key)
		if !documented {
			continue
		}
		fv := rsp.Elem().FieldByName(gen.FieldName(f))
		if !fv.IsValid() {
			t.Errorf("%s: no typed field for %s", a.ID(), f.Name)
			continue
		}
		if fv.IsZero() && m.Value.Text != "" && m.Value.Text != "0" {
			t.Errorf("%s: %s = %q did not reach %s", a.ID(), m.Key, m.Value.Text, gen.FieldName(f))
		}
	}
	extra := rsp.Elem().FieldByName("Extra").Interface().([]codec.Member)
	for _, m := range extra {
		if _, documented := a.Field(codec.Response, m.Key); documented {
			t.Errorf("%s: documented member %s went to Extra", a.ID(), m.Key)
		}
	}
}

// Every variant's typed method sends every documented field under its
// documented name, passes the catalogue's checks, and reads every
// documented response field of the fake's answer.
func TestEveryVariantAgainstFake(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	methods := typedMethods()
	for i, a := range catalog.Actions() {
		m := methods[gen.MethodName(a)]
		req := fillRequest(t, a, m, "https://shop.example/back", func(catalog.Field) string { return "A123" })
		out := m.Func.Call([]reflect.Value{reflect.ValueOf(c), reflect.ValueOf(context.Background()), req})
		if err, _ := out[1].Interface().(error); err != nil {
			t.Errorf("%s: %v", a.ID(), err)
			continue
		}
		sent := f.requests()[i]
		if sent.Env.Action != a.Name || sent.Env.Version != a.Version || sent.Data == nil {
			t.Fatalf("%s: sent %+v", a.ID(), sent.Env)
		}
		for _, p := range catalog.ValidateData(a, codec.Request, sent.Data) {
			if p.Severity == catalog.Error {
				t.Errorf("%s: the catalogue refuses what was sent: %v", a.ID(), p)
			}
		}
		for _, fd := range a.Request {
			if _, ok := sent.Data.Get(fd.Name); !ok {
				t.Errorf("%s: %s was not sent", a.ID(), fd.Name)
			}
		}
		checkTypedResponse(t, a, out[0])
	}
}
