//go:build wasm

package main

import (
	"context"
	"sync"

	"github.com/ottpay-toolkit/ottpay/wasm/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// vaultDB is the IndexedDB database that holds the merchant profiles.
const vaultDB = "ottpay-workbench"

// openStore returns the key vault in the browser's IndexedDB. The database
// opens in the background while go-app mounts the first page, so that
// opening it never delays the first paint; the pages' first reads wait
// for it.
func openStore() ui.Store {
	l := &lazyVault{}
	go l.open()
	return l
}

// serverMain is never reached in the browser: app.RunWhenOnBrowser does
// not return there.
func serverMain() {}

// lazyVault opens the IndexedDB vault on first use.
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
