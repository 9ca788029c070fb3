package boltdedupe_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/callback/boltdedupe"
	"github.com/ottpay-toolkit/ottpay/callback/callbacktest"
	bolt "go.etcd.io/bbolt"
)

func key(i int) callback.Key {
	return callback.Key{MerchantID: "ON00004652", OrderID: "O" + strconv.Itoa(i), OrderStatus: "SUCCESS"}
}

// Handled keys survive closing and reopening the file; at most max are
// kept, the oldest forgotten first; marking twice keeps one entry.
func TestSurvivesRestartAndIsBounded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "callbacks.db")
	d, err := boltdedupe.Open(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := d.MarkHandled(ctx, key(i)); err != nil {
			t.Fatal(err)
		}
		if err := d.MarkHandled(ctx, key(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	d, err = boltdedupe.Open(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for i := range 5 {
		got, err := d.Handled(ctx, key(i))
		if err != nil {
			t.Fatal(err)
		}
		if got != (i >= 2) {
			t.Errorf("after a restart key %d handled %v, want %v", i, got, i >= 2)
		}
	}
	if got, _ := d.Handled(ctx, callback.Key{MerchantID: "ON00004652", OrderID: "O4", OrderStatus: "PROCESSING"}); got {
		t.Error("another status of a handled order counts as handled")
	}
	d.Close()
	// The file holds exactly three keys.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket([]byte("handled")).Stats().KeyN; n != 3 {
			t.Errorf("the file holds %d keys, want 3", n)
		}
		if n := tx.Bucket([]byte("order")).Stats().KeyN; n != 3 {
			t.Errorf("the order bucket holds %d entries, want 3", n)
		}
		return nil
	})
}

// A handler restarted on the same file does not run the function again
// for a callback the first one handled.
func TestHandlerAcrossRestart(t *testing.T) {
	const signKey = "A8B5FE540E38A5A9"
	keys := callback.KeyMap(map[string]string{"ON00004652": signKey})
	body, err := callbacktest.Body(callbacktest.Object(&callback.Notification{MerchantID: "ON00004652", OrderID: "R1", Amount: 100}), signKey, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "callbacks.db")
	calls := 0
	fn := func(context.Context, *callback.Notification) error { calls++; return nil }
	for run := range 2 {
		d, err := boltdedupe.Open(path, 0)
		if err != nil {
			t.Fatal(err)
		}
		h := callback.NewHandler(keys, fn, callback.WithDeduper(d), callback.WithLogger(nil))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, callbacktest.NewRequest("/", body))
		if w.Code != 200 || w.Body.String() != "SUCCESS" {
			t.Fatalf("run %d: %d %q", run, w.Code, w.Body)
		}
		d.Close()
	}
	if calls != 1 {
		t.Fatalf("the function ran %d times across a restart, want 1", calls)
	}
}
