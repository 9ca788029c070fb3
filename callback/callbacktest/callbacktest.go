// Package callbacktest makes signed OTT Pay callbacks for a merchant's own
// tests of its callback handler, as net/http/httptest makes requests:
//
//	n := &callback.Notification{MerchantID: "ON00004652", OrderID: "42", Amount: 300}
//	body, err := callbacktest.Body(callbacktest.Object(n), signKey, codec.RuleStrings)
//	rec := httptest.NewRecorder()
//	handler.ServeHTTP(rec, callbacktest.NewRequest("/ottpay/callback", body))
//
// The bodies are sealed exactly as the gateway seals them (codec.Seal), so
// callback.Parse verifies them with the same sign key.
package callbacktest

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/codec"
)

// ErrNoMerchant: the data has no merchant_id string to put in the
// envelope.
var ErrNoMerchant = errors.New("callbacktest: the data has no merchant_id string")

// Object returns the transaction data of a callback carrying n's typed
// fields, as strings (amounts in cents, "300"), in the order the docs list
// them. Empty strings and zero amounts are left out. n.Data, n.Rule and
// n.Envelope are not used: to send other members, Set them on the result.
func Object(n *callback.Notification) *codec.Object {
	var o codec.Object
	str := func(k, v string) {
		if v != "" {
			o.SetString(k, v)
		}
	}
	cents := func(k string, v interface{ String() string }, zero bool) {
		if !zero {
			o.SetString(k, v.String())
		}
	}
	str("finish_time", n.FinishTime)
	str("merchant_id", n.MerchantID)
	str("order_id", n.OrderID)
	str("order_status", n.OrderStatus)
	cents("amount", n.Amount, n.Amount == 0)
	cents("tip", n.Tip, n.Tip == 0)
	str("bizpay_order_id", n.BizpayOrderID)
	str("remarks", n.Remarks)
	str("exchange_rate", n.ExchangeRate)
	str("sale_num", n.SaleNum)
	cents("convenience_fee", n.ConvenienceFee, n.ConvenienceFee == 0)
	str("sub_openId", n.SubOpenID)
	str("reference", n.Reference)
	return &o
}

// Envelope seals data as a callback under signKey and sender rule r (the
// empty rule is codec.RuleStrings, which takes string values only; RuleJava,
// RulePHP, RuleJS and RuleCryptoJS hash numbers, booleans and nulls as those
// senders do). The outer members are rsp_code "SUCCESS", rsp_msg "success"
// and the data's merchant_id; change them on the result to test a handler
// against edited outer members.
func Envelope(data *codec.Object, signKey string, r codec.Rule) (*codec.Envelope, error) {
	m, ok := data.Get("merchant_id")
	if !ok || m.Kind != codec.KindString {
		return nil, ErrNoMerchant
	}
	e := &codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "success", MerchantID: m.Text}
	if err := e.Seal(data, signKey, r); err != nil {
		return nil, err
	}
	return e, nil
}

// Body returns the JSON body of the callback Envelope makes: one line,
// members in the order rsp_code, rsp_msg, merchant_id, data, md5.
func Body(data *codec.Object, signKey string, r codec.Rule) ([]byte, error) {
	e, err := Envelope(data, signKey, r)
	if err != nil {
		return nil, err
	}
	return e.MarshalJSON()
}

// NewRequest returns an incoming POST of body to target with Content-Type
// application/json, for a handler's ServeHTTP (see httptest.NewRequest,
// which it uses, for target). It panics on a target httptest.NewRequest
// rejects, as that does.
func NewRequest(target string, body []byte) *http.Request {
	req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// NewClientRequest returns an outgoing POST of body to url with
// Content-Type application/json, for an http.Client and a handler behind a
// real listener (httptest.NewServer).
func NewClientRequest(url string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}
