package vault

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Store is the part of the vault that code needing only the profiles uses
// (the Decode and Construct pages). *Vault implements it.
type Store interface {
	// List returns every profile, sorted by label then merchant_id.
	List(ctx context.Context) ([]Profile, error)
	// Get returns the profile with the given ID, or ErrNotFound.
	Get(ctx context.Context, id string) (Profile, error)
	// Put adds a profile (empty ID) or replaces one (ID of a stored
	// profile) and returns it as stored. A profile with a validation
	// error (see Validate) is refused with an error wrapping ErrInvalid;
	// warnings do not stop it, and nothing is trimmed or changed.
	Put(ctx context.Context, p Profile) (Profile, error)
	// Delete removes the profile with the given ID, or says ErrNotFound.
	Delete(ctx context.Context, id string) error
}

var _ Store = (*Vault)(nil)

// DefaultAutoLock is the idle time after which a vault with a passphrase
// locks itself, until the user picks another with SetAutoLock.
const DefaultAutoLock = 15 * time.Minute

// The idle times SetAutoLock accepts.
const (
	MinAutoLock = time.Minute
	MaxAutoLock = 24 * time.Hour
)

// Options tune a vault. The zero value gives the defaults.
type Options struct {
	// Now returns the current time; nil means time.Now. Tests inject a
	// clock to check auto-lock without waiting.
	Now func() time.Time
	// Iterations is the PBKDF2 iteration count given to new passphrases
	// and exported backups; 0 means DefaultIterations. Counts below 1000
	// are raised to 1000. Data already stored keeps its own count.
	Iterations int
	// AutoLock is the idle time used until the user sets one; 0 means
	// DefaultAutoLock.
	AutoLock time.Duration
}

// Vault holds merchant profiles, optionally protected by a passphrase. Its
// methods are safe for concurrent use.
//
// Without a passphrase the vault is always open. With one, it opens locked;
// Unlock opens it until Lock is called or it has not been used for its
// auto-lock time (every call that reads or writes profiles, and Touch,
// counts as use). While locked, only Status, Unlock, SetPassphrase, Lock,
// LockIfIdle and Close work; the rest return ErrLocked.
type Vault struct {
	mu         openMutex
	b          backend
	now        func() time.Time
	iterations int
	autoLock   time.Duration

	protected bool      // whether the last read showed a passphrase
	key       *sealer   // the passphrase key while unlocked
	lockRev   uint64    // the LockRev the key belongs to
	lastUse   time.Time // when the vault was last used while unlocked
	closed    bool
}

func newVault(b backend, opts Options, m meta) *Vault {
	v := &Vault{b: b, now: opts.Now, iterations: opts.Iterations, autoLock: opts.AutoLock}
	if v.now == nil {
		v.now = time.Now
	}
	if v.iterations == 0 {
		v.iterations = DefaultIterations
	}
	v.iterations = max(v.iterations, minIterations)
	if v.autoLock <= 0 {
		v.autoLock = DefaultAutoLock
	}
	v.observe(m)
	return v
}

// openMutex is the vault's mutex. For a vault opened in the background
// (see openLater) it is locked only once the opening has ended, so every
// method waits for it.
type openMutex struct {
	sync.Mutex
	opened <-chan struct{} // closed when the opening ends; nil: open
}

// Lock waits for the vault's opening to end, then locks.
func (m *openMutex) Lock() {
	if m.opened != nil {
		<-m.opened
	}
	m.Mutex.Lock()
}

// openLater returns at once a vault that open fills in from a new
// goroutine. Every method waits for open to return; when it fails, the
// methods that read or write return its error, and the vault reports
// itself as open with no lock time (LockIfIdle).
func openLater(opts Options, open func(context.Context) (backend, meta, error)) *Vault {
	opened := make(chan struct{})
	v := newVault(nil, opts, meta{})
	v.mu.opened = opened
	go func() {
		b, m, err := open(context.Background())
		// No method holds the mutex before opened is closed.
		v.mu.Mutex.Lock()
		if err != nil {
			v.b = failedBackend{err}
		} else {
			v.b = b
			v.observe(m)
		}
		v.mu.Mutex.Unlock()
		close(opened)
	}()
	return v
}

// failedBackend is the storage of a vault that could not be opened.
type failedBackend struct{ err error }

func (f failedBackend) read(context.Context) (snapshot, error) { return snapshot{}, f.err }
func (f failedBackend) write(context.Context, batch) error     { return f.err }
func (f failedBackend) close() error                           { return nil }

// clock returns the current time in UTC without a monotonic reading, as
// it is stored.
func (v *Vault) clock() time.Time { return v.now().UTC() }

// observe takes in what a read showed about the vault-wide state.
func (v *Vault) observe(m meta) {
	v.protected = m.Lock != nil
	if m.AutoLockSeconds > 0 {
		v.autoLock = time.Duration(m.AutoLockSeconds) * time.Second
	}
	if !v.protected {
		v.key = nil
	}
}

// expire locks the vault if it has been idle for the auto-lock time.
func (v *Vault) expire() {
	if v.key != nil && !v.clock().Before(v.lastUse.Add(v.autoLock)) {
		v.key = nil
	}
}

// begin starts an operation that needs the vault open, and returns the
// stored state.
func (v *Vault) begin(ctx context.Context) (snapshot, error) {
	if v.closed {
		return snapshot{}, ErrClosed
	}
	v.expire()
	s, err := v.b.read(ctx)
	if err != nil {
		return snapshot{}, err
	}
	v.observe(s.meta)
	if v.protected {
		if v.key == nil {
			return snapshot{}, ErrLocked
		}
		if s.meta.LockRev != v.lockRev {
			v.key = nil
			return snapshot{}, fmt.Errorf("%w (its passphrase was changed in another window)", ErrLocked)
		}
	}
	v.lastUse = v.clock()
	return s, nil
}

// write applies a change computed from s.
func (v *Vault) write(ctx context.Context, s snapshot, m meta, put []record, del []string) error {
	m.Schema = schemaVersion
	m.Rev = s.meta.Rev + 1
	return v.b.write(ctx, batch{expect: s.meta.Rev, meta: m, put: put, del: del})
}

// openRecord returns the profile a record holds, using key for a sealed
// one.
func openRecord(r record, key *sealer) (Profile, error) {
	if r.Plain != nil {
		return *r.Plain, nil
	}
	if key == nil {
		return Profile{}, fmt.Errorf("%w: profile %q is encrypted but the vault has no passphrase", ErrCorrupt, r.ID)
	}
	plain, err := key.open(r.Sealed, recordAAD(r.ID))
	if err != nil {
		return Profile{}, fmt.Errorf("%w: profile %q does not decrypt with the vault passphrase", ErrCorrupt, r.ID)
	}
	defer clear(plain)
	var p Profile
	if err := json.Unmarshal(plain, &p); err != nil || p.ID != r.ID {
		return Profile{}, fmt.Errorf("%w: profile %q decrypts to something else than that profile", ErrCorrupt, r.ID)
	}
	return p, nil
}

// sealRecord makes the stored record for p: sealed with key, or plain when
// key is nil.
func sealRecord(p Profile, key *sealer) (record, error) {
	if key == nil {
		return record{ID: p.ID, Plain: &p}, nil
	}
	plain, err := json.Marshal(p)
	if err != nil {
		return record{}, err
	}
	defer clear(plain)
	return record{ID: p.ID, Sealed: key.seal(plain, recordAAD(p.ID))}, nil
}

// openAll returns every profile in s, in stored order.
func openAll(s snapshot, key *sealer) ([]Profile, error) {
	out := make([]Profile, 0, len(s.records))
	for _, r := range s.records {
		p, err := openRecord(r, key)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// List returns every profile, sorted by label (ignoring case), then
// merchant_id, then ID.
func (v *Vault) List(ctx context.Context) ([]Profile, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	s, err := v.begin(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := openAll(s, v.key)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ps, func(a, b Profile) int {
		return cmp.Or(
			cmp.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)),
			cmp.Compare(a.MerchantID, b.MerchantID),
			cmp.Compare(a.ID, b.ID))
	})
	return ps, nil
}

// Get returns the profile with the given ID.
func (v *Vault) Get(ctx context.Context, id string) (Profile, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	s, err := v.begin(ctx)
	if err != nil {
		return Profile{}, err
	}
	r, ok := findRecord(s, id)
	if !ok {
		return Profile{}, ErrNotFound
	}
	return openRecord(r, v.key)
}

func findRecord(s snapshot, id string) (record, bool) {
	for _, r := range s.records {
		if r.ID == id {
			return r, true
		}
	}
	return record{}, false
}

// Put adds or replaces a profile and returns it as stored: a new profile
// (empty ID) gets an ID and its Created time, and every saved profile gets
// its Updated time. The fields are stored exactly as given.
func (v *Vault) Put(ctx context.Context, p Profile) (Profile, error) {
	if err := Validate(p).Err(); err != nil {
		return Profile{}, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	s, err := v.begin(ctx)
	if err != nil {
		return Profile{}, err
	}
	now := v.clock()
	if p.ID == "" {
		p.ID, p.Created = newID(), now
	} else {
		r, ok := findRecord(s, p.ID)
		if !ok {
			return Profile{}, ErrNotFound
		}
		old, err := openRecord(r, v.key)
		if err != nil {
			return Profile{}, err
		}
		p.Created = old.Created
	}
	p.Updated = now
	r, err := sealRecord(p, v.key)
	if err != nil {
		return Profile{}, err
	}
	if err := v.write(ctx, s, s.meta, []record{r}, nil); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// Delete removes the profile with the given ID.
func (v *Vault) Delete(ctx context.Context, id string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	s, err := v.begin(ctx)
	if err != nil {
		return err
	}
	if _, ok := findRecord(s, id); !ok {
		return ErrNotFound
	}
	return v.write(ctx, s, s.meta, nil, []string{id})
}

// Status describes the vault for the Keys page, without unlocking it.
type Status struct {
	// Protected says the vault has a passphrase.
	Protected bool
	// Locked says the vault has a passphrase and is locked now.
	Locked bool
	// Profiles is the number of stored profiles (known even while
	// locked).
	Profiles int
	// AutoLock is the idle time after which the vault locks itself.
	AutoLock time.Duration
	// Iterations is the PBKDF2 iteration count of the current
	// passphrase, 0 without one.
	Iterations int
}

// Status returns the vault's state. It does not count as use.
func (v *Vault) Status(ctx context.Context) (Status, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return Status{}, ErrClosed
	}
	v.expire()
	s, err := v.b.read(ctx)
	if err != nil {
		return Status{}, err
	}
	v.observe(s.meta)
	if v.key != nil && s.meta.LockRev != v.lockRev {
		v.key = nil
	}
	st := Status{
		Protected: v.protected,
		Locked:    v.protected && v.key == nil,
		Profiles:  len(s.records),
		AutoLock:  v.autoLock,
	}
	if s.meta.Lock != nil {
		st.Iterations = s.meta.Lock.KDF.Iterations
	}
	return st, nil
}

// Unlock opens a vault that has a passphrase. A wrong passphrase returns
// ErrWrongPassphrase and changes nothing (an unlocked vault stays unlocked
// with its key). A vault without a passphrase is always open: Unlock
// returns nil. The key derivation is deliberately slow (see
// DefaultIterations).
func (v *Vault) Unlock(ctx context.Context, passphrase string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return ErrClosed
	}
	s, err := v.b.read(ctx)
	if err != nil {
		return err
	}
	v.observe(s.meta)
	if s.meta.Lock == nil {
		return nil
	}
	if passphrase == "" {
		return ErrNoPassphrase
	}
	key, err := s.meta.Lock.unlock(ctx, passphrase)
	if err != nil {
		return err
	}
	v.key, v.lockRev, v.lastUse = key, s.meta.LockRev, v.clock()
	return nil
}

// Lock forgets the passphrase key until the next Unlock. It does nothing
// to a vault without a passphrase.
func (v *Vault) Lock() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.key = nil
}

// Touch counts as use of an unlocked vault, restarting its idle time. The
// app calls it on user activity on pages that use keys. It does not reopen
// a vault that has already locked itself.
func (v *Vault) Touch() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.expire()
	if v.key != nil {
		v.lastUse = v.clock()
	}
}

// LockIfIdle locks the vault if it has been idle for its auto-lock time,
// and reports whether it is locked now. While it is unlocked, at is when it
// will lock unless used again: the app sets a timer for then and calls
// LockIfIdle when it fires. It does no I/O.
func (v *Vault) LockIfIdle() (locked bool, at time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.expire()
	if v.key == nil {
		return v.protected, time.Time{}
	}
	return false, v.lastUse.Add(v.autoLock)
}

// SetAutoLock sets and stores the idle time after which the vault locks
// itself, between MinAutoLock and MaxAutoLock. The vault must be open.
func (v *Vault) SetAutoLock(ctx context.Context, d time.Duration) error {
	if d < MinAutoLock || d > MaxAutoLock {
		return fmt.Errorf("auto-lock time %v is outside %v..%v: pick a time in that range", d, MinAutoLock, MaxAutoLock)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	s, err := v.begin(ctx)
	if err != nil {
		return err
	}
	m := s.meta
	m.AutoLockSeconds = int64(d / time.Second)
	if err := v.write(ctx, s, m, nil, nil); err != nil {
		return err
	}
	v.autoLock = d
	return nil
}

// SetPassphrase sets, changes or removes the vault's passphrase.
//
// current is the passphrase in force (ignored when there is none); next is
// the new one, or "" to remove protection. Every profile is decrypted with
// the current key and written back under the new one in one transaction:
// an interrupted change leaves the vault exactly as it was. A wrong current
// passphrase returns ErrWrongPassphrase and changes nothing. Afterwards the
// vault is open under the new passphrase, whose key derivation uses the
// vault's current iteration count.
func (v *Vault) SetPassphrase(ctx context.Context, current, next string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return ErrClosed
	}
	s, err := v.b.read(ctx)
	if err != nil {
		return err
	}
	v.observe(s.meta)
	var old *sealer
	if s.meta.Lock != nil {
		if current == "" {
			return fmt.Errorf("%w: type the current passphrase", ErrNoPassphrase)
		}
		if old, err = s.meta.Lock.unlock(ctx, current); err != nil {
			return err
		}
	} else if next == "" {
		return nil // no passphrase, none wanted
	}
	ps, err := openAll(s, old)
	if err != nil {
		return err
	}
	m := s.meta
	m.LockRev++
	var key *sealer
	if next == "" {
		m.Lock = nil
	} else {
		lock, k, err := newLock(ctx, next, v.iterations)
		if err != nil {
			return err
		}
		m.Lock, key = &lock, k
	}
	put := make([]record, len(ps))
	for i, p := range ps {
		if put[i], err = sealRecord(p, key); err != nil {
			return err
		}
	}
	if err := v.write(ctx, s, m, put, nil); err != nil {
		return err
	}
	v.observe(m)
	v.key, v.lockRev, v.lastUse = key, m.LockRev, v.clock()
	return nil
}

// Close releases the storage. The vault cannot be used afterwards.
func (v *Vault) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return nil
	}
	v.closed, v.key = true, nil
	return v.b.close()
}
