package boltstore

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/sandbox"
)

func openT(t *testing.T) *Store {
	t.Helper()
	st, err := Open(filepath.Join(t.TempDir(), "sandbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// queued waits until n Updates wait behind the one running.
func queued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.qmu.Lock()
		q := len(s.queue)
		s.qmu.Unlock()
		if q >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d Updates queued after 10s, want %d", q, n)
		}
		time.Sleep(time.Millisecond)
	}
}

var errNo = errors.New("no")

// Updates that arrive while one runs are committed together in one
// group, and in that group the ones that fail (or panic) leave no trace
// while the others are committed, each seeing the writes of those before
// it.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	s := openT(t)
	release := make(chan struct{})
	first := make(chan error)
	go func() {
		first <- s.Update(func(tx sandbox.Tx) error {
			<-release
			return tx.PutOrder(sandbox.Order{ID: "FIRST", Amount: 1})
		})
	}()
	for !s.isLeading() {
		time.Sleep(time.Millisecond)
	}
	groupsBefore := s.groups.Load()
	const n = 30
	errs := make([]error, n)
	panics := make([]any, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = s.Update(func(tx sandbox.Tx) error {
				id := fmt.Sprintf("O%02d", i)
				if err := tx.PutOrder(sandbox.Order{ID: id, Amount: int64(i)}); err != nil {
					return err
				}
				// A counter every successful Update increments: lost
				// increments would show writes not seen by the next one.
				c, _, err := tx.Order("COUNT")
				if err != nil {
					return err
				}
				c.ID, c.Amount = "COUNT", c.Amount+1
				if err := tx.PutOrder(c); err != nil {
					return err
				}
				switch i % 3 {
				case 1:
					return errNo
				case 2:
					if i%6 == 2 {
						panic(fmt.Sprintf("panic %d", i))
					}
				}
				return nil
			})
		}()
	}
	queued(t, s, n)
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if g := s.groups.Load() - groupsBefore; g != 1 {
		t.Errorf("%d Updates queued behind a running one were committed in %d groups, want 1", n, g)
	}
	want := 0
	err := s.View(func(tx sandbox.Tx) error {
		for i := 0; i < n; i++ {
			_, ok, err := tx.Order(fmt.Sprintf("O%02d", i))
			if err != nil {
				return err
			}
			failed, panicked := i%3 == 1, i%6 == 2
			switch {
			case failed && !errors.Is(errs[i], errNo):
				t.Errorf("Update %d returned %v, want its own error", i, errs[i])
			case panicked && panics[i] != fmt.Sprintf("panic %d", i):
				t.Errorf("Update %d: panic %v, want its own panic re-raised in its caller", i, panics[i])
			case !failed && !panicked && (errs[i] != nil || panics[i] != nil):
				t.Errorf("Update %d: %v %v, want nil", i, errs[i], panics[i])
			}
			if ok == (failed || panicked) {
				t.Errorf("order O%02d present=%v; failed=%v panicked=%v", i, ok, failed, panicked)
			}
			if !failed && !panicked {
				want++
			}
		}
		c, _, err := tx.Order("COUNT")
		if c.Amount != int64(want) {
			t.Errorf("counter %d, want %d (one per successful Update)", c.Amount, want)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (s *Store) isLeading() bool {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	return s.leading
}

// A Tx used after its function returned is refused.
func TestTxAfterUpdate(t *testing.T) {
	s := openT(t)
	var kept sandbox.Tx
	if err := s.Update(func(tx sandbox.Tx) error { kept = tx; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := kept.PutOrder(sandbox.Order{ID: "LATE"}); err == nil {
		t.Error("PutOrder on a Tx after its Update returned: nil error")
	}
	if _, _, err := kept.Order("LATE"); err == nil {
		t.Error("Order on a Tx after its Update returned: nil error")
	}
}

// An id bbolt could not index is refused by PutOrder, and fails only its
// own Update.
func TestIDLimits(t *testing.T) {
	s := openT(t)
	for _, id := range []string{"", string(make([]byte, maxIDLen+1))} {
		err := s.Update(func(tx sandbox.Tx) error { return tx.PutOrder(sandbox.Order{ID: id}) })
		if err == nil {
			t.Errorf("PutOrder with an id of %d bytes: nil error", len(id))
		}
	}
	long := string(make([]byte, maxIDLen))
	if err := s.Update(func(tx sandbox.Tx) error { return tx.PutOrder(sandbox.Order{ID: long}) }); err != nil {
		t.Errorf("PutOrder with an id of %d bytes: %v", maxIDLen, err)
	}
}

// A function that ends its goroutine without returning abandons its
// group: the others fail with nothing written, and the store goes on
// working.
func TestGoexitAbandonsGroup(t *testing.T) {
	s := openT(t)
	release := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.Update(func(tx sandbox.Tx) error { <-release; return nil })
	}()
	for !s.isLeading() {
		time.Sleep(time.Millisecond)
	}
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		s.Update(func(tx sandbox.Tx) error {
			tx.PutOrder(sandbox.Order{ID: "EXITER"})
			runtime.Goexit()
			return nil
		})
		t.Error("Update returned after its function called Goexit")
	}()
	queued(t, s, 1)
	other := make(chan error, 1)
	go func() {
		other <- s.Update(func(tx sandbox.Tx) error { return tx.PutOrder(sandbox.Order{ID: "OTHER"}) })
	}()
	queued(t, s, 2)
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	<-exited
	if err := <-other; !errors.Is(err, errGroupAborted) {
		t.Errorf("an Update grouped with one that called Goexit: %v, want errGroupAborted", err)
	}
	if err := s.Update(func(tx sandbox.Tx) error { return tx.PutOrder(sandbox.Order{ID: "AFTER"}) }); err != nil {
		t.Fatalf("Update after an abandoned group: %v", err)
	}
	s.View(func(tx sandbox.Tx) error {
		for id, want := range map[string]bool{"EXITER": false, "OTHER": false, "AFTER": true} {
			if _, ok, _ := tx.Order(id); ok != want {
				t.Errorf("order %s present=%v, want %v", id, ok, want)
			}
		}
		return nil
	})
}
