//go:build js && wasm

package vault

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"
)

// The object stores of the old layout (see the package doc for the
// layouts; the current ones are in record.go).
const (
	storeV1 = "profiles" // version 1: merchant_id → {label, merchant_id, operator_id, sign_key}
	metaKey = "meta"
)

// Open opens the vault kept in the browser's IndexedDB database dbName,
// creating it, or upgrading an older layout without losing a profile. A
// vault with a passphrase opens locked. Close it when done (another window
// upgrading the layout closes it too).
func Open(ctx context.Context, dbName string, opts Options) (*Vault, error) {
	b, m, err := openIDB(ctx, js.Undefined(), dbName, opts)
	if err != nil {
		return nil, err
	}
	return newVault(b, opts, m), nil
}

// OpenInBackground starts opening the vault as Open does and returns it
// at once: every method waits for the opening to end, and fails with
// Open's error if it failed. The open request is sent to the browser
// when the opening goroutine first runs, so an app can start the opening
// and go on drawing its first page while the browser opens the database.
func OpenInBackground(dbName string, opts Options) *Vault {
	return OpenInBackgroundFrom(js.Undefined(), dbName, opts)
}

// OpenInBackgroundFrom is OpenInBackground opening the database through
// factory: an object with IndexedDB's open(name, version), whose request
// fires IndexedDB's success, error and upgradeneeded events, such as a
// page script's stand-in that hands over a connection it opened before
// the app started (web/boot.js). An undefined factory is the browser's
// indexedDB.
func OpenInBackgroundFrom(factory js.Value, dbName string, opts Options) *Vault {
	return openLater(opts, func(ctx context.Context) (backend, meta, error) {
		return openIDB(ctx, factory, dbName, opts)
	})
}

// openIDB opens the database through jsFactory (undefined: the browser's
// indexedDB), moves an old layout, and reads the vault-wide
// state.
func openIDB(ctx context.Context, jsFactory js.Value, dbName string, opts Options) (backend, meta, error) {
	factory, err := factory(jsFactory)
	if err != nil {
		return nil, meta{}, err
	}
	var upgradeErr error
	req, err := factory.Open(ctx, dbName, schemaVersion, func(db *idb.Database, oldVersion, _ uint) error {
		// Returning an error (or panicking) here would crash the
		// program from inside a JavaScript callback. Instead, closing
		// the connection aborts the upgrade, which leaves the database
		// as it was and makes the open request fail.
		defer func() {
			if r := recover(); r != nil {
				upgradeErr = fmt.Errorf("%v", r)
			}
			if upgradeErr != nil {
				_ = db.Close()
			}
		}()
		upgradeErr = upgrade(db, oldVersion)
		return nil
	})
	if err != nil {
		return nil, meta{}, fmt.Errorf("%w (%v)", ErrUnavailable, err)
	}
	db, err := req.Await(ctx)
	switch {
	case upgradeErr != nil:
		return nil, meta{}, fmt.Errorf("upgrading the stored key vault failed, and it was left as it was: %v", upgradeErr)
	case errors.Is(err, idb.NewDOMException("VersionError")):
		return nil, meta{}, fmt.Errorf("%w: it was written by a newer version of the workbench: reload the page to update", ErrCorrupt)
	case err != nil:
		return nil, meta{}, fmt.Errorf("%w (%v)", ErrUnavailable, err)
	}
	b := &idbBackend{db: db}
	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	if err := b.moveV1(ctx, clock().UTC()); err != nil {
		_ = db.Close()
		return nil, meta{}, fmt.Errorf("moving profiles from the old layout failed, and they were left where they were: %w", err)
	}
	s, err := b.read(ctx)
	if err != nil {
		_ = db.Close()
		return nil, meta{}, err
	}
	b.opened, b.openedAt, b.clock = &s, clock(), clock
	return b, s.meta, nil
}

// factory returns jsFactory wrapped, or the browser's IndexedDB, or
// ErrUnavailable.
func factory(jsFactory js.Value) (f *idb.Factory, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%w (%v)", ErrUnavailable, r)
		}
	}()
	if jsFactory.Type() == js.TypeObject {
		return idb.WrapFactory(jsFactory)
	}
	return idb.Global(), nil
}

// upgrade brings the stores of a database at oldVersion to the current
// layout. It runs inside the version change transaction, where only
// synchronous store creation is possible; it never deletes a store.
func upgrade(db *idb.Database, oldVersion uint) error {
	names, err := db.ObjectStoreNames()
	if err != nil {
		return err
	}
	has := func(name string) bool {
		for _, n := range names {
			if n == name {
				return true
			}
		}
		return false
	}
	if oldVersion < 2 {
		for _, name := range []string{storeRecords, storeMeta} {
			if has(name) {
				continue
			}
			if _, err := db.CreateObjectStore(name, idb.ObjectStoreOptions{}); err != nil {
				return fmt.Errorf("creating store %q: %w", name, err)
			}
		}
	}
	return nil
}

// idbBackend keeps records in IndexedDB.
type idbBackend struct {
	db *idb.Database

	// opened is what the opening read, for the first read right after
	// it: the pages list the profiles as soon as the vault is open, and
	// reading the database again a moment later would only make the
	// first page wait. It is used once, within freshFor of openedAt, and
	// never after a write.
	opened   *snapshot
	openedAt time.Time
	clock    func() time.Time

	// interrupt, when set (by tests), is asked after each record a write
	// puts; returning true aborts the transaction there.
	interrupt func(written int) bool
}

// errInterrupted is what a write aborted by interrupt returns.
var errInterrupted = errors.New("the change was interrupted and rolled back")

// freshFor is how long what the opening read stands for the first read.
const freshFor = time.Second

func (b *idbBackend) read(ctx context.Context) (snapshot, error) {
	if s := b.opened; s != nil {
		b.opened = nil
		if age := b.clock().Sub(b.openedAt); age >= 0 && age < freshFor {
			return *s, nil
		}
	}
	txn, err := b.db.Transaction(idb.TransactionReadOnly, storeRecords, storeMeta)
	if err != nil {
		return snapshot{}, storageErr(err)
	}
	m, err := readMeta(ctx, txn)
	if err != nil {
		return snapshot{}, err
	}
	s := snapshot{meta: m}
	store, err := txn.ObjectStore(storeRecords)
	if err != nil {
		return snapshot{}, storageErr(err)
	}
	cur, err := store.OpenCursor(idb.CursorNext)
	if err != nil {
		return snapshot{}, storageErr(err)
	}
	err = cur.Iter(ctx, func(c *idb.CursorWithValue) error {
		key, err := c.Key()
		if err != nil {
			return err
		}
		value, err := c.Value()
		if err != nil {
			return err
		}
		if key.Type() != js.TypeString || value.Type() != js.TypeString {
			return fmt.Errorf("%w: a record is not stored as text", ErrCorrupt)
		}
		r, err := decodeRecord(key.String(), value.String())
		if err != nil {
			return err
		}
		s.records = append(s.records, r)
		return nil
	})
	if err != nil {
		return snapshot{}, storageErr(err)
	}
	return s, nil
}

// readMeta reads the meta inside txn, which must cover storeMeta.
func readMeta(ctx context.Context, txn *idb.Transaction) (meta, error) {
	store, err := txn.ObjectStore(storeMeta)
	if err != nil {
		return meta{}, storageErr(err)
	}
	req, err := store.Get(js.ValueOf(metaKey))
	if err != nil {
		return meta{}, storageErr(err)
	}
	value, err := req.Await(ctx)
	if err != nil {
		return meta{}, storageErr(err)
	}
	switch value.Type() {
	case js.TypeUndefined:
		return decodeMeta("", false)
	case js.TypeString:
		return decodeMeta(value.String(), true)
	default:
		return meta{}, fmt.Errorf("%w: vault settings are not stored as text", ErrCorrupt)
	}
}

func (b *idbBackend) write(ctx context.Context, w batch) error {
	b.opened = nil
	metaText, err := encodeMeta(w.meta)
	if err != nil {
		return err
	}
	texts := make([]string, len(w.put))
	for i, r := range w.put {
		if texts[i], err = encodeRecord(r); err != nil {
			return err
		}
	}
	txn, err := b.db.Transaction(idb.TransactionReadWrite, storeRecords, storeMeta)
	if err != nil {
		return storageErr(err)
	}
	stored, err := readMeta(ctx, txn)
	if err != nil {
		_ = txn.Abort()
		return err
	}
	if stored.Rev != w.expect {
		_ = txn.Abort()
		return conflict(stored.Rev, w.expect)
	}
	records, err := txn.ObjectStore(storeRecords)
	if err != nil {
		_ = txn.Abort()
		return storageErr(err)
	}
	metas, err := txn.ObjectStore(storeMeta)
	if err != nil {
		_ = txn.Abort()
		return storageErr(err)
	}
	for i, r := range w.put {
		if _, err := records.PutKey(js.ValueOf(r.ID), js.ValueOf(texts[i])); err != nil {
			_ = txn.Abort()
			return storageErr(err)
		}
		if b.interrupt != nil && b.interrupt(i+1) {
			_ = txn.Abort()
			_ = txn.Await(ctx)
			return errInterrupted
		}
	}
	for _, id := range w.del {
		if _, err := records.Delete(js.ValueOf(id)); err != nil {
			_ = txn.Abort()
			return storageErr(err)
		}
	}
	if _, err := metas.PutKey(js.ValueOf(metaKey), js.ValueOf(metaText)); err != nil {
		_ = txn.Abort()
		return storageErr(err)
	}
	return storageErr(txn.Await(ctx))
}

// moveV1 moves the profiles of the version 1 store, if any, into records,
// in one transaction. A version 1 profile whose sign key is not text is left
// where it is.
func (b *idbBackend) moveV1(ctx context.Context, at time.Time) error {
	names, err := b.db.ObjectStoreNames()
	if err != nil {
		return storageErr(err)
	}
	found := false
	for _, n := range names {
		found = found || n == storeV1
	}
	if !found {
		return nil
	}
	txn, err := b.db.Transaction(idb.TransactionReadWrite, storeV1, storeRecords, storeMeta)
	if err != nil {
		return storageErr(err)
	}
	old, err := txn.ObjectStore(storeV1)
	if err != nil {
		return storageErr(err)
	}
	cur, err := old.OpenCursor(idb.CursorNext)
	if err != nil {
		return storageErr(err)
	}
	var profiles []v1Profile
	var keys []js.Value
	err = cur.Iter(ctx, func(c *idb.CursorWithValue) error {
		key, err := c.Key()
		if err != nil {
			return err
		}
		value, err := c.Value()
		if err != nil {
			return err
		}
		p, ok := readV1(key, value)
		if ok {
			profiles = append(profiles, p)
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		return storageErr(err)
	}
	if len(profiles) == 0 {
		return nil
	}
	m, err := readMeta(ctx, txn)
	if err != nil {
		_ = txn.Abort()
		return err
	}
	m.Schema = schemaVersion
	m.Rev++
	metaText, err := encodeMeta(m)
	if err != nil {
		_ = txn.Abort()
		return err
	}
	records, err := txn.ObjectStore(storeRecords)
	if err != nil {
		_ = txn.Abort()
		return storageErr(err)
	}
	metas, err := txn.ObjectStore(storeMeta)
	if err != nil {
		_ = txn.Abort()
		return storageErr(err)
	}
	for _, r := range upgradeV1(profiles, at) {
		text, err := encodeRecord(r)
		if err != nil {
			_ = txn.Abort()
			return err
		}
		if _, err := records.PutKey(js.ValueOf(r.ID), js.ValueOf(text)); err != nil {
			_ = txn.Abort()
			return storageErr(err)
		}
	}
	for _, k := range keys {
		if _, err := old.Delete(k); err != nil {
			_ = txn.Abort()
			return storageErr(err)
		}
	}
	if _, err := metas.PutKey(js.ValueOf(metaKey), js.ValueOf(metaText)); err != nil {
		_ = txn.Abort()
		return storageErr(err)
	}
	return storageErr(txn.Await(ctx))
}

// readV1 reads one version 1 profile. Its merchant_id defaults to the
// store key; its sign key must be text.
func readV1(key, value js.Value) (v1Profile, bool) {
	if value.Type() != js.TypeObject {
		return v1Profile{}, false
	}
	text := func(name string) (string, bool) {
		f := value.Get(name)
		if f.Type() != js.TypeString {
			return "", false
		}
		return f.String(), true
	}
	var p v1Profile
	var ok bool
	if p.SignKey, ok = text("sign_key"); !ok || p.SignKey == "" {
		return v1Profile{}, false
	}
	if p.MerchantID, ok = text("merchant_id"); !ok && key.Type() == js.TypeString {
		p.MerchantID = key.String()
	}
	p.Label, _ = text("label")
	p.OperatorID, _ = text("operator_id")
	return p, true
}

func (b *idbBackend) close() error { return storageErr(b.db.Close()) }

// storageErr explains an IndexedDB failure; vault errors pass unchanged.
func storageErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrCorrupt), errors.Is(err, ErrConflict), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, idb.NewDOMException("QuotaExceededError")):
		return fmt.Errorf("the browser refused to store more data (storage full): free some space and try again: %w", err)
	}
	if domName(err) == "InvalidStateError" {
		return fmt.Errorf("%w (%v)", ErrClosed, err)
	}
	return fmt.Errorf("the browser's storage failed: reload the page and try again: %w", err)
}

// domName returns the DOMException name of an error from go-indexeddb,
// whether it came from an event (idb.DOMException) or was thrown by a call
// (js.Error), or "".
func domName(err error) string {
	var jsErr js.Error
	if errors.As(err, &jsErr) && jsErr.Value.Type() == js.TypeObject {
		if name := jsErr.Value.Get("name"); name.Type() == js.TypeString {
			return name.String()
		}
	}
	for _, name := range []string{"InvalidStateError", "TransactionInactiveError", "NotFoundError", "ReadOnlyError", "AbortError"} {
		if errors.Is(err, idb.NewDOMException(name)) {
			return name
		}
	}
	return ""
}
