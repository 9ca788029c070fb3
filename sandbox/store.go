package sandbox

import (
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// Store keeps the sandbox's state: orders and callback deliveries with
// their attempts. Every change goes through Update, which must apply all of
// the transaction's writes or none of them; View sees a consistent
// snapshot. The records are plain structs that encode to JSON, so an
// implementation may keep them in any embedded database (the default is in
// memory, see NewMemoryStore). The server never closes a Store it was given.
//
// A restarted server resumes from the store: pending deliveries are retried
// at their NextAt, orders expire at their ExpiresAt and auto-pay at their
// AutoPayAt, so an implementation that survives a restart loses nothing
// that was acknowledged.
type Store interface {
	// View runs fn with a read-only transaction.
	View(fn func(Tx) error) error
	// Update runs fn with a read-write transaction and commits its writes
	// if fn returns nil; if fn returns an error nothing is written and
	// Update returns that error. Updates run one at a time.
	Update(fn func(Tx) error) error
}

// Tx is one transaction on a Store. Records are returned and stored by
// value: changing a returned record changes nothing until it is put back.
type Tx interface {
	// Order returns the order with the given id; ok is false if there is
	// none.
	Order(id string) (o Order, ok bool, err error)
	// PutOrder creates or replaces the order with o.ID.
	PutOrder(o Order) error
	// Orders returns every order, oldest first (then by id).
	Orders() ([]Order, error)
	// Delivery returns the delivery with the given id.
	Delivery(id string) (d Delivery, ok bool, err error)
	// PutDelivery creates or replaces the delivery with d.ID.
	PutDelivery(d Delivery) error
	// Deliveries returns every delivery, oldest first (then by id).
	Deliveries() ([]Delivery, error)
	// DeleteAll removes every order and delivery.
	DeleteAll() error
}

// ErrReadOnly is returned by a write inside View.
var ErrReadOnly = errors.New("sandbox: write in a read-only transaction")

// Order states, as Order.State holds them. The words the protocol shows
// (STATUS_QUERY order_status, PREPAY_QUERY status) are derived from these;
// see the package doc.
const (
	StateProcessing    = "processing"      // created, waiting for the payer
	StatePaid          = "paid"            // paid, nothing refunded
	StatePartRefunded  = "partly_refunded" // paid, part of it refunded
	StateFullyRefunded = "fully_refunded"  // paid, all of it refunded
	StateClosed        = "closed"          // expired, declined or closed; never paid
)

// Order is one payment order the sandbox created.
type Order struct {
	ID         string `json:"id"` // the order_id (orderId, or prepay_order_id for PREPAY_INIT)
	MerchantID string `json:"merchant_id"`
	Action     string `json:"action"`  // e.g. "ACTIVEPAY"
	Variant    string `json:"variant"` // catalogue variant, e.g. "retail"
	Version    string `json:"version"`
	State      string `json:"state"` // one of the State constants
	// Amount, Tip and Fee are cents: the requested amount, the tip and
	// the convenience fee the sandbox adds (magic amount 98).
	Amount int64 `json:"amount"`
	Tip    int64 `json:"tip,omitempty"`
	Fee    int64 `json:"fee,omitempty"`
	// Refunded is the sum of the refunds, in cents.
	Refunded int64    `json:"refunded,omitempty"`
	Refunds  []Refund `json:"refunds,omitempty"`
	// Magic is the magic amount (Amount mod 100) when it selects a failure
	// mode, else 0.
	Magic       int    `json:"magic,omitempty"`
	CallbackURL string `json:"callback_url,omitempty"`
	// Rule is the sender rule its callbacks are sealed with.
	Rule codec.Rule `json:"rule,omitempty"`
	// BizpayOrderID is the made-up channel order number.
	BizpayOrderID string `json:"bizpay_order_id"`
	// Request holds the request's string fields by documented name, for
	// echoing in responses and callbacks.
	Request     map[string]string `json:"request,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
	PaidAt      time.Time         `json:"paid_at,omitzero"`
	ClosedAt    time.Time         `json:"closed_at,omitzero"`
	CloseReason string            `json:"close_reason,omitempty"` // "expired", "declined", "closed"
	// ExpiresAt is when an unpaid order closes by itself (PREPAY_INIT
	// duration, scaled by TimeScale); zero for never.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// AutoPayAt is when the sandbox pays the order by itself
	// (Options.AutoPayAfter); zero for never.
	AutoPayAt time.Time `json:"auto_pay_at,omitzero"`
}

// Refund is one accepted refund of an order.
type Refund struct {
	ID     string    `json:"id"` // the REFUND request's order_id
	Amount int64     `json:"amount"`
	At     time.Time `json:"at"`
}

// Delivery states, as Delivery.State holds them.
const (
	DeliveryPending   = "pending"   // more attempts will be made
	DeliveryDelivered = "delivered" // an attempt was acknowledged
	DeliveryGaveUp    = "gave_up"   // the retry schedule ran out
)

// Delivery is one callback to deliver, with every attempt made.
type Delivery struct {
	ID         string `json:"id"`
	OrderID    string `json:"order_id"`
	MerchantID string `json:"merchant_id"`
	URL        string `json:"url"`
	// Body is the sealed callback envelope, exactly as POSTed.
	Body  string `json:"body"`
	State string `json:"state"`
	// Tries counts the attempts of the current round (a resend starts a
	// new round); it indexes the retry schedule.
	Tries     int       `json:"tries"`
	NextAt    time.Time `json:"next_at,omitzero"` // when the next attempt is due (pending only)
	CreatedAt time.Time `json:"created_at"`
	// Attempts lists the attempts, oldest first; at most MaxAttemptsKept
	// are kept, AttemptCount counts them all.
	Attempts     []Attempt `json:"attempts"`
	AttemptCount int       `json:"attempt_count"`
}

// MaxAttemptsKept bounds Delivery.Attempts; older attempts are dropped.
const MaxAttemptsKept = 64

// Attempt is one POST of a callback.
type Attempt struct {
	At      time.Time     `json:"at"`
	Status  int           `json:"status,omitempty"` // HTTP status; 0 when no answer came
	Latency time.Duration `json:"latency_ns"`
	// Body is an excerpt of the answer, at most MaxExcerpt bytes, with
	// control and non-ASCII characters escaped.
	Body  string `json:"body,omitempty"`
	Error string `json:"error,omitempty"`
	Acked bool   `json:"acked"`
}

// NewMemoryStore returns an empty Store kept in memory, the default.
func NewMemoryStore() Store {
	return &memStore{orders: map[string]Order{}, deliveries: map[string]Delivery{}}
}

type memStore struct {
	mu         sync.RWMutex
	orders     map[string]Order
	deliveries map[string]Delivery
}

func (m *memStore) View(fn func(Tx) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&memTx{s: m, readOnly: true})
}

func (m *memStore) Update(fn func(Tx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTx{s: m, orders: map[string]Order{}, deliveries: map[string]Delivery{}}
	if err := fn(tx); err != nil {
		return err
	}
	if tx.cleared {
		m.orders = map[string]Order{}
		m.deliveries = map[string]Delivery{}
	}
	for id, o := range tx.orders {
		m.orders[id] = o
	}
	for id, d := range tx.deliveries {
		m.deliveries[id] = d
	}
	return nil
}

// memTx reads through its own writes to the store; the writes reach the
// store only when Update commits.
type memTx struct {
	s          *memStore
	readOnly   bool
	cleared    bool
	orders     map[string]Order
	deliveries map[string]Delivery
}

func (t *memTx) Order(id string) (Order, bool, error) {
	if o, ok := t.orders[id]; ok {
		return cloneOrder(o), true, nil
	}
	if t.cleared {
		return Order{}, false, nil
	}
	o, ok := t.s.orders[id]
	return cloneOrder(o), ok, nil
}

func (t *memTx) PutOrder(o Order) error {
	if t.readOnly {
		return ErrReadOnly
	}
	t.orders[o.ID] = cloneOrder(o)
	return nil
}

func (t *memTx) Orders() ([]Order, error) {
	seen := map[string]bool{}
	var all []Order
	for id, o := range t.orders {
		seen[id] = true
		all = append(all, cloneOrder(o))
	}
	if !t.cleared {
		for id, o := range t.s.orders {
			if !seen[id] {
				all = append(all, cloneOrder(o))
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].CreatedAt.Equal(all[j].CreatedAt) {
			return all[i].CreatedAt.Before(all[j].CreatedAt)
		}
		return all[i].ID < all[j].ID
	})
	return all, nil
}

func (t *memTx) Delivery(id string) (Delivery, bool, error) {
	if d, ok := t.deliveries[id]; ok {
		return cloneDelivery(d), true, nil
	}
	if t.cleared {
		return Delivery{}, false, nil
	}
	d, ok := t.s.deliveries[id]
	return cloneDelivery(d), ok, nil
}

func (t *memTx) PutDelivery(d Delivery) error {
	if t.readOnly {
		return ErrReadOnly
	}
	t.deliveries[d.ID] = cloneDelivery(d)
	return nil
}

func (t *memTx) Deliveries() ([]Delivery, error) {
	seen := map[string]bool{}
	var all []Delivery
	for id, d := range t.deliveries {
		seen[id] = true
		all = append(all, cloneDelivery(d))
	}
	if !t.cleared {
		for id, d := range t.s.deliveries {
			if !seen[id] {
				all = append(all, cloneDelivery(d))
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].CreatedAt.Equal(all[j].CreatedAt) {
			return all[i].CreatedAt.Before(all[j].CreatedAt)
		}
		return all[i].ID < all[j].ID
	})
	return all, nil
}

func (t *memTx) DeleteAll() error {
	if t.readOnly {
		return ErrReadOnly
	}
	t.cleared = true
	t.orders = map[string]Order{}
	t.deliveries = map[string]Delivery{}
	return nil
}

func cloneOrder(o Order) Order {
	o.Refunds = append([]Refund(nil), o.Refunds...)
	if o.Request != nil {
		r := make(map[string]string, len(o.Request))
		for k, v := range o.Request {
			r[k] = v
		}
		o.Request = r
	}
	return o
}

func cloneDelivery(d Delivery) Delivery {
	d.Attempts = append([]Attempt(nil), d.Attempts...)
	return d
}
