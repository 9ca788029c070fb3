package callback

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"sync"
)

// Key identifies a callback for deduplication: the same merchant, order
// and status is the same callback. MD5 is set only for a callback without
// an order_id (see Notification.Key).
type Key struct {
	MerchantID, OrderID, OrderStatus, MD5 string
}

// ID returns a fixed-length, stable text for k (64 hex digits, a SHA-256
// of its length-prefixed fields), for a Deduper that stores keys in a
// database: equal keys give equal IDs, and no two different keys share one
// without a SHA-256 collision.
func (k Key) ID() string {
	s := k.sum()
	return hex.EncodeToString(s[:])
}

func (k Key) sum() [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	for _, s := range [...]string{k.MerchantID, k.OrderID, k.OrderStatus, k.MD5} {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// Deduper remembers which callbacks were handled. Its methods must be safe
// for concurrent use. An error from Handled makes the handler answer 500
// without calling the function (the gateway sends the callback again); an
// error from MarkHandled is logged, and the callback is acknowledged, since
// the function did handle it.
type Deduper interface {
	// Handled reports whether key was marked handled.
	Handled(ctx context.Context, key Key) (bool, error)
	// MarkHandled records that the function handled key without error.
	MarkHandled(ctx context.Context, key Key) error
}

// DefaultMemoryKeys is how many keys the default memory Deduper holds.
const DefaultMemoryKeys = 1 << 16

// NewMemoryDeduper returns a Deduper that remembers the last max keys in
// memory (32 bytes each, whatever the key's length), forgetting the oldest
// first. max below 1 means DefaultMemoryKeys. It forgets everything when the
// process ends.
func NewMemoryDeduper(max int) Deduper {
	if max < 1 {
		max = DefaultMemoryKeys
	}
	return &memoryDeduper{max: max, set: make(map[[sha256.Size]byte]struct{})}
}

type memoryDeduper struct {
	mu   sync.Mutex
	max  int
	set  map[[sha256.Size]byte]struct{}
	ring [][sha256.Size]byte // insertion order; ring[next] is the oldest once full
	next int
}

func (d *memoryDeduper) Handled(_ context.Context, k Key) (bool, error) {
	s := k.sum()
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.set[s]
	return ok, nil
}

func (d *memoryDeduper) MarkHandled(_ context.Context, k Key) error {
	s := k.sum()
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.set[s]; ok {
		return nil
	}
	if len(d.ring) < d.max {
		d.ring = append(d.ring, s)
	} else {
		delete(d.set, d.ring[d.next])
		d.ring[d.next] = s
		d.next = (d.next + 1) % d.max
	}
	d.set[s] = struct{}{}
	return nil
}
