// Package boltstore keeps a sandbox's state in a bbolt file, so that
// orders and callback deliveries survive a restart (and a kill -9):
//
//	st, err := boltstore.Open(filepath.Join(dir, "sandbox.db"))
//	if err != nil { ... }
//	defer st.Close()
//	sb, err := sandbox.New(sandbox.Options{Store: st, ...})
//
// Every Update is committed and synced to disk (fsync) before it returns:
// all of its writes or none, and a write Update acknowledged is on disk.
// Updates that arrive while another commits share the next bbolt
// transaction and its fsync (group commit), each still all-or-nothing on
// its own. Every View is one read-only bbolt transaction.
//
// # The file
//
// Records are JSON (the encoding the sandbox's Order and Delivery types
// declare), in the buckets "orders" and "deliveries" keyed by id. Orders
// are keyed by order_id alone, as the sandbox keys them (its order IDs are
// one namespace for every merchant). The buckets "orders_by_time" and
// "deliveries_by_time" index the records by CreatedAt then id, so listing
// them oldest first is one pass in key order. The bucket "meta" holds the
// format marker, "ottpay-sandbox" and the format version (FormatVersion);
// a file without it is not opened (ErrNotSandbox), a file of another
// version neither (ErrFormat).
//
// One process at a time: bbolt locks the file, and Open waits at most the
// Timeout option (DefaultTimeout) for another process to let go, then
// fails with ErrLocked.
package boltstore

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// FormatVersion is the version of the file format this package reads and
// writes. It changes when the layout of the file or of its records
// changes in a way an older reader would misread.
const FormatVersion = 1

// DefaultTimeout is how long Open waits for another process to release
// the file.
const DefaultTimeout = time.Second

// Errors of the Store, for errors.Is.
var (
	// ErrLocked: another process (or another Store in this one) has the
	// file open.
	ErrLocked = errors.New("boltstore: the database file is in use")
	// ErrNotSandbox: the file is not a sandbox database.
	ErrNotSandbox = errors.New("boltstore: not a sandbox database")
	// ErrFormat: the file is a sandbox database of another format
	// version.
	ErrFormat = errors.New("boltstore: unsupported sandbox database format")
	// ErrCorrupt: a record in the file does not decode.
	ErrCorrupt = errors.New("boltstore: corrupt record")
	// ErrClosed: the Store was closed.
	ErrClosed = errors.New("boltstore: store closed")
)

// magic names the file's kind in the meta bucket.
const magic = "ottpay-sandbox"

var (
	bucketMeta          = []byte("meta")
	bucketOrders        = []byte("orders")
	bucketOrdersByTime  = []byte("orders_by_time")
	bucketDeliveries    = []byte("deliveries")
	bucketDeliveriesBy  = []byte("deliveries_by_time")
	keyKind             = []byte("kind")
	keyFormat           = []byte("format")
	recordBuckets       = [][]byte{bucketOrders, bucketOrdersByTime, bucketDeliveries, bucketDeliveriesBy}
	errNotSandboxBucket = errors.New("unexpected bucket")
)

// Store is a sandbox.Store kept in a bbolt file. Its methods are safe for
// concurrent use. Updates are serialised; Updates that arrive while one
// commits are run one after the other in the next bbolt transaction and
// committed together (group commit), so concurrent writers share one
// fsync, yet each one's writes stay all-or-nothing: a function that fails
// leaves no trace, whatever the others in its group do. Views run beside
// Updates on the last committed state.
type Store struct {
	db   *bolt.DB
	path string

	qmu     sync.Mutex
	queue   []*call
	leading bool // an Update is running a group
	groups  atomic.Int64
}

var _ sandbox.Store = (*Store)(nil)

// Option configures Open.
type Option func(*options)

type options struct {
	timeout time.Duration
}

// Timeout sets how long Open waits for another process to release the
// file before failing with ErrLocked; DefaultTimeout by default. A
// non-positive d fails at once if the file is in use.
func Timeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// Open opens the sandbox database at path, creating it (mode 0600) if it
// does not exist. It fails with ErrLocked if another process has it open,
// ErrNotSandbox if the file is something else, ErrFormat if it is a
// sandbox database of another format version.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{timeout: DefaultTimeout}
	for _, f := range opts {
		f(&o)
	}
	if o.timeout <= 0 {
		o.timeout = time.Nanosecond // bbolt's 0 means "wait forever"
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.timeout})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%w: %s is locked by another process (is another sandbox running with the same --data directory?); stop it or use another directory", ErrLocked, path)
	case err != nil:
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
		}
		return nil, fmt.Errorf("%w: %s is not a bbolt database (%v); point the sandbox at a directory of its own", ErrNotSandbox, path, err)
	}
	if err := db.Update(initialise); err != nil {
		db.Close()
		if errors.Is(err, errNotSandboxBucket) {
			return nil, fmt.Errorf("%w: %s is a bbolt database of another program (%v); point the sandbox at a directory of its own", ErrNotSandbox, path, err)
		}
		return nil, fmt.Errorf("boltstore: %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// initialise checks the format marker of a file, or writes it and creates
// the buckets in a new (empty) one.
func initialise(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		var other []byte
		tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			other = name
			return errors.New("stop")
		})
		if other != nil {
			return fmt.Errorf("%w %s and no sandbox format marker", errNotSandboxBucket, strconv.Quote(string(other)))
		}
		var err error
		if meta, err = tx.CreateBucket(bucketMeta); err != nil {
			return err
		}
		if err := meta.Put(keyKind, []byte(magic)); err != nil {
			return err
		}
		if err := meta.Put(keyFormat, []byte(strconv.Itoa(FormatVersion))); err != nil {
			return err
		}
	}
	if kind := meta.Get(keyKind); string(kind) != magic {
		return fmt.Errorf("%w: the meta bucket names %s, not %s", ErrNotSandbox, strconv.Quote(string(kind)), magic)
	}
	v, err := strconv.Atoi(string(meta.Get(keyFormat)))
	if err != nil {
		return fmt.Errorf("%w: the format version %s is not a number", ErrCorrupt, strconv.Quote(string(meta.Get(keyFormat))))
	}
	if v != FormatVersion {
		return fmt.Errorf("%w: the file is format %d, this ottpay reads format %d; use the ottpay that wrote it, or start afresh in another --data directory", ErrFormat, v, FormatVersion)
	}
	for _, name := range recordBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// Path returns the file the Store keeps its state in.
func (s *Store) Path() string { return s.path }

// Close closes the file. Transactions still running are waited for.
func (s *Store) Close() error { return s.db.Close() }

// View runs fn in a read-only transaction; a write in it returns
// sandbox.ErrReadOnly.
func (s *Store) View(fn func(sandbox.Tx) error) error {
	return s.wrap(s.db.View(func(btx *bolt.Tx) error { return fn(&tx{tx: btx}) }))
}

// Update runs fn in a read-write transaction, committed and synced to
// disk if fn returns nil, rolled back if it returns an error, which
// Update returns. fn runs exactly once. It may run on the goroutine of
// another Update of the same group; a panic in fn is re-raised in the
// caller of Update, after the rest of the group is settled. fn must
// return: a runtime.Goexit in it (t.FailNow from a goroutine other than
// the test's) abandons its whole group, whose Updates then fail without
// writing anything.
func (s *Store) Update(fn func(sandbox.Tx) error) error {
	c := &call{fn: fn, done: make(chan result, 1)}
	s.qmu.Lock()
	s.queue = append(s.queue, c)
	lead := !s.leading
	s.leading = true
	s.qmu.Unlock()
	if !lead {
		r := <-c.done
		if !r.lead {
			return r.finish()
		}
	}
	s.qmu.Lock()
	group := s.queue
	s.queue = nil
	s.qmu.Unlock()
	s.runGroup(group)
	return (<-c.done).finish()
}

// call is one Update waiting for its group.
type call struct {
	fn   func(sandbox.Tx) error
	done chan result
}

// result is what an Update gets back: its outcome, or the order to lead
// the next group.
type result struct {
	err      error
	panicked bool
	panicVal any
	lead     bool
}

func (r result) finish() error {
	if r.panicked {
		panic(r.panicVal)
	}
	return r.err
}

// errGroupAborted is what the others of a group get when a function in it
// ended its goroutine (runtime.Goexit, e.g. t.FailNow) without returning.
var errGroupAborted = errors.New("boltstore: the transaction was abandoned: another Update's function in the same group exited its goroutine without returning")

// runGroup runs the group's functions in one bbolt transaction, each on an
// overlay of its own, and commits the writes of those that returned nil.
// Then it hands the lead to the next waiting Update, if any.
func (s *Store) runGroup(group []*call) {
	s.groups.Add(1)
	results := make([]result, len(group))
	settled := false
	var btx *bolt.Tx
	defer func() {
		if !settled { // a function called runtime.Goexit
			if btx != nil {
				btx.Rollback()
			}
			for i := range results {
				results[i] = result{err: errGroupAborted}
			}
		}
		for i, c := range group {
			c.done <- results[i]
		}
		s.qmu.Lock()
		if len(s.queue) > 0 {
			s.queue[0].done <- result{lead: true}
		} else {
			s.leading = false
		}
		s.qmu.Unlock()
	}()
	btx, err := s.db.Begin(true)
	if err != nil {
		err = s.wrap(err)
		for i := range results {
			results[i].err = err
		}
		settled = true
		return
	}
	base := &tx{tx: btx}
	var failed error // a write of a successful function could not be applied
	// applied: the function returned nil and its writes are in btx, or it
	// never ran; either way it shares the fate of the commit.
	applied := make([]bool, len(group))
	for i, c := range group {
		if failed != nil {
			applied[i] = true
			continue
		}
		ov := newOverlay(base)
		r := runFn(c.fn, ov)
		ov.base = nil // the function must not keep using its Tx
		if r.err == nil && !r.panicked {
			if err := ov.apply(base); err != nil {
				failed = err
			}
			applied[i] = true
		}
		results[i] = r
	}
	if failed == nil {
		failed = btx.Commit()
	} else {
		btx.Rollback()
	}
	if failed != nil {
		for i := range results {
			if applied[i] {
				results[i].err = fmt.Errorf("boltstore: %s: nothing was written: %w", s.path, failed)
			}
		}
	}
	settled = true
}

// runFn calls fn, turning a panic into a result.
func runFn(fn func(sandbox.Tx) error, t sandbox.Tx) (r result) {
	returned := false
	defer func() {
		if !returned {
			if p := recover(); p != nil {
				r = result{panicked: true, panicVal: p}
			}
		}
	}()
	r.err = fn(t)
	returned = true
	return r
}

// wrap turns bbolt's "database not open" into ErrClosed.
func (s *Store) wrap(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("%w: %s", ErrClosed, s.path)
	}
	return err
}

// tx reads one bbolt transaction and refuses writes: it is the Tx of a
// View, and what an Update's overlay reads through to.
type tx struct {
	tx *bolt.Tx
}

func (t *tx) Order(id string) (sandbox.Order, bool, error) {
	var o sandbox.Order
	ok, err := get(t.tx, bucketOrders, id, &o)
	return o, ok, err
}

func (t *tx) PutOrder(sandbox.Order) error { return sandbox.ErrReadOnly }

func (t *tx) Orders() ([]sandbox.Order, error) {
	var all []sandbox.Order
	err := list(t.tx.Bucket(bucketOrders), t.tx.Bucket(bucketOrdersByTime), func(id string, v []byte) error {
		var o sandbox.Order
		if err := decode(bucketOrders, id, v, &o); err != nil {
			return err
		}
		all = append(all, o)
		return nil
	})
	return all, err
}

func (t *tx) Delivery(id string) (sandbox.Delivery, bool, error) {
	var d sandbox.Delivery
	ok, err := get(t.tx, bucketDeliveries, id, &d)
	return d, ok, err
}

func (t *tx) PutDelivery(sandbox.Delivery) error { return sandbox.ErrReadOnly }

func (t *tx) Deliveries() ([]sandbox.Delivery, error) {
	var all []sandbox.Delivery
	err := list(t.tx.Bucket(bucketDeliveries), t.tx.Bucket(bucketDeliveriesBy), func(id string, v []byte) error {
		var d sandbox.Delivery
		if err := decode(bucketDeliveries, id, v, &d); err != nil {
			return err
		}
		all = append(all, d)
		return nil
	})
	return all, err
}

func (t *tx) DeleteAll() error { return sandbox.ErrReadOnly }

// deleteAll empties the record buckets.
func (t *tx) deleteAll() error {
	for _, name := range recordBuckets {
		if err := t.tx.DeleteBucket(name); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
		if _, err := t.tx.CreateBucket(name); err != nil {
			return err
		}
	}
	return nil
}

// putRaw stores the encoded record under id in the bucket and indexes it
// by created then id, replacing the old index entry if the record's
// CreatedAt changed.
func (t *tx) putRaw(bucket, index []byte, id string, created time.Time, data []byte) error {
	b, ix := t.tx.Bucket(bucket), t.tx.Bucket(index)
	if old := b.Get([]byte(id)); old != nil {
		var at struct {
			CreatedAt time.Time `json:"created_at"`
		}
		if err := json.Unmarshal(old, &at); err != nil {
			return fmt.Errorf("%w: %s %s: %v", ErrCorrupt, bucket, strconv.Quote(id), err)
		}
		if !at.CreatedAt.Equal(created) {
			if err := ix.Delete(indexKey(at.CreatedAt, id)); err != nil {
				return err
			}
		}
	}
	if err := b.Put([]byte(id), data); err != nil {
		return fmt.Errorf("%s %s: %w", bucket, strconv.Quote(id), err)
	}
	return ix.Put(indexKey(created, id), nil)
}

// get decodes the record id of the bucket into v.
func get(t *bolt.Tx, bucket []byte, id string, v any) (bool, error) {
	data := t.Bucket(bucket).Get([]byte(id))
	if data == nil {
		return false, nil
	}
	return true, decode(bucket, id, data, v)
}

// decode reads one JSON record.
func decode(bucket []byte, id string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %s %s does not decode (%v); the file was damaged or written by another program", ErrCorrupt, bucket, strconv.Quote(id), err)
	}
	return nil
}

// list calls fn with every record of the bucket in index order.
func list(b, ix *bolt.Bucket, fn func(id string, v []byte) error) error {
	c := ix.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) < timeKeyLen {
			return fmt.Errorf("%w: index key %x is too short", ErrCorrupt, k)
		}
		id := string(k[timeKeyLen:])
		v := b.Get(k[timeKeyLen:])
		if v == nil {
			return fmt.Errorf("%w: the index names %s, which is not there", ErrCorrupt, strconv.Quote(id))
		}
		if err := fn(id, v); err != nil {
			return err
		}
	}
	return nil
}

// timeKeyLen is the length of the time prefix of an index key.
const timeKeyLen = 12

// indexKey is t, ordered bytewise as times are ordered (seconds since
// 1970 with the sign bit flipped, then nanoseconds, big-endian), then id.
func indexKey(t time.Time, id string) []byte {
	k := make([]byte, timeKeyLen, timeKeyLen+len(id))
	binary.BigEndian.PutUint64(k, uint64(t.Unix())^(1<<63))
	binary.BigEndian.PutUint32(k[8:], uint32(t.Nanosecond()))
	return append(k, id...)
}
