//go:build wasm

package main

import (
	"runtime"
	"syscall/js"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// openStore returns the key vault in the browser's IndexedDB. The database
// opens in the background while go-app mounts the first page, so that
// opening it never delays the first paint; the pages' first reads wait
// for it (see vault.OpenInBackground). The opening goroutine runs at once,
// up to its first wait: that sends the open request to the browser before
// the mount, so the browser opens (or, on a first visit, creates) the
// database while the page is drawn.
//
// The vault implements ui.Vault too, and every key press and click on the
// pages counts as use of it (see vault.Vault.Touch).
func openStore() ui.Store {
	// web/boot.js opened the database while app.wasm loaded: its
	// stand-in factory hands that connection over (or opens anew).
	v := vault.OpenInBackgroundFrom(js.Global().Get("ottpayVaultFactory"), vaultDB, vault.Options{})
	runtime.Gosched()
	watchActivity(v)
	return v
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
func watchActivity(v *vault.Vault) {
	touch := app.FuncOf(func(app.Value, []app.Value) any {
		go v.Touch()
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
