package boltstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ottpay-toolkit/ottpay/sandbox"
	"github.com/ottpay-toolkit/ottpay/sandbox/boltstore"
	"github.com/ottpay-toolkit/ottpay/sandbox/storetest"
)

// open opens a store in a fresh file, closed when the test ends.
func open(t *testing.T) *boltstore.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "sandbox.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) sandbox.Store { return open(t) })
}

// What was committed is there after Close and Open, every field of it, in
// the same order.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	st, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 1, 12, 0, 0, 7, time.UTC)
	want := []sandbox.Order{storetest.FullOrder("B", at), storetest.FullOrder("A", at.Add(time.Nanosecond))}
	wantD := storetest.FullDelivery("CB", "B", at)
	err = st.Update(func(tx sandbox.Tx) error {
		for _, o := range want {
			if err := tx.PutOrder(o); err != nil {
				return err
			}
		}
		return tx.PutDelivery(wantD)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.View(func(sandbox.Tx) error { return nil }); !errors.Is(err, boltstore.ErrClosed) {
		t.Errorf("View after Close: %v, want ErrClosed", err)
	}
	if err := st.Update(func(sandbox.Tx) error { return nil }); !errors.Is(err, boltstore.ErrClosed) {
		t.Errorf("Update after Close: %v, want ErrClosed", err)
	}

	st, err = boltstore.Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer st.Close()
	var got []sandbox.Order
	var gotD []sandbox.Delivery
	err = st.View(func(tx sandbox.Tx) (err error) {
		if got, err = tx.Orders(); err != nil {
			return err
		}
		gotD, err = tx.Deliveries()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("orders after reopening:\n got %+v\nwant %+v", got, want)
	}
	if len(gotD) != 1 || !reflect.DeepEqual(gotD[0], wantD) {
		t.Errorf("deliveries after reopening:\n got %+v\nwant %+v", gotD, wantD)
	}
}

// A file another Store (here, in this process; flock is per open file, so
// another process is refused the same way, see TestCrash) has open is
// refused after the timeout, with an error that says what to do.
func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	st, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = boltstore.Open(path, boltstore.Timeout(50*time.Millisecond))
	if !errors.Is(err, boltstore.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "another") {
		t.Errorf("error %q does not name the file and the cause", err)
	}
	st.Close()
	st2, err := boltstore.Open(path, boltstore.Timeout(0))
	if err != nil {
		t.Fatalf("Open after the first Store closed: %v", err)
	}
	st2.Close()
}

// Files that are not sandbox databases are refused, and left as they were.
func TestNotSandbox(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	junk := []byte(strings.Repeat("this is not a database\n", 1000))
	if err := os.WriteFile(text, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte("bolt?"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A bbolt file of another program: buckets, no sandbox marker.
	other := filepath.Join(dir, "other.db")
	db, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// A bbolt file with a meta bucket of someone else's.
	otherMeta := filepath.Join(dir, "othermeta.db")
	db, err = bolt.Open(otherMeta, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("kind"), []byte("widgets"))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for _, path := range []string{text, short, other, otherMeta} {
		before, _ := os.ReadFile(path)
		st, err := boltstore.Open(path)
		if err == nil {
			st.Close()
			t.Errorf("%s: opened", filepath.Base(path))
			continue
		}
		if !errors.Is(err, boltstore.ErrNotSandbox) {
			t.Errorf("%s: %v, want ErrNotSandbox", filepath.Base(path), err)
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q does not name the file", filepath.Base(path), err)
		}
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Errorf("%s: the file was changed by a refused Open", filepath.Base(path))
		}
	}

	// A directory, or a missing parent, is an ordinary file error.
	if _, err := boltstore.Open(filepath.Join(dir, "missing", "sandbox.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open in a missing directory: %v, want os.ErrNotExist", err)
	}
}

// A sandbox database of a later (or earlier) format is refused with
// ErrFormat, saying which version it is and which this reads.
func TestFormatVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	st, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var marker string
	db.View(func(tx *bolt.Tx) error {
		marker = string(tx.Bucket([]byte("meta")).Get([]byte("kind"))) + " " + string(tx.Bucket([]byte("meta")).Get([]byte("format")))
		return nil
	})
	if marker != "ottpay-sandbox 1" {
		t.Errorf("meta marker %q, want \"ottpay-sandbox 1\"", marker)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("format"), []byte("2")) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = boltstore.Open(path)
	if !errors.Is(err, boltstore.ErrFormat) {
		t.Fatalf("Open of a format 2 file: %v, want ErrFormat", err)
	}
	if !strings.Contains(err.Error(), "format 2") || !strings.Contains(err.Error(), "format 1") {
		t.Errorf("error %q does not say which format the file is and which is read", err)
	}
}

// A record damaged on disk is an ErrCorrupt error naming it, never a
// panic or a silently empty record.
func TestCorruptRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	st, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Update(func(tx sandbox.Tx) error { return tx.PutOrder(storetest.FullOrder("HURT", time.Now())) }); err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("orders")).Put([]byte("HURT"), []byte(`{"id":"HURT","amount":"x`))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, err = boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.View(func(tx sandbox.Tx) error { _, _, err := tx.Order("HURT"); return err })
	if !errors.Is(err, boltstore.ErrCorrupt) || !strings.Contains(err.Error(), `"HURT"`) {
		t.Errorf("Order of a damaged record: %v, want ErrCorrupt naming it", err)
	}
	err = st.View(func(tx sandbox.Tx) error { _, err := tx.Orders(); return err })
	if !errors.Is(err, boltstore.ErrCorrupt) {
		t.Errorf("Orders with a damaged record: %v, want ErrCorrupt", err)
	}
}
