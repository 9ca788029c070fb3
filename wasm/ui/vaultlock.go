package ui

import (
	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// VaultLock shows the unlock form while the key vault is locked, and
// nothing otherwise. A page that uses the vault's keys without listing
// them (the Batch page) puts it above its own content. While the page is
// mounted it also locks the vault once it has been idle for its auto-lock
// time.
type VaultLock struct {
	app.Compo

	// Env is the workbench's environment: the vault it watches.
	Env *Env
	// Purpose ends the sentence "Type the vault passphrase to …", saying
	// what unlocking gives on the page.
	Purpose string

	gate lockGate
}

// OnMount reads whether the vault is locked and starts the auto-lock
// watch.
func (c *VaultLock) OnMount(ctx app.Context) {
	c.check(ctx)
	c.gate.mount(ctx, c.Env, c.check)
}

// check reads whether the vault is locked. It asks for the vault's
// status, which neither decrypts the keys nor counts as use.
func (c *VaultLock) check(ctx app.Context) {
	v := c.Env.vaultAdmin()
	if v == nil {
		return
	}
	ctx.Async(func() {
		s, err := v.Status(ctx)
		ctx.Dispatch(func(app.Context) { c.gate.locked = err == nil && s.Locked })
	})
}

// Render draws the unlock form while the vault is locked.
func (c *VaultLock) Render() app.UI {
	return app.Div().ID("vault-gate").Body(
		c.gate.render(c.Env, c.Purpose, true, func(app.Context) {}),
	)
}
