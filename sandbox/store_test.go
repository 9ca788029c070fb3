package sandbox_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// Update applies all of a transaction's writes or none.
func TestMemoryStoreAtomic(t *testing.T) {
	st := sandbox.NewMemoryStore()
	boom := errors.New("boom")
	err := st.Update(func(tx sandbox.Tx) error {
		tx.PutOrder(sandbox.Order{ID: "A"})
		if _, ok, _ := tx.Order("A"); !ok {
			t.Error("a transaction does not read its own write")
		}
		tx.PutDelivery(sandbox.Delivery{ID: "D"})
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v", err)
	}
	st.View(func(tx sandbox.Tx) error {
		os, _ := tx.Orders()
		ds, _ := tx.Deliveries()
		if len(os)+len(ds) != 0 {
			t.Errorf("a failed transaction wrote %d orders, %d deliveries", len(os), len(ds))
		}
		if err := tx.PutOrder(sandbox.Order{ID: "B"}); !errors.Is(err, sandbox.ErrReadOnly) {
			t.Errorf("write in View: %v", err)
		}
		return nil
	})
	st.Update(func(tx sandbox.Tx) error {
		return tx.PutOrder(sandbox.Order{ID: "A", Refunds: []sandbox.Refund{{ID: "R"}}})
	})
	// DeleteAll inside a failed transaction deletes nothing.
	st.Update(func(tx sandbox.Tx) error {
		tx.DeleteAll()
		if _, ok, _ := tx.Order("A"); ok {
			t.Error("DeleteAll not visible inside the transaction")
		}
		return boom
	})
	st.View(func(tx sandbox.Tx) error {
		o, ok, _ := tx.Order("A")
		if !ok {
			t.Fatal("a failed DeleteAll deleted")
		}
		o.Refunds[0].ID = "changed" // a returned record is a copy
		return nil
	})
	st.View(func(tx sandbox.Tx) error {
		if o, _, _ := tx.Order("A"); o.Refunds[0].ID != "R" {
			t.Error("changing a returned record changed the store")
		}
		return nil
	})
}

// The records are plain JSON: what a database stores comes back equal.
func TestRecordsAreJSON(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	o := sandbox.Order{ID: "O1", MerchantID: merchant, Action: "ACTIVEPAY", Variant: "retail", Version: "1.0",
		State: sandbox.StatePartRefunded, Amount: 1000, Tip: 5, Fee: 1, Refunded: 300, Magic: 95,
		Refunds: []sandbox.Refund{{ID: "R1", Amount: 300, At: now}}, CallbackURL: "http://127.0.0.1:1/cb",
		Rule: codec.RuleJava, BizpayOrderID: "4200", Request: map[string]string{"amount": "1000"},
		CreatedAt: now, PaidAt: now, ExpiresAt: now}
	d := sandbox.Delivery{ID: "D1", OrderID: "O1", MerchantID: merchant, URL: "http://127.0.0.1:1/cb", Body: "{}",
		State: sandbox.DeliveryPending, Tries: 2, NextAt: now, CreatedAt: now, AttemptCount: 1,
		Attempts: []sandbox.Attempt{{At: now, Status: 500, Latency: time.Millisecond, Body: "x", Error: "e"}}}
	for _, v := range []any{o, d} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		back := reflect.New(reflect.TypeOf(v))
		if err := json.Unmarshal(b, back.Interface()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.Elem().Interface(), v) {
			t.Errorf("JSON round trip changed %T:\n%s", v, b)
		}
	}
}

// A server started on a store resumes what it holds: a pending delivery is
// delivered, an order past its expiry closes.
func TestResumeFromStore(t *testing.T) {
	rc := newReceiver(t, acking)
	st := sandbox.NewMemoryStore()
	past := time.Now().Add(-time.Minute).UTC()
	st.Update(func(tx sandbox.Tx) error {
		tx.PutOrder(sandbox.Order{ID: "OLD1", MerchantID: merchant, Action: "PREPAY_INIT", Variant: "checkout",
			State: sandbox.StateProcessing, Amount: 100, CreatedAt: past, ExpiresAt: past.Add(time.Second)})
		tx.PutOrder(sandbox.Order{ID: "PAID1", MerchantID: merchant, Action: "ACTIVEPAY", Variant: "retail",
			State: sandbox.StatePartRefunded, Amount: 100, Refunded: 10, CreatedAt: past, PaidAt: past,
			Refunds: []sandbox.Refund{{ID: "OLDREFUND", Amount: 10, At: past}}})
		return tx.PutDelivery(sandbox.Delivery{ID: "CB1", OrderID: "PAID1", MerchantID: merchant, URL: rc.URL(),
			Body: `{"rsp_code":"SUCCESS"}`, State: sandbox.DeliveryPending, Tries: 3, NextAt: past, CreatedAt: past})
	})
	sb := start(t, sandbox.Options{Store: st})
	eventually(t, 5*time.Second, "the stored delivery is made", func() bool { return rc.count() == 1 })
	eventually(t, 5*time.Second, "the stored delivery is acknowledged", func() bool {
		return deliveries(t, sb)[0].State == sandbox.DeliveryDelivered
	})
	if string(rc.all()[0].body) != `{"rsp_code":"SUCCESS"}` {
		t.Errorf("delivered %q", rc.all()[0].body)
	}
	// The stored refund's ID stays taken.
	wantCode(t, call(t, sb, "REFUND", obj("order_id", "OLDREFUND", "ori_order_id", "PAID1", "refund_amt", "1")), "ORDER_USED")
	wantCode(t, call(t, sb, "REFUND", obj("order_id", "NEWREFUND", "ori_order_id", "PAID1", "refund_amt", "90")), "SUCCESS")
	eventually(t, 5*time.Second, "the stored order expires", func() bool {
		var o sandbox.Order
		st.View(func(tx sandbox.Tx) error { o, _, _ = tx.Order("OLD1"); return nil })
		return o.State == sandbox.StateClosed
	})
}

// countingStore counts the full scans (Orders, Deliveries) made through
// it.
type countingStore struct {
	sandbox.Store
	scans *int
}

type countingTx struct {
	sandbox.Tx
	scans *int
}

func (c countingStore) View(fn func(sandbox.Tx) error) error {
	return c.Store.View(func(tx sandbox.Tx) error { return fn(countingTx{tx, c.scans}) })
}

func (c countingStore) Update(fn func(sandbox.Tx) error) error {
	return c.Store.Update(func(tx sandbox.Tx) error { return fn(countingTx{tx, c.scans}) })
}

func (c countingTx) Orders() ([]sandbox.Order, error) {
	*c.scans++
	return c.Tx.Orders()
}

func (c countingTx) Deliveries() ([]sandbox.Delivery, error) {
	*c.scans++
	return c.Tx.Deliveries()
}

// The gateway's work per request does not grow with the orders stored:
// creates, payments, queries and refunds never scan the store (only
// start-up and the control API's lists do).
func TestNoScansPerRequest(t *testing.T) {
	scans := 0
	sb := start(t, sandbox.Options{NoListener: true, Store: countingStore{sandbox.NewMemoryStore(), &scans}})
	startup := scans
	for i := range 50 {
		id := "SCAN" + string(rune('A'+i/26)) + string(rune('A'+i%26))
		wantCode(t, activePay(t, sb, id, "1000", "http://127.0.0.1:9/cb"), "SUCCESS")
		wantCode(t, activePay(t, sb, id, "1000", "http://127.0.0.1:9/cb"), "ORDER_USED")
		sb.Pay(id)
		wantCode(t, call(t, sb, "STATUS_QUERY", obj("order_id", id)), "SUCCESS")
		wantCode(t, call(t, sb, "REFUND", obj("order_id", "R"+id, "ori_order_id", id, "refund_amt", "10")), "SUCCESS")
		wantCode(t, call(t, sb, "REFUND", obj("order_id", "R"+id, "ori_order_id", id, "refund_amt", "10")), "ORDER_USED")
		wantCode(t, activePay(t, sb, "R"+id, "1000", "http://127.0.0.1:9/cb"), "ORDER_USED")
	}
	if scans != startup {
		t.Errorf("%d full scans of the store for 350 requests and 50 payments, want 0", scans-startup)
	}
}
