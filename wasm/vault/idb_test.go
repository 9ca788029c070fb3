//go:build js && wasm

package vault

// These tests run in a real browser against real IndexedDB:
//
//	wasm/vault/internal/browsertest/run.sh
//
// (GOOS=js GOARCH=wasm go test -exec wasmbrowsertest ./wasm/vault/).

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"
)

// testDB returns a database name no other test uses (IndexedDB is shared by
// every test of the run) and deletes the database when the test ends.
func testDB(t *testing.T) string {
	t.Helper()
	name := "vault-test-" + t.Name() + "-" + newID()
	t.Cleanup(func() {
		req, err := idb.Global().DeleteDatabase(name)
		if err != nil {
			t.Errorf("deleting %s: %v", name, err)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := req.Await(ctx); err != nil {
			t.Errorf("deleting %s: %v", name, err)
		}
	})
	return name
}

// openTest opens the vault in database name and closes it when the test
// ends.
func openTest(t *testing.T, name string, opts Options) *Vault {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := Open(ctx, name, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// rawOpen opens database name with go-indexeddb directly, at its current
// version.
func rawOpen(t *testing.T, name string) *idb.Database {
	t.Helper()
	req, err := idb.Global().Open(context.Background(), name, 0, func(*idb.Database, uint, uint) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	db, err := req.Await(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// rawStore returns every key and value of a store, as text (values that
// are objects as JSON).
func rawStore(t *testing.T, name, store string) map[string]string {
	t.Helper()
	db := rawOpen(t, name)
	defer db.Close()
	txn, err := db.Transaction(idb.TransactionReadOnly, store)
	if err != nil {
		t.Fatal(err)
	}
	s, err := txn.ObjectStore(store)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := s.OpenCursor(idb.CursorNext)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	err = cur.Iter(context.Background(), func(c *idb.CursorWithValue) error {
		k, _ := c.Key()
		v, _ := c.Value()
		if v.Type() == js.TypeString {
			out[k.String()] = v.String()
		} else {
			out[k.String()] = js.Global().Get("JSON").Call("stringify", v).String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawState is everything the vault stores, as text.
func rawState(t *testing.T, name string) (records map[string]string, meta string) {
	t.Helper()
	return rawStore(t, name, storeRecords), rawStore(t, name, storeMeta)[metaKey]
}

func TestIndexedDBPutGetListDelete(t *testing.T) {
	ctx := context.Background()
	name := testDB(t)
	c := newFakeClock()
	v := openTest(t, name, testOptions(c))
	ps := putAll(t, v, sampleProfiles())
	list, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)
	got, err := v.Get(ctx, ps[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, []Profile{got}, ps[1:2])

	c.Advance(time.Minute)
	edit := ps[0]
	edit.SignKey = "FEDCBA9876543210"
	if _, err := v.Put(ctx, edit); err != nil {
		t.Fatal(err)
	}
	if err := v.Delete(ctx, ps[2].ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "Delete twice", v.Delete(ctx, ps[2].ID), ErrNotFound)
	_, err = v.Get(ctx, ps[2].ID)
	wantErr(t, "Get deleted", err, ErrNotFound)

	records, _ := rawState(t, name)
	if len(records) != 2 || !strings.Contains(records[ps[0].ID], edit.SignKey) {
		t.Errorf("stored records after edit and delete: %v", slices.Collect(maps.Keys(records)))
	}
	if _, ok := records[ps[2].ID]; ok {
		t.Error("deleted profile still stored")
	}
}

func TestIndexedDBSurvivesCloseAndReopen(t *testing.T) {
	ctx := context.Background()
	name := testDB(t)
	c := newFakeClock()
	v := openTest(t, name, testOptions(c))
	ps := putAll(t, v, sampleProfiles())
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := v.List(ctx)
	wantErr(t, "List after Close", err, ErrClosed)

	w := openTest(t, name, testOptions(c))
	list, err := w.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)

	if err := w.SetPassphrase(ctx, "", "open sesame"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	x := openTest(t, name, testOptions(c))
	if st, err := x.Status(ctx); err != nil || !st.Locked || st.Profiles != len(ps) {
		t.Fatalf("reopened protected vault: %+v, %v; want locked with %d profiles", st, err, len(ps))
	}
	if err := x.Unlock(ctx, "open sesame"); err != nil {
		t.Fatal(err)
	}
	list, err = x.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)
}

// writeV1 creates database name in the version 1 layout and stores values
// under their keys, by hand, as the first layout did.
func writeV1(t *testing.T, name string, values map[string]any) {
	t.Helper()
	ctx := context.Background()
	var upgradeErr error
	req, err := idb.Global().Open(ctx, name, 1, func(db *idb.Database, _, _ uint) error {
		_, upgradeErr = db.CreateObjectStore("profiles", idb.ObjectStoreOptions{})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := req.Await(ctx)
	if err != nil || upgradeErr != nil {
		t.Fatal(err, upgradeErr)
	}
	defer db.Close()
	txn, err := db.Transaction(idb.TransactionReadWrite, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	store, err := txn.ObjectStore("profiles")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		if _, err := store.PutKey(js.ValueOf(k), js.ValueOf(v)); err != nil {
			t.Fatal(err)
		}
	}
	if err := txn.Await(ctx); err != nil {
		t.Fatal(err)
	}
}

// v1Values are version 1 records: two complete ones (one with a key typed
// with a stray space and in lower case, which must survive as typed), one
// without its merchant_id field (the store key is the merchant_id), and one
// whose key is not text, which cannot be moved and must not be dropped.
func v1Values() (map[string]any, []Profile) {
	values := map[string]any{
		"ON00004652": map[string]any{"label": "Appendix A", "merchant_id": "ON00004652", "operator_id": "0000020156", "sign_key": "6698851A525C9433"},
		"QC00005496": map[string]any{"label": "typed badly", "merchant_id": "QC00005496", "operator_id": "", "sign_key": " a8b5fe540e38a5a9"},
		"CAMB006711": map[string]any{"label": "no merchant field", "sign_key": "0123456789ABCDEF"},
		"HK00008875": map[string]any{"label": "broken", "merchant_id": "HK00008875", "sign_key": 12345},
	}
	want := []Profile{
		{Label: "Appendix A", MerchantID: "ON00004652", OperatorID: "0000020156", SignKey: "6698851A525C9433"},
		{Label: "typed badly", MerchantID: "QC00005496", SignKey: " a8b5fe540e38a5a9"},
		{Label: "no merchant field", MerchantID: "CAMB006711", SignKey: "0123456789ABCDEF"},
	}
	return values, want
}

// checkUpgraded checks that the vault holds exactly want (by content) and
// that the version 1 store kept only the record that could not be moved.
func checkUpgraded(t *testing.T, name string, v *Vault, want []Profile) {
	t.Helper()
	list, err := v.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(want) {
		t.Fatalf("after the upgrade: %d profiles, want %d: %v", len(list), len(want), list)
	}
	for _, w := range want {
		found := false
		for _, p := range list {
			found = found || p.sameContent(w)
		}
		if !found {
			t.Errorf("profile %v lost or altered by the upgrade; have %v", w, list)
		}
	}
	left := rawStore(t, name, storeV1)
	if len(left) != 1 || !strings.Contains(left["HK00008875"], "12345") {
		t.Errorf("version 1 store after the upgrade: %v; want only the record that cannot be moved", left)
	}
}

func TestIndexedDBUpgradeFromVersion1KeepsEveryKey(t *testing.T) {
	name := testDB(t)
	values, want := v1Values()
	writeV1(t, name, values)

	v := openTest(t, name, testOptions(newFakeClock()))
	checkUpgraded(t, name, v, want)
	db := rawOpen(t, name)
	version, err := db.Version()
	db.Close()
	if err != nil || version != schemaVersion {
		t.Errorf("database version %d (%v), want %d", version, err, schemaVersion)
	}
	v.Close()

	// Opening again moves nothing twice.
	w := openTest(t, name, testOptions(newFakeClock()))
	checkUpgraded(t, name, w, want)
}

func TestIndexedDBUpgradeInterruptedAfterTheNewStoresResumes(t *testing.T) {
	ctx := context.Background()
	name := testDB(t)
	values, want := v1Values()
	writeV1(t, name, values)
	// A browser that stopped right after the version change: new stores,
	// profiles not moved yet.
	req, err := idb.Global().Open(ctx, name, schemaVersion, func(db *idb.Database, old, _ uint) error {
		if err := upgrade(db, old); err != nil {
			t.Error(err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := req.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if left := rawStore(t, name, storeV1); len(left) != len(values) {
		t.Fatalf("setup: version 1 store holds %d records, want %d", len(left), len(values))
	}

	v := openTest(t, name, testOptions(newFakeClock()))
	checkUpgraded(t, name, v, want)
}

func TestIndexedDBNewerLayoutIsRefusedUntouched(t *testing.T) {
	ctx := context.Background()
	name := testDB(t)
	v := openTest(t, name, testOptions(newFakeClock()))
	putAll(t, v, sampleProfiles())
	records, meta := rawState(t, name)

	// A newer version of the app, in another window, upgrades the layout:
	// this window's connection is closed so that the upgrade can run.
	req, err := idb.Global().Open(ctx, name, schemaVersion+1, func(db *idb.Database, _, _ uint) error {
		db.CreateObjectStore("future", idb.ObjectStoreOptions{})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := req.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = v.List(ctx)
	wantErr(t, "List after another window upgraded the layout", err, ErrClosed)

	_, err = Open(ctx, name, testOptions(newFakeClock()))
	if err == nil || !strings.Contains(err.Error(), "newer version") {
		t.Fatalf("Open of a newer layout: %v", err)
	}
	if r, m := rawState(t, name); !maps.Equal(r, records) || m != meta {
		t.Error("opening a newer layout changed it")
	}
}

func TestIndexedDBLockedRoundTrip(t *testing.T) {
	ctx := context.Background()
	name := testDB(t)
	c := newFakeClock()
	v := openTest(t, name, testOptions(c))
	ps := putAll(t, v, sampleProfiles())
	if err := v.SetPassphrase(ctx, "", "open sesame"); err != nil {
		t.Fatal(err)
	}
	records, meta := rawState(t, name)
	for id, text := range records {
		for _, p := range ps {
			if strings.Contains(text, p.SignKey) || strings.Contains(text, p.MerchantID) {
				t.Errorf("record %s is readable at rest: %s", id, text)
			}
		}
	}
	if strings.Contains(meta, "open sesame") {
		t.Error("the passphrase is stored")
	}
	v.Close()

	w := openTest(t, name, testOptions(c))
	_, err := w.List(ctx)
	wantErr(t, "List on a freshly opened vault", err, ErrLocked)
	wantErr(t, "Unlock with a wrong passphrase", w.Unlock(ctx, "open sesame!"), ErrWrongPassphrase)
	if r, m := rawState(t, name); !maps.Equal(r, records) || m != meta {
		t.Error("a wrong passphrase changed what is stored")
	}
	if _, err := w.List(ctx); !errors.Is(err, ErrLocked) {
		t.Fatalf("a wrong passphrase unlocked the vault: %v", err)
	}
	if err := w.Unlock(ctx, "open sesame"); err != nil {
		t.Fatal(err)
	}
	list, err := w.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)

	c.Advance(DefaultAutoLock)
	if locked, _ := w.LockIfIdle(); !locked {
		t.Error("the vault did not lock after its idle time")
	}
	_, err = w.List(ctx)
	wantErr(t, "List after the idle time", err, ErrLocked)
}

func TestIndexedDBInterruptedPassphraseChangeLeavesTheOldState(t *testing.T) {
	ctx := context.Background()
	name := testDB(t)
	c := newFakeClock()
	v := openTest(t, name, testOptions(c))
	ps := putAll(t, v, sampleProfiles())
	if err := v.SetPassphrase(ctx, "", "old"); err != nil {
		t.Fatal(err)
	}
	records, meta := rawState(t, name)

	// Abort the transaction after it has rewritten two of three records.
	v.b.(*idbBackend).interrupt = func(written int) bool { return written == 2 }
	wantErr(t, "interrupted change", v.SetPassphrase(ctx, "old", "new"), errInterrupted)
	wantErr(t, "interrupted removal", v.SetPassphrase(ctx, "old", ""), errInterrupted)
	if r, m := rawState(t, name); !maps.Equal(r, records) || m != meta {
		t.Fatal("an interrupted change left a part of itself stored")
	}
	v.b.(*idbBackend).interrupt = nil
	if list, err := v.List(ctx); err != nil || len(list) != len(ps) {
		t.Fatalf("the open vault no longer works after the interruption: %d profiles, %v", len(list), err)
	}
	v.Close()

	w := openTest(t, name, testOptions(c))
	wantErr(t, "the new passphrase", w.Unlock(ctx, "new"), ErrWrongPassphrase)
	if err := w.Unlock(ctx, "old"); err != nil {
		t.Fatal(err)
	}
	list, err := w.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)

	// The same change, not interrupted, goes through whole.
	if err := w.SetPassphrase(ctx, "old", "new"); err != nil {
		t.Fatal(err)
	}
	after, _ := rawState(t, name)
	for id := range records {
		if after[id] == records[id] {
			t.Errorf("record %s was not re-encrypted", id)
		}
	}
}

func TestIndexedDBTwoWindows(t *testing.T) {
	ctx := context.Background()
	name := testDB(t)
	c := newFakeClock()
	a := openTest(t, name, testOptions(c))
	ps := putAll(t, a, sampleProfiles())
	b := openTest(t, name, testOptions(c))
	list, err := b.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)

	if err := a.SetPassphrase(ctx, "", "one"); err != nil {
		t.Fatal(err)
	}
	_, err = b.List(ctx)
	wantErr(t, "other window after a passphrase was set", err, ErrLocked)
	if err := b.Unlock(ctx, "one"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetPassphrase(ctx, "one", "two"); err != nil {
		t.Fatal(err)
	}
	_, err = a.Put(ctx, sampleProfiles()[0])
	wantErr(t, "Put with the key of a replaced passphrase", err, ErrLocked)

	// A write computed from an old state is refused as a whole.
	s, err := a.b.read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(ctx, sampleProfiles()[1]); err != nil {
		t.Fatal(err)
	}
	records, meta := rawState(t, name)
	err = a.b.write(ctx, batch{expect: s.meta.Rev, meta: s.meta, del: []string{ps[0].ID}})
	wantErr(t, "stale write", err, ErrConflict)
	if r, m := rawState(t, name); !maps.Equal(r, records) || m != meta {
		t.Error("a stale write changed what is stored")
	}
}

func TestIndexedDBExportThenImportIntoAFreshDatabase(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	src := openTest(t, testDB(t), testOptions(c))
	ps := putAll(t, src, sampleProfiles())
	if err := src.SetPassphrase(ctx, "", "vault pw"); err != nil {
		t.Fatal(err)
	}
	file, err := src.Export(ctx, "backup pw")
	if err != nil {
		t.Fatal(err)
	}
	dstName := testDB(t)
	dst := openTest(t, dstName, testOptions(c))
	imp, err := dst.PreviewImport(ctx, file, "backup pw")
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.New) != len(ps) {
		t.Fatalf("preview: %d new, want %d", len(imp.New), len(ps))
	}
	if err := dst.ApplyImport(ctx, imp, nil); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	again := openTest(t, dstName, testOptions(c))
	list, err := again.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)
}

func TestIndexedDBDefaultKeyDerivation(t *testing.T) {
	ctx := context.Background()
	name := testDB(t)
	v := openTest(t, name, Options{})
	ps := putAll(t, v, sampleProfiles()[:1])
	if err := v.SetPassphrase(ctx, "", "pw"); err != nil {
		t.Fatal(err)
	}
	v.Close()
	w := openTest(t, name, Options{})
	if st, _ := w.Status(ctx); st.Iterations != DefaultIterations {
		t.Fatalf("iterations %d, want %d", st.Iterations, DefaultIterations)
	}
	if err := w.Unlock(ctx, "pw"); err != nil {
		t.Fatal(err)
	}
	list, err := w.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)
}

// The first read right after the vault opens is what the opening read:
// the pages list the profiles at once, and the database is not read twice
// in a row for them. That read stands for at most freshFor, and for one
// read only; any later read, and any read after a write, reads the
// database again.
func TestIndexedDBFirstListRightAfterOpeningUsesTheOpeningRead(t *testing.T) {
	ctx := context.Background()
	name := testDB(t)
	c := newFakeClock()
	writer := openTest(t, name, testOptions(c))
	samples := sampleProfiles()
	before := putAll(t, writer, samples[:1])

	reader := openTest(t, name, testOptions(c))
	after := putAll(t, writer, samples[1:2]) // written after reader opened
	list, err := reader.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, before) // what the opening read
	list, err = reader.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, append(slices.Clone(before), after...)) // read again

	late := openTest(t, name, testOptions(c))
	more := putAll(t, writer, samples[2:3])
	c.Advance(freshFor)
	list, err = late.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, slices.Concat(before, after, more)) // too old: read again

	written := openTest(t, name, testOptions(c))
	mine := putAll(t, written, []Profile{{Label: "written here", MerchantID: "CAMB006712", SignKey: "FEDCBA9876543210"}})
	list, err = written.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, slices.Concat(before, after, more, mine)) // a write came between
}
