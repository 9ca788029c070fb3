//go:build !wasm

package main

// What the workbench changes in what go-app v9.8.0 writes, and why. Each
// change finds its target exactly once or fails with an error that says
// the go-app version changed (TestGoAppStillReadsAsPatched runs every
// change on what the go-app in go.mod writes):
//
//   - app.js (PatchAppJS): the early compile of web/boot.js, a plain fetch
//     of app.wasm, the service worker registered after the app runs;
//   - every page (PatchPage): the viewport tag that forbids zooming;
//   - every page of a static website (PatchStaticPage): the
//     Content-Security-Policy as a meta tag, and og:url, which names the
//     generator's temporary server.
//
// What go-app lets us configure instead of patching is in newHandler.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// resources places the go-app files and web/ under a path prefix.
type resources struct{ prefix string }

// Package, Static and AppWASM implement app.ResourceProvider.
func (r resources) Package() string { return r.prefix }
func (r resources) Static() string  { return r.prefix }
func (r resources) AppWASM() string { return r.prefix + "/web/app.wasm" }

// newHandler describes the app to go-app: every resource is local, so the
// service worker can precache all of it and the app works offline.
// sandbox puts SandboxEnv in the app's environment.
func newHandler(version, prefix string, sandbox bool) *app.Handler {
	cacheable := make([]string, 0, len(ui.Nav))
	for _, p := range ui.Paths() {
		if p != "/" {
			cacheable = append(cacheable, prefix+p)
		}
	}
	cacheable = append(cacheable, "/web/icon.svg", "/web/boot.js")
	var env app.Environment
	if sandbox {
		env = app.Environment{SandboxEnv: "1"}
	}
	return &app.Handler{
		Name:        "OTT Pay workbench",
		ShortName:   "OTT Pay",
		Title:       "OTT Pay workbench",
		Description: "Decode, verify, construct and sign OTT Pay messages in the browser. Keys stay on the device.",
		Author:      "ottpay-toolkit",
		Lang:        "en",
		Icon: app.Icon{
			Default:    "/web/icon-192.png",
			Large:      "/web/icon-512.png",
			SVG:        "/web/icon.svg",
			AppleTouch: "/web/icon-apple.png",
		},
		BackgroundColor:    "#f6f8f9",
		ThemeColor:         "#0f5e6b",
		LoadingLabel:       "Loading the workbench…",
		Styles:             []string{"/web/workbench.css"},
		CacheableResources: cacheable,
		Resources:          resources{prefix: prefix},
		Version:            version,
		// Start compiling app.wasm while the page is parsed; app.js
		// instantiates that module instead of loading it again.
		// Keep addresses out of Referer headers on hosts that send no
		// Referrer-Policy.
		RawHeaders: []string{ReferrerTag, BootScript(prefix, prefix+"/web/app.wasm")},
		Env:        env,
	}
}

// siteVersion is Version, marked when a sandbox is mounted: the app's
// environment differs with the mode, and a page cached by the service
// worker in one mode must update when the server restarts in the other.
func siteVersion(wasm []byte, sandbox bool) string {
	if sandbox {
		return Version(wasm) + "-sandbox"
	}
	return Version(wasm)
}

// Version is the app version the service worker compares: a hash of the
// built app.wasm, so that every new build reaches users and a restart of
// the same build does not look like an update.
func Version(wasm []byte) string {
	sum := sha256.Sum256(wasm)
	return hex.EncodeToString(sum[:8])
}

// BootScript is the tag that runs web/boot.js as soon as the page's head
// is read. The script refuses to run the app inside another page's frame
// (the static build cannot send frame-ancestors), takes the trailing
// slash off a deep link that a plain static server redirected to its
// directory (/ottpay/keys/ → /ottpay/keys, the route), and starts
// compiling app.wasm (at wasmURL) while the page is parsed, styled and
// painted: go-app's own script only runs after that. It is a plain
// (parser-blocking) script on purpose: the script is tiny and an async
// one would wait for the main thread, which styles and paints the page
// first.
//
// It also opens the key vault's database early, creating it with the
// layout vault.IndexedDBLayout gives when there is none (data-vault,
// data-vault-version, data-vault-stores).
func BootScript(prefix, wasmURL string) string {
	version, stores := vault.IndexedDBLayout()
	return `<script src="` + prefix + `/web/boot.js" data-wasm="` + wasmURL + `" data-prefix="` + prefix +
		`" data-vault="` + vaultDB + `" data-vault-version="` + strconv.Itoa(version) + `" data-vault-stores="` + strings.Join(stores, " ") + `"></script>`
}

// PatchAppJS changes go-app's app.js in three ways that make the app
// usable sooner:
//
//   - it instantiates the module that web/boot.js began compiling while the
//     page was still loading (see BootScript), and otherwise fetches
//     app.wasm itself;
//   - either way app.wasm is compiled from a plain fetch. go-app wraps the
//     response in a new Response built from a JavaScript stream to show a
//     progress percentage; a response without a URL cannot use the
//     browser's cache of compiled WebAssembly, so every load compiled the
//     whole app again;
//   - it registers the service worker a moment after the app runs instead
//     of before it loads, so that the worker's precaching (which fetches
//     app.wasm and every page again) competes neither with the first load
//     nor with the app opening its key vault.
func PatchAppJS(appJS []byte, wasmURL string) ([]byte, error) {
	for _, r := range [][2]string{
		{"await instantiateStreaming(\n      fetchWithProgress(\"" + wasmURL + "\", showProgress),\n      go.importObject\n    );",
			"await ottpayInstantiate(go, \"" + wasmURL + "\", instantiateStreaming);"},
		{"goappInitServiceWorker();\ngoappWatchForUpdate();\ngoappWatchForInstallable();\ngoappInitWebAssembly();\n",
			"goappWatchForUpdate();\ngoappWatchForInstallable();\ngoappInitWebAssembly().finally(() => setTimeout(goappInitServiceWorker, workerDelay));\n"},
	} {
		if bytes.Count(appJS, []byte(r[0])) != 1 {
			return nil, fmt.Errorf("go-app's app.js does not read as expected (no %q): the go-app version changed; update PatchAppJS", r[0])
		}
		appJS = bytes.Replace(appJS, []byte(r[0]), []byte(r[1]), 1)
	}
	return append(appJS, instantiateJS...), nil
}

// instantiateJS is added to app.js by PatchAppJS.
const instantiateJS = `
// Added by the workbench's server (see PatchAppJS in wasm/server.go).

// workerDelay is how long after the app starts the service worker is
// registered, in milliseconds.
const workerDelay = 1000;

// ottpayInstantiate instantiates app.wasm from the module web/boot.js began
// compiling early, or, when that is missing or failed, fetches and compiles
// it here.
async function ottpayInstantiate(go, url, instantiateStreaming) {
  if (window.ottpayWasmModule) {
    try {
      const module = await window.ottpayWasmModule;
      const instance = await WebAssembly.instantiate(module, go.importObject);
      return { module, instance };
    } catch (err) {
      console.warn("compiling app.wasm early failed; loading it again:", err);
    }
  }
  return instantiateStreaming(fetch(url), go.importObject);
}
`

// ReferrerTag keeps the page's address (and a share link's #fragment is
// never sent anyway) out of the Referer header of any request the page
// makes, on hosts that cannot send a Referrer-Policy header.
const ReferrerTag = `<meta name="referrer" content="no-referrer">`

// goAppViewport is the content of the viewport tag go-app v9 writes into
// every page. Its maximum-scale=1 and user-scalable=0 stop people from
// zooming, which WCAG 2.1 (1.4.4, Resize text) forbids.
const goAppViewport = "width=device-width, initial-scale=1, maximum-scale=1, user-scalable=0, viewport-fit=cover"

// ViewportTag is the viewport meta tag the workbench's pages carry
// instead: zooming stays allowed.
const ViewportTag = `<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">`

// PatchPage fixes what go-app writes into every page and cannot be
// configured: the viewport tag that disables zooming becomes ViewportTag.
// It fails when the page does not carry go-app's tag exactly once (a
// go-app upgrade changed it).
func PatchPage(page string) (string, error) {
	start, end, content, ok := findMeta(page, `name="viewport"`)
	if !ok || content != goAppViewport {
		return page, errors.New("a page does not carry go-app v9's viewport tag once: the go-app version changed; update PatchPage")
	}
	return page[:start] + ViewportTag + page[end:], nil
}

// metaCharset is the first tag of go-app's head, after which a static
// page's Content-Security-Policy goes.
const metaCharset = `<meta charset="UTF-8">`

// PatchStaticPage adapts a page of go-app's static website, served at
// url: its Content-Security-Policy as a meta tag right after the charset
// (static hosts may send no headers), og:url as url instead of the
// address of the generator's temporary server, and PatchPage.
func PatchStaticPage(page, url string) (string, error) {
	if strings.Count(page, metaCharset) != 1 {
		return page, fmt.Errorf("the page has no single %s to put the Content-Security-Policy after: the go-app version changed; update PatchStaticPage", metaCharset)
	}
	meta := `<meta http-equiv="Content-Security-Policy" content="` + ContentSecurityPolicy(true) + `">`
	page = strings.Replace(page, metaCharset, metaCharset+"\n    "+meta, 1)
	start, end, _, ok := findMeta(page, `property="og:url"`)
	if !ok {
		return page, errors.New("the page has no single og:url tag: the go-app version changed; update PatchStaticPage")
	}
	page = page[:start] + `<meta property="og:url" content="` + url + `">` + page[end:]
	return PatchPage(page)
}

// findMeta finds the one <meta> tag of page made of the attribute named
// (name="value") and a content attribute, in either order (go-app writes
// attributes in map order), and returns where it starts and ends and its
// content. ok is false unless there is exactly one.
func findMeta(page, named string) (start, end int, content string, ok bool) {
	found := 0
	for _, forms := range [2][2]string{
		{"<meta " + named + ` content="`, `">`},
		{`<meta content="`, `" ` + named + ">"},
	} {
		for rest, at := page, 0; ; {
			i := strings.Index(rest, forms[0])
			if i < 0 {
				break
			}
			value := rest[i+len(forms[0]):]
			j := strings.IndexByte(value, '"')
			if j < 0 {
				break
			}
			next := i + len(forms[0]) + j
			if strings.HasPrefix(value[j:], forms[1]) {
				start, end, content = at+i, at+next+len(forms[1]), value[:j]
				found++
			}
			rest, at = rest[next:], at+next
		}
	}
	return start, end, content, found == 1
}
