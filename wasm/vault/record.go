package vault

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// schemaVersion is the layout this code writes. In IndexedDB it is also the
// database version (see the package doc for the history).
const schemaVersion = 2

// The object stores of the current layout.
const (
	storeRecords = "records" // version 2: profile ID → record JSON
	storeMeta    = "meta"    // version 2: metaKey → meta JSON
)

// IndexedDBLayout is what a new vault's IndexedDB database is created
// with: its version and the object stores (empty, with out-of-line keys)
// of that version. A page script that opens the database before the app
// does (web/boot.js) creates exactly this when it finds no database, and
// leaves any existing database to the app, which upgrades it.
func IndexedDBLayout() (version int, stores []string) {
	return schemaVersion, []string{storeRecords, storeMeta}
}

// record is one profile at rest: either Plain (the vault has no
// passphrase) or Sealed (the JSON of the profile, sealed with the
// passphrase key and bound to the record ID).
type record struct {
	ID     string   `json:"id"`
	Plain  *Profile `json:"plain,omitempty"`
	Sealed []byte   `json:"sealed,omitempty"`
}

// recordAAD binds a sealed profile to its record ID, so sealed data moved
// to another record does not open.
func recordAAD(id string) []byte { return []byte("ottpay-vault/record/" + id) }

// meta is the vault-wide stored state.
type meta struct {
	// Schema is the layout version that wrote the meta (schemaVersion).
	Schema int `json:"schema"`
	// Rev counts writes. Every write checks that it is still the value
	// the change was computed from and raises it, so two windows never
	// interleave changes (one gets ErrConflict instead).
	Rev uint64 `json:"rev"`
	// LockRev changes whenever the passphrase is set, changed or removed:
	// a window holding the key of an older LockRev locks itself.
	LockRev uint64 `json:"lock_rev"`
	// Lock holds the passphrase parameters; nil when there is none.
	Lock *lockParams `json:"lock,omitempty"`
	// AutoLockSeconds is the idle time before the vault locks itself; 0
	// means the default.
	AutoLockSeconds int64 `json:"auto_lock_seconds,omitempty"`
}

// snapshot is the whole stored vault, read in one transaction.
type snapshot struct {
	meta    meta
	records []record
}

// batch is one atomic change to the stored vault.
type batch struct {
	// expect is the meta Rev the change was computed from; the write
	// fails with ErrConflict when the stored one differs.
	expect uint64
	// meta replaces the stored meta; its Rev is expect+1.
	meta meta
	put  []record
	del  []string
}

// conflict is the error a backend returns when the stored Rev is not the
// expected one.
func conflict(stored, expect uint64) error {
	return fmt.Errorf("%w (revision %d, expected %d)", ErrConflict, stored, expect)
}

// backend is where records live. Both methods are atomic: read sees one
// consistent state, and write applies all of a batch or none of it.
type backend interface {
	read(ctx context.Context) (snapshot, error)
	write(ctx context.Context, b batch) error
	close() error
}

func encodeRecord(r record) (string, error) {
	b, err := json.Marshal(r)
	return string(b), err
}

func decodeRecord(key, text string) (record, error) {
	var r record
	if err := json.Unmarshal([]byte(text), &r); err != nil {
		return record{}, fmt.Errorf("%w: record %q is not valid JSON (%v)", ErrCorrupt, key, err)
	}
	switch {
	case r.ID != key:
		return record{}, fmt.Errorf("%w: record stored under %q says it is %q", ErrCorrupt, key, r.ID)
	case (r.Plain == nil) == (r.Sealed == nil):
		return record{}, fmt.Errorf("%w: record %q must be either plain or sealed", ErrCorrupt, key)
	case r.Plain != nil && r.Plain.ID != r.ID:
		return record{}, fmt.Errorf("%w: record %q holds profile %q", ErrCorrupt, key, r.Plain.ID)
	}
	return r, nil
}

func encodeMeta(m meta) (string, error) {
	b, err := json.Marshal(m)
	return string(b), err
}

// decodeMeta reads stored meta; ok is false when none is stored yet, which
// is a vault with no passphrase.
func decodeMeta(text string, ok bool) (meta, error) {
	if !ok {
		return meta{Schema: schemaVersion}, nil
	}
	var m meta
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return meta{}, fmt.Errorf("%w: vault settings are not valid JSON (%v)", ErrCorrupt, err)
	}
	if m.Schema > schemaVersion {
		return meta{}, fmt.Errorf("%w: it was written by a newer version of the workbench (layout %d, this one knows %d): reload the page to update", ErrCorrupt, m.Schema, schemaVersion)
	}
	if m.Lock != nil {
		if err := m.Lock.KDF.check(); err != nil {
			return meta{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
	}
	return m, nil
}

// v1Profile is a profile as the version 1 layout stored it (store
// "profiles", keyed by merchant_id).
type v1Profile struct {
	Label      string
	MerchantID string
	OperatorID string
	SignKey    string
}

// upgradeV1 turns version 1 profiles into plain records with fresh IDs,
// stamped with the time of the upgrade.
func upgradeV1(old []v1Profile, at time.Time) []record {
	out := make([]record, 0, len(old))
	for _, o := range old {
		p := Profile{ID: newID(), Label: o.Label, MerchantID: o.MerchantID,
			OperatorID: o.OperatorID, SignKey: o.SignKey, Created: at, Updated: at}
		out = append(out, record{ID: p.ID, Plain: &p})
	}
	return out
}

// newID returns a fresh random profile ID.
func newID() string { return strings.ToLower(rand.Text()) }
