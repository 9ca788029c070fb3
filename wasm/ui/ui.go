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
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/share"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// The routes of the workbench, without the deployment prefix.
const (
	PathDecode    = "/"
	PathConstruct = "/construct"
	PathKeys      = "/keys"
)

// NavItem is one entry of the navigation bar: a route and its label.
type NavItem struct{ Path, Label string }

// Nav lists the pages in the navigation bar, in order. A page added by
// another package (with app.RouteFunc) appends itself here before the app
// starts, and the server precaches it for offline use.
var Nav = []NavItem{
	{PathDecode, "Decode"},
	{PathConstruct, "Construct"},
	{PathKeys, "Keys"},
}

// Paths returns the route of every page in Nav, for the service worker's
// precache list.
func Paths() []string {
	out := make([]string, len(Nav))
	for i, n := range Nav {
		out[i] = n.Path
	}
	return out
}

// Store is what the pages need from the key vault.
type Store = vault.Store

// Env is what the pages share.
type Env struct {
	// Store holds the merchant profiles.
	Store Store
	// Vault administers the vault behind Store: its passphrase, auto-lock
	// and backups. When nil, Store is used if it implements Vault.
	Vault Vault
	// Sandbox is the local OTT Pay sandbox served on the workbench's
	// origin, nil when there is none (a static host, or the workbench
	// served alone): with one, Construct can send its requests, and the
	// Sandbox page is routed (see RegisterSandbox).
	Sandbox *SandboxClient
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

// DecodeLink returns the link to the Decode page with text in the URL
// fragment (see package share), which browsers never send to a server. It
// carries a message, never a key. It returns "" for text no link can
// carry (empty, or too long).
func DecodeLink(text string) string {
	frag, err := share.Fragment(text)
	if err != nil {
		return ""
	}
	return Href(PathDecode) + "#" + frag
}

// TextFromFragment returns the text carried by a DecodeLink fragment, as
// url.URL.EscapedFragment returns it.
func TextFromFragment(escapedFragment string) (string, bool) {
	text, err := share.Parse(escapedFragment)
	return text, err == nil
}

// ShareLink returns the absolute link to the Decode page of the app shown
// at page (the current page's URL) carrying text in its fragment, for
// someone else to open. The link is refused with an error wrapping
// share.ErrContainsKey when text holds the sign key of any of profiles or
// the key typed for this decode (typed, may be empty): a link carries a
// message, never a key, and the receiver decodes with their own vault.
func ShareLink(page *url.URL, text string, profiles []vault.Profile, typed string) (string, error) {
	base := url.URL{Path: Href(PathDecode)}
	if page != nil {
		base.Scheme, base.Host = page.Scheme, page.Host
	}
	return share.Link(base.String(), text, ShareKeys(profiles, typed))
}

// ShareKeys names every sign key of profiles, and typed, for share.Link's
// check: a profile by its label and merchant_id, the typed key as such.
// The names go into the error message; the keys never do.
func ShareKeys(profiles []vault.Profile, typed string) map[string]string {
	keys := make(map[string]string, len(profiles)+1)
	add := func(name, key string) {
		if key == "" {
			return
		}
		n := name
		for i := 2; ; i++ {
			if _, dup := keys[n]; !dup {
				break
			}
			n = name + " #" + strconv.Itoa(i)
		}
		keys[n] = key
	}
	for _, p := range profiles {
		name := "merchant " + p.MerchantID
		if p.Label != "" && p.Label != p.MerchantID {
			name = "“" + p.Label + "” (" + name + ")"
		}
		add(name, p.SignKey)
	}
	add("the key typed above", typed)
	return keys
}

// ShareError words a failure of ShareLink, or of reading a shared link,
// for the page: what is wrong and what to do, without the package prefix.
func ShareError(err error) string {
	if err == nil {
		return ""
	}
	msg := strings.TrimPrefix(err.Error(), "share: ")
	if msg == "" {
		return ""
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// Shell is the layout every page shares: the header with the navigation
// (active names the current route), the reload prompt when update is
// true, and the page body.
func Shell(active string, update bool, body ...app.UI) app.UI {
	links := make([]app.UI, len(Nav))
	for i, n := range Nav {
		a := app.A().Href(Href(n.Path)).Text(n.Label).ID("nav-" + strings.ToLower(n.Label))
		if n.Path == active {
			a = a.Class("active").Aria("current", "page")
		}
		links[i] = app.Li().Body(a)
	}
	return app.Div().Class("wb").Body(
		app.Header().Class("wb-header").Body(
			app.Img().Class("wb-logo").Src("/web/icon.svg").Alt(""),
			app.Span().Class("wb-name").Text("OTT Pay workbench"),
			app.Nav().Body(app.Ul().Body(links...)),
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

// Download saves data as a file named name through a Blob and a temporary
// link: nothing leaves the device. It does nothing outside a browser.
func Download(name, mime string, data []byte) {
	if !app.IsClient {
		return
	}
	w := app.Window()
	u8 := w.Get("Uint8Array").New(len(data))
	app.CopyBytesToJS(u8, data)
	parts := w.Get("Array").New()
	parts.Call("push", u8)
	opts := w.Get("Object").New()
	opts.Set("type", mime)
	blob := w.Get("Blob").New(parts, opts)
	url := w.Get("URL").Call("createObjectURL", blob)
	a := w.Get("document").Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	a.Call("click")
	var revoke app.Func
	revoke = app.FuncOf(func(app.Value, []app.Value) any {
		w.Get("URL").Call("revokeObjectURL", url)
		revoke.Release()
		return nil
	})
	w.Call("setTimeout", revoke, 10000)
}

// ReadFile reads a browser File (from an <input type=file> or a drop)
// without holding the page, then calls done with its bytes on the UI
// goroutine. The bytes stay on the device.
func ReadFile(ctx app.Context, file app.Value, done func(ctx app.Context, data []byte)) {
	file.Call("arrayBuffer").Then(func(buf app.Value) {
		u8 := app.Window().Get("Uint8Array").New(buf)
		data := make([]byte, u8.Length())
		app.CopyBytesToGo(data, u8)
		ctx.Dispatch(func(ctx app.Context) { done(ctx, data) })
	})
}

// fieldValue is the value to draw the text field (input or textarea) with
// the given id, whose text the page keeps in model.
//
// go-app draws a page on its own clock, a frame after the events that
// changed it, and writes a field's value whenever the value drawn
// changes. While the user types, a frame can fall between a key press and
// its input event; drawing model then would write the text of the previous
// event over the field, and the character just typed would be lost. So a
// field that has the focus is drawn with the text it holds, which leaves
// go-app nothing to write; any other field (and every field on the server,
// or not yet in the page) is drawn with model. A change the program makes
// to a field that may have the focus goes through setFieldValue.
func fieldValue(id, model string) string {
	if !app.IsClient {
		return model
	}
	doc := app.Window().Get("document")
	field := doc.Call("getElementById", id)
	if !field.Truthy() || !field.Equal(doc.Get("activeElement")) {
		return model
	}
	return field.Get("value").String()
}

// textInput is an input of type kind (text, url, password) with the given
// id, whose text the page keeps in model, drawn as fieldValue says: the one
// way the pages draw a field the user types in.
func textInput(id, kind, model string) app.HTMLInput {
	return app.Input().ID(id).Type(kind).Value(fieldValue(id, model))
}

// setFieldValue writes text into the fields with the given ids at once,
// for a change the program makes to a field that may have the focus, such
// as clearing a passphrase after the form holding it was submitted with
// the Enter key (see fieldValue).
func setFieldValue(text string, ids ...string) {
	if !app.IsClient {
		return
	}
	for _, id := range ids {
		if field := app.Window().GetElementByID(id); field.Truthy() {
			field.Set("value", text)
		}
	}
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

// secretClass is the class of a sign key input: masked on screen with CSS
// unless shown. The input is not a password field, so the browser's
// password manager never offers to save a merchant's key.
func secretClass(shown bool) string {
	if shown {
		return "key"
	}
	return "key secret"
}
