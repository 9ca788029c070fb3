//go:build js && wasm

package vault

import (
	"context"
	"testing"
	"time"
)

// A vault opened in the background takes its first write before the
// browser has opened the database, and the write is in IndexedDB: a vault
// opened afterwards the usual way reads it.
func TestOpenInBackgroundInTheBrowser(t *testing.T) {
	name := testDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v := OpenInBackground(name, Options{})
	t.Cleanup(func() { v.Close() })
	if _, err := v.Put(ctx, Profile{Label: "A", MerchantID: "ON00004652", SignKey: "6698851A525C9433"}); err != nil {
		t.Fatalf("Put on a vault still opening: %v", err)
	}
	if locked, _ := v.LockIfIdle(); locked {
		t.Error("a vault without a passphrase reports itself locked")
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	ps, err := openTest(t, name, Options{}).List(ctx)
	if err != nil || len(ps) != 1 || ps[0].SignKey != "6698851A525C9433" {
		t.Errorf("reopened: %+v, %v", ps, err)
	}
}
