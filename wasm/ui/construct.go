package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// DefaultActionID is the action the Construct page starts with.
const DefaultActionID = "ACTIVEPAY"

// Construct is the page that builds and signs a request, a response or a
// callback from a form generated from the catalogue.
type Construct struct {
	app.Compo

	env *Env

	profiles  []vault.Profile
	profileID string
	loaded    bool
	storeErr  string

	form    Form
	touched map[string]bool
	copied  string
	update  bool

	lock lockGate // the unlock form, while the vault is locked

	send sendState // the request sent to the sandbox, and its answer
}

// OnInit picks the default action, on the server (pre-rendering) and in
// the browser alike.
func (c *Construct) OnInit() {
	if c.form.ActionID == "" {
		c.setAction(DefaultActionID)
	}
}

// OnMount loads the vault's profiles, and watches the auto-lock.
func (c *Construct) OnMount(ctx app.Context) {
	c.update = ctx.AppUpdateAvailable()
	c.loadProfiles(ctx)
	c.lock.mount(ctx, c.env, c.loadProfiles)
}

// loadProfiles reads the vault's profiles (none while it is locked).
func (c *Construct) loadProfiles(ctx app.Context) {
	if c.env == nil || c.env.Store == nil {
		c.loaded = true
		return
	}
	st := c.env.Store
	ctx.Async(func() {
		ps, err := st.List(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			c.profiles, c.loaded, c.storeErr = ps, true, c.lock.note(err)
			if c.profile() == nil && len(ps) > 0 {
				c.setProfile(ps[0].ID)
			}
		})
	})
}

// OnAppUpdate shows the reload prompt.
func (c *Construct) OnAppUpdate(ctx app.Context) { c.update = ctx.AppUpdateAvailable() }

func (c *Construct) profile() *vault.Profile {
	for i := range c.profiles {
		if c.profiles[i].ID == c.profileID {
			return &c.profiles[i]
		}
	}
	return nil
}

// setAction switches the form to another action, keeping nothing but the
// values the profile fills in.
func (c *Construct) setAction(id string) {
	a, ok := FindAction(id)
	switch {
	case !ok:
		if all := catalog.Actions(); len(all) > 0 {
			a, id = all[0], all[0].ID()
		}
	case id != ReplyID:
		id = a.ID()
	}
	rsp, msg, cb, url := c.form.RspCode, c.form.RspMsg, c.form.Callback, c.form.CallbackURL
	if rsp == "" {
		rsp, msg, cb = "SUCCESS", "success", true
	}
	c.form = Form{
		ActionID: id, Version: a.Version,
		Values: map[string]string{}, Plain: map[string]string{},
		RspCode: rsp, RspMsg: msg, Callback: cb, CallbackURL: url,
	}
	c.touched = map[string]bool{}
	c.fillFromProfile()
}

func (c *Construct) setProfile(id string) {
	old := c.profile()
	c.profileID = id
	// Values the previous profile filled in follow the new one.
	if old != nil {
		for _, m := range []map[string]string{c.form.Values, c.form.Plain} {
			if m["operator_id"] == old.OperatorID {
				delete(m, "operator_id")
			}
		}
	}
	c.fillFromProfile()
}

// fillFromProfile puts the profile's operator_id into empty operator_id
// inputs.
func (c *Construct) fillFromProfile() {
	p := c.profile()
	if p == nil || p.OperatorID == "" {
		return
	}
	a, _ := FindAction(c.form.ActionID)
	if hasField(a.Request, "operator_id") && c.form.Values["operator_id"] == "" && c.form.ActionID != ReplyID {
		c.form.Values["operator_id"] = p.OperatorID
	}
}

// Render draws the page.
func (c *Construct) Render() app.UI {
	m := Build(c.form, c.profile())
	return Shell(PathConstruct, c.update,
		app.H1().Text("Construct"),
		app.P().Class("lead").Text("Build and sign a request for the OTT Pay API, or a response or callback to test a merchant's own handler."),
		app.If(c.storeErr != "", app.P().Class("error").ID("store-error").Text("Key vault: "+c.storeErr)),
		c.lock.render(c.env, "sign with the saved keys", true, c.loadProfiles),
		app.Div().Class("form").Body(
			c.renderChoices(&m),
			c.renderReply(&m),
			app.Div().ID("construct-fields").Body(
				app.Range(m.Rows).Slice(func(i int) app.UI { return c.renderRow(m.Rows[i], c.form.Values, "field-") }),
			),
			c.renderPlain(&m),
			renderProblems("construct-problems", m.Problems),
		),
		c.renderOutput(&m),
	)
}

func (c *Construct) renderChoices(m *Message) app.UI {
	actions := catalog.Actions()
	var profile app.UI
	switch {
	case !c.loaded:
		profile = app.Span().Text("Loading the key vault…")
	case c.lock.locked:
		profile = app.Span().ID("construct-locked").Text("The key vault is locked: unlock it above.")
	case len(c.profiles) == 0:
		profile = app.Span().ID("construct-no-profile").Body(
			app.Text("The vault holds no merchant profile: "),
			app.A().Href(Href(PathKeys)).Text("add one on the Keys page"),
			app.Text("."),
		)
	default:
		profile = app.Select().ID("construct-profile").OnChange(func(ctx app.Context, e app.Event) {
			c.setProfile(inputValue(ctx))
		}).Body(app.Range(c.profiles).Slice(func(i int) app.UI {
			p := c.profiles[i]
			return app.Option().Value(p.ID).Selected(p.ID == c.profileID).Text(displayName(p) + " (" + p.MerchantID + ")")
		}))
	}
	return app.Div().Class("choices").Body(
		app.Div().Class("field").Body(
			app.Label().For("construct-action").Text("Message"),
			app.Select().ID("construct-action").OnChange(func(ctx app.Context, e app.Event) {
				c.setAction(inputValue(ctx))
			}).Body(
				app.OptGroup().Label("Requests").Body(app.Range(actions).Slice(func(i int) app.UI {
					a := actions[i]
					return app.Option().Value(a.ID()).Selected(a.ID() == c.form.ActionID).Text(ActionLabel(a))
				})),
				app.OptGroup().Label("Replies").Body(
					app.Option().Value(ReplyID).Selected(c.form.ActionID == ReplyID).Text("Response / callback"),
				),
			),
			app.If(m.Action.Source != "", app.Small().Class("source").Text("Documented at "+m.Action.Source)),
		),
		app.Div().Class("field").Body(
			app.Label().For("construct-profile").Text("Merchant profile"),
			profile,
		),
		app.If(m.Kind == codec.Request, app.Div().Class("field").Body(
			app.Label().For("construct-version").Text("version"),
			textInput("construct-version", "text", c.form.Version).OnInput(func(ctx app.Context, e app.Event) {
				c.form.Version = inputValue(ctx)
			}),
		)),
	)
}

func (c *Construct) renderReply(m *Message) app.UI {
	if c.form.ActionID != ReplyID {
		return nil
	}
	codes := catalog.Codes()
	var codeProblems []catalog.Problem
	for _, p := range m.Problems {
		if p.Field == "rsp_code" {
			codeProblems = append(codeProblems, p)
		}
	}
	return app.Div().Class("reply").Body(
		app.Div().Class("field").Body(
			app.Label().Class("inline").Body(
				checkbox("construct-callback", c.form.Callback).OnChange(func(ctx app.Context, e app.Event) {
					c.form.Callback = checked(ctx)
				}),
				app.Text(" Callback (carries merchant_id; posted to the merchant's call_back_url). Unticked: a response as OTT Pay returns it."),
			),
		),
		app.Div().Class("field").Body(
			app.Label().For("construct-rsp-code").Text("rsp_code"),
			app.Select().ID("construct-rsp-code").OnChange(func(ctx app.Context, e app.Event) {
				c.form.RspCode = inputValue(ctx)
			}).Body(app.Range(codes).Slice(func(i int) app.UI {
				k := codes[i]
				return app.Option().Value(k.Code).Selected(k.Code == c.form.RspCode).Text(k.Code + ": " + k.Meaning)
			})),
		),
		app.Div().Class("field").Body(
			app.Label().For("construct-rsp-msg").Text("rsp_msg"),
			textInput("construct-rsp-msg", "text", c.form.RspMsg).OnInput(func(ctx app.Context, e app.Event) {
				c.form.RspMsg = inputValue(ctx)
			}),
		),
		app.If(c.form.Callback, app.Div().Class("field").Body(
			app.Label().For("construct-callback-url").Text("The merchant's callback handler (for the curl command)"),
			textInput("construct-callback-url", "url", c.form.CallbackURL).Placeholder(DefaultCallbackURL).OnInput(func(ctx app.Context, e app.Event) {
				c.form.CallbackURL = inputValue(ctx)
			}),
		)),
		renderProblems("construct-rsp-problems", codeProblems),
	)
}

func (c *Construct) renderPlain(m *Message) app.UI {
	if len(m.PlainRows) == 0 {
		return nil
	}
	return app.Details().Class("plain").Body(
		app.Summary().Text("Plain envelope members (sent unencrypted beside data)"),
		app.Range(m.PlainRows).Slice(func(i int) app.UI { return c.renderRow(m.PlainRows[i], c.form.Plain, "plain-") }),
	)
}

func (c *Construct) renderRow(r Row, values map[string]string, prefix string) app.UI {
	f := r.Field
	id := prefix + f.Name
	name := f.Name
	input := textInput(id, "text", r.Value).Spellcheck(false).
		Attr("autocomplete", "off").
		OnInput(func(ctx app.Context, e app.Event) {
			values[name] = inputValue(ctx)
			c.touched[id] = true
		})
	var list app.UI
	if len(f.Enum) > 0 {
		input = input.List(id + "-values")
		list = app.DataList().ID(id + "-values").Body(app.Range(f.Enum).Slice(func(i int) app.UI {
			return app.Option().Value(f.Enum[i])
		}))
	}
	var shown []catalog.Problem
	for _, p := range r.Problems {
		if p.Severity != catalog.Error || c.touched[id] {
			shown = append(shown, p)
		}
	}
	return app.Div().Class("field", "row").DataSet("field", f.Name).Body(
		app.Label().For(id).Body(
			app.Code().Text(f.Name),
			app.If(f.IsRequired(), app.Span().Class("required").Title("required").Text(" *")),
		),
		input,
		list,
		app.If(f.Note != "", app.Small().Class("note").Text(f.Note)),
		renderProblems("", shown),
	)
}

func renderProblems(id string, ps []catalog.Problem) app.UI {
	if len(ps) == 0 {
		return nil
	}
	ul := app.Ul().Class("findings")
	if id != "" {
		ul = ul.ID(id)
	}
	return ul.Body(app.Range(ps).Slice(func(i int) app.UI {
		cls := "warn"
		switch ps[i].Severity {
		case catalog.Error:
			cls = "error"
		case catalog.Info:
			cls = "info"
		}
		return app.Li().Class(cls).Text(ps[i].Message)
	}))
}

func (c *Construct) renderOutput(m *Message) app.UI {
	if !m.OK() {
		var missing []string
		for _, r := range append(append([]Row(nil), m.Rows...), m.PlainRows...) {
			if hasSeverity(r.Problems, catalog.Error) {
				missing = append(missing, r.Field.Name)
			}
		}
		msg := "The signed message appears here once the form has no errors (required fields are marked *)."
		if len(missing) > 0 {
			msg += " To fix: " + strings.Join(missing, ", ") + "."
		}
		return app.Section().ID("construct-output").Class("output", "empty").Body(app.P().Text(msg))
	}
	title := "Request envelope"
	switch m.Kind {
	case codec.Response:
		title = "Response body"
	case codec.Callback:
		title = "Callback body"
	}
	return app.Section().ID("construct-output").Class("output").Body(
		app.H2().Text(title),
		app.Pre().ID("construct-envelope").Class("code").Text(m.Envelope),
		app.Div().Class("actions").Body(
			c.copyButton("copy-envelope", "Copy JSON", m.Envelope),
			app.If(DecodeLink(m.Envelope) != "", app.A().ID("construct-decode").Class("button").Href(DecodeLink(m.Envelope)).Text("Decode this")),
			c.sendButton(m),
		),
		c.renderSent(m),
		app.If(m.Curl != "",
			app.H3().Text("curl"),
			app.P().Class("hint").Text(curlNote(m)),
			app.Pre().ID("construct-curl").Class("code").Text(m.Curl),
			app.Div().Class("actions").Body(c.copyButton("copy-curl", "Copy curl command", m.Curl)),
		),
		app.If(m.Kind == codec.Response,
			app.P().Class("hint").Text("A response is what OTT Pay returns to a request: use it to test how a merchant's system reads replies."),
		),
	)
}

func curlNote(m *Message) string {
	if m.Kind == codec.Callback {
		return "Posts the signed callback to the merchant's handler, as OTT Pay would after a payment. For testing only."
	}
	return "Posts the request to the documented endpoint " + m.Endpoint + ". It is a real call: check the merchant and amount first."
}

func (c *Construct) copyButton(id, label, text string) app.UI {
	shown := label
	if c.copied == id {
		shown = "Copied"
	}
	return app.Button().ID(id).Class("copy").Text(shown).OnClick(func(ctx app.Context, e app.Event) {
		copyText(text)
		c.copied = id
	})
}
