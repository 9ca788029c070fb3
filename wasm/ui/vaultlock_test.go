package ui

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// A page that uses the vault's keys without listing them shows the unlock
// form while the vault is locked, and nothing once it is open.
func TestVaultLockShowsTheUnlockFormWhileLocked(t *testing.T) {
	v := lockedVault(t, nil, shop)
	c := &VaultLock{Env: &Env{Store: v}, Purpose: "decode with the saved keys"}
	d := app.NewClientTester(c)
	defer d.Close()
	html := redraw(d, c)
	if !c.gate.locked || !strings.Contains(html, `id="unlock-pass"`) ||
		!strings.Contains(html, "Type the vault passphrase to decode with the saved keys.") ||
		!strings.Contains(html, `href="/keys"`) {
		t.Fatalf("a locked vault (locked %v):\n%s", c.gate.locked, html)
	}

	c.gate.pass = "not the passphrase"
	c.gate.unlock(d.Context(), c.Env, func(app.Context) {})
	html = redraw(d, c)
	if !c.gate.locked || !strings.Contains(html, `id="unlock-error"`) {
		t.Fatalf("a wrong passphrase: locked %v:\n%s", c.gate.locked, html)
	}

	c.gate.pass = testPass
	c.gate.unlock(d.Context(), c.Env, func(app.Context) {})
	html = redraw(d, c)
	if c.gate.locked || strings.Contains(html, `id="unlock"`) {
		t.Fatalf("after unlocking (locked %v):\n%s", c.gate.locked, html)
	}
}

// An open vault shows no form at all.
func TestVaultLockShowsNothingWhenOpen(t *testing.T) {
	v := fastVault(t, nil)
	c := &VaultLock{Env: &Env{Store: v}, Purpose: "decode"}
	d := app.NewClientTester(c)
	defer d.Close()
	if html := redraw(d, c); c.gate.locked || strings.Contains(html, `id="unlock"`) {
		t.Fatalf("an open vault:\n%s", html)
	}
}
