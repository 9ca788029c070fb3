// Command wasm is the OTT Pay workbench: a go-app progressive web app that
// decodes, constructs and signs OTT Pay messages in the browser, with
// merchant keys kept on the device.
//
// The same package is built twice. Built with GOOS=js GOARCH=wasm into
// web/app.wasm, it is the app. Built natively, it serves that app:
//
//	go run ./wasm -addr 127.0.0.1:8080
//
// or writes it as a static website for any static host:
//
//	go run ./wasm -static dist -prefix /ottpay
//
// See build.sh for the whole build.
package main

import (
	"context"
	"slices"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	batchui "github.com/ottpay-toolkit/ottpay/wasm/batch/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/jsapi"
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// vaultDB is the IndexedDB database that holds the merchant profiles.
// web/boot.js opens it too, early (see BootScript).
const vaultDB = "ottpay-workbench"

// SandboxEnv is the variable of go-app's environment (app.Getenv in the
// browser) that is "1" when the server mounts a sandbox on the
// workbench's origin. Only then does the app ask the origin for one
// (GET /_sandbox/healthz): any other start asks nothing and waits for
// nothing.
const SandboxEnv = "OTTPAY_SANDBOX"

func main() {
	register(&ui.Env{Store: openStore(), Sandbox: detectSandbox()})
	// window.ottpay, for page scripts and the console (a no-op natively).
	jsapi.Register()
	app.RunWhenOnBrowser()
	serverMain()
}

// register routes every page and lists it in the navigation bar, which
// the server reads for the service worker's precache list: call it before
// the app starts or the server is made.
func register(env *ui.Env) {
	addNav(ui.NavItem{Path: batchui.Path, Label: "Batch"}, ui.PathDecode)
	keys := vaultKeys(env.Store)
	app.RouteFunc(batchui.Path, func() app.Composer {
		return &batchPage{
			lock:  &ui.VaultLock{Env: env, Purpose: "decode with the saved keys"},
			batch: batchui.New(keys),
		}
	})
	ui.Register(env)
	if env.Sandbox != nil {
		ui.RegisterSandbox(env)
	}
}

// addNav puts item in the navigation bar right after the page at path
// (at the end when there is none), once.
func addNav(item ui.NavItem, after string) {
	at := len(ui.Nav)
	for i, n := range ui.Nav {
		if n.Path == item.Path {
			return
		}
		if n.Path == after {
			at = i + 1
		}
	}
	ui.Nav = slices.Insert(ui.Nav, at, item)
}

// vaultKeys is the Batch page's KeySource: the vault's profiles, read
// afresh for every run (the page tries the key of every profile of a
// merchant, as the Decode page does).
func vaultKeys(st ui.Store) batchui.KeySource {
	return func(ctx context.Context) ([]vault.Profile, error) {
		if st == nil {
			return nil, nil
		}
		return st.List(ctx)
	}
}

// batchPage shows the Batch page in the workbench's layout.
type batchPage struct {
	app.Compo
	lock   *ui.VaultLock // the unlock form, while the vault is locked
	batch  *batchui.Batch
	update bool
}

// OnMount reads whether an update waits.
func (p *batchPage) OnMount(ctx app.Context) { p.update = ctx.AppUpdateAvailable() }

// OnAppUpdate shows the reload prompt.
func (p *batchPage) OnAppUpdate(ctx app.Context) { p.update = ctx.AppUpdateAvailable() }

// Render draws the page.
func (p *batchPage) Render() app.UI { return ui.Shell(batchui.Path, p.update, p.lock, p.batch) }
