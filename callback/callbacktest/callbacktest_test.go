package callbacktest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/callback/callbacktest"
	"github.com/ottpay-toolkit/ottpay/codec"
)

const (
	merchant = "ON00004652"
	signKey  = "A8B5FE540E38A5A9"
)

// A Notification with every typed field set survives Object, Body and
// callback.Parse unchanged, and the body is a callback envelope with the
// documented outer members.
func TestRoundTrip(t *testing.T) {
	want := callback.Notification{
		MerchantID: merchant, OrderID: "O-1", OrderStatus: "captured",
		Amount: 12345, Tip: 100, ConvenienceFee: 35,
		BizpayOrderID: "AL1", SaleNum: "S1", Reference: "R1", Remarks: "可以",
		SubOpenID: "2088", ExchangeRate: "5.057030", FinishTime: "2023-03-23 01:21:53",
		Rule: codec.RuleStrings,
	}
	body, err := callbacktest.Body(callbacktest.Object(&want), signKey, "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := callback.Parse(body, callback.KeyMap(map[string]string{merchant: signKey}))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if n.Envelope.RspCode != "SUCCESS" || n.Envelope.RspMsg != "success" || n.Envelope.MerchantID != merchant {
		t.Errorf("outer members %q %q %q", n.Envelope.RspCode, n.Envelope.RspMsg, n.Envelope.MerchantID)
	}
	got := *n
	got.Data, got.Envelope = nil, nil
	if got != want {
		t.Errorf("round trip\n got %+v\nwant %+v", got, want)
	}
	if len(n.Data.Members) != 13 {
		t.Errorf("the data has %d members, want the 13 documented fields", len(n.Data.Members))
	}
}

// Zero fields are left out of the data.
func TestObjectLeavesOutZeroFields(t *testing.T) {
	o := callbacktest.Object(&callback.Notification{MerchantID: merchant, OrderID: "1"})
	if s := string(o.AppendJSON(nil)); s != `{"merchant_id":"ON00004652","order_id":"1"}` {
		t.Errorf("Object = %s", s)
	}
}

// A body made for another rule verifies under that rule; data without a
// merchant_id string cannot make a callback.
func TestRulesAndErrors(t *testing.T) {
	o, err := codec.ParseObject([]byte(`{"merchant_id":"ON00004652","order_id":"J","amount":300,"rate":1.5}`))
	if err != nil {
		t.Fatal(err)
	}
	body, err := callbacktest.Body(o, signKey, codec.RuleJava)
	if err != nil {
		t.Fatal(err)
	}
	n, err := callback.Parse(body, callback.KeyMap(map[string]string{merchant: signKey}))
	if err != nil || n.Rule != codec.RuleJava || n.Amount != 300 {
		t.Fatalf("java body: %+v, %v", n, err)
	}
	if _, err := callbacktest.Body(o, signKey, ""); !errors.Is(err, codec.ErrNonString) {
		t.Errorf("numbers under the documented rule: %v, want ErrNonString", err)
	}
	var none codec.Object
	none.SetString("order_id", "1")
	if _, err := callbacktest.Body(&none, signKey, ""); !errors.Is(err, callbacktest.ErrNoMerchant) {
		t.Errorf("no merchant_id: %v, want ErrNoMerchant", err)
	}
}

// NewRequest feeds a handler directly; NewClientRequest reaches one behind
// a real listener.
func TestRequests(t *testing.T) {
	calls := 0
	h := callback.NewHandler(callback.KeyMap(map[string]string{merchant: signKey}),
		func(context.Context, *callback.Notification) error { calls++; return nil })
	body, err := callbacktest.Body(callbacktest.Object(&callback.Notification{MerchantID: merchant, OrderID: "1", Amount: 5}), signKey, "")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, callbacktest.NewRequest("/cb", body))
	if w.Code != 200 || w.Body.String() != "SUCCESS" || calls != 1 {
		t.Fatalf("NewRequest: %d %q after %d calls", w.Code, w.Body, calls)
	}
	s := httptest.NewServer(h)
	defer s.Close()
	body2, _ := callbacktest.Body(callbacktest.Object(&callback.Notification{MerchantID: merchant, OrderID: "2", Amount: 5}), signKey, "")
	req, err := callbacktest.NewClientRequest(s.URL+"/cb", body2)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || calls != 2 {
		t.Fatalf("NewClientRequest: %d after %d calls", resp.StatusCode, calls)
	}
}
