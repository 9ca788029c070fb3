package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

func statusQuery(t *testing.T, sb *sandbox.Server, id string) string {
	t.Helper()
	r := call(t, sb, "STATUS_QUERY", obj("order_id", id))
	wantCode(t, r, "SUCCESS")
	return r.get("order_status")
}

func refund(t *testing.T, sb *sandbox.Server, refundID, ori, amt string) reply {
	t.Helper()
	return call(t, sb, "REFUND", obj("order_id", refundID, "ori_order_id", ori, "refund_amt", amt))
}

// S3: the life of an order, as the merchant sees it through the gateway.
func TestOrderScript(t *testing.T) {
	rc := newReceiver(t, acking)
	sb := start(t, sandbox.Options{})
	r := activePay(t, sb, "SCRIPT1", "1000", rc.URL())
	wantCode(t, r, "SUCCESS")
	if r.get("order_id") != "SCRIPT1" {
		t.Fatalf("order_id %q, want SCRIPT1", r.get("order_id"))
	}
	if got := statusQuery(t, sb, "SCRIPT1"); got != "PROCESSING" {
		t.Fatalf("before payment: order_status %q, want PROCESSING", got)
	}
	// Refunding an unpaid order fails.
	wantCode(t, refund(t, sb, "RF0", "SCRIPT1", "100"), "FAIL")

	var o sandbox.Order
	if st := control(t, sb, http.MethodPost, "/_sandbox/orders/SCRIPT1/pay", &o); st != http.StatusOK || o.State != sandbox.StatePaid {
		t.Fatalf("control pay: %d %+v", st, o)
	}
	if got := statusQuery(t, sb, "SCRIPT1"); got != "SUCCESS" {
		t.Fatalf("after payment: order_status %q, want SUCCESS", got)
	}
	// Paying again is a conflict.
	var e struct{ Error, Code string }
	if st := control(t, sb, http.MethodPost, "/_sandbox/orders/SCRIPT1/pay", &e); st != http.StatusConflict || e.Code != "ORDER_PAID" {
		t.Fatalf("second pay: %d %+v", st, e)
	}

	r = refund(t, sb, "RF1", "SCRIPT1", "500")
	wantCode(t, r, "SUCCESS")
	if r.get("order_status") != "partial_refund" || r.get("refund_amt") != "500" || r.get("order_id") != "RF1" {
		t.Fatalf("first refund: %v", r.data)
	}
	if got := statusQuery(t, sb, "SCRIPT1"); got != "partial_refund" {
		t.Fatalf("after half: order_status %q, want partial_refund", got)
	}
	// More than is left is refused and changes nothing.
	r = refund(t, sb, "RF2", "SCRIPT1", "501")
	wantCode(t, r, "FAIL")
	if !strings.Contains(r.env.RspMsg, "500 cents left") {
		t.Errorf("over-refund message %q does not say what is left", r.env.RspMsg)
	}
	// A refund id cannot be reused.
	wantCode(t, refund(t, sb, "RF1", "SCRIPT1", "1"), "ORDER_USED")

	r = refund(t, sb, "RF3", "SCRIPT1", "500")
	wantCode(t, r, "SUCCESS")
	if r.get("order_status") != "fully_refunded" || r.get("refund_amount") != "1000" {
		t.Fatalf("second refund: %v", r.data)
	}
	if got := statusQuery(t, sb, "SCRIPT1"); got != "fully_refunded" {
		t.Fatalf("after the rest: order_status %q, want fully_refunded", got)
	}
	r = refund(t, sb, "RF4", "SCRIPT1", "1")
	wantCode(t, r, "FAIL")
	if !strings.Contains(r.env.RspMsg, "fully refunded") {
		t.Errorf("refund after full: %q", r.env.RspMsg)
	}
	// Another merchant neither sees nor refunds it.
	wantCode(t, callAs(t, sb, other, otherKey, "STATUS_QUERY", obj("order_id", "SCRIPT1"), nil), "FAIL")
	wantCode(t, callAs(t, sb, other, otherKey, "REFUND", obj("ori_order_id", "SCRIPT1", "refund_amt", "1"), nil), "FAIL")
}

// S3: an order id is used once: ORDER_USED while unpaid, ORDER_PAID once
// paid, also across actions.
func TestReusedOrderID(t *testing.T) {
	sb := start(t, sandbox.Options{NoListener: true})
	cb := "http://127.0.0.1:9/cb"
	wantCode(t, activePay(t, sb, "REUSE1", "1000", cb), "SUCCESS")
	wantCode(t, activePay(t, sb, "REUSE1", "1000", cb), "ORDER_USED")
	if _, err := sb.Pay("REUSE1"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, activePay(t, sb, "REUSE1", "1000", cb), "ORDER_PAID")
	wantCode(t, call(t, sb, "PASSIVEPAY", obj("order_id", "REUSE1", "operator_id", "0000000437", "amount", "1000",
		"auth_code", "134567890123456789", "biz_type", "WECHATPAY")), "ORDER_PAID")
	if _, err := sb.Pay("REUSE1"); !errors.Is(err, sandbox.ErrOrderPaid) {
		t.Errorf("Pay twice: %v, want ErrOrderPaid", err)
	}
	// An order without an id gets one, and it can be queried.
	r := call(t, sb, "ACTIVEPAY", obj("operator_id", "0000000437", "amount", "1000", "biz_type", "WECHATPAY", "call_back_url", cb))
	wantCode(t, r, "SUCCESS")
	if id := r.get("order_id"); id == "" || len(id) > 20 || statusQuery(t, sb, id) != "PROCESSING" {
		t.Errorf("generated order_id %q", id)
	}
}

// S3: PREPAY_INIT duration 1 closes the unpaid order after the scaled
// second; PREPAY_QUERY and STATUS_QUERY show it.
func TestPrepayExpires(t *testing.T) {
	sb := start(t, sandbox.Options{NoListener: true, TimeScale: 0.05})
	wantCode(t, call(t, sb, "PREPAY_INIT", prepayInit("EXP1", "1000", "1", "http://127.0.0.1:9/cb")), "SUCCESS")
	r := call(t, sb, "PREPAY_QUERY", obj("prepay_order_id", "EXP1", "merchant_id", merchant))
	if r.get("status") != "PROCESSING" || r.get("expire_time") == "" {
		t.Fatalf("before expiry: %v", r.data)
	}
	created := time.Now()
	eventually(t, 5*time.Second, "the order closes after 1 s x 0.05", func() bool {
		o, _ := sb.Order("EXP1")
		return o.State == sandbox.StateClosed
	})
	if since := time.Since(created); since > 2*time.Second {
		t.Errorf("closed after %v; the scaled duration is 50ms", since)
	}
	r = call(t, sb, "PREPAY_QUERY", obj("prepay_order_id", "EXP1", "merchant_id", merchant))
	if r.get("status") != "ORDERCLOSE" {
		t.Fatalf("after expiry: status %q, want ORDERCLOSE", r.get("status"))
	}
	if got := statusQuery(t, sb, "EXP1"); got != "ORDERCLOSE" {
		t.Fatalf("after expiry: order_status %q", got)
	}
	if _, err := sb.Pay("EXP1"); !errors.Is(err, sandbox.ErrOrderClosed) {
		t.Fatalf("paying an expired order: %v", err)
	}
	o, _ := sb.Order("EXP1")
	if o.CloseReason != "expired" {
		t.Errorf("close reason %q", o.CloseReason)
	}
}

// Decline and close by the control methods.
func TestDeclineAndClose(t *testing.T) {
	sb := start(t, sandbox.Options{NoListener: true})
	cb := "http://127.0.0.1:9/cb"
	activePay(t, sb, "DEC1", "1000", cb)
	activePay(t, sb, "CLS1", "1000", cb)
	if o, err := sb.Decline("DEC1"); err != nil || o.State != sandbox.StateClosed || o.CloseReason != "declined" {
		t.Fatalf("Decline: %+v %v", o, err)
	}
	if o, err := sb.Expire("CLS1"); err != nil || o.CloseReason != "closed" {
		t.Fatalf("Expire: %+v %v", o, err)
	}
	if statusQuery(t, sb, "DEC1") != "ORDERCLOSE" || len(deliveries(t, sb)) != 0 {
		t.Fatal("a declined order is ORDERCLOSE and calls back nothing")
	}
	if _, err := sb.Pay("NOPE"); !errors.Is(err, sandbox.ErrNotFound) {
		t.Errorf("Pay of an unknown order: %v", err)
	}
}

// Magic amounts that fail the create: 92, 93, 97 (PASSIVEPAY), 91
// (PASSIVEPAY declines).
func TestMagicFailures(t *testing.T) {
	sb := start(t, sandbox.Options{NoListener: true})
	cb := "http://127.0.0.1:9/cb"
	wantCode(t, activePay(t, sb, "M92", "1092", cb), "FAIL")
	wantCode(t, activePay(t, sb, "M93", "1093", cb), "SYSTEM_ERROR")
	passive := func(id, amount string) reply {
		return call(t, sb, "PASSIVEPAY", obj("order_id", id, "operator_id", "0000000437", "amount", amount,
			"auth_code", "134567890123456789", "biz_type", "ALIPAY"))
	}
	wantCode(t, passive("M97", "1097"), "PWD_INCORRECT")
	wantCode(t, passive("M91", "1091"), "FAIL")
	r := passive("M00", "1000")
	wantCode(t, r, "SUCCESS")
	if r.get("order_status") != "SUCCESS" || r.get("total_amount") != "1000" {
		t.Errorf("PASSIVEPAY: %v", r.data)
	}
	for _, id := range []string{"M92", "M93", "M97"} {
		if _, err := sb.Order(id); !errors.Is(err, sandbox.ErrNotFound) {
			t.Errorf("%s: an order was made: %v", id, err)
		}
	}
	if o, _ := sb.Order("M91"); o.State != sandbox.StateClosed {
		t.Errorf("M91: %s, want closed", o.State)
	}
	// 97 is an ordinary amount for other actions.
	wantCode(t, activePay(t, sb, "A97", "1097", cb), "SUCCESS")

	// 91 on an asynchronous order: paying declines it.
	wantCode(t, activePay(t, sb, "A91", "1091", cb), "SUCCESS")
	if o, err := sb.Pay("A91"); !errors.Is(err, sandbox.ErrDeclined) || o.State != sandbox.StateClosed {
		t.Errorf("Pay of a 91 order: %+v %v", o, err)
	}
	wantCode(t, activePay(t, sb, "B91", "1091", cb), "SUCCESS")
	var e struct{ Error, Code string }
	if st := control(t, sb, http.MethodPost, "/_sandbox/orders/B91/pay", &e); st != http.StatusConflict || e.Code != "DECLINED" {
		t.Errorf("control pay of a 91 order: %d %+v", st, e)
	}
	if len(deliveries(t, sb)) != 0 {
		t.Error("a declined order called back")
	}
}

// Magic 98: a 1-cent convenience fee in the response and the callback.
func TestMagicFee(t *testing.T) {
	rc := newReceiver(t, acking)
	sb := start(t, sandbox.Options{})
	r := call(t, sb, "H5PAY", obj("amount", "1098", "order_id", "FEE1", "currency_type", "CAD", "biz_type", "WECHATPAY",
		"operator_id", "0000000437", "submit_type", "form", "call_back_url", rc.URL()))
	wantCode(t, r, "SUCCESS")
	if r.get("amount") != "1099" {
		t.Errorf("response amount %q, want 1099 (1098 + 1 cent fee)", r.get("amount"))
	}
	sb.Pay("FEE1")
	eventually(t, 5*time.Second, "the callback arrives", func() bool { return rc.count() == 1 })
	_, cb, err := codec.DecodeBody(rc.all()[0].body, signKey)
	if err != nil {
		t.Fatal(err)
	}
	fee, _ := cb.Object.Get("convenience_fee")
	amount, _ := cb.Object.Get("amount")
	if fee.Text != "1" || amount.Text != "1099" {
		t.Errorf("callback convenience_fee %q amount %q, want 1 and 1099", fee.Text, amount.Text)
	}
}

// Magic 94: the order is made but the answer is held until the client
// gives up, so the client sees a timeout and must query.
func TestMagicHold(t *testing.T) {
	sb := start(t, sandbox.Options{})
	e := &codec.Envelope{Kind: codec.Request, Action: "ACTIVEPAY", Version: "1.0", MerchantID: merchant}
	e.Seal(obj("order_id", "HOLD1", "operator_id", "0000000437", "amount", "1094", "biz_type", "WECHATPAY",
		"call_back_url", "http://127.0.0.1:9/cb"), signKey, codec.RuleStrings)
	body, _ := e.MarshalJSON()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, sb.Endpoint(), strings.NewReader(string(body)))
	start := time.Now()
	_, err := sb.HTTPClient().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("held request: %v, want the client's deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the client waited %v", d)
	}
	if got := statusQuery(t, sb, "HOLD1"); got != "PROCESSING" {
		t.Fatalf("the held order: %q, want PROCESSING", got)
	}
}

// AutoPayAfter pays orders by themselves.
func TestAutoPay(t *testing.T) {
	rc := newReceiver(t, acking)
	sb := start(t, sandbox.Options{AutoPayAfter: 20 * time.Millisecond})
	activePay(t, sb, "AUTO1", "1000", rc.URL())
	eventually(t, 5*time.Second, "the order pays itself and calls back", func() bool { return rc.count() == 1 })
	if got := statusQuery(t, sb, "AUTO1"); got != "SUCCESS" {
		t.Fatalf("auto-paid order: %q", got)
	}
}
