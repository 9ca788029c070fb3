package sandbox_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// paidOrder creates and pays an ACTIVEPAY order calling back to rc.
func paidOrder(t *testing.T, sb *sandbox.Server, id, amount string, rc *receiver) {
	t.Helper()
	wantCode(t, activePay(t, sb, id, amount, rc.URL()), "SUCCESS")
	if _, err := sb.Pay(id); err != nil {
		t.Fatal(err)
	}
}

// settled waits until every delivery has left the pending state.
func settled(t *testing.T, sb *sandbox.Server, within time.Duration) []sandbox.Delivery {
	t.Helper()
	var ds []sandbox.Delivery
	eventually(t, within, "every delivery settles", func() bool {
		ds = deliveries(t, sb)
		for _, d := range ds {
			if d.State == sandbox.DeliveryPending {
				return false
			}
		}
		return len(ds) > 0
	})
	return ds
}

// S4: a receiver failing 3 times then acking gets exactly 4 POSTs, spaced
// by the schedule's first waits (15s, 15s, 30s scaled by 0.001).
func TestRetryUntilAcked(t *testing.T) {
	rc := newReceiver(t, func(n int) (int, string) {
		if n <= 3 {
			return http.StatusInternalServerError, "try later"
		}
		return http.StatusOK, "SUCCESS"
	})
	sb := start(t, sandbox.Options{TimeScale: 0.001})
	paidOrder(t, sb, "RETRY1", "1000", rc)
	ds := settled(t, sb, 10*time.Second)
	if len(ds) != 1 || ds[0].State != sandbox.DeliveryDelivered {
		t.Fatalf("deliveries %+v, want one delivered", ds)
	}
	hits := rc.all()
	if len(hits) != 4 {
		t.Fatalf("%d POSTs, want 4", len(hits))
	}
	for i, want := range []time.Duration{15 * time.Millisecond, 15 * time.Millisecond, 30 * time.Millisecond} {
		if gap := hits[i+1].at.Sub(hits[i].at); gap < want {
			t.Errorf("POST %d came %v after POST %d, before the schedule's %v", i+2, gap, i+1, want)
		}
	}
	d := ds[0]
	if len(d.Attempts) != 4 || d.AttemptCount != 4 {
		t.Fatalf("%d attempts recorded, want 4", len(d.Attempts))
	}
	for i, a := range d.Attempts {
		wantStatus, wantAck := http.StatusInternalServerError, false
		if i == 3 {
			wantStatus, wantAck = http.StatusOK, true
		}
		if a.Status != wantStatus || a.Acked != wantAck || a.At.IsZero() || a.Latency <= 0 {
			t.Errorf("attempt %d: %+v", i+1, a)
		}
	}
	if d.Attempts[0].Body != "try later" || d.Attempts[3].Body != "SUCCESS" {
		t.Errorf("bodies %q, %q", d.Attempts[0].Body, d.Attempts[3].Body)
	}
	// Every POST is the same verified callback.
	for _, h := range hits {
		if string(h.body) != d.Body {
			t.Fatal("a retry differs from the recorded body")
		}
	}
	env, opened, err := codec.DecodeBody(hits[0].body, signKey)
	if err != nil || !opened.Verified {
		t.Fatalf("callback: %v", err)
	}
	if env.Kind != codec.Callback || env.MerchantID != merchant || env.RspCode != "SUCCESS" {
		t.Errorf("callback envelope %+v", env)
	}
	for k, want := range map[string]string{"order_id": "RETRY1", "order_status": "SUCCESS", "amount": "1000", "merchant_id": merchant} {
		if v, _ := opened.Object.Get(k); v.Text != want {
			t.Errorf("callback %s = %q, want %q", k, v.Text, want)
		}
	}
}

// S4: 200 "OK" is retried under the default rule and accepted under
// AckAny2xx.
func TestAckRules(t *testing.T) {
	ok := func(int) (int, string) { return http.StatusOK, "OK" }
	t.Run("default", func(t *testing.T) {
		rc := newReceiver(t, ok)
		sb := start(t, sandbox.Options{TimeScale: 0.001})
		paidOrder(t, sb, "ACK1", "1000", rc)
		eventually(t, 5*time.Second, "a retry after 200 OK", func() bool { return rc.count() >= 2 })
		if d := deliveries(t, sb)[0]; d.Attempts[0].Acked || d.Attempts[0].Status != 200 {
			t.Errorf("200 OK counted as an ack: %+v", d.Attempts[0])
		}
	})
	t.Run("any-2xx", func(t *testing.T) {
		rc := newReceiver(t, ok)
		sb := start(t, sandbox.Options{TimeScale: 0.001, Ack: sandbox.AckAny2xx})
		paidOrder(t, sb, "ACK2", "1000", rc)
		ds := settled(t, sb, 5*time.Second)
		if ds[0].State != sandbox.DeliveryDelivered || rc.count() != 1 {
			t.Errorf("any-2xx: %s after %d POSTs", ds[0].State, rc.count())
		}
	})
	for body, want := range map[string]bool{"SUCCESS": true, `{"rsp_code":"SUCCESS","rsp_msg":"success"}`: true, "": false, "success": false, "OK": false} {
		if got := sandbox.AckSuccess(200, []byte(body)); got != want {
			t.Errorf("AckSuccess(200, %q) = %v", body, got)
		}
	}
	if sandbox.AckSuccess(500, []byte("SUCCESS")) || sandbox.AckAny2xx(302, nil) || !sandbox.AckAny2xx(204, nil) {
		t.Error("status rules")
	}
}

// S4: a receiver that never acks gets the first POST and one per wait of
// the schedule, then the delivery is gave_up with every attempt listed by
// the control API. The default schedule is squeezed with TimeScale 1e-5
// (24h4m into under a second).
func TestGiveUp(t *testing.T) {
	rc := newReceiver(t, func(int) (int, string) { return http.StatusServiceUnavailable, "down\x1b[31m" })
	sb := start(t, sandbox.Options{TimeScale: 0.00001})
	paidOrder(t, sb, "GIVEUP1", "1000", rc)
	settled(t, sb, 20*time.Second)
	var list struct{ Callbacks []sandbox.Delivery }
	control(t, sb, http.MethodGet, "/_sandbox/callbacks", &list)
	want := 1 + len(sandbox.DefaultRetrySchedule())
	if len(list.Callbacks) != 1 {
		t.Fatalf("%d callbacks listed", len(list.Callbacks))
	}
	d := list.Callbacks[0]
	if d.State != sandbox.DeliveryGaveUp || len(d.Attempts) != want || rc.count() != want {
		t.Fatalf("state %s, %d attempts listed, %d POSTs; want gave_up and %d", d.State, len(d.Attempts), rc.count(), want)
	}
	for i, a := range d.Attempts {
		if a.Status != http.StatusServiceUnavailable || a.Acked || a.Latency <= 0 {
			t.Errorf("attempt %d: %+v", i+1, a)
		}
		// The receiver's escape sequence is shown escaped.
		if strings.ContainsRune(a.Body, 0x1b) || a.Body != `down\x1b[31m` {
			t.Errorf("attempt %d body %q is not escaped", i+1, a.Body)
		}
		if i > 0 && a.At.Before(d.Attempts[i-1].At) {
			t.Errorf("attempt %d is listed before attempt %d", i+1, i)
		}
	}
	// A resend starts a new round.
	var after sandbox.Delivery
	if st := control(t, sb, http.MethodPost, "/_sandbox/callbacks/"+d.ID+"/resend", &after); st != http.StatusOK || after.State != sandbox.DeliveryPending {
		t.Fatalf("resend: %d %+v", st, after)
	}
	var last sandbox.Delivery
	eventually(t, 20*time.Second, "the resent round gives up again", func() bool {
		last = deliveries(t, sb)[0]
		return last.State == sandbox.DeliveryGaveUp && last.AttemptCount == 2*want
	})
	if len(last.Attempts) != 2*want || rc.count() != 2*want {
		t.Errorf("%d attempts kept, %d POSTs; want %d", len(last.Attempts), rc.count(), 2*want)
	}
}

// An answer that cannot be reached is an attempt with an error.
func TestUnreachableReceiver(t *testing.T) {
	rc := newReceiver(t, acking)
	url := rc.URL()
	rc.srv.Close()
	sb := start(t, sandbox.Options{RetrySchedule: []time.Duration{time.Millisecond}})
	wantCode(t, activePay(t, sb, "GONE1", "1000", url), "SUCCESS")
	sb.Pay("GONE1")
	ds := settled(t, sb, 5*time.Second)
	if ds[0].State != sandbox.DeliveryGaveUp || len(ds[0].Attempts) != 2 || ds[0].Attempts[0].Error == "" || ds[0].Attempts[0].Status != 0 {
		t.Fatalf("%+v", ds[0])
	}
}

// S5: magic 95 delivers the callback twice, 96 not at all.
func TestMagicCallbacks(t *testing.T) {
	rc := newReceiver(t, acking)
	sb := start(t, sandbox.Options{})
	paidOrder(t, sb, "DUP95", "1095", rc)
	paidOrder(t, sb, "NONE96", "1096", rc)
	paidOrder(t, sb, "ONE00", "1000", rc)
	settled(t, sb, 5*time.Second)
	per := map[string]int{}
	for _, d := range deliveries(t, sb) {
		per[d.OrderID]++
		if d.State != sandbox.DeliveryDelivered {
			t.Errorf("%s: %s", d.OrderID, d.State)
		}
	}
	if per["DUP95"] != 2 || per["NONE96"] != 0 || per["ONE00"] != 1 {
		t.Fatalf("deliveries per order %v, want DUP95:2 NONE96:0 ONE00:1", per)
	}
	got := map[string]int{}
	for _, h := range rc.all() {
		_, o, err := codec.DecodeBody(h.body, signKey)
		if err != nil || !o.Verified {
			t.Fatalf("callback does not verify: %v", err)
		}
		v, _ := o.Object.Get("order_id")
		got[v.Text]++
	}
	if got["DUP95"] != 2 || got["NONE96"] != 0 || got["ONE00"] != 1 {
		t.Fatalf("POSTs per order %v", got)
	}
	if st := statusQuery(t, sb, "NONE96"); st != "SUCCESS" {
		t.Errorf("96 still pays: %s", st)
	}
}

// Only the actions that call back do; card actions call back to backUrl
// with the card status words.
func TestCallbackActions(t *testing.T) {
	rc := newReceiver(t, acking)
	sb := start(t, sandbox.Options{})
	wantCode(t, call(t, sb, "CC_PREAUTH", obj("orderId", "CARD1", "merchant_id", merchant, "txnTime", "20260101120000",
		"txnAmt", "1000", "frontUrl", "http://127.0.0.1:9/r", "backUrl", rc.URL(), "channelType", "UPAYONLINE",
		"bizType", "securePay", "cc_channelType", "web")), "SUCCESS")
	sb.Pay("CARD1")
	eventually(t, 5*time.Second, "the card callback", func() bool { return rc.count() == 1 })
	_, o, err := codec.DecodeBody(rc.all()[0].body, signKey)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := o.Object.Get("order_status"); v.Text != "authorised" {
		t.Errorf("card order_status %q, want authorised", v.Text)
	}
	if _, ok := o.Object.Get("exchange_rate"); ok {
		t.Error("a card callback carries the wallet-only exchange_rate")
	}
	// PASSIVEPAY pays but never calls back.
	wantCode(t, call(t, sb, "PASSIVEPAY", obj("order_id", "PP1", "operator_id", "0000000437", "amount", "1000",
		"auth_code", "134567890123456789", "biz_type", "ALIPAY")), "SUCCESS")
	if n := len(deliveries(t, sb)); n != 1 {
		t.Errorf("%d deliveries, want only the card's", n)
	}
}
