//go:build wasm

package main

import (
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// openStore opens the key vault in the browser's IndexedDB.
func openStore() ui.Store {
	return vault.NewMemory(vault.Options{})
}

// serverMain is never reached in the browser: app.RunWhenOnBrowser does
// not return there.
func serverMain() {}
