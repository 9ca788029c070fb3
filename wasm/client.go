//go:build wasm

package main

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// vaultDB is the IndexedDB database that holds the merchant profiles.
const vaultDB = "ottpay-workbench"

// openStore returns the key vault in the browser's IndexedDB. The database
// opens in the background while go-app mounts the first page, so that
// opening it never delays the first paint; the pages' first reads wait
// for it. The opening goroutine runs at once, up to its first wait: that
// sends the open request to the browser before the mount, so the browser
// opens (or, on a first visit, creates) the database while the page is
// drawn.
//
// It implements ui.Vault too, and counts every key press, click and input
// on the pages as use of the vault (see vault.Vault.Touch).
func openStore() ui.Store {
	l := &lazyVault{}
	go l.open()
	runtime.Gosched()
	l.watchActivity()
	return l
}

// watchActivity calls Touch on user activity anywhere on the page: a key
// pressed or a pointer pressed. The listeners only start a goroutine:
// Touch may wait for the vault's mutex, which a JavaScript callback must
// never do.
//
// There is deliberately no "input" listener. It would run Go between the
// browser changing a text field and go-app's own input handler, and a
// page update drawn in that gap writes the field's previous value back,
// losing the character just typed.
func (l *lazyVault) watchActivity() {
	touch := app.FuncOf(func(app.Value, []app.Value) any {
		go l.Touch()
		return nil
	})
	w := app.Window()
	opts := w.Get("Object").New()
	opts.Set("capture", true)
	opts.Set("passive", true)
	for _, event := range []string{"keydown", "pointerdown"} {
		w.Call("addEventListener", event, touch, opts)
	}
}

// serverMain is never reached in the browser: app.RunWhenOnBrowser does
// not return there.
func serverMain() {}

// lazyVault opens the IndexedDB vault on first use. It implements
// ui.Store and ui.Vault by waiting for the vault to open, then calling it.
type lazyVault struct {
	once sync.Once
	v    *vault.Vault
	err  error
}

func (l *lazyVault) open() (*vault.Vault, error) {
	l.once.Do(func() {
		l.v, l.err = vault.Open(context.Background(), vaultDB, vault.Options{})
	})
	return l.v, l.err
}

// List implements ui.Store, once the vault is open.
func (l *lazyVault) List(ctx context.Context) ([]vault.Profile, error) {
	v, err := l.open()
	if err != nil {
		return nil, err
	}
	return v.List(ctx)
}

// Get implements ui.Store, once the vault is open.
func (l *lazyVault) Get(ctx context.Context, id string) (vault.Profile, error) {
	v, err := l.open()
	if err != nil {
		return vault.Profile{}, err
	}
	return v.Get(ctx, id)
}

// Put implements ui.Store, once the vault is open.
func (l *lazyVault) Put(ctx context.Context, p vault.Profile) (vault.Profile, error) {
	v, err := l.open()
	if err != nil {
		return vault.Profile{}, err
	}
	return v.Put(ctx, p)
}

// Delete implements ui.Store, once the vault is open.
func (l *lazyVault) Delete(ctx context.Context, id string) error {
	v, err := l.open()
	if err != nil {
		return err
	}
	return v.Delete(ctx, id)
}

var _ ui.Vault = (*lazyVault)(nil)

// Status implements ui.Vault, once the vault is open.
func (l *lazyVault) Status(ctx context.Context) (vault.Status, error) {
	v, err := l.open()
	if err != nil {
		return vault.Status{}, err
	}
	return v.Status(ctx)
}

// Unlock implements ui.Vault, once the vault is open.
func (l *lazyVault) Unlock(ctx context.Context, passphrase string) error {
	v, err := l.open()
	if err != nil {
		return err
	}
	return v.Unlock(ctx, passphrase)
}

// Lock implements ui.Vault, once the vault is open.
func (l *lazyVault) Lock() {
	if v, err := l.open(); err == nil {
		v.Lock()
	}
}

// Touch implements ui.Vault, once the vault is open.
func (l *lazyVault) Touch() {
	if v, err := l.open(); err == nil {
		v.Touch()
	}
}

// LockIfIdle implements ui.Vault, once the vault is open. A vault that
// could not be opened reports itself as open with no lock time: the pages
// show the opening error instead.
func (l *lazyVault) LockIfIdle() (bool, time.Time) {
	v, err := l.open()
	if err != nil {
		return false, time.Time{}
	}
	return v.LockIfIdle()
}

// SetAutoLock implements ui.Vault, once the vault is open.
func (l *lazyVault) SetAutoLock(ctx context.Context, d time.Duration) error {
	v, err := l.open()
	if err != nil {
		return err
	}
	return v.SetAutoLock(ctx, d)
}

// SetPassphrase implements ui.Vault, once the vault is open.
func (l *lazyVault) SetPassphrase(ctx context.Context, current, next string) error {
	v, err := l.open()
	if err != nil {
		return err
	}
	return v.SetPassphrase(ctx, current, next)
}

// Export implements ui.Vault, once the vault is open.
func (l *lazyVault) Export(ctx context.Context, passphrase string) ([]byte, error) {
	v, err := l.open()
	if err != nil {
		return nil, err
	}
	return v.Export(ctx, passphrase)
}

// PreviewImport implements ui.Vault, once the vault is open.
func (l *lazyVault) PreviewImport(ctx context.Context, file []byte, passphrase string) (*vault.Import, error) {
	v, err := l.open()
	if err != nil {
		return nil, err
	}
	return v.PreviewImport(ctx, file, passphrase)
}

// ApplyImport implements ui.Vault, once the vault is open.
func (l *lazyVault) ApplyImport(ctx context.Context, imp *vault.Import, replace []string) error {
	v, err := l.open()
	if err != nil {
		return err
	}
	return v.ApplyImport(ctx, imp, replace)
}
