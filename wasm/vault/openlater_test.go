package vault

import (
	"context"
	"errors"
	"testing"
)

// A vault opened in the background answers its first calls only once the
// opening has ended, with what the opened storage holds: a page may take
// it, and read from it, before the browser has opened the database.
func TestOpenLaterWaitsForTheOpening(t *testing.T) {
	ctx := context.Background()
	stored := NewMemory(Options{})
	if _, err := stored.Put(ctx, Profile{Label: "A", MerchantID: "ON00004652", SignKey: "6698851A525C9433"}); err != nil {
		t.Fatal(err)
	}
	if err := stored.SetPassphrase(ctx, "", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	s, err := stored.b.read(ctx)
	if err != nil {
		t.Fatal(err)
	}

	release := make(chan struct{})
	v := openLater(Options{}, func(context.Context) (backend, meta, error) {
		<-release
		return stored.b, s.meta, nil
	})
	lockedBefore := make(chan bool)
	go func() {
		locked, _ := v.LockIfIdle()
		lockedBefore <- locked
	}()
	listed := make(chan error)
	go func() {
		_, err := v.List(ctx)
		listed <- err
	}()
	close(release)
	// Both calls were made before the storage existed; they answer
	// from it: the vault has a passphrase, so it is locked.
	if !<-lockedBefore {
		t.Error("LockIfIdle did not wait for the opening: it reports an open vault")
	}
	if err := <-listed; !errors.Is(err, ErrLocked) {
		t.Errorf("List before the opening ended: %v, want ErrLocked", err)
	}
	if err := v.Unlock(ctx, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	ps, err := v.List(ctx)
	if err != nil || len(ps) != 1 || ps[0].SignKey != "6698851A525C9433" {
		t.Errorf("List after unlocking: %+v, %v", ps, err)
	}
}

// A vault whose opening failed says why on every call that reads or
// writes, and never blocks the calls that do no I/O.
func TestOpenLaterFailure(t *testing.T) {
	ctx := context.Background()
	v := openLater(Options{}, func(context.Context) (backend, meta, error) {
		return nil, meta{}, ErrUnavailable
	})
	if _, err := v.List(ctx); !errors.Is(err, ErrUnavailable) {
		t.Errorf("List: %v, want ErrUnavailable", err)
	}
	if _, err := v.Put(ctx, Profile{Label: "A", MerchantID: "ON00004652", SignKey: "6698851A525C9433"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Put: %v, want ErrUnavailable", err)
	}
	if _, err := v.Status(ctx); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Status: %v, want ErrUnavailable", err)
	}
	v.Touch()
	v.Lock()
	if locked, at := v.LockIfIdle(); locked || !at.IsZero() {
		t.Errorf("LockIfIdle: %v %v, want an open vault with no lock time", locked, at)
	}
	if err := v.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
