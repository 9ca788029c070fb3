package ui

import (
	"context"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// SandboxRefresh is how often the Sandbox page reads the sandbox again
// while automatic refresh is on.
const SandboxRefresh = 2 * time.Second

// Sandbox is the page that shows the local sandbox's orders and callback
// deliveries (with every attempt), with Pay, Decline and Resend buttons.
// It exists only when the workbench is served with the sandbox (Env.Sandbox).
type Sandbox struct {
	app.Compo

	env *Env

	orders     []SandboxOrder
	deliveries []SandboxDelivery
	loaded     bool
	err        string // why the last read or action failed
	note       string // what the last action did
	manual     bool   // automatic refresh turned off
	update     bool

	stop context.CancelFunc // ends the periodic refresh
}

// NewSandbox returns the Sandbox page for env.
func NewSandbox(env *Env) *Sandbox { return &Sandbox{env: env} }

// OnMount reads the sandbox, then again every SandboxRefresh while the
// page shows and automatic refresh is on.
func (s *Sandbox) OnMount(ctx app.Context) {
	s.update = ctx.AppUpdateAvailable()
	s.refresh(ctx)
	if !s.attached() {
		return
	}
	tick, stop := context.WithCancel(context.Background())
	s.stop = stop
	// A goroutine of its own, not ctx.Async: it runs as long as the page
	// shows, and go-app waits for Async work to end.
	go func() {
		t := time.NewTicker(SandboxRefresh)
		defer t.Stop()
		for {
			select {
			case <-tick.Done():
				return
			case <-t.C:
				s.dispatch(ctx, func(ctx app.Context) {
					if !s.manual {
						s.refresh(ctx)
					}
				})
			}
		}
	}()
}

// OnDismount ends the periodic refresh.
func (s *Sandbox) OnDismount() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// OnAppUpdate shows the reload prompt.
func (s *Sandbox) OnAppUpdate(ctx app.Context) { s.update = ctx.AppUpdateAvailable() }

// refresh reads the orders and deliveries in the background.
func (s *Sandbox) refresh(ctx app.Context) {
	if !s.attached() {
		return
	}
	sb := s.env.Sandbox
	ctx.Async(func() {
		rctx, cancel := context.WithTimeout(context.Background(), sandboxTimeout)
		defer cancel()
		orders, err := sb.Orders(rctx)
		var ds []SandboxDelivery
		if err == nil {
			ds, err = sb.Deliveries(rctx)
		}
		s.dispatch(ctx, func(ctx app.Context) {
			s.loaded = true
			if err != nil {
				s.err = err.Error()
				return
			}
			s.orders, s.deliveries, s.err = orders, ds, ""
		})
	})
}

// sandboxTimeout bounds one exchange with the sandbox.
const sandboxTimeout = 30 * time.Second

// dispatch runs fn on the UI goroutine for the page itself, not for the
// element whose event started the work: that element may be gone by the
// time the answer comes, and go-app drops a dispatch to an element that
// is no longer mounted.
func (s *Sandbox) dispatch(ctx app.Context, fn func(app.Context)) {
	ctx.Dispatcher().Dispatch(app.Dispatch{Mode: app.Update, Source: s, Function: fn})
}

// attached reports whether the page has a sandbox to read: the server's
// pre-rendering has a client with no origin.
func (s *Sandbox) attached() bool {
	return s.env != nil && s.env.Sandbox != nil && s.env.Sandbox.Base != ""
}

// act runs one control API call, then reads the sandbox again.
func (s *Sandbox) act(ctx app.Context, done string, call func(context.Context, *SandboxClient) error) {
	if !s.attached() {
		return
	}
	sb := s.env.Sandbox
	s.note, s.err = "", ""
	ctx.Async(func() {
		rctx, cancel := context.WithTimeout(context.Background(), sandboxTimeout)
		defer cancel()
		err := call(rctx, sb)
		s.dispatch(ctx, func(ctx app.Context) {
			if err != nil {
				s.err = err.Error()
			} else {
				s.note = done
			}
			s.refresh(ctx)
		})
	})
}

// Render draws the page.
func (s *Sandbox) Render() app.UI {
	return Shell(PathSandbox, s.update,
		app.H1().Text("Sandbox"),
		app.P().Class("lead").Text("The local OTT Pay sandbox this workbench is served with: its orders and the callbacks it delivers. Nothing here moves money."),
		app.Div().Class("actions").Body(
			app.Button().ID("sandbox-refresh").Class("secondary").Text("Refresh").OnClick(func(ctx app.Context, e app.Event) {
				s.refresh(ctx)
			}),
			app.Label().Class("inline").Body(
				checkbox("sandbox-auto", !s.manual).OnChange(func(ctx app.Context, e app.Event) {
					s.manual = !checked(ctx)
				}),
				app.Text(" refresh every "+strconv.Itoa(int(SandboxRefresh/time.Second))+" s"),
			),
		),
		// Always drawn, empty or not: the elements below keep their
		// places, so go-app never replaces the buttons while they work.
		app.P().ID("sandbox-error").Class("error").Aria("live", "polite").Text(s.err),
		app.P().ID("sandbox-note").Class("hint").Aria("live", "polite").Text(s.note),
		app.H2().Text("Orders"),
		s.renderOrders(),
		app.H2().Text("Callback deliveries"),
		s.renderDeliveries(),
	)
}

func (s *Sandbox) renderOrders() app.UI {
	if !s.loaded {
		return app.P().ID("sandbox-orders-loading").Text("Reading the sandbox…")
	}
	if len(s.orders) == 0 {
		return app.P().ID("sandbox-no-orders").Class("hint").Text("No orders yet: send an ACTIVEPAY (or another create) from the Construct page.")
	}
	return app.Table().ID("sandbox-orders").Class("fields").Body(
		app.THead().Body(app.Tr().Body(
			app.Th().Text("order_id"), app.Th().Text("Merchant"), app.Th().Text("Action"),
			app.Th().Text("Amount"), app.Th().Text("State"), app.Th().Text("Callback URL"), app.Th(),
		)),
		app.TBody().Body(app.Range(s.orders).Slice(func(i int) app.UI {
			o := s.orders[i]
			id := o.ID
			open := OrderOpen(o)
			return app.Tr().DataSet("order", o.ID).DataSet("state", o.State).Body(
				app.Td().Body(app.Code().Text(o.ID)),
				app.Td().Text(o.MerchantID),
				app.Td().Text(o.Action),
				app.Td().Class("amount").Text(FormatCents(o.Amount)),
				app.Td().Class("state").Text(OrderStateWords(o)),
				app.Td().Class("url").Text(o.CallbackURL),
				app.Td().Body(
					app.If(open,
						app.Button().Class("pay").Text("Pay").OnClick(func(ctx app.Context, e app.Event) {
							s.act(ctx, "Order "+id+" paid.", func(c context.Context, sb *SandboxClient) error { return sb.Pay(c, id) })
						}, id),
						app.Button().Class("decline", "danger").Text("Decline").OnClick(func(ctx app.Context, e app.Event) {
							s.act(ctx, "Order "+id+" declined.", func(c context.Context, sb *SandboxClient) error { return sb.Decline(c, id) })
						}, id),
					),
				),
			)
		})),
	)
}

func (s *Sandbox) renderDeliveries() app.UI {
	if !s.loaded {
		return nil
	}
	if len(s.deliveries) == 0 {
		return app.P().ID("sandbox-no-callbacks").Class("hint").Text("No callbacks yet: a paid order with a callback URL gets one.")
	}
	return app.Table().ID("sandbox-callbacks").Class("fields").Body(
		app.THead().Body(app.Tr().Body(
			app.Th().Text("order_id"), app.Th().Text("To"), app.Th().Text("State"), app.Th().Text("Attempts"), app.Th(),
		)),
		app.TBody().Body(app.Range(s.deliveries).Slice(func(i int) app.UI {
			d := s.deliveries[i]
			id := d.ID
			return app.Tr().DataSet("delivery", d.ID).DataSet("order", d.OrderID).DataSet("state", d.State).Body(
				app.Td().Body(app.Code().Text(d.OrderID)),
				app.Td().Class("url").Text(d.URL),
				app.Td().Class("state").Text(d.State),
				app.Td().Body(
					app.Span().Class("count").Text(plural(d.AttemptCount, "attempt")),
					app.Ol().Class("attempts").Body(app.Range(d.Attempts).Slice(func(j int) app.UI {
						a := d.Attempts[j]
						return app.Li().Class(ifThen(a.Acked, "acked", "unacked")).Text(AttemptWords(a))
					})),
				),
				app.Td().Body(
					app.Button().Class("resend", "secondary").Text("Resend").OnClick(func(ctx app.Context, e app.Event) {
						s.act(ctx, "Callback "+id+" sent again.", func(c context.Context, sb *SandboxClient) error { return sb.Resend(c, id) })
					}, id), // the scope: go-app keeps a handler of the same code otherwise, with the id of the row's first render
				),
			)
		})),
	)
}

// OrderOpen reports whether an order waits for its payer, so that Pay and
// Decline apply.
func OrderOpen(o SandboxOrder) bool { return o.State == "processing" }

// OrderStateWords is an order's state for people, with why it closed.
func OrderStateWords(o SandboxOrder) string {
	if o.State == "closed" && o.CloseReason != "" {
		return "closed (" + o.CloseReason + ")"
	}
	return o.State
}

// AttemptWords describes one callback attempt: when, the answer's status
// (or the error), how long it took, and whether it acknowledged.
func AttemptWords(a SandboxAttempt) string {
	s := a.At.UTC().Format("15:04:05") + " "
	switch {
	case a.Error != "":
		s += "failed: " + a.Error
	case a.Status != 0:
		s += "HTTP " + strconv.Itoa(a.Status)
	default:
		s += "no answer"
	}
	s += ", " + a.Latency.Round(time.Millisecond).String()
	if a.Acked {
		s += ", acknowledged"
	} else {
		s += ", not acknowledged"
	}
	if a.Body != "" && a.Error == "" {
		s += ": " + strconv.Quote(a.Body)
	}
	return s
}

// RegisterSandbox routes the Sandbox page and lists it in the navigation
// bar after Construct, once. Call it only when env.Sandbox answers (see
// SandboxClient.Detect), before the app starts.
func RegisterSandbox(env *Env) {
	at := len(Nav)
	for i, n := range Nav {
		if n.Path == PathSandbox {
			return
		}
		if n.Path == PathConstruct {
			at = i + 1
		}
	}
	Nav = append(Nav[:at:at], append([]NavItem{{PathSandbox, "Sandbox"}}, Nav[at:]...)...)
	app.RouteFunc(PathSandbox, func() app.Composer { return NewSandbox(env) })
}
