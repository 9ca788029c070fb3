package vault

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"
)

// memoryVault returns a vault in memory and its backend, to look at what
// is stored and to open it again as another window would.
func memoryVault(c *fakeClock) (*Vault, *memoryBackend) {
	v := NewMemory(testOptions(c))
	return v, v.b.(*memoryBackend)
}

// reopen opens the stored vault of b again, as after a reload.
func reopen(t *testing.T, b backend, opts Options) *Vault {
	t.Helper()
	s, err := b.read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return newVault(b, opts, s.meta)
}

// stored returns a copy of what b holds.
func stored(b *memoryBackend) (map[string]string, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps.Clone(b.records), b.meta
}

func TestPutGetListDelete(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	v, _ := memoryVault(c)
	ps := putAll(t, v, sampleProfiles())
	for i, p := range ps {
		if p.ID == "" || !p.Created.Equal(c.Now()) || !p.Updated.Equal(c.Now()) {
			t.Fatalf("stored profile %d: ID %q created %v updated %v", i, p.ID, p.Created, p.Updated)
		}
		if !p.sameContent(sampleProfiles()[i]) {
			t.Fatalf("stored profile %d differs from what was put", i)
		}
		got, err := v.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameProfiles(t, []Profile{got}, []Profile{p})
	}
	list, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)
	for i := 1; i < len(list); i++ {
		if strings.ToLower(list[i-1].Label) > strings.ToLower(list[i].Label) {
			t.Errorf("list is not sorted by label: %v", list)
		}
	}

	c.Advance(time.Hour)
	edit := ps[0]
	edit.Label, edit.SignKey = "renamed", "FEDCBA9876543210"
	edited, err := v.Put(ctx, edit)
	if err != nil {
		t.Fatal(err)
	}
	if !edited.Created.Equal(ps[0].Created) || !edited.Updated.Equal(c.Now()) {
		t.Errorf("edit: created %v updated %v, want %v and %v", edited.Created, edited.Updated, ps[0].Created, c.Now())
	}
	if got, _ := v.Get(ctx, edit.ID); got.SignKey != edit.SignKey || got.Label != "renamed" {
		t.Errorf("edit not stored: %v", got)
	}

	if err := v.Delete(ctx, ps[1].ID); err != nil {
		t.Fatal(err)
	}
	_, err = v.Get(ctx, ps[1].ID)
	wantErr(t, "Get after Delete", err, ErrNotFound)
	wantErr(t, "Delete twice", v.Delete(ctx, ps[1].ID), ErrNotFound)
	list, _ = v.List(ctx)
	if len(list) != 2 {
		t.Errorf("after delete: %d profiles, want 2", len(list))
	}
	_, err = v.Put(ctx, Profile{ID: "no-such-id", MerchantID: "ON00004652", SignKey: "6698851A525C9433"})
	wantErr(t, "Put with an unknown ID", err, ErrNotFound)
}

func TestPutRefusesErrorsAndKeepsWarnedValuesAsTyped(t *testing.T) {
	ctx := context.Background()
	v, b := memoryVault(newFakeClock())
	before, _ := stored(b)
	_, err := v.Put(ctx, Profile{Label: "no key", MerchantID: "ON00004652", SignKey: "  "})
	wantErr(t, "Put without a key", err, ErrInvalid)
	if after, _ := stored(b); !maps.Equal(before, after) {
		t.Error("a refused profile was stored")
	}
	typed := Profile{MerchantID: "ON00004652", SignKey: " 6698851a525c9433\n"}
	if len(Validate(typed).Warnings) == 0 {
		t.Fatal("test profile should have warnings")
	}
	p, err := v.Put(ctx, typed)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := v.Get(ctx, p.ID)
	if got.SignKey != typed.SignKey {
		t.Errorf("stored key %q, want it exactly as typed %q", got.SignKey, typed.SignKey)
	}
}

func TestPassphraseEncryptsEveryStoredProfile(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	v, b := memoryVault(c)
	ps := putAll(t, v, sampleProfiles())
	if err := v.SetPassphrase(ctx, "", "open sesame"); err != nil {
		t.Fatal(err)
	}
	records, metaText := stored(b)
	if len(records) != len(ps) {
		t.Fatalf("%d records stored, want %d", len(records), len(ps))
	}
	for _, text := range records {
		for _, p := range ps {
			for _, secret := range []string{p.SignKey, p.MerchantID, p.Label} {
				if strings.Contains(text, secret) {
					t.Errorf("stored record shows %q: %s", secret, text)
				}
			}
		}
	}
	if strings.Contains(metaText, "open sesame") {
		t.Error("the passphrase is stored")
	}
	list, err := v.List(ctx)
	if err != nil {
		t.Fatalf("vault should stay open after setting the passphrase: %v", err)
	}
	sameProfiles(t, list, ps)
}

func TestVaultOpensLockedAndAWrongPassphraseChangesNothing(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	v, b := memoryVault(c)
	ps := putAll(t, v, sampleProfiles())
	if err := v.SetPassphrase(ctx, "", "open sesame"); err != nil {
		t.Fatal(err)
	}

	w := reopen(t, b, testOptions(c))
	st, err := w.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Protected || !st.Locked || st.Profiles != len(ps) || st.Iterations != testIterations {
		t.Fatalf("status after reopening: %+v", st)
	}
	_, err = w.List(ctx)
	wantErr(t, "List while locked", err, ErrLocked)
	_, err = w.Get(ctx, ps[0].ID)
	wantErr(t, "Get while locked", err, ErrLocked)
	_, err = w.Put(ctx, sampleProfiles()[0])
	wantErr(t, "Put while locked", err, ErrLocked)
	wantErr(t, "Delete while locked", w.Delete(ctx, ps[0].ID), ErrLocked)
	_, err = w.Export(ctx, "x")
	wantErr(t, "Export while locked", err, ErrLocked)

	before, beforeMeta := stored(b)
	for _, wrong := range []string{"Open sesame", "open sesame ", "wrong"} {
		wantErr(t, "Unlock("+wrong+")", w.Unlock(ctx, wrong), ErrWrongPassphrase)
	}
	wantErr(t, "Unlock with nothing", w.Unlock(ctx, ""), ErrNoPassphrase)
	if st, _ := w.Status(ctx); !st.Locked {
		t.Error("a wrong passphrase unlocked the vault")
	}
	if after, afterMeta := stored(b); !maps.Equal(before, after) || beforeMeta != afterMeta {
		t.Error("a wrong passphrase changed the stored vault")
	}

	if err := w.Unlock(ctx, "open sesame"); err != nil {
		t.Fatal(err)
	}
	list, err := w.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)

	// A wrong passphrase on an open vault leaves it open.
	wantErr(t, "Unlock(wrong) when open", w.Unlock(ctx, "wrong"), ErrWrongPassphrase)
	if _, err := w.List(ctx); err != nil {
		t.Errorf("vault locked by a wrong passphrase: %v", err)
	}
	w.Lock()
	_, err = w.List(ctx)
	wantErr(t, "List after Lock", err, ErrLocked)
}

func TestAutoLockAfterIdleTime(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	v, b := memoryVault(c)
	putAll(t, v, sampleProfiles())
	if err := v.SetPassphrase(ctx, "", "pw"); err != nil {
		t.Fatal(err)
	}
	st, _ := v.Status(ctx)
	idle := st.AutoLock
	if idle != DefaultAutoLock {
		t.Fatalf("auto-lock %v, want the default %v", idle, DefaultAutoLock)
	}

	// Use just before the deadline keeps it open and restarts the time.
	c.Advance(idle - time.Second)
	if _, err := v.List(ctx); err != nil {
		t.Fatalf("locked before its idle time: %v", err)
	}
	locked, at := v.LockIfIdle()
	if locked || !at.Equal(c.Now().Add(idle)) {
		t.Fatalf("LockIfIdle = %v, %v; want open until %v", locked, at, c.Now().Add(idle))
	}
	c.Advance(idle - time.Second)
	v.Touch()
	c.Advance(idle - time.Second)
	if locked, _ := v.LockIfIdle(); locked {
		t.Fatal("Touch did not restart the idle time")
	}
	c.Advance(time.Second)
	if locked, at := v.LockIfIdle(); !locked || !at.IsZero() {
		t.Fatalf("LockIfIdle at the deadline = %v, %v; want locked", locked, at)
	}
	_, err := v.List(ctx)
	wantErr(t, "List after the idle time", err, ErrLocked)
	v.Touch()
	if _, err := v.List(ctx); !errors.Is(err, ErrLocked) {
		t.Fatal("Touch reopened a locked vault")
	}

	// Without calling LockIfIdle, the first use after the deadline fails.
	if err := v.Unlock(ctx, "pw"); err != nil {
		t.Fatal(err)
	}
	c.Advance(idle)
	_, err = v.Get(ctx, "any")
	wantErr(t, "Get after the idle time", err, ErrLocked)

	// A chosen idle time is stored with the vault.
	if err := v.Unlock(ctx, "pw"); err != nil {
		t.Fatal(err)
	}
	if err := v.SetAutoLock(ctx, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []time.Duration{0, MinAutoLock - time.Second, MaxAutoLock + time.Second} {
		if err := v.SetAutoLock(ctx, bad); err == nil {
			t.Errorf("SetAutoLock(%v) accepted", bad)
		}
	}
	w := reopen(t, b, testOptions(c))
	if st, _ := w.Status(ctx); st.AutoLock != 2*time.Minute {
		t.Errorf("reopened vault auto-locks after %v, want 2m", st.AutoLock)
	}
	if err := w.Unlock(ctx, "pw"); err != nil {
		t.Fatal(err)
	}
	c.Advance(2 * time.Minute)
	_, err = w.List(ctx)
	wantErr(t, "List after the chosen idle time", err, ErrLocked)
}

func TestVaultWithoutPassphraseNeverLocks(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	v, _ := memoryVault(c)
	putAll(t, v, sampleProfiles())
	v.Lock()
	c.Advance(48 * time.Hour)
	if locked, _ := v.LockIfIdle(); locked {
		t.Error("a vault without passphrase says it is locked")
	}
	if _, err := v.List(ctx); err != nil {
		t.Errorf("List: %v", err)
	}
	if err := v.Unlock(ctx, "anything"); err != nil {
		t.Errorf("Unlock of an open vault: %v", err)
	}
	if st, _ := v.Status(ctx); st.Protected || st.Locked {
		t.Errorf("status %+v", st)
	}
}

func TestChangeAndRemovePassphrase(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	v, b := memoryVault(c)
	ps := putAll(t, v, sampleProfiles())
	if err := v.SetPassphrase(ctx, "", "first"); err != nil {
		t.Fatal(err)
	}
	before, beforeMeta := stored(b)
	wantErr(t, "change with a wrong current passphrase", v.SetPassphrase(ctx, "frist", "second"), ErrWrongPassphrase)
	wantErr(t, "change without the current passphrase", v.SetPassphrase(ctx, "", "second"), ErrNoPassphrase)
	if after, afterMeta := stored(b); !maps.Equal(before, after) || beforeMeta != afterMeta {
		t.Fatal("a refused change altered the stored vault")
	}
	if _, err := v.List(ctx); err != nil {
		t.Fatalf("a refused change locked the vault: %v", err)
	}

	v.Lock() // changing needs only the current passphrase
	if err := v.SetPassphrase(ctx, "first", "second"); err != nil {
		t.Fatal(err)
	}
	after, _ := stored(b)
	for id, text := range after {
		if text == before[id] {
			t.Errorf("record %s was not re-encrypted", id)
		}
	}
	w := reopen(t, b, testOptions(c))
	wantErr(t, "old passphrase after the change", w.Unlock(ctx, "first"), ErrWrongPassphrase)
	if err := w.Unlock(ctx, "second"); err != nil {
		t.Fatal(err)
	}
	list, err := w.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)

	if err := w.SetPassphrase(ctx, "second", ""); err != nil {
		t.Fatal(err)
	}
	records, metaText := stored(b)
	for _, p := range ps {
		if !strings.Contains(records[p.ID], p.SignKey) {
			t.Errorf("record %s is not plain after removing the passphrase", p.ID)
		}
	}
	if strings.Contains(metaText, `"lock"`) {
		t.Error("passphrase parameters are still stored")
	}
	x := reopen(t, b, testOptions(c))
	list, err = x.List(ctx)
	if err != nil {
		t.Fatalf("vault without passphrase: %v", err)
	}
	sameProfiles(t, list, ps)
}

func TestIterationCountIsStoredAndRaisedOnTheNextChange(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	v, b := memoryVault(c)
	putAll(t, v, sampleProfiles())
	if err := v.SetPassphrase(ctx, "", "pw"); err != nil {
		t.Fatal(err)
	}
	stronger := testOptions(c)
	stronger.Iterations = 2 * testIterations
	w := reopen(t, b, stronger)
	if err := w.Unlock(ctx, "pw"); err != nil {
		t.Fatalf("a vault made with fewer iterations does not open: %v", err)
	}
	if st, _ := w.Status(ctx); st.Iterations != testIterations {
		t.Fatalf("iterations %d, want the stored %d", st.Iterations, testIterations)
	}
	if err := w.SetPassphrase(ctx, "pw", "pw"); err != nil {
		t.Fatal(err)
	}
	if st, _ := w.Status(ctx); st.Iterations != stronger.Iterations {
		t.Fatalf("iterations %d after the change, want %d", st.Iterations, stronger.Iterations)
	}
	if err := reopen(t, b, testOptions(c)).Unlock(ctx, "pw"); err != nil {
		t.Fatalf("after raising the count: %v", err)
	}
	if got := NewMemory(Options{}).iterations; got != DefaultIterations {
		t.Errorf("default iterations %d, want %d", got, DefaultIterations)
	}
	if got := NewMemory(Options{Iterations: 1}).iterations; got != minIterations {
		t.Errorf("iterations below the minimum became %d, want %d", got, minIterations)
	}
}

// failingBackend fails every write, as a browser that dies mid-change.
type failingBackend struct {
	backend
}

var errWriteFailed = errors.New("write failed")

func (failingBackend) write(context.Context, batch) error { return errWriteFailed }

func TestFailedPassphraseChangeKeepsTheVaultAsItWas(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	v, b := memoryVault(c)
	ps := putAll(t, v, sampleProfiles())
	if err := v.SetPassphrase(ctx, "", "old"); err != nil {
		t.Fatal(err)
	}
	before, beforeMeta := stored(b)
	v.b = failingBackend{b}
	wantErr(t, "change on a failing store", v.SetPassphrase(ctx, "old", "new"), errWriteFailed)
	wantErr(t, "removal on a failing store", v.SetPassphrase(ctx, "old", ""), errWriteFailed)
	v.b = b
	if after, afterMeta := stored(b); !maps.Equal(before, after) || beforeMeta != afterMeta {
		t.Fatal("a failed change altered the store")
	}
	list, err := v.List(ctx)
	if err != nil {
		t.Fatalf("the vault no longer works with the old key: %v", err)
	}
	sameProfiles(t, list, ps)
	if st, _ := v.Status(ctx); !st.Protected {
		t.Error("a failed removal dropped the passphrase")
	}
}

func TestPassphraseChangedInAnotherWindowLocksThisOne(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	a, b := memoryVault(c)
	putAll(t, a, sampleProfiles())
	if err := a.SetPassphrase(ctx, "", "one"); err != nil {
		t.Fatal(err)
	}
	other := reopen(t, b, testOptions(c))
	if err := other.SetPassphrase(ctx, "one", "two"); err != nil {
		t.Fatal(err)
	}
	_, err := a.Put(ctx, sampleProfiles()[0])
	wantErr(t, "Put with the old key", err, ErrLocked)
	_, err = a.List(ctx)
	wantErr(t, "List with the old key", err, ErrLocked)
	if err := a.Unlock(ctx, "two"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.List(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestStaleWritesConflict(t *testing.T) {
	ctx := context.Background()
	v, b := memoryVault(newFakeClock())
	putAll(t, v, sampleProfiles()[:1])
	s, err := b.read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	putAll(t, v, sampleProfiles()[1:2])
	before, _ := stored(b)
	err = b.write(ctx, batch{expect: s.meta.Rev, meta: s.meta, del: []string{s.records[0].ID}})
	wantErr(t, "write computed from an old state", err, ErrConflict)
	if after, _ := stored(b); !maps.Equal(before, after) {
		t.Error("a conflicting write changed the store")
	}
}

func TestClosedVault(t *testing.T) {
	ctx := context.Background()
	v, _ := memoryVault(newFakeClock())
	putAll(t, v, sampleProfiles())
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := v.List(ctx)
	wantErr(t, "List after Close", err, ErrClosed)
	_, err = v.Status(ctx)
	wantErr(t, "Status after Close", err, ErrClosed)
	wantErr(t, "Unlock after Close", v.Unlock(ctx, "x"), ErrClosed)
	if err := v.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
