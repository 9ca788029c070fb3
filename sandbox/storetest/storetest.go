// Package storetest checks that a sandbox.Store keeps the contract the
// sandbox relies on:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) sandbox.Store { return openMine(t) })
//	}
//
// open must return an empty store each time it is called; Run calls it
// once per subtest and never closes what it returns (use t.Cleanup).
package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// Run runs the conformance tests, each as a subtest on a fresh store from
// open.
func Run(t *testing.T, open func(t *testing.T) sandbox.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, sandbox.Store)
	}{
		{"Empty", testEmpty},
		{"RoundTrip", testRoundTrip},
		{"ReadYourWrites", testReadYourWrites},
		{"ErrorWritesNothing", testErrorWritesNothing},
		{"ViewIsReadOnly", testViewIsReadOnly},
		{"Replace", testReplace},
		{"Ordering", testOrdering},
		{"DeleteAll", testDeleteAll},
		{"DeleteAllRolledBack", testDeleteAllRolledBack},
		{"ReturnedRecordsAreCopies", testCopies},
		{"Concurrent", testConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// base is a fixed instant with nanoseconds, so a store that drops them is
// caught.
var base = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)

// FullOrder returns an order with every field set to a value that differs
// from its zero value, as the sandbox could write it.
func FullOrder(id string, created time.Time) sandbox.Order {
	return sandbox.Order{
		ID: id, MerchantID: "ON00004652", Action: "PREPAY_INIT", Variant: "checkout", Version: "1.0",
		State: sandbox.StatePartRefunded, Amount: 1098, Tip: 150, Fee: 1, Refunded: 200,
		Refunds: []sandbox.Refund{{ID: "RF" + id, Amount: 120, At: created.Add(3 * time.Minute)},
			{ID: "RF2" + id, Amount: 80, At: created.Add(4*time.Minute + 7)}},
		Magic: 98, CallbackURL: "http://127.0.0.1:9/cb?q=\"é\"&x=<\u2028>", Rule: codec.RuleJava,
		BizpayOrderID: "4200000001" + id,
		Request:       map[string]string{"prepay_order_id": id, "amount": "1098", "remarks": "line\nbreak \x00 nul"},
		CreatedAt:     created, PaidAt: created.Add(time.Minute), ClosedAt: created.Add(2 * time.Minute),
		CloseReason: "declined", ExpiresAt: created.Add(time.Hour), AutoPayAt: created.Add(time.Second),
	}
}

// FullDelivery returns a delivery with every field and every attempt field
// set.
func FullDelivery(id, orderID string, created time.Time) sandbox.Delivery {
	return sandbox.Delivery{
		ID: id, OrderID: orderID, MerchantID: "ON00004652", URL: "http://127.0.0.1:9/cb",
		Body:  `{"rsp_code":"SUCCESS","rsp_msg":"success","merchant_id":"ON00004652","data":"x","md5":"Y"}`,
		State: sandbox.DeliveryPending, Tries: 2, NextAt: created.Add(15 * time.Second), CreatedAt: created,
		Attempts: []sandbox.Attempt{
			{At: created, Status: 503, Latency: 1234567 * time.Nanosecond, Body: `busy\x00`, Error: "", Acked: false},
			{At: created.Add(time.Second), Status: 0, Latency: 5 * time.Second, Error: "dial tcp: connection refused"},
			{At: created.Add(2 * time.Second), Status: 200, Latency: 1, Body: "SUCCESS", Acked: true},
		},
		AttemptCount: 70,
	}
}

func update(t *testing.T, s sandbox.Store, fn func(sandbox.Tx) error) {
	t.Helper()
	if err := s.Update(fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, s sandbox.Store, fn func(sandbox.Tx) error) {
	t.Helper()
	if err := s.View(fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func orders(t *testing.T, s sandbox.Store) (os []sandbox.Order) {
	t.Helper()
	view(t, s, func(tx sandbox.Tx) (err error) { os, err = tx.Orders(); return err })
	return os
}

func deliveries(t *testing.T, s sandbox.Store) (ds []sandbox.Delivery) {
	t.Helper()
	view(t, s, func(tx sandbox.Tx) (err error) { ds, err = tx.Deliveries(); return err })
	return ds
}

func getOrder(t *testing.T, s sandbox.Store, id string) (o sandbox.Order, ok bool) {
	t.Helper()
	view(t, s, func(tx sandbox.Tx) (err error) { o, ok, err = tx.Order(id); return err })
	return o, ok
}

func getDelivery(t *testing.T, s sandbox.Store, id string) (d sandbox.Delivery, ok bool) {
	t.Helper()
	view(t, s, func(tx sandbox.Tx) (err error) { d, ok, err = tx.Delivery(id); return err })
	return d, ok
}

// testEmpty: a new store has nothing, and asking for a missing id is not an
// error.
func testEmpty(t *testing.T, s sandbox.Store) {
	if os := orders(t, s); len(os) != 0 {
		t.Errorf("a new store lists %d orders", len(os))
	}
	if ds := deliveries(t, s); len(ds) != 0 {
		t.Errorf("a new store lists %d deliveries", len(ds))
	}
	if _, ok := getOrder(t, s, "NONE"); ok {
		t.Error("Order of a missing id: ok")
	}
	if _, ok := getDelivery(t, s, "NONE"); ok {
		t.Error("Delivery of a missing id: ok")
	}
}

// testRoundTrip: every field of an order and of a delivery comes back as
// written, times to the nanosecond, in a later transaction and in the
// listing.
func testRoundTrip(t *testing.T, s sandbox.Store) {
	east := time.FixedZone("UTC+8", 8*3600)
	o := FullOrder("SBX1", base)
	o2 := FullOrder("SBX2", base.In(east).Add(time.Hour)) // a time in another zone keeps its instant
	o2.State, o2.Rule, o2.Request = sandbox.StateProcessing, codec.RuleStrings, nil
	d := FullDelivery("CB1", "SBX1", base.Add(time.Minute))
	update(t, s, func(tx sandbox.Tx) error {
		for _, err := range []error{tx.PutOrder(o), tx.PutOrder(o2), tx.PutDelivery(d)} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	got, ok := getOrder(t, s, o.ID)
	if !ok {
		t.Fatal("the order written is not there")
	}
	sameOrder(t, "Order", got, o)
	got2, _ := getOrder(t, s, o2.ID)
	sameOrder(t, "Order (zone UTC+8)", got2, o2)
	gotD, ok := getDelivery(t, s, d.ID)
	if !ok {
		t.Fatal("the delivery written is not there")
	}
	sameDelivery(t, "Delivery", gotD, d)
	if os := orders(t, s); len(os) != 2 {
		t.Fatalf("Orders lists %d, want 2", len(os))
	} else {
		sameOrder(t, "Orders[0]", os[0], o)
		sameOrder(t, "Orders[1]", os[1], o2)
	}
	if ds := deliveries(t, s); len(ds) != 1 {
		t.Fatalf("Deliveries lists %d, want 1", len(ds))
	} else {
		sameDelivery(t, "Deliveries[0]", ds[0], d)
	}
}

// testReadYourWrites: inside an Update, Order, Orders, Delivery and
// Deliveries see the transaction's own writes, and other writers' writes
// are not seen by a View until the Update commits.
func testReadYourWrites(t *testing.T, s sandbox.Store) {
	update(t, s, func(tx sandbox.Tx) error { return tx.PutOrder(FullOrder("OLD", base)) })
	update(t, s, func(tx sandbox.Tx) error {
		o := FullOrder("NEW", base.Add(time.Second))
		if err := tx.PutOrder(o); err != nil {
			return err
		}
		got, ok, err := tx.Order("NEW")
		if err != nil || !ok {
			t.Fatalf("Order after PutOrder in the same Update: ok=%v err=%v", ok, err)
		}
		sameOrder(t, "Order in the Update", got, o)
		old, _, _ := tx.Order("OLD")
		old.State = sandbox.StatePaid
		if err := tx.PutOrder(old); err != nil {
			return err
		}
		os, err := tx.Orders()
		if err != nil {
			return err
		}
		if ids := orderIDs(os); !reflect.DeepEqual(ids, []string{"OLD", "NEW"}) {
			t.Errorf("Orders in the Update: %v, want [OLD NEW]", ids)
		}
		if os[0].State != sandbox.StatePaid {
			t.Errorf("Orders in the Update shows OLD %s, want the state just written, paid", os[0].State)
		}
		d := FullDelivery("CB", "NEW", base)
		if err := tx.PutDelivery(d); err != nil {
			return err
		}
		if got, ok, err := tx.Delivery("CB"); err != nil || !ok {
			t.Fatalf("Delivery after PutDelivery in the same Update: ok=%v err=%v", ok, err)
		} else {
			sameDelivery(t, "Delivery in the Update", got, d)
		}
		ds, err := tx.Deliveries()
		if err != nil {
			return err
		}
		if len(ds) != 1 || ds[0].ID != "CB" {
			t.Errorf("Deliveries in the Update: %v, want [CB]", deliveryIDs(ds))
		}
		return nil
	})
	if o, _ := getOrder(t, s, "OLD"); o.State != sandbox.StatePaid {
		t.Errorf("after commit OLD is %s, want paid", o.State)
	}
}

var errAbort = errors.New("storetest: abort")

// testErrorWritesNothing: an Update whose fn fails returns that error and
// leaves no trace: not its new records, not its changes to old ones, not
// its deletions.
func testErrorWritesNothing(t *testing.T, s sandbox.Store) {
	before := FullOrder("KEEP", base)
	update(t, s, func(tx sandbox.Tx) error {
		if err := tx.PutOrder(before); err != nil {
			return err
		}
		return tx.PutDelivery(FullDelivery("CBKEEP", "KEEP", base))
	})
	err := s.Update(func(tx sandbox.Tx) error {
		changed := before
		changed.State, changed.Amount, changed.CreatedAt = sandbox.StateClosed, 1, base.Add(-time.Hour)
		if err := tx.PutOrder(changed); err != nil {
			return err
		}
		if err := tx.PutOrder(FullOrder("GHOST", base)); err != nil {
			return err
		}
		if err := tx.PutDelivery(FullDelivery("CBGHOST", "GHOST", base)); err != nil {
			return err
		}
		return fmt.Errorf("the caller changed its mind: %w", errAbort)
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("Update returned %v, want the error fn returned", err)
	}
	if _, ok := getOrder(t, s, "GHOST"); ok {
		t.Error("an order put by a failed Update is there")
	}
	if _, ok := getDelivery(t, s, "CBGHOST"); ok {
		t.Error("a delivery put by a failed Update is there")
	}
	got, _ := getOrder(t, s, "KEEP")
	sameOrder(t, "an order changed by a failed Update", got, before)
	if ids := orderIDs(orders(t, s)); !reflect.DeepEqual(ids, []string{"KEEP"}) {
		t.Errorf("Orders after a failed Update: %v, want [KEEP]", ids)
	}
	if ids := deliveryIDs(deliveries(t, s)); !reflect.DeepEqual(ids, []string{"CBKEEP"}) {
		t.Errorf("Deliveries after a failed Update: %v, want [CBKEEP]", ids)
	}
}

// testViewIsReadOnly: every write in a View is ErrReadOnly and changes
// nothing.
func testViewIsReadOnly(t *testing.T, s sandbox.Store) {
	update(t, s, func(tx sandbox.Tx) error { return tx.PutOrder(FullOrder("RO", base)) })
	view(t, s, func(tx sandbox.Tx) error {
		o := FullOrder("RO", base)
		o.State = sandbox.StateClosed
		if err := tx.PutOrder(o); !errors.Is(err, sandbox.ErrReadOnly) {
			t.Errorf("PutOrder in View: %v, want ErrReadOnly", err)
		}
		if err := tx.PutOrder(FullOrder("RO2", base)); !errors.Is(err, sandbox.ErrReadOnly) {
			t.Errorf("PutOrder (new) in View: %v, want ErrReadOnly", err)
		}
		if err := tx.PutDelivery(FullDelivery("CB", "RO", base)); !errors.Is(err, sandbox.ErrReadOnly) {
			t.Errorf("PutDelivery in View: %v, want ErrReadOnly", err)
		}
		if err := tx.DeleteAll(); !errors.Is(err, sandbox.ErrReadOnly) {
			t.Errorf("DeleteAll in View: %v, want ErrReadOnly", err)
		}
		return nil
	})
	if ids := orderIDs(orders(t, s)); !reflect.DeepEqual(ids, []string{"RO"}) {
		t.Errorf("after writes in a View, Orders: %v, want [RO]", ids)
	}
	if o, _ := getOrder(t, s, "RO"); o.State != sandbox.StatePartRefunded {
		t.Errorf("after a write in a View, RO is %s, want unchanged", o.State)
	}
	if len(deliveries(t, s)) != 0 {
		t.Error("a delivery put in a View is there")
	}
}

// testReplace: a Put of an existing id replaces the record (one record,
// listed once, at its new CreatedAt).
func testReplace(t *testing.T, s sandbox.Store) {
	update(t, s, func(tx sandbox.Tx) error {
		for i, id := range []string{"A", "B", "C"} {
			if err := tx.PutOrder(FullOrder(id, base.Add(time.Duration(i)*time.Second))); err != nil {
				return err
			}
			if err := tx.PutDelivery(FullDelivery("CB"+id, id, base.Add(time.Duration(i)*time.Second))); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, s, func(tx sandbox.Tx) error {
		a := FullOrder("A", base.Add(time.Hour)) // A moves to the end
		a.State, a.Refunds = sandbox.StatePaid, nil
		if err := tx.PutOrder(a); err != nil {
			return err
		}
		d := FullDelivery("CBA", "A", base.Add(time.Hour))
		d.State, d.Attempts = sandbox.DeliveryDelivered, d.Attempts[:1]
		return tx.PutDelivery(d)
	})
	os := orders(t, s)
	if ids := orderIDs(os); !reflect.DeepEqual(ids, []string{"B", "C", "A"}) {
		t.Fatalf("after replacing A with a later CreatedAt, Orders: %v, want [B C A]", ids)
	}
	if os[2].State != sandbox.StatePaid || len(os[2].Refunds) != 0 {
		t.Errorf("replaced A: state %s, %d refunds; want paid, none", os[2].State, len(os[2].Refunds))
	}
	ds := deliveries(t, s)
	if ids := deliveryIDs(ds); !reflect.DeepEqual(ids, []string{"CBB", "CBC", "CBA"}) {
		t.Fatalf("after replacing CBA, Deliveries: %v, want [CBB CBC CBA]", ids)
	}
	if ds[2].State != sandbox.DeliveryDelivered || len(ds[2].Attempts) != 1 {
		t.Errorf("replaced CBA: %s with %d attempts, want delivered with 1", ds[2].State, len(ds[2].Attempts))
	}
}

// testOrdering: Orders and Deliveries are oldest first by CreatedAt, then
// by id, whatever order they were written in, across the zero time, times
// before 1970, nanosecond differences and far-future times.
func testOrdering(t *testing.T, s sandbox.Store) {
	times := []time.Time{
		{}, // zero
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Unix(0, 0).UTC(),
		base, base.Add(1), base.Add(2), base.Add(time.Second),
		time.Date(2262, 4, 12, 0, 0, 0, 0, time.UTC), // past what UnixNano can hold
		time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	type rec struct {
		id string
		at time.Time
	}
	var want []rec
	for i, at := range times {
		// Two ids at each time; ids chosen so that id order and insertion
		// order disagree with time order.
		want = append(want, rec{fmt.Sprintf("Z%02d", len(times)-i), at}, rec{fmt.Sprintf("Z%02da", len(times)-i), at})
	}
	sort.Slice(want, func(i, j int) bool {
		if !want[i].at.Equal(want[j].at) {
			return want[i].at.Before(want[j].at)
		}
		return want[i].id < want[j].id
	})
	// Write in a scrambled order, in two transactions.
	perm := []int{7, 3, 16, 0, 11, 5, 14, 1, 9, 17, 2, 12, 6, 15, 4, 10, 8, 13}
	for half := 0; half < 2; half++ {
		update(t, s, func(tx sandbox.Tx) error {
			for _, p := range perm[half*9 : half*9+9] {
				r := want[p]
				if err := tx.PutOrder(FullOrder(r.id, r.at)); err != nil {
					return err
				}
				if err := tx.PutDelivery(FullDelivery(r.id, r.id, r.at)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	var wantIDs []string
	for _, r := range want {
		wantIDs = append(wantIDs, r.id)
	}
	os := orders(t, s)
	if ids := orderIDs(os); !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("Orders:\n got %v\nwant %v", ids, wantIDs)
	}
	for i, o := range os {
		if i < len(want) && !o.CreatedAt.Equal(want[i].at) {
			t.Errorf("Orders[%d] %s CreatedAt %v, want %v", i, o.ID, o.CreatedAt, want[i].at)
		}
	}
	if ids := deliveryIDs(deliveries(t, s)); !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("Deliveries:\n got %v\nwant %v", ids, wantIDs)
	}
}

// testDeleteAll: DeleteAll removes every order and delivery, is seen at
// once inside its Update, and later writes in the same Update stay.
func testDeleteAll(t *testing.T, s sandbox.Store) {
	update(t, s, func(tx sandbox.Tx) error {
		for i := 0; i < 5; i++ {
			id := "D" + strconv.Itoa(i)
			if err := tx.PutOrder(FullOrder(id, base)); err != nil {
				return err
			}
			if err := tx.PutDelivery(FullDelivery("CB"+id, id, base)); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, s, func(tx sandbox.Tx) error {
		if err := tx.DeleteAll(); err != nil {
			return err
		}
		if _, ok, _ := tx.Order("D0"); ok {
			t.Error("Order D0 found after DeleteAll in the same Update")
		}
		if _, ok, _ := tx.Delivery("CBD0"); ok {
			t.Error("Delivery CBD0 found after DeleteAll in the same Update")
		}
		if os, _ := tx.Orders(); len(os) != 0 {
			t.Errorf("Orders after DeleteAll in the same Update: %v", orderIDs(os))
		}
		if ds, _ := tx.Deliveries(); len(ds) != 0 {
			t.Errorf("Deliveries after DeleteAll in the same Update: %v", deliveryIDs(ds))
		}
		return tx.PutOrder(FullOrder("AFTER", base))
	})
	if ids := orderIDs(orders(t, s)); !reflect.DeepEqual(ids, []string{"AFTER"}) {
		t.Errorf("Orders after DeleteAll then PutOrder: %v, want [AFTER]", ids)
	}
	if ds := deliveries(t, s); len(ds) != 0 {
		t.Errorf("Deliveries after DeleteAll: %v", deliveryIDs(ds))
	}
	if _, ok := getOrder(t, s, "D3"); ok {
		t.Error("Order D3 found after DeleteAll")
	}
	// The store is usable as before.
	update(t, s, func(tx sandbox.Tx) error { return tx.PutDelivery(FullDelivery("CBNEW", "AFTER", base)) })
	if ids := deliveryIDs(deliveries(t, s)); !reflect.DeepEqual(ids, []string{"CBNEW"}) {
		t.Errorf("Deliveries after DeleteAll and a new PutDelivery: %v, want [CBNEW]", ids)
	}
}

// testDeleteAllRolledBack: a DeleteAll in a failed Update deletes nothing.
func testDeleteAllRolledBack(t *testing.T, s sandbox.Store) {
	update(t, s, func(tx sandbox.Tx) error {
		if err := tx.PutOrder(FullOrder("STAY", base)); err != nil {
			return err
		}
		return tx.PutDelivery(FullDelivery("CBSTAY", "STAY", base))
	})
	err := s.Update(func(tx sandbox.Tx) error {
		if err := tx.DeleteAll(); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("Update: %v, want errAbort", err)
	}
	if ids := orderIDs(orders(t, s)); !reflect.DeepEqual(ids, []string{"STAY"}) {
		t.Errorf("Orders after a failed DeleteAll: %v, want [STAY]", ids)
	}
	if ids := deliveryIDs(deliveries(t, s)); !reflect.DeepEqual(ids, []string{"CBSTAY"}) {
		t.Errorf("Deliveries after a failed DeleteAll: %v, want [CBSTAY]", ids)
	}
}

// testCopies: a record is stored by value: changing a returned record, or
// the one passed to Put, after the fact changes nothing stored.
func testCopies(t *testing.T, s sandbox.Store) {
	o := FullOrder("COPY", base)
	d := FullDelivery("CBCOPY", "COPY", base)
	update(t, s, func(tx sandbox.Tx) error {
		if err := tx.PutOrder(o); err != nil {
			return err
		}
		return tx.PutDelivery(d)
	})
	o.Request["amount"], o.Refunds[0].Amount, d.Attempts[0].Status = "1", 1, 1
	got, _ := getOrder(t, s, "COPY")
	got.Request["amount"], got.Refunds[0].Amount = "2", 2
	again, _ := getOrder(t, s, "COPY")
	sameOrder(t, "after changing the records passed and returned", again, FullOrder("COPY", base))
	gotD, _ := getDelivery(t, s, "CBCOPY")
	gotD.Attempts[1].Status = 2
	againD, _ := getDelivery(t, s, "CBCOPY")
	sameDelivery(t, "after changing the records passed and returned", againD, FullDelivery("CBCOPY", "COPY", base))
}

// testConcurrent: concurrent Updates each reading and rewriting one
// counter lose no increment (Updates are serialised), and Views running
// beside them never see a half-done Update (an order and its delivery are
// written together).
func testConcurrent(t *testing.T, s sandbox.Store) {
	update(t, s, func(tx sandbox.Tx) error { return tx.PutOrder(sandbox.Order{ID: "COUNTER", CreatedAt: base}) })
	const writers, each = 4, 25
	errs := make(chan error, writers+1)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				errs <- nil
				return
			default:
			}
			err := s.View(func(tx sandbox.Tx) error {
				os, err := tx.Orders()
				if err != nil {
					return err
				}
				ds, err := tx.Deliveries()
				if err != nil {
					return err
				}
				if len(os) != len(ds)+1 {
					return fmt.Errorf("a View saw %d orders and %d deliveries: half of an Update", len(os), len(ds))
				}
				return nil
			})
			if err != nil {
				errs <- err
				return
			}
		}
	}()
	done := make(chan error, writers)
	for w := 0; w < writers; w++ {
		go func() {
			for i := 0; i < each; i++ {
				err := s.Update(func(tx sandbox.Tx) error {
					c, _, err := tx.Order("COUNTER")
					if err != nil {
						return err
					}
					c.Amount++
					id := "W" + strconv.FormatInt(c.Amount, 10)
					if err := tx.PutOrder(sandbox.Order{ID: id, CreatedAt: base.Add(time.Duration(c.Amount))}); err != nil {
						return err
					}
					if err := tx.PutDelivery(sandbox.Delivery{ID: "CB" + id, OrderID: id, CreatedAt: base}); err != nil {
						return err
					}
					return tx.PutOrder(c)
				})
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for w := 0; w < writers; w++ {
		if err := <-done; err != nil {
			t.Fatalf("Update: %v", err)
		}
	}
	close(stop)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	c, _ := getOrder(t, s, "COUNTER")
	if c.Amount != writers*each {
		t.Errorf("counter %d after %d increments: Updates were not serialised", c.Amount, writers*each)
	}
	if n := len(orders(t, s)); n != writers*each+1 {
		t.Errorf("%d orders, want %d", n, writers*each+1)
	}
}

func orderIDs(os []sandbox.Order) []string {
	ids := []string{}
	for _, o := range os {
		ids = append(ids, o.ID)
	}
	return ids
}

func deliveryIDs(ds []sandbox.Delivery) []string {
	ids := []string{}
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}

// sameOrder compares every field; times by instant, an empty slice or map
// as nil (JSON-encoded stores cannot tell them apart, and the sandbox
// does not either).
func sameOrder(t *testing.T, what string, got, want sandbox.Order) {
	t.Helper()
	if g, w := normOrder(got), normOrder(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

func sameDelivery(t *testing.T, what string, got, want sandbox.Delivery) {
	t.Helper()
	if g, w := normDelivery(got), normDelivery(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Round(0)
}

func normOrder(o sandbox.Order) sandbox.Order {
	o.CreatedAt, o.PaidAt, o.ClosedAt, o.ExpiresAt, o.AutoPayAt = utc(o.CreatedAt), utc(o.PaidAt), utc(o.ClosedAt), utc(o.ExpiresAt), utc(o.AutoPayAt)
	var rs []sandbox.Refund
	for _, r := range o.Refunds {
		r.At = utc(r.At)
		rs = append(rs, r)
	}
	o.Refunds = rs
	if len(o.Request) == 0 {
		o.Request = nil
	}
	return o
}

func normDelivery(d sandbox.Delivery) sandbox.Delivery {
	d.NextAt, d.CreatedAt = utc(d.NextAt), utc(d.CreatedAt)
	var as []sandbox.Attempt
	for _, a := range d.Attempts {
		a.At = utc(a.At)
		as = append(as, a)
	}
	d.Attempts = as
	return d
}
