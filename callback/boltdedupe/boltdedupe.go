// Package boltdedupe is a callback.Deduper that keeps the keys of handled
// callbacks in a bbolt database file, so that a restart of the merchant's
// server does not forget which callbacks it handled:
//
//	d, err := boltdedupe.Open("callbacks.db", 0)
//	...
//	defer d.Close()
//	h := callback.NewHandler(keys, fn, callback.WithDeduper(d))
//
// It holds the last max keys (64 bytes each, whatever the order IDs),
// forgetting the oldest first. One process at a time opens the file.
package boltdedupe

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/ottpay-toolkit/ottpay/callback"
	bolt "go.etcd.io/bbolt"
)

// DefaultMax is how many keys Open keeps when given max below 1.
const DefaultMax = 1 << 20

var (
	bucketKeys  = []byte("handled") // Key.ID -> sequence number
	bucketOrder = []byte("order")   // big-endian sequence number -> Key.ID
)

// Deduper is a callback.Deduper backed by a bbolt file. Its methods are
// safe for concurrent use.
type Deduper struct {
	db  *bolt.DB
	max uint64
}

var _ callback.Deduper = (*Deduper)(nil)

// Open opens or creates the database file at path (mode 0600) holding at
// most max keys (DefaultMax if max < 1). It fails after a second if another
// process holds the file.
func Open(path string, max int) (*Deduper, error) {
	if max < 1 {
		max = DefaultMax
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("boltdedupe: %s is open in another process: %w", path, err)
		}
		return nil, fmt.Errorf("boltdedupe: opening %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketKeys, bucketOrder} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("boltdedupe: preparing %s: %w", path, err)
	}
	return &Deduper{db: db, max: uint64(max)}, nil
}

// Close closes the database file.
func (d *Deduper) Close() error { return d.db.Close() }

// Handled reports whether k was marked handled.
func (d *Deduper) Handled(_ context.Context, k callback.Key) (bool, error) {
	id := []byte(k.ID())
	found := false
	err := d.db.View(func(tx *bolt.Tx) error {
		found = tx.Bucket(bucketKeys).Get(id) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("boltdedupe: reading: %w", err)
	}
	return found, nil
}

// MarkHandled records k, and forgets the oldest keys beyond the maximum,
// in one transaction written to disk before it returns.
func (d *Deduper) MarkHandled(_ context.Context, k callback.Key) error {
	id := []byte(k.ID())
	err := d.db.Update(func(tx *bolt.Tx) error {
		keys, order := tx.Bucket(bucketKeys), tx.Bucket(bucketOrder)
		if keys.Get(id) != nil {
			return nil
		}
		seq, err := order.NextSequence()
		if err != nil {
			return err
		}
		var s [8]byte
		binary.BigEndian.PutUint64(s[:], seq)
		if err := order.Put(s[:], id); err != nil {
			return err
		}
		if err := keys.Put(id, s[:]); err != nil {
			return err
		}
		// The order bucket holds the sequence numbers first..seq without
		// holes (only the oldest are ever deleted).
		c := order.Cursor()
		for first, old := c.First(); first != nil && seq-binary.BigEndian.Uint64(first)+1 > d.max; first, old = c.First() {
			if err := keys.Delete(old); err != nil {
				return err
			}
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("boltdedupe: writing: %w", err)
	}
	return nil
}
