package pay

import (
	"crypto/rand"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
)

// actionInfo is what the client needs to know about one catalogue action
// variant, derived from its documented fields.
type actionInfo struct {
	action catalog.Action
	// moves is true when the request carries an amount: such an action
	// moves money and is never retried. Queries carry none.
	moves bool
	// ids are the request fields that identify the order (order_id or its
	// spelling orderId, prepay_order_id); a response carrying one of them
	// must carry the request's value.
	ids []idField
	// gen is the id field generated when the caller leaves it empty
	// (money-moving actions only), nil if none.
	gen *idField
}

// idField is one order-identifying field: the documented request name and
// every name a response may carry it under.
type idField struct {
	name   string
	names  []string
	maxLen int
}

func newActionInfo(a catalog.Action) *actionInfo {
	info := &actionInfo{action: a}
	for _, f := range a.Request {
		if f.Unit == catalog.UnitCents {
			info.moves = true
		}
	}
	for _, f := range a.Request {
		if !isOrderField(f) && f.Name != "prepay_order_id" {
			continue
		}
		id := idField{name: f.Name, names: append([]string{f.Name}, f.Aliases...), maxLen: f.MaxLen}
		if rf, ok := a.Field(codec.Response, f.Name); ok {
			id.names = appendNew(id.names, rf.Name)
			id.names = appendNew(id.names, rf.Aliases...)
		}
		info.ids = append(info.ids, id)
	}
	if info.moves {
		// The merchant's order id: order_id (orderId), else the checkout's
		// prepay_order_id.
		for i := range info.ids {
			if info.ids[i].name != "prepay_order_id" {
				info.gen = &info.ids[i]
				break
			}
		}
		if info.gen == nil && len(info.ids) > 0 {
			info.gen = &info.ids[0]
		}
	}
	return info
}

// unknownAction describes an action the catalogue does not know, for Do:
// treated as money-moving (never retried), its order id read from order_id
// or orderId.
func unknownAction(name, version string) *actionInfo {
	return &actionInfo{
		action: catalog.Action{Name: name, Version: version},
		moves:  true,
		ids:    []idField{{name: "order_id", names: []string{"order_id", "orderId"}}},
	}
}

func isOrderField(f catalog.Field) bool {
	if f.Name == "order_id" {
		return true
	}
	for _, a := range f.Aliases {
		if a == "order_id" {
			return true
		}
	}
	return false
}

func appendNew(list []string, names ...string) []string {
outer:
	for _, n := range names {
		for _, have := range list {
			if have == n {
				continue outer
			}
		}
		list = append(list, n)
	}
	return list
}

// find returns the value of the first of names present in o.
func find(o *codec.Object, names []string) (codec.Value, string, bool) {
	if o == nil {
		return codec.Value{}, "", false
	}
	for _, n := range names {
		if v, ok := o.Get(n); ok {
			return v, n, true
		}
	}
	return codec.Value{}, "", false
}

// OrderIDLength is the length of the order ids the client generates: 20
// decimal digits, within every documented limit (card actions allow at
// most 20 letters and digits) and about 66 bits of randomness.
const OrderIDLength = 20

// NewOrderID returns a fresh order id of OrderIDLength random decimal
// digits from crypto/rand, the first not zero. The client calls it for a
// money-moving request without an order id, so that the order can always
// be queried; call it yourself to store the id before sending.
func NewOrderID() (string, error) { return newOrderID(OrderIDLength) }

func newOrderID(n int) (string, error) {
	if n <= 0 || n > OrderIDLength {
		n = OrderIDLength
	}
	b := make([]byte, n)
	// Rejection sampling: bytes >= 250 would bias the digits.
	buf := make([]byte, 2*n)
	i := 0
	for i < n {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, r := range buf {
			if r >= 250 || (i == 0 && r%10 == 0) {
				continue
			}
			b[i] = '0' + r%10
			i++
			if i == n {
				break
			}
		}
	}
	return string(b), nil
}
