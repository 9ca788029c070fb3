// Package ui is the browser workbench: the Decode, Construct and Keys pages
// as go-app components, and the plain functions behind them (decode cards,
// the construct form, key checks) that run and are tested natively.
//
// The pages never put a sign key in the URL, in localStorage, in the
// console or in a request: keys live in the vault (see package vault) and
// in component memory while a page shows them.
package ui

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// The routes of the workbench, without the deployment prefix.
const (
	PathDecode    = "/"
	PathConstruct = "/construct"
	PathKeys      = "/keys"
)

// Paths lists every route, for the service worker's precache list.
var Paths = []string{PathDecode, PathConstruct, PathKeys}

// Store is what the pages need from the key vault.
type Store = vault.Store

// Env is what the pages share.
type Env struct {
	// Store holds the merchant profiles.
	Store Store
}

// Register routes the three pages, each built with env.
func Register(env *Env) {
	app.RouteFunc(PathDecode, func() app.Composer { return &Decode{env: env} })
	app.RouteFunc(PathConstruct, func() app.Composer { return &Construct{env: env} })
	app.RouteFunc(PathKeys, func() app.Composer { return &Keys{env: env} })
}

// rootPrefix is the path prefix of a sub-path deployment ("" at the root).
func rootPrefix() string {
	return strings.TrimSuffix(app.Getenv("GOAPP_ROOT_PREFIX"), "/")
}

// Href returns the link to a route, with the deployment prefix.
func Href(path string) string {
	p := rootPrefix()
	if p == "" || p == "/" {
		return path
	}
	if path == "/" {
		return p + "/"
	}
	return p + path
}

// fragmentParam is the URL fragment member that carries pasted text.
const fragmentParam = "text"

// DecodeLink returns the link to the Decode page with text in the URL
// fragment, which browsers never send to a server. It carries a message,
// never a key.
func DecodeLink(text string) string {
	return Href(PathDecode) + "#" + fragmentParam + "=" + url.QueryEscape(text)
}

// TextFromFragment returns the text carried by a DecodeLink fragment, as
// url.URL.EscapedFragment returns it.
func TextFromFragment(escapedFragment string) (string, bool) {
	q, err := url.ParseQuery(escapedFragment)
	if err != nil {
		return "", false
	}
	if _, ok := q[fragmentParam]; !ok {
		return "", false
	}
	return q.Get(fragmentParam), true
}

// shell is the layout every page shares: the header with the navigation,
// the update prompt, and the page body.
func shell(active string, update bool, body ...app.UI) app.UI {
	link := func(path, label string) app.UI {
		a := app.A().Href(Href(path)).Text(label).ID("nav-" + strings.ToLower(label))
		if path == active {
			a = a.Class("active").Aria("current", "page")
		}
		return app.Li().Body(a)
	}
	return app.Div().Class("wb").Body(
		app.Header().Class("wb-header").Body(
			app.Img().Class("wb-logo").Src("/web/icon.svg").Alt(""),
			app.Span().Class("wb-name").Text("OTT Pay workbench"),
			app.Nav().Body(app.Ul().Body(
				link(PathDecode, "Decode"),
				link(PathConstruct, "Construct"),
				link(PathKeys, "Keys"),
			)),
		),
		app.If(update, app.Div().ID("update").Class("wb-update").Body(
			app.Span().Text("A new version of the workbench is ready. "),
			app.Button().ID("update-reload").Text("Reload").OnClick(func(ctx app.Context, e app.Event) {
				ctx.Reload()
			}),
		)),
		app.Main().Class("wb-main").Body(body...),
		app.Footer().Class("wb-footer").Text("Runs in this browser: keys stay on this device and are never sent anywhere."),
	)
}

// copyText writes s to the clipboard (a no-op outside a browser).
func copyText(s string) {
	if app.IsServer {
		return
	}
	clip := app.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		return
	}
	clip.Call("writeText", s)
}

// inputValue is the value of the element an event came from.
func inputValue(ctx app.Context) string {
	return ctx.JSSrc().Get("value").String()
}

// checked is the checked state of the checkbox an event came from.
func checked(ctx app.Context) bool {
	return ctx.JSSrc().Get("checked").Bool()
}

// checkbox is a checkbox input. The checked attribute is only written when
// set: a pre-rendered checked="false" would show the box ticked.
func checkbox(id string, on bool) app.HTMLInput {
	in := app.Input().Type("checkbox").ID(id)
	if on {
		in = in.Checked(true)
	}
	return in
}
