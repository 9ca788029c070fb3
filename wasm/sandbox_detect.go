//go:build wasm

package main

import (
	"context"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
)

// detectTimeout bounds the sandbox check at start: the page waits for it.
const detectTimeout = 2 * time.Second

// detectSandbox returns a client for the sandbox served with the
// workbench, or nil. Only a server started with -sandbox says there is
// one (SandboxEnv in the app's environment); the app then checks that
// the origin answers as a sandbox (GET /_sandbox/healthz with the
// sandbox's header) before showing it, since a page kept by the service
// worker may outlive the server that served it. Every other start asks
// nothing: the check is a network round trip the page would wait for.
// A static website (any path prefix) never has a sandbox.
func detectSandbox() *ui.SandboxClient {
	if app.Getenv(SandboxEnv) != "1" {
		return nil
	}
	if p := strings.Trim(app.Getenv("GOAPP_ROOT_PREFIX"), "/"); p != "" {
		return nil
	}
	loc := app.Window().Get("location")
	if loc.Get("protocol").String() != "http:" && loc.Get("protocol").String() != "https:" {
		return nil
	}
	c := &ui.SandboxClient{Base: loc.Get("origin").String()}
	ctx, cancel := context.WithTimeout(context.Background(), detectTimeout)
	defer cancel()
	if !c.Detect(ctx) {
		return nil
	}
	return c
}
