package ui

import (
	"context"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/codec"
)

// sendState is the Construct page's Send: the request last sent to the
// sandbox and the card of its answer.
type sendState struct {
	running  bool
	envelope string // the envelope sent
	err      string
	card     *Card
	view     Decode // renders the card as the Decode page does
}

// canSend reports whether m can be sent: a sandbox is attached, m is a
// signed request, and a profile with a key signed it.
func (c *Construct) canSend(m *Message) bool {
	return c.env != nil && c.env.Sandbox != nil && m.OK() && m.Kind == codec.Request && c.profile() != nil
}

// sendButton is the Send button, shown only with a sandbox.
func (c *Construct) sendButton(m *Message) app.UI {
	if c.env == nil || c.env.Sandbox == nil || m.Kind != codec.Request {
		return nil
	}
	label := "Send to the sandbox"
	if c.send.running {
		label = "Sending…"
	}
	return app.Button().ID("construct-send").Text(label).
		Title("POST this request to the local sandbox's /processV2 and decode its answer").
		Disabled(c.send.running || !c.canSend(m)).
		OnClick(func(ctx app.Context, e app.Event) { c.sendNow(ctx) })
}

// sendNow POSTs the signed request to the sandbox and decodes the answer
// with the profile's key.
func (c *Construct) sendNow(ctx app.Context) {
	m := Build(c.form, c.profile())
	if !c.canSend(&m) || c.send.running {
		return
	}
	p := *c.profile()
	sb := c.env.Sandbox
	c.send = sendState{running: true, envelope: m.Envelope}
	ctx.Async(func() {
		rctx, cancel := context.WithTimeout(context.Background(), sandboxTimeout)
		defer cancel()
		body, err := sb.Send(rctx, m.Envelope)
		// For the page, not the button, which may be redrawn meanwhile
		// (see Sandbox.dispatch).
		ctx.Dispatcher().Dispatch(app.Dispatch{Mode: app.Update, Source: c, Function: func(ctx app.Context) {
			c.send.running = false
			if err != nil {
				c.send.err = err.Error()
			}
			if body != "" {
				card := ResponseCard(body, p)
				c.send.card = &card
			}
		}})
	})
}

// renderSent shows the sandbox's answer to the request last sent, while
// the form still builds that request.
func (c *Construct) renderSent(m *Message) app.UI {
	if c.env == nil || c.env.Sandbox == nil || c.send.envelope == "" {
		return nil
	}
	var card app.UI
	if c.send.card != nil {
		card = c.send.view.renderCard(c.send.card)
	}
	return app.Div().ID("send-result").DataSet("running", c.send.running).Body(
		app.H3().Text("The sandbox's answer"),
		app.If(c.send.envelope != m.Envelope, app.P().ID("send-stale").Class("hint").Text("The form changed since: this answers the request sent before.")),
		app.If(c.send.running, app.P().Text("Waiting for the sandbox…")),
		app.If(c.send.err != "", app.P().ID("send-error").Class("error").Text(c.send.err)),
		card,
	)
}
