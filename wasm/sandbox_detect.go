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

// detectSandbox asks the page's origin whether a sandbox is served with
// the workbench (GET /_sandbox/healthz answering with the sandbox's
// header), and returns a client for it, or nil. A sandbox is mounted at
// the root of the workbench's own server: a deployment under a path
// prefix (a static host) is never checked, and the service worker caches
// no sandbox address, so an offline page finds none.
func detectSandbox() *ui.SandboxClient {
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
