package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// Vault is what the Keys page needs to administer the key vault: its
// passphrase, its auto-lock and its backups. *vault.Vault implements it;
// see package vault for what each method does.
//
// Every method that takes a context may wait for the browser's storage or
// derive a key from a passphrase (slow by design): the pages call them from
// ctx.Async, never on the UI goroutine. Lock, Touch and LockIfIdle do no
// I/O.
type Vault interface {
	// Status describes the vault without unlocking it.
	Status(ctx context.Context) (vault.Status, error)
	// Unlock opens a vault that has a passphrase; a wrong one returns
	// vault.ErrWrongPassphrase and changes nothing.
	Unlock(ctx context.Context, passphrase string) error
	// Lock forgets the passphrase key until the next Unlock.
	Lock()
	// Touch counts as use, restarting the idle time of an open vault.
	Touch()
	// LockIfIdle locks the vault once it has been idle for its
	// auto-lock time, reports whether it is locked, and while it is
	// open, when it will lock unless used.
	LockIfIdle() (locked bool, at time.Time)
	// SetAutoLock sets the idle time, between vault.MinAutoLock and
	// vault.MaxAutoLock.
	SetAutoLock(ctx context.Context, d time.Duration) error
	// SetPassphrase sets, changes (next != "") or removes (next == "")
	// the passphrase, re-encrypting every key in one transaction.
	SetPassphrase(ctx context.Context, current, next string) error
	// Export returns a backup file of every profile, encrypted with
	// passphrase.
	Export(ctx context.Context, passphrase string) ([]byte, error)
	// PreviewImport decrypts a backup file and compares it with the
	// vault, writing nothing.
	PreviewImport(ctx context.Context, file []byte, passphrase string) (*vault.Import, error)
	// ApplyImport adds the new profiles of a preview and replaces the
	// changed ones listed in replace (by current profile ID), in one
	// transaction.
	ApplyImport(ctx context.Context, imp *vault.Import, replace []string) error
}

var _ Vault = (*vault.Vault)(nil)

// vaultAdmin returns the vault to administer: env.Vault, else the store
// if it is one, else nil (the pages then offer no lock or backup).
func (env *Env) vaultAdmin() Vault {
	if env == nil {
		return nil
	}
	if env.Vault != nil {
		return env.Vault
	}
	v, _ := env.Store.(Vault)
	return v
}

// MinPassphrase is the shortest vault or backup passphrase the Keys page
// accepts, in characters.
const MinPassphrase = 8

// checkNewPassphrase checks a new passphrase typed twice, and returns what
// is wrong with it in a sentence, or "".
func checkNewPassphrase(next, confirm string) string {
	switch {
	case next == "":
		return "Type the new passphrase, twice."
	case utf8.RuneCountInString(next) < MinPassphrase:
		return "The new passphrase is too short: use at least 8 characters (a few words are easier to remember than symbols)."
	case next != confirm:
		return "The two passphrases differ: type the same passphrase in both boxes."
	}
	return ""
}

// lockPoll is the longest the pages wait between two checks of the
// auto-lock.
const lockPoll = 20 * time.Second

// nextLockCheck returns how long to wait before the next call of
// LockIfIdle, given what the last call returned and the time now: until
// the vault would lock (at least a second), at most lockPoll.
func nextLockCheck(locked bool, at, now time.Time) time.Duration {
	if locked || at.IsZero() {
		return lockPoll
	}
	return min(max(at.Sub(now)+100*time.Millisecond, time.Second), lockPoll)
}

// lockWatch checks the auto-lock once: it calls LockIfIdle, and reports
// whether the vault has just locked itself (it was open at the previous
// check, wasLocked false), whether it is locked now, and how long to wait
// before the next check.
func lockWatch(v Vault, wasLocked bool, now time.Time) (justLocked, locked bool, wait time.Duration) {
	locked, at := v.LockIfIdle()
	return locked && !wasLocked, locked, nextLockCheck(locked, at, now)
}

// lockGate is the part of a page that deals with a locked vault: it
// remembers whether the last read found the vault locked, and draws the
// unlock form then.
type lockGate struct {
	locked bool   // the last read of the vault said it is locked
	pass   string // the unlock form's passphrase, cleared after each try
	err    string // why the last unlock failed
	busy   bool   // an unlock is running
	tries  int    // unlock attempts answered, shown as data-tries

	// page is the page component's context, from mount: work that
	// outlives the element that started it (the unlock form goes away
	// once the vault is open) reports to the page through it.
	page app.Context
}

// pageCtx returns the page's context, or ctx before mount.
func (g *lockGate) pageCtx(ctx app.Context) app.Context {
	if g.page != nil {
		return g.page
	}
	return ctx
}

// note takes in the error of a read of the vault's profiles, and returns
// the text to show for it: "" when there is none or when it only says the
// vault is locked (the unlock form says that).
func (g *lockGate) note(err error) string {
	g.locked = errors.Is(err, vault.ErrLocked)
	if err == nil || g.locked {
		return ""
	}
	return err.Error()
}

// mount is called from the page's OnMount with the page's context. It
// keeps that context, and, as long as the page is mounted, locks the vault
// once it has been idle for its auto-lock time and then calls reload on
// the UI goroutine, so that the page drops the keys it shows or uses. The
// watching runs in the browser only (component tests call lockWatch
// themselves).
func (g *lockGate) mount(ctx app.Context, env *Env, reload func(app.Context)) {
	g.page = ctx
	v := env.vaultAdmin()
	if v == nil || !app.IsClient {
		return
	}
	ctx.Async(func() {
		locked, at := v.LockIfIdle()
		wait := nextLockCheck(locked, at, time.Now())
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			var just bool
			just, locked, wait = lockWatch(v, locked, time.Now())
			if just {
				ctx.Dispatch(reload)
			}
		}
	})
}

// unlock tries the typed passphrase, then clears it, and calls after on
// success.
func (g *lockGate) unlock(ctx app.Context, env *Env, after func(app.Context)) {
	v := env.vaultAdmin()
	if v == nil || g.busy {
		return
	}
	pass := g.pass
	g.pass = ""
	setFieldValue("", "unlock-pass")
	if pass == "" {
		g.err = "Type the vault passphrase."
		return
	}
	g.busy, g.err = true, ""
	ctx.Async(func() {
		err := v.Unlock(context.Background(), pass)
		ctx.Dispatch(func(ctx app.Context) {
			g.busy = false
			g.tries++
			if err != nil {
				g.err = sentence(err)
				return
			}
			g.locked = false
			after(g.pageCtx(ctx))
		})
	})
}

// render draws the unlock form while the vault is locked, and nothing
// otherwise. where says what unlocking gives on this page ("decode with
// the saved keys"); keysLink adds a link to the Keys page, where the vault
// is managed; after runs once the vault is open (the page reloads its
// profiles).
func (g *lockGate) render(env *Env, where string, keysLink bool, after func(app.Context)) app.UI {
	if !g.locked {
		return nil
	}
	label := "Unlock"
	if g.busy {
		label = "Unlocking…"
	}
	return app.Section().ID("unlock").Class("form", "unlock").DataSet("tries", g.tries).Body(
		app.H2().Text("The key vault is locked"),
		app.P().ID("unlock-notice").Body(
			app.Text("Type the vault passphrase to "+where+"."),
			app.If(keysLink,
				app.Text(" You can also unlock and manage the vault on the "),
				app.A().Href(Href(PathKeys)).Text("Keys page"),
				app.Text("."),
			),
		),
		app.Form().ID("unlock-form").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			g.unlock(ctx, env, after)
		}).Body(
			// A hidden user name lets the browser's password manager
			// tell this passphrase from a web site's password.
			app.Input().Type("text").Name("username").Value("ottpay-key-vault").
				Attr("autocomplete", "username").Hidden(true).ReadOnly(true),
			app.Div().Class("field").Body(
				app.Label().For("unlock-pass").Text("Vault passphrase"),
				textInput("unlock-pass", "password", g.pass).
					Attr("autocomplete", "current-password").Spellcheck(false).
					OnInput(func(ctx app.Context, e app.Event) { g.pass = inputValue(ctx) }),
				button("unlock-submit", g.busy).Type("submit").Text(label),
			),
		),
		app.If(g.err != "", app.P().ID("unlock-error").Class("error").Aria("live", "polite").Text(g.err)),
	)
}

// sentence returns an error's text as a sentence, as the pages show it:
// a capital first letter and a full stop.
func sentence(err error) string {
	s := err.Error()
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// plural returns "1 profile" or "n profiles".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// duration says an auto-lock time in words: "1 minute", "15 minutes",
// "1 hour", "1 hour 30 minutes".
func duration(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if h > 0 {
		parts = append(parts, plural(h, "hour"))
	}
	if m > 0 || h == 0 {
		parts = append(parts, plural(m, "minute"))
	}
	return strings.Join(parts, " ")
}

// button is a button that is disabled when off is true. The disabled
// attribute is only written then: a pre-rendered disabled="false" would
// disable the button until the app starts.
func button(id string, off bool) app.HTMLButton {
	b := app.Button().ID(id)
	if off {
		b = b.Disabled(true)
	}
	return b
}
