package boltstore

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// maxIDLen bounds a record id, so that its index key (timeKeyLen + id)
// fits bbolt's key limit and applying a write cannot fail on it.
const maxIDLen = bolt.MaxKeySize - timeKeyLen

// overlay is the Tx an Update's function gets: it keeps the function's
// writes, encoded, and reads through them to the group's bbolt
// transaction. The writes reach bbolt only when the function returned nil
// (apply), so a failing function leaves no trace in its group.
type overlay struct {
	base       *tx
	cleared    bool
	orders     map[string]rec
	deliveries map[string]rec
}

// rec is one encoded record waiting to be applied.
type rec struct {
	created time.Time
	data    []byte
}

func newOverlay(base *tx) *overlay {
	return &overlay{base: base, orders: map[string]rec{}, deliveries: map[string]rec{}}
}

// errTxDone is returned by a Tx used after its Update returned.
var errTxDone = fmt.Errorf("boltstore: the transaction is over: a Tx is valid only inside the function it was given to")

func (o *overlay) Order(id string) (sandbox.Order, bool, error) {
	var v sandbox.Order
	ok, err := o.get(bucketOrders, o.orders, id, &v)
	return v, ok, err
}

func (o *overlay) Delivery(id string) (sandbox.Delivery, bool, error) {
	var v sandbox.Delivery
	ok, err := o.get(bucketDeliveries, o.deliveries, id, &v)
	return v, ok, err
}

func (o *overlay) get(bucket []byte, pending map[string]rec, id string, v any) (bool, error) {
	if o.base == nil {
		return false, errTxDone
	}
	if r, ok := pending[id]; ok {
		return true, decode(bucket, id, r.data, v)
	}
	if o.cleared {
		return false, nil
	}
	return get(o.base.tx, bucket, id, v)
}

func (o *overlay) PutOrder(v sandbox.Order) error {
	return o.put(bucketOrders, o.orders, v.ID, v.CreatedAt, v)
}

func (o *overlay) PutDelivery(v sandbox.Delivery) error {
	return o.put(bucketDeliveries, o.deliveries, v.ID, v.CreatedAt, v)
}

func (o *overlay) put(bucket []byte, pending map[string]rec, id string, created time.Time, v any) error {
	if o.base == nil {
		return errTxDone
	}
	if id == "" || len(id) > maxIDLen {
		return fmt.Errorf("boltstore: a record in %s has an id of %d bytes; ids are 1 to %d bytes", bucket, len(id), maxIDLen)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("boltstore: encoding %s %s: %w", bucket, strconv.Quote(id), err)
	}
	pending[id] = rec{created: created, data: data}
	return nil
}

func (o *overlay) DeleteAll() error {
	if o.base == nil {
		return errTxDone
	}
	o.cleared = true
	clear(o.orders)
	clear(o.deliveries)
	return nil
}

func (o *overlay) Orders() ([]sandbox.Order, error) {
	if o.base == nil {
		return nil, errTxDone
	}
	if !o.cleared && len(o.orders) == 0 {
		return o.base.Orders()
	}
	var all []sandbox.Order
	if !o.cleared {
		err := list(o.base.tx.Bucket(bucketOrders), o.base.tx.Bucket(bucketOrdersByTime), func(id string, data []byte) error {
			if _, mine := o.orders[id]; mine {
				return nil
			}
			var v sandbox.Order
			if err := decode(bucketOrders, id, data, &v); err != nil {
				return err
			}
			all = append(all, v)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for id, r := range o.orders {
		var v sandbox.Order
		if err := decode(bucketOrders, id, r.data, &v); err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	sort.Slice(all, func(i, j int) bool { return before(all[i].CreatedAt, all[i].ID, all[j].CreatedAt, all[j].ID) })
	return all, nil
}

func (o *overlay) Deliveries() ([]sandbox.Delivery, error) {
	if o.base == nil {
		return nil, errTxDone
	}
	if !o.cleared && len(o.deliveries) == 0 {
		return o.base.Deliveries()
	}
	var all []sandbox.Delivery
	if !o.cleared {
		err := list(o.base.tx.Bucket(bucketDeliveries), o.base.tx.Bucket(bucketDeliveriesBy), func(id string, data []byte) error {
			if _, mine := o.deliveries[id]; mine {
				return nil
			}
			var v sandbox.Delivery
			if err := decode(bucketDeliveries, id, data, &v); err != nil {
				return err
			}
			all = append(all, v)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for id, r := range o.deliveries {
		var v sandbox.Delivery
		if err := decode(bucketDeliveries, id, r.data, &v); err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	sort.Slice(all, func(i, j int) bool { return before(all[i].CreatedAt, all[i].ID, all[j].CreatedAt, all[j].ID) })
	return all, nil
}

// before orders records as the index keys do: by CreatedAt, then by id.
func before(at time.Time, id string, bt time.Time, bid string) bool {
	if !at.Equal(bt) {
		return at.Before(bt)
	}
	return id < bid
}

// apply writes the overlay into the group's bbolt transaction.
func (o *overlay) apply(base *tx) error {
	if o.cleared {
		if err := base.deleteAll(); err != nil {
			return err
		}
	}
	for id, r := range o.orders {
		if err := base.putRaw(bucketOrders, bucketOrdersByTime, id, r.created, r.data); err != nil {
			return err
		}
	}
	for id, r := range o.deliveries {
		if err := base.putRaw(bucketDeliveries, bucketDeliveriesBy, id, r.created, r.data); err != nil {
			return err
		}
	}
	return nil
}
