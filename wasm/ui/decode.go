package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/batch"
	"github.com/ottpay-toolkit/ottpay/wasm/qr"
	"github.com/ottpay-toolkit/ottpay/wasm/share"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// Decode is the home page: one paste box, and one card per envelope found
// in what was pasted.
type Decode struct {
	app.Compo

	env *Env

	text     string
	typedKey string
	showKey  bool

	profiles []vault.Profile
	loaded   bool
	storeErr string

	cards  []Card
	steps  map[int]bool // "show the steps" open, by card number
	reveal map[int]bool // AES key revealed, by card number
	copied string       // id of the copy button last used
	update bool

	lock lockGate // the unlock form, while the vault is locked

	shareURL string // the share link of the text, once asked for
	shareErr string // why no share link was made, or a shared link is unreadable

	// The decode running in the background (see DecodeCards).
	yield    func(context.Context) // nil: batch.YieldToPage
	job      int                   // number of the latest decode started
	running  bool
	cancel   context.CancelFunc
	progress DecodeProgress
	outcome  string // how the last background decode ended, if worth saying
	shared   bool   // the text came from a share link: always decode in the background
}

// OnMount loads the vault's profiles.
func (c *Decode) OnMount(ctx app.Context) {
	c.update = ctx.AppUpdateAvailable()
	c.takeEarlyInput()
	c.loadProfiles(ctx)
	c.lock.mount(ctx, c.env, c.loadProfiles)
}

// takeEarlyInput puts back what was typed or pasted into the page the
// server pre-rendered, before the app started: go-app has just drawn the
// page anew, without it. web/boot.js kept the text of the fields marked
// data-early="keep" and which field had the focus; the text is decoded
// once the vault's keys are loaded, and the focus and caret go back to
// the field the user was typing in. Text already in the fields (a share
// link's) is left as it is.
func (c *Decode) takeEarlyInput() {
	if !app.IsClient {
		return
	}
	take := app.Window().Get("ottpayTakeEarlyInput")
	if take.Type() != app.TypeFunction {
		return
	}
	early := take.Invoke()
	if !early.Truthy() {
		return
	}
	fields := early.Get("fields")
	for _, f := range []struct {
		id    string
		model *string
	}{{"paste", &c.text}, {"typed-key", &c.typedKey}} {
		if v := fields.Get(f.id); v.Type() == app.TypeString && *f.model == "" {
			*f.model = v.String()
			setFieldValue(*f.model, f.id)
		}
	}
	if id := early.Get("focused"); id.Type() == app.TypeString && (id.String() == "paste" || id.String() == "typed-key") {
		doc := app.Window().Get("document")
		field := doc.Call("getElementById", id.String())
		if active := doc.Get("activeElement"); field.Truthy() && (!active.Truthy() || active.Equal(doc.Get("body"))) {
			field.Call("focus")
			// The caret goes to the end: the length in bytes is at least
			// the length in UTF-16 units, and the browser clamps it.
			end := len(field.Get("value").String())
			field.Call("setSelectionRange", end, end)
		}
	}
}

// OnNav takes the text carried in the URL fragment by a "decode this" or
// share link; the vault's keys decode it, in the background, once they
// are loaded.
func (c *Decode) OnNav(ctx app.Context) {
	t, err := share.FromURL(ctx.Page().URL())
	switch {
	case err == nil:
		c.text, c.shareURL, c.shareErr, c.shared = t, "", "", true
		setFieldValue(t, "paste")
		if c.loaded {
			c.decode(ctx)
		}
	case !errors.Is(err, share.ErrNoMessage):
		c.shareErr = "This link's message cannot be read. " + ShareError(err)
	}
}

// OnDismount stops a background decode when the page is left.
func (c *Decode) OnDismount() { c.stopJob() }

// share makes the share link of the pasted text, refusing text that holds
// a sign key of the vault or the typed key.
func (c *Decode) share(ctx app.Context, e app.Event) {
	c.shareURL, c.shareErr = "", ""
	switch {
	case !c.loaded:
		c.shareErr = "The key vault is still opening: try again in a moment (the text is checked for sign keys before a link is made)."
		return
	case c.storeErr != "":
		c.shareErr = "No link made: the key vault cannot be read (" + c.storeErr + "), so the text cannot be checked for sign keys. Fix the vault on the Keys page first."
		return
	}
	link, err := ShareLink(ctx.Page().URL(), c.text, c.profiles, c.typedKey)
	if err != nil {
		c.shareErr = "No link made. " + ShareError(err)
		return
	}
	c.shareURL = link
}

// OnAppUpdate shows the reload prompt.
func (c *Decode) OnAppUpdate(ctx app.Context) { c.update = ctx.AppUpdateAvailable() }

func (c *Decode) loadProfiles(ctx app.Context) {
	if c.env == nil || c.env.Store == nil {
		c.loaded = true
		return
	}
	st := c.env.Store
	ctx.Async(func() {
		ps, err := st.List(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			c.profiles, c.loaded, c.storeErr = ps, true, errText(err)
			c.lock.note(err)
			c.decode(ctx)
		})
	})
}

// decode refreshes the cards from the text, the typed key and the vault:
// at once for a short pasted text, in the background otherwise.
func (c *Decode) decode(ctx app.Context) {
	c.stopJob()
	c.steps, c.reveal, c.copied, c.outcome = nil, nil, "", ""
	if !c.shared && len(c.text) <= InlineDecode {
		c.cards = DecodeText(c.text, c.profiles, c.typedKey)
		return
	}
	c.cards = nil
	c.startJob(ctx)
}

// startJob decodes the text on a goroutine that yields to the page
// between steps, showing progress, until it ends or is cancelled.
func (c *Decode) startJob(ctx app.Context) {
	runCtx, cancel := context.WithCancel(context.Background())
	c.job++
	job := c.job
	c.running, c.cancel = true, cancel
	c.progress = DecodeProgress{Size: int64(len(c.text))}
	text, profiles, typed := c.text, c.profiles, c.typedKey
	opt := DecodeOptions{Yield: c.yield}
	if opt.Yield == nil {
		opt.Yield = batch.YieldToPage
	}
	opt.Progress = func(p DecodeProgress) {
		if p.Done {
			return
		}
		ctx.Dispatch(func(ctx app.Context) {
			if c.job == job && c.running {
				c.progress = p
				c.Update()
			}
		})
	}
	ctx.Async(func() {
		cards, more, err := DecodeCards(runCtx, text, profiles, typed, opt)
		cancel()
		ctx.Dispatch(func(ctx app.Context) {
			if c.job != job {
				return
			}
			c.running, c.cancel = false, nil
			c.cards = cards
			c.progress.Envelopes, c.progress.Done = len(cards), true
			switch {
			case errors.Is(err, context.Canceled):
				c.outcome = "Decoding stopped: " + plural(len(cards), "envelope") + " decoded before you cancelled (" + strconv.Itoa(c.progress.Percent()) + "% of the text read)."
			case err != nil:
				c.outcome = "Decoding stopped: " + err.Error()
			case more:
				c.outcome = "The text holds more than " + strconv.Itoa(MaxCards) + " envelopes: the first " + strconv.Itoa(MaxCards) + " are shown. Decode them all on the Batch page."
			}
			c.Update()
		})
	})
}

// stopJob cancels a running background decode; its results are dropped.
func (c *Decode) stopJob() {
	if c.cancel != nil {
		c.cancel()
	}
	c.running, c.cancel = false, nil
}

// cancelJob is the Cancel button: it stops the decode and keeps the cards
// decoded so far.
func (c *Decode) cancelJob(ctx app.Context, e app.Event) {
	if c.cancel != nil {
		c.cancel()
	}
}

func (c *Decode) onText(ctx app.Context, e app.Event) {
	c.text = inputValue(ctx)
	c.shareURL, c.shareErr, c.shared = "", "", false
	c.decode(ctx)
}

func (c *Decode) onKey(ctx app.Context, e app.Event) {
	c.typedKey = inputValue(ctx)
	c.decode(ctx)
}

func (c *Decode) clear(ctx app.Context, e app.Event) {
	c.text, c.typedKey, c.shared = "", "", false
	setFieldValue("", "paste", "typed-key")
	c.shareURL, c.shareErr = "", ""
	c.decode(ctx)
}

// renderProgress shows a background decode: a progress bar and Cancel
// while it runs, then how it ended when that needs saying.
func (c *Decode) renderProgress() app.UI {
	if !c.running && c.outcome == "" {
		return nil
	}
	p := c.progress
	return app.Div().ID("decode-progress").Class("batch-status").DataSet("running", c.running).Body(
		app.If(c.running, app.Div().Body(
			app.Progress().ID("decode-bar").Max(100).Value(strconv.Itoa(p.Percent())).Aria("label", "Decoding progress"),
			app.Span().ID("decode-status").Text(" Decoding: "+plural(p.Envelopes, "envelope")+" so far, "+strconv.Itoa(p.Percent())+"% of the text read. "),
			app.Button().ID("decode-cancel").Class("danger").Text("Cancel").OnClick(c.cancelJob),
		)),
		app.If(c.outcome != "", app.P().ID("decode-outcome").Text(c.outcome)),
	)
}

// Render draws the page.
func (c *Decode) Render() app.UI {
	keyClass := secretClass(c.showKey)
	return Shell(PathDecode, c.update,
		app.H1().Text("Decode"),
		app.P().Class("lead").Text("Paste a request, response or callback: a raw body, an HTTP dump, a curl command, log lines, or several mixed together."),
		app.Textarea().
			ID("paste").
			Class("paste").
			Rows(10).
			Placeholder("Paste here: a body, an HTTP dump, a curl command, log lines…").
			Spellcheck(false).
			AutoFocus(true).
			Aria("label", "Text to decode").
			DataSet("early", "keep"). // kept by web/boot.js until the app starts
			Text(fieldValue("paste", c.text)).
			OnInput(c.onText),
		app.Div().Class("keyline").Body(
			app.Label().For("typed-key").Text("Sign key for this decode only (not saved): "),
			textInput("typed-key", "text", c.typedKey).
				Class(keyClass).
				Attr("autocomplete", "off").
				Spellcheck(false).
				Placeholder("leave empty to use the vault").
				DataSet("early", "keep").
				OnInput(c.onKey),
			app.Label().Class("inline").Body(
				checkbox("show-typed-key", c.showKey).OnChange(func(ctx app.Context, e app.Event) {
					c.showKey = checked(ctx)
				}),
				app.Text(" show"),
			),
			app.Button().ID("clear").Class("secondary").Text("Clear").OnClick(c.clear),
			app.Button().ID("share-link").Class("secondary").Text("Share link").
				Title("A link to this page carrying the pasted text, never a key").
				Disabled(strings.TrimSpace(c.text) == "").OnClick(c.share),
		),
		app.If(c.shareURL != "", app.Div().ID("share").Class("share").Body(
			app.Label().For("share-url").Text("Link to the pasted text: "),
			app.Input().ID("share-url").Type("text").ReadOnly(true).Spellcheck(false).
				Attr("autocomplete", "off").Value(c.shareURL),
			c.copyButton("share-copy", "Copy link", c.shareURL),
			app.P().Class("hint").Text("The text travels in the link's #fragment, which browsers never send to a server, and the link never holds a key: whoever opens it decodes with the keys in their own vault."),
		)),
		app.If(c.shareErr != "", app.P().ID("share-error").Class("error").Text(c.shareErr)),
		app.If(c.storeErr != "" && !c.lock.locked, app.P().Class("error").ID("store-error").Text("Key vault: "+c.storeErr)),
		c.lock.render(c.env, "decode with the saved keys", true, c.loadProfiles),
		app.If(c.loaded && len(c.profiles) == 0 && c.typedKey == "" && c.text != "" && !c.lock.locked,
			app.P().Class("hint").Body(
				app.Text("The vault holds no keys yet: "),
				app.A().Href(Href(PathKeys)).Text("add a merchant profile"),
				app.Text(" or type a key above."),
			),
		),
		c.renderProgress(),
		app.Div().ID("cards").DataSet("vault", ifThen(c.loaded, "ready", "loading")).DataSet("decoding", c.running).Body(
			app.Range(c.cards).Slice(func(i int) app.UI { return c.renderCard(&c.cards[i]) }),
		),
	)
}

func (c *Decode) renderCard(k *Card) app.UI {
	id := "card-" + strconv.Itoa(k.N)
	n := k.N
	return app.Section().ID(id).Class("card", "outcome-"+k.BadgeClass).DataSet("outcome", k.Outcome.String()).Body(
		app.Div().Class("card-head").Body(
			app.H2().Text(k.Title),
			app.Span().Class("badge", k.BadgeClass).Text(k.Badge),
		),
		app.If(k.RuleNote != "", app.P().Class("rule").Text(k.RuleNote)),
		renderFailure(k.Failure),
		renderMeta(k),
		app.If(k.KeyNote != "", app.P().Class("keynote").Text(k.KeyNote)),
		app.If(len(k.Warnings) > 0, app.Ul().Class("warnings").Body(
			app.Range(k.Warnings).Slice(func(i int) app.UI { return app.Li().Text(k.Warnings[i]) }),
		)),
		c.renderFields(k),
		renderQR(id, k),
		app.Div().Class("actions").Body(
			app.If(k.DataJSON != "", c.copyButton(id+"-copy-json", "Copy decrypted JSON", k.DataJSON)),
			app.If(k.Kind != "", c.copyButton(id+"-copy-report", "Copy report", k.ReportJSON)),
			app.If(k.Steps != nil, app.Button().ID(id+"-steps").Class("secondary").
				Text(ifThen(c.steps[n], "Hide the steps", "Show the steps")).
				OnClick(func(ctx app.Context, e app.Event) {
					if c.steps == nil {
						c.steps = map[int]bool{}
					}
					c.steps[n] = !c.steps[n]
				})),
		),
		c.renderSteps(id, n, k.Steps),
	)
}

// renderQR shows the payment link of the data as a QR code drawn on the
// device, with the link as text below it, or says why there is no code.
func renderQR(id string, k *Card) app.UI {
	if k.CodeURL == "" {
		return nil
	}
	label := "Payment link (code_url)"
	var image app.UI
	if k.QR != nil {
		label = "QR code of the payment link (code_url), for a phone to scan"
		image = app.Div().Class("qr-code").Body(qrImage(k.QR))
	}
	return app.Figure().ID(id+"-qr").Class("qr").Aria("label", label).Body(
		image,
		app.If(k.QRNote != "", app.P().Class("qr-note").Text(k.QRNote)),
		app.FigCaption().Body(
			app.Text("Payment link: "),
			app.Code().Class("qr-url").Text(k.CodeURL),
		),
	)
}

// svgNS is the namespace of SVG elements, which the browser draws only
// when they are created in it.
const svgNS = "http://www.w3.org/2000/svg"

// qrImage draws a QR code as an <svg> element: a light background (the
// quiet zone included) and one path of dark modules, one user unit per
// module, scaled by its container. It is built from go-app elements, not
// markup, so nothing in it is parsed as HTML.
func qrImage(c *qr.Code) app.UI {
	w := strconv.Itoa(c.Width())
	return app.Elem("svg").XMLNS(svgNS).
		Attr("viewBox", "0 0 "+w+" "+w).
		Attr("shape-rendering", "crispEdges").
		Attr("role", "img").
		Aria("label", "QR code: "+c.Text).
		Body(
			app.Elem("rect").XMLNS(svgNS).Attr("width", "100%").Attr("height", "100%").Attr("fill", "#fff"),
			app.Elem("path").XMLNS(svgNS).Attr("fill", "#000").Attr("d", c.Path()),
		)
}

func renderFailure(f *Failure) app.UI {
	if f == nil {
		return nil
	}
	return app.Div().Class("failure").Body(
		app.P().Body(
			app.If(f.Layer != "", app.Strong().Text("Failed at "+f.Layer+": ")),
			app.Span().Class("what").Text(f.What),
		),
		app.If(f.Hint != "", app.P().Class("hint").Body(
			app.Strong().Text("Likely cause: "),
			app.Span().Class("cause").Text(f.Hint),
		)),
	)
}

func (c *Decode) renderFields(k *Card) app.UI {
	if len(k.Fields) == 0 {
		return nil
	}
	id := "card-" + strconv.Itoa(k.N)
	return app.Table().Class("fields").Body(
		app.THead().Body(app.Tr().Body(
			app.Th().Text("Field"), app.Th().Text("Value"), app.Th().Text("Meaning"), app.Th(),
		)),
		app.TBody().Body(
			app.Range(k.Fields).Slice(func(i int) app.UI {
				f := k.Fields[i]
				return app.Tr().DataSet("field", f.Name).Body(
					app.Td().Body(app.Code().Text(f.Name)),
					app.Td().Class("value").Body(
						app.Span().Class("v").Text(f.Value),
						app.If(f.Kind != "", app.Span().Class("kind").Text(" ("+f.Kind+")")),
						app.If(f.Shown != "", app.Span().Class("shown").Text(" = "+f.Shown)),
					),
					app.Td().Class("note").Text(f.Note),
					app.Td().Body(c.copyButton(id+"-copy-"+strconv.Itoa(i), "Copy", f.Value)),
				)
			}),
		),
	)
}

func (c *Decode) renderSteps(id string, n int, s *Steps) app.UI {
	if s == nil || !c.steps[n] {
		return nil
	}
	key := MaskKey(s.AESKey)
	if c.reveal[n] {
		key = s.AESKey
	}
	return app.Div().ID(id+"-stepview").Class("steps").Body(
		app.H3().Text("The steps"),
		app.Ol().Body(
			app.Li().Body(
				app.Text("md5 sent: "), app.Code().Text(s.SentMD5),
				app.If(s.MD5Uppercased, app.Span().Class("warn").Text(" (the AES key came from its upper-cased form "+s.KeyMD5+")")),
			),
			app.Li().Body(
				app.Text("AES key = characters 9 to 24 of MD5(md5 + sign key): "),
				app.Code().ID(id+"-aeskey").Text(key),
				app.Button().ID(id+"-reveal").Class("link").Text(ifThen(c.reveal[n], " hide", " reveal")).
					OnClick(func(ctx app.Context, e app.Event) {
						if c.reveal == nil {
							c.reveal = map[int]bool{}
						}
						c.reveal[n] = !c.reveal[n]
					}),
			),
			app.Li().Body(
				app.Text("Base64-decode data, AES-128-ECB decrypt, remove "+strconv.Itoa(s.Padding)+" padding bytes: "),
				app.Code().Text(s.PaddingBytes),
			),
			app.Li().Body(
				app.Text("Sort the keys, concatenate the values, MD5 it, and compare with the md5 sent:"),
				app.Table().Class("rules").Body(
					app.THead().Body(app.Tr().Body(
						app.Th().Text("Rule"), app.Th().Text("Sorted values"), app.Th().Text("md5 computed"), app.Th().Text("Matches"),
					)),
					app.TBody().Body(app.Range(s.Rules).Slice(func(i int) app.UI {
						r := s.Rules[i]
						return app.Tr().Body(
							app.Td().Text(r.Rule),
							app.Td().Body(app.If(r.Err != "", app.Span().Class("error").Text(r.Err)).Else(app.Code().Class("sorted").Text(r.Sorted))),
							app.Td().Body(app.Code().Text(r.Computed)),
							app.Td().Class(ifThen(r.Match, "yes", "no")).Text(ifThen(r.Match, "yes", "no")),
						)
					})),
				),
			),
		),
	)
}

func (c *Decode) copyButton(id, label, text string) app.UI {
	shown := label
	if c.copied == id {
		shown = "Copied"
	}
	return app.Button().ID(id).Class("copy").Text(shown).OnClick(func(ctx app.Context, e app.Event) {
		copyText(text)
		c.copied = id
	})
}

// renderMeta lists the envelope's members.
func renderMeta(k *Card) app.UI {
	if k.Kind == "" {
		return nil
	}
	var items []app.UI
	add := func(name string, value app.UI) {
		items = append(items, app.Dt().Text(name), app.Dd().Body(value))
	}
	text := func(name, value string) {
		if value != "" {
			add(name, app.Text(value))
		}
	}
	text("kind", k.Kind)
	text("action", k.Action)
	text("version", k.Version)
	text("merchant_id", k.MerchantID)
	if k.RspCode != "" {
		add("rsp_code", app.Span().Class("rsp").Body(
			app.Code().Text(k.RspCode),
			app.If(k.RspMeaning != "", app.Span().Class("meaning").Text(" "+k.RspMeaning)),
		))
	}
	text("rsp_msg", k.RspMsg)
	text("found at", k.Where)
	return app.Dl().Class("meta").Body(items...)
}

func ifThen(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
