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
	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
)

func main() {
	ui.Register(&ui.Env{Store: openStore()})
	app.RunWhenOnBrowser()
	serverMain()
}
