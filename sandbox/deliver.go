package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
)

// maxAnswer bounds what is read of a merchant's answer to a callback.
const maxAnswer = 64 << 10

// MaxExcerpt bounds the answer excerpt kept with an attempt, before
// escaping.
const MaxExcerpt = 256

// resume schedules what the store says is pending: deliveries, expiries
// and auto-payments.
func (s *Server) resume() error {
	return s.store.View(func(tx Tx) error {
		ds, err := tx.Deliveries()
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.State == DeliveryPending {
				s.scheduleAt("d:"+d.ID, d.NextAt)
			}
		}
		os, err := tx.Orders()
		if err != nil {
			return err
		}
		for _, o := range os {
			s.scheduleOrder(o)
			for _, r := range o.Refunds {
				s.refunds[r.ID] = o.ID
			}
		}
		return nil
	})
}

// scheduleOrder sets the expiry and auto-pay timers of a processing order.
func (s *Server) scheduleOrder(o Order) {
	if o.State != StateProcessing {
		return
	}
	if !o.ExpiresAt.IsZero() {
		s.scheduleAt("x:"+o.ID, o.ExpiresAt)
	}
	if !o.AutoPayAt.IsZero() {
		s.scheduleAt("a:"+o.ID, o.AutoPayAt)
	}
}

// scheduleAt makes the engine run key at t.
func (s *Server) scheduleAt(key string, t time.Time) {
	s.mu.Lock()
	s.timers.set(key, t)
	s.mu.Unlock()
	s.wake()
}

// wake makes the engine look at its timers again.
func (s *Server) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// loop is the engine: it sleeps until the earliest due timer and runs
// everything due. Delivery attempts run in their own goroutines.
func (s *Server) loop() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		next, ok := s.timers.next()
		s.mu.Unlock()
		wait := time.Hour
		if ok {
			wait = max(time.Until(next), 0)
		}
		timer.Reset(wait)
		select {
		case <-s.ctx.Done():
			return
		case <-s.kick:
			continue
		case <-timer.C:
		}
		s.runDue()
	}
}

// runDue starts everything whose time has come.
func (s *Server) runDue() {
	s.mu.Lock()
	keys := s.timers.take(time.Now())
	s.mu.Unlock()
	for _, k := range keys {
		id := k[2:]
		switch k[:2] {
		case "d:":
			s.wg.Add(1)
			go s.attempt(id)
		case "x:":
			if o, err := s.transition(id, "expired"); err == nil && o.State == StateClosed {
				s.logf("order %s expired", excerpt([]byte(id), 64))
			}
		case "a:":
			if _, err := s.transition(id, "pay"); err == nil {
				s.logf("order %s auto-paid", excerpt([]byte(id), 64))
			}
		}
	}
}

// attempt makes one POST of a delivery and records it.
func (s *Server) attempt(id string) {
	defer s.wg.Done()
	key := "d:" + id
	defer func() {
		s.mu.Lock()
		s.timers.land(key)
		s.mu.Unlock()
		s.wake() // a resend made during the attempt waits for this
	}()
	var d Delivery
	var ok bool
	if err := s.store.View(func(tx Tx) (err error) {
		d, ok, err = tx.Delivery(id)
		return err
	}); err != nil || !ok || d.State != DeliveryPending {
		return
	}
	at := s.now()
	start := time.Now()
	a := Attempt{At: at}
	ctx, cancel := context.WithTimeout(s.ctx, s.cbTimeout)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, strings.NewReader(d.Body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(Header, Version)
		var resp *http.Response
		resp, err = s.client.Do(req)
		if err == nil {
			body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
			resp.Body.Close()
			a.Status = resp.StatusCode
			a.Body = excerpt(body, MaxExcerpt)
			if rerr != nil {
				a.Error = "reading the answer: " + rerr.Error()
			} else {
				a.Acked = s.ack(resp.StatusCode, body)
			}
		}
	}
	cancel()
	a.Latency = time.Since(start)
	if s.ctx.Err() != nil {
		return // closing: not an attempt of the merchant's making; stays pending
	}
	if err != nil {
		a.Error = excerpt([]byte(err.Error()), 512)
	}
	var next time.Time
	err = s.store.Update(func(tx Tx) error {
		cur, ok, err := tx.Delivery(id)
		if err != nil || !ok {
			return err
		}
		if cur.State != DeliveryPending {
			return nil
		}
		cur.Attempts = append(cur.Attempts, a)
		if n := len(cur.Attempts); n > MaxAttemptsKept {
			cur.Attempts = append([]Attempt(nil), cur.Attempts[n-MaxAttemptsKept:]...)
		}
		cur.AttemptCount++
		cur.Tries++
		switch {
		case a.Acked:
			cur.State, cur.NextAt = DeliveryDelivered, time.Time{}
		case cur.Tries > len(s.schedule):
			cur.State, cur.NextAt = DeliveryGaveUp, time.Time{}
		default:
			cur.NextAt = s.now().Add(s.scaled(s.schedule[cur.Tries-1]))
			next = cur.NextAt
		}
		d = cur
		return tx.PutDelivery(cur)
	})
	if err != nil {
		s.logf("callback %s: recording the attempt failed: %v", id, err)
		return
	}
	s.logf("callback %s attempt %d to %s: status %d acked=%v %s; %s", id, d.Tries,
		excerpt([]byte(d.URL), 200), a.Status, a.Acked, a.Error, d.State)
	if !next.IsZero() {
		s.scheduleAt(key, next)
	}
}

// transition applies a state change to an order: "pay", "decline",
// "closed" (closed by hand) or "expired". It returns the order after the
// change.
func (s *Server) transition(id, what string) (Order, error) {
	var o Order
	var created []Delivery
	var refused error
	err := s.store.Update(func(tx Tx) error {
		var ok bool
		var err error
		o, ok, err = tx.Order(id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: order %q", ErrNotFound, id)
		}
		now := s.now()
		if s.expireIfDue(&o, now) {
			// The expiry is written even when the change asked for fails.
			if err := tx.PutOrder(o); err != nil {
				return err
			}
		}
		switch o.State {
		case StateProcessing:
		case StateClosed:
			if what != "expired" {
				refused = fmt.Errorf("%w: order %q was %s", ErrOrderClosed, id, o.CloseReason)
			}
			return nil
		default:
			refused = fmt.Errorf("%w: order %q", ErrOrderPaid, id)
			return nil
		}
		switch what {
		case "pay":
			if o.Magic == 91 {
				o.State, o.ClosedAt, o.CloseReason = StateClosed, now, "declined"
				if err := tx.PutOrder(o); err != nil {
					return err
				}
				return nil
			}
			o.State, o.PaidAt = StatePaid, now
			created, err = s.callbacks(o, now)
			if err != nil {
				return err
			}
			for _, d := range created {
				if err := tx.PutDelivery(d); err != nil {
					return err
				}
			}
		case "decline":
			o.State, o.ClosedAt, o.CloseReason = StateClosed, now, "declined"
		case "closed", "expired":
			if what == "expired" && (o.ExpiresAt.IsZero() || o.ExpiresAt.After(now)) {
				return nil // the timer is older than the order's state
			}
			o.State, o.ClosedAt, o.CloseReason = StateClosed, now, what
		}
		return tx.PutOrder(o)
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return o, err
	}
	s.mu.Lock()
	s.timers.remove("x:" + id)
	s.timers.remove("a:" + id)
	s.mu.Unlock()
	for _, d := range created {
		s.scheduleAt("d:"+d.ID, d.NextAt)
	}
	if what == "pay" && o.State == StateClosed {
		return o, ErrDeclined
	}
	if what != "expired" {
		s.logf("order %s: %s -> %s", excerpt([]byte(id), 64), what, o.State)
	}
	return o, nil
}

// expireIfDue closes a processing order whose expiry has passed, so that
// a query made between the expiry and the engine's timer sees it closed.
func (s *Server) expireIfDue(o *Order, now time.Time) bool {
	if o.State == StateProcessing && !o.ExpiresAt.IsZero() && !o.ExpiresAt.After(now) {
		o.State, o.ClosedAt, o.CloseReason = StateClosed, o.ExpiresAt, "expired"
		return true
	}
	return false
}

// callbacks makes the deliveries of a payment: none if the action does not
// call back, the order has no callback URL or its magic amount is 96; two
// identical ones for 95.
func (s *Server) callbacks(o Order, now time.Time) ([]Delivery, error) {
	a, ok := findVariant(o.Action, o.Variant)
	if !ok || len(a.Callback) == 0 || o.CallbackURL == "" || o.Magic == 96 {
		return nil, nil
	}
	key, ok := s.merchants[o.MerchantID]
	if !ok {
		return nil, fmt.Errorf("%w: merchant %q has no sign key any more", ErrNotFound, o.MerchantID)
	}
	data := s.callbackData(a, o)
	cb := catalog.CallbackAction()
	e := &codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "success", MerchantID: o.MerchantID}
	if err := sealAs(e, asSender(data, cb, codec.Callback, o.Rule), key, o.Rule); err != nil {
		return nil, err
	}
	body, err := e.MarshalJSON()
	if err != nil {
		return nil, err
	}
	n := 1
	if o.Magic == 95 {
		n = 2
	}
	var ds []Delivery
	for i := 0; i < n; i++ {
		ds = append(ds, Delivery{ID: s.newID("CB"), OrderID: o.ID, MerchantID: o.MerchantID, URL: o.CallbackURL,
			Body: string(body), State: DeliveryPending, NextAt: now, CreatedAt: now, Attempts: []Attempt{}})
	}
	return ds, nil
}

// Pay pays a processing order as its payer would, and queues its callback.
// An order with the magic amount 91 is declined instead (ErrDeclined).
// Paying a paid order is ErrOrderPaid, a closed one ErrOrderClosed.
func (s *Server) Pay(orderID string) (Order, error) { return s.transition(orderID, "pay") }

// Decline closes a processing order as declined by the payer; no
// callback is sent.
func (s *Server) Decline(orderID string) (Order, error) { return s.transition(orderID, "decline") }

// Expire closes a processing order now, as if its time ran out.
func (s *Server) Expire(orderID string) (Order, error) { return s.transition(orderID, "closed") }

// Order returns one order.
func (s *Server) Order(orderID string) (Order, error) {
	var o Order
	err := s.store.View(func(tx Tx) error {
		var ok bool
		var err error
		o, ok, err = tx.Order(orderID)
		if err == nil && !ok {
			err = fmt.Errorf("%w: order %q", ErrNotFound, orderID)
		}
		return err
	})
	s.expireIfDue(&o, s.now())
	return o, err
}

// Orders returns every order, oldest first.
func (s *Server) Orders() ([]Order, error) {
	var os []Order
	err := s.store.View(func(tx Tx) (err error) {
		os, err = tx.Orders()
		return err
	})
	now := s.now()
	for i := range os {
		s.expireIfDue(&os[i], now)
	}
	return os, err
}

// Deliveries returns every callback delivery with its attempts, oldest
// first.
func (s *Server) Deliveries() ([]Delivery, error) {
	var ds []Delivery
	err := s.store.View(func(tx Tx) (err error) {
		ds, err = tx.Deliveries()
		return err
	})
	return ds, err
}

// Resend starts a new round of attempts for a delivery, whatever its
// state: the first POST goes at once, then the retry schedule applies
// again.
func (s *Server) Resend(deliveryID string) (Delivery, error) {
	var d Delivery
	err := s.store.Update(func(tx Tx) error {
		var ok bool
		var err error
		d, ok, err = tx.Delivery(deliveryID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: callback %q", ErrNotFound, deliveryID)
		}
		d.State, d.Tries, d.NextAt = DeliveryPending, 0, s.now()
		return tx.PutDelivery(d)
	})
	if err == nil {
		s.scheduleAt("d:"+d.ID, d.NextAt)
	}
	return d, err
}

// Reset deletes every order and delivery and stops their timers.
func (s *Server) Reset() error {
	err := s.store.Update(func(tx Tx) error { return tx.DeleteAll() })
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.timers.clear()
	clear(s.refunds)
	s.mu.Unlock()
	s.logf("all data deleted")
	return nil
}
