package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// testClock is a clock the tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// The passphrases of the tests.
const (
	testPass  = "first passphrase"
	testPass2 = "second passphrase"
)

// fastVault returns an in-memory vault holding ps, with the lowest key
// derivation cost the vault allows, on clock.
func fastVault(t *testing.T, clock *testClock, ps ...vault.Profile) *vault.Vault {
	t.Helper()
	opts := vault.Options{Iterations: 1000}
	if clock != nil {
		opts.Now = clock.Now
	}
	v := vault.NewMemory(opts)
	for _, p := range ps {
		p.ID = ""
		if _, err := v.Put(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// lockedVault returns fastVault with passphrase testPass, locked.
func lockedVault(t *testing.T, clock *testClock, ps ...vault.Profile) *vault.Vault {
	t.Helper()
	v := fastVault(t, clock, ps...)
	if err := v.SetPassphrase(context.Background(), "", testPass); err != nil {
		t.Fatal(err)
	}
	v.Lock()
	return v
}

// tagWithID returns the opening tag of the element with the given id in
// html, or "".
func tagWithID(html, id string) string {
	i := strings.Index(html, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(html[:i], "<")
	end := strings.Index(html[i:], ">")
	return html[start : i+end+1]
}

// redraw renders a component again after its state was changed by hand.
func redraw(d app.ClientDispatcher, c app.Composer) string {
	settle(d)
	c.Update()
	d.Consume()
	return app.HTMLString(c)
}

func status(t *testing.T, v *vault.Vault) vault.Status {
	t.Helper()
	s, err := v.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	shopB = vault.Profile{Label: "Shop B", MerchantID: "QC00005496", SignKey: "A8B5FE540E38A5A9"}
	shopC = vault.Profile{Label: "Shop C", MerchantID: "CAMB006711", OperatorID: "0000000437", SignKey: "0123456789ABCDEF"}
)

func TestKeysPageSetsAPassphraseThenLocksAndUnlocks(t *testing.T) {
	v := fastVault(t, nil, shop)
	c := &Keys{env: &Env{Store: v}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	ctx := d.Context()

	html := redraw(d, c)
	if !strings.Contains(html, "No passphrase") || !strings.Contains(html, `id="pass-new"`) || strings.Contains(html, `id="pass-current"`) {
		t.Fatalf("the Vault lock section of an unprotected vault:\n%s", html)
	}
	for id, autocomplete := range map[string]string{
		"pass-new": "new-password", "pass-confirm": "new-password",
		"export-pass": "new-password", "export-confirm": "new-password",
		"import-pass": "current-password",
	} {
		tag := tagWithID(html, id)
		if !strings.Contains(tag, `type="password"`) || !strings.Contains(tag, `autocomplete="`+autocomplete+`"`) {
			t.Errorf("%s is %s; want a password input with autocomplete=%s", id, tag, autocomplete)
		}
	}
	if strings.Contains(html, `disabled="false"`) {
		t.Error(`the page pre-renders disabled="false", which disables a button until the app starts`)
	}

	// Typed twice differently, too short, or not at all: refused.
	for _, tc := range []struct{ next, confirm, want string }{
		{testPass, testPass + "x", "differ"},
		{"short", "short", "too short"},
		{"", "", "Type the new passphrase"},
	} {
		c.pass.next, c.pass.confirm = tc.next, tc.confirm
		c.submitPassphrase(ctx)
		settle(d)
		if !strings.Contains(c.pass.err, tc.want) || status(t, v).Protected {
			t.Errorf("%q/%q: error %q, protected %v; want %q and no passphrase", tc.next, tc.confirm, c.pass.err, status(t, v).Protected, tc.want)
		}
		if c.pass.next != "" || c.pass.confirm != "" {
			t.Error("the typed passphrases were kept after use")
		}
	}

	c.pass.next, c.pass.confirm = testPass, testPass
	c.submitPassphrase(ctx)
	html = redraw(d, c)
	if s := status(t, v); !s.Protected || s.Locked || s.Iterations != 1000 {
		t.Fatalf("after setting a passphrase: %+v", s)
	}
	if !strings.Contains(html, "PBKDF2-SHA256 with 1,000 iterations") || !strings.Contains(html, "after 15 minutes without use") {
		t.Errorf("the lock state does not give the iterations and the auto-lock time")
	}
	if c.pass.err != "" || !strings.Contains(c.status, "Passphrase set") || c.pass != (passForm{}) {
		t.Errorf("after setting: error %q, status %q, form %+v", c.pass.err, c.status, c.pass)
	}
	if tag := tagWithID(html, "pass-current"); !strings.Contains(tag, `type="password"`) || !strings.Contains(tag, `autocomplete="current-password"`) {
		t.Errorf("the current passphrase input is %s", tag)
	}
	if !strings.Contains(html, "Protected") || !strings.Contains(html, `id="lock-now"`) {
		t.Errorf("the Vault lock section of a protected vault:\n%s", html)
	}

	// Lock now: the page keeps no profile and shows only the unlock form.
	c.lockNow(ctx)
	html = redraw(d, c)
	if !c.lock.locked || c.profiles != nil {
		t.Fatalf("after Lock now: locked %v, %d profiles in memory", c.lock.locked, len(c.profiles))
	}
	for _, gone := range []string{`id="profiles"`, `id="profile-form"`, `id="backup"`, `id="vault-lock"`, shop.Label, vault.Mask(shop.SignKey)} {
		if strings.Contains(html, gone) {
			t.Errorf("the locked page shows %s", gone)
		}
	}
	if !strings.Contains(html, `id="unlock-pass"`) || !strings.Contains(html, "1 merchant profile") || strings.Contains(html, `id="store-error"`) || strings.Contains(html, `href="/keys">Keys page`) {
		t.Errorf("the locked page:\n%s", html)
	}

	// A wrong passphrase says so and leaves the vault locked.
	c.lock.pass = "wrong passphrase"
	c.lock.unlock(ctx, c.env, c.reload)
	html = redraw(d, c)
	if !c.lock.locked || !status(t, v).Locked || c.lock.pass != "" || c.lock.tries != 1 {
		t.Fatalf("after a wrong passphrase: locked %v, pass kept %v, tries %d", c.lock.locked, c.lock.pass != "", c.lock.tries)
	}
	if !strings.Contains(c.lock.err, "Wrong passphrase") || !strings.Contains(html, `id="unlock-error"`) {
		t.Errorf("the wrong passphrase is reported as %q", c.lock.err)
	}

	c.lock.pass = testPass
	c.lock.unlock(ctx, c.env, c.reload)
	html = redraw(d, c)
	if c.lock.locked || len(c.profiles) != 1 || c.lock.err != "" {
		t.Fatalf("after unlocking: locked %v, %d profiles, error %q", c.lock.locked, len(c.profiles), c.lock.err)
	}
	if !strings.Contains(html, `id="profiles"`) || strings.Contains(html, `id="unlock"`) {
		t.Error("the unlocked page does not list the profiles")
	}
}

func TestKeysPageChangesAndRemovesThePassphrase(t *testing.T) {
	v := lockedVault(t, nil, shop, shopB)
	if err := v.Unlock(context.Background(), testPass); err != nil {
		t.Fatal(err)
	}
	c := &Keys{env: &Env{Store: v}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	ctx := d.Context()

	// A wrong current passphrase changes nothing.
	c.pass.current, c.pass.next, c.pass.confirm = "wrong passphrase", testPass2, testPass2
	c.submitPassphrase(ctx)
	settle(d)
	if !strings.Contains(c.pass.err, "Wrong passphrase") {
		t.Errorf("a wrong current passphrase gives %q", c.pass.err)
	}
	v.Lock()
	if err := v.Unlock(context.Background(), testPass); err != nil {
		t.Fatalf("the old passphrase no longer unlocks after a refused change: %v", err)
	}

	c.pass.current, c.pass.next, c.pass.confirm = testPass, testPass2, testPass2
	c.submitPassphrase(ctx)
	settle(d)
	if c.pass.err != "" || !strings.Contains(c.status, "Passphrase changed") {
		t.Fatalf("change: error %q, status %q", c.pass.err, c.status)
	}
	v.Lock()
	if err := v.Unlock(context.Background(), testPass); !errors.Is(err, vault.ErrWrongPassphrase) {
		t.Errorf("the old passphrase after a change: %v", err)
	}
	if err := v.Unlock(context.Background(), testPass2); err != nil {
		t.Fatalf("the new passphrase: %v", err)
	}
	if ps, err := v.List(context.Background()); err != nil || len(ps) != 2 {
		t.Fatalf("after the change: %d profiles, %v", len(ps), err)
	}

	// Remove asks first, then needs the current passphrase.
	c.pass.current = testPass2
	c.removePassphrase(ctx)
	html := redraw(d, c)
	if !c.pass.removing || !status(t, v).Protected || !strings.Contains(html, "Remove the passphrase?") {
		t.Fatalf("the first click on Remove did not ask for confirmation (removing %v)", c.pass.removing)
	}
	c.removePassphrase(ctx)
	settle(d)
	if c.pass.current != "" || c.pass.removing {
		t.Error("the current passphrase was kept after use")
	}
	if s := status(t, v); s.Protected || s.Locked || !strings.Contains(c.status, "Passphrase removed") {
		t.Errorf("after removing: %+v, status %q, error %q", s, c.status, c.pass.err)
	}
}

func TestKeysPageAutoLock(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	v := lockedVault(t, clock, shop)
	if err := v.Unlock(context.Background(), testPass); err != nil {
		t.Fatal(err)
	}
	c := &Keys{env: &Env{Store: v}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	ctx := d.Context()

	c.setAutoLock(ctx, 5*time.Minute)
	html := redraw(d, c)
	if s := status(t, v); s.AutoLock != 5*time.Minute {
		t.Fatalf("auto-lock %v after choosing 5 minutes", s.AutoLock)
	}
	if tag := tagWithID(html, "autolock"); tag == "" || !strings.Contains(html, "locks itself after 5 minutes") {
		t.Errorf("no auto-lock choice, or the 5 minute auto-lock is not shown:\n%s", html)
	}
	if i := strings.Index(html, `value="5m0s"`); i < 0 || !strings.Contains(html[strings.LastIndex(html[:i], "<"):i+strings.Index(html[i:], ">")], "selected") {
		t.Errorf("the page does not show the 5 minute auto-lock:\n%s", html)
	}

	// Used 4 minutes in: still open; its lock time moves on.
	clock.Advance(4 * time.Minute)
	v.Touch()
	just, locked, wait := lockWatch(v, false, clock.Now())
	if just || locked || wait != lockPoll {
		t.Errorf("a vault used a moment ago: just %v, locked %v, next check in %v", just, locked, wait)
	}
	clock.Advance(4*time.Minute + 50*time.Second)
	if _, _, wait := lockWatch(v, false, clock.Now()); wait != 10*time.Second+100*time.Millisecond {
		t.Errorf("next check in %v; want at the lock time, 10.1s away", wait)
	}
	// Idle for the whole 5 minutes: the watcher locks it and the page
	// drops the profiles.
	clock.Advance(10 * time.Second)
	just, locked, _ = lockWatch(v, false, clock.Now())
	if !just || !locked {
		t.Fatalf("an idle vault: just locked %v, locked %v", just, locked)
	}
	c.reload(c.lock.pageCtx(ctx))
	redraw(d, c)
	if !c.lock.locked || c.profiles != nil {
		t.Errorf("after the auto-lock the page still holds %d profiles (locked %v)", len(c.profiles), c.lock.locked)
	}
	if just, locked, wait := lockWatch(v, true, clock.Now()); just || !locked || wait != lockPoll {
		t.Errorf("a locked vault checked again: just %v, locked %v, wait %v", just, locked, wait)
	}
}

func TestAutoLockChoices(t *testing.T) {
	for _, d := range AutoLockChoices {
		if d < vault.MinAutoLock || d > vault.MaxAutoLock {
			t.Errorf("choice %v is outside the vault's range", d)
		}
	}
	if got := autoLockOptions(2 * time.Hour); len(got) != len(AutoLockChoices)+1 || got[len(got)-1] != 2*time.Hour {
		t.Errorf("a stored 2h auto-lock is not offered: %v", got)
	}
	if got := autoLockOptions(15 * time.Minute); len(got) != len(AutoLockChoices) {
		t.Errorf("options %v", got)
	}
	for d, want := range map[time.Duration]string{
		time.Minute: "1 minute", 15 * time.Minute: "15 minutes", time.Hour: "1 hour", 90 * time.Minute: "1 hour 30 minutes",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
	if got := BackupName(time.Date(2026, 1, 9, 23, 0, 0, 0, time.UTC)); got != "ottpay-vault-20260109.json" {
		t.Errorf("BackupName = %q", got)
	}
	if got := sentence(vault.ErrWrongPassphrase); !strings.HasPrefix(got, "Wrong passphrase") || !strings.HasSuffix(got, "again.") {
		t.Errorf("sentence = %q", got)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 600000: "600,000", 20000000: "20,000,000", -1500: "-1,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestKeysPageExportRefusesMismatchedPassphrases(t *testing.T) {
	v := fastVault(t, nil, shop)
	c := &Keys{env: &Env{Store: v}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)

	c.backup.pass, c.backup.confirm = "backup passphrase", "another one"
	c.exportBackup(d.Context())
	settle(d)
	if !strings.Contains(c.backup.exportErr, "differ") || c.backup.pass != "" || c.backup.confirm != "" {
		t.Errorf("mismatched: error %q, passphrases kept %v", c.backup.exportErr, c.backup.pass != "")
	}
	c.backup.pass, c.backup.confirm = "backup passphrase", "backup passphrase"
	c.exportBackup(d.Context())
	settle(d)
	if c.backup.exportErr != "" || !strings.Contains(c.status, "ottpay-vault-") || !strings.Contains(c.status, "1 profile") {
		t.Errorf("export: error %q, status %q", c.backup.exportErr, c.status)
	}
}

func TestKeysPageImportPreviewNeverOverwritesUnlessTicked(t *testing.T) {
	ctxb := context.Background()
	src := fastVault(t, nil, shop, shopB, shopC)
	file, err := src.Export(ctxb, "backup passphrase")
	if err != nil {
		t.Fatal(err)
	}
	// The vault imported into: Shop A with another key (changed), Shop B
	// as in the file (unchanged); Shop C is new.
	mine := shop
	mine.Label, mine.SignKey = "Shop A (old key)", "1111222233334444"
	v := fastVault(t, nil, mine, shopB)
	c := &Keys{env: &Env{Store: v}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	ctx := d.Context()

	c.backup.file, c.backup.fileName = []byte(`{"format":"something else"}`), "notes.json"
	c.backup.importPass = "backup passphrase"
	c.previewBackup(ctx)
	settle(d)
	if !strings.Contains(c.backup.importErr, "cannot be imported") || c.backup.preview != nil {
		t.Errorf("a file that is no backup: %q", c.backup.importErr)
	}

	c.backup.file, c.backup.fileName = file, "ottpay-vault-20260302.json"
	c.backup.importPass = "wrong passphrase"
	c.previewBackup(ctx)
	settle(d)
	if !strings.Contains(c.backup.importErr, "Wrong backup passphrase") || c.backup.preview != nil || c.backup.importPass != "" {
		t.Errorf("a wrong backup passphrase: error %q, preview %v", c.backup.importErr, c.backup.preview != nil)
	}

	c.backup.importPass = "backup passphrase"
	c.previewBackup(ctx)
	html := redraw(d, c)
	imp := c.backup.preview
	if imp == nil || len(imp.New) != 1 || len(imp.Changed) != 1 || len(imp.Unchanged) != 1 {
		t.Fatalf("preview %+v (error %q)", imp, c.backup.importErr)
	}
	if !strings.Contains(html, "1 new, 1 changed, 1 unchanged") || !strings.Contains(html, "label, sign_key") {
		t.Errorf("the preview does not say what differs:\n%s", html)
	}
	for _, key := range []string{shop.SignKey, mine.SignKey, shopC.SignKey} {
		if strings.Contains(html, key) {
			t.Errorf("the preview shows a sign key in full")
		}
	}
	changedID := imp.Changed[0].Current.ID
	if tag := tagWithID(html, "replace-"+changedID); tag == "" || strings.Contains(tag, "checked") || c.backup.replace[changedID] {
		t.Error("a changed profile is ticked for replacement by default")
	}

	// Apply without ticking: Shop C is added, Shop A keeps its key.
	c.applyBackup(ctx)
	settle(d)
	got := map[string]vault.Profile{}
	ps, _ := v.List(ctxb)
	for _, p := range ps {
		got[p.MerchantID] = p
	}
	if len(ps) != 3 || got[shop.MerchantID].SignKey != mine.SignKey || got[shopC.MerchantID].SignKey != shopC.SignKey {
		t.Fatalf("after applying without ticking: %v", ps)
	}
	if c.backup.preview != nil || c.backup.file != nil || !strings.Contains(c.status, "1 profile added, 0 replaced, 1 kept") {
		t.Errorf("after applying: preview kept %v, status %q", c.backup.preview != nil, c.status)
	}

	// Again, ticking Shop A: its key is replaced, its ID kept.
	c.backup.file, c.backup.importPass = file, "backup passphrase"
	c.previewBackup(ctx)
	settle(d)
	if c.backup.preview == nil || len(c.backup.preview.Changed) != 1 || len(c.backup.preview.New) != 0 {
		t.Fatalf("second preview %+v", c.backup.preview)
	}
	c.backup.replace[changedID] = true
	c.applyBackup(ctx)
	settle(d)
	p, err := v.Get(ctxb, changedID)
	if err != nil || p.SignKey != shop.SignKey || p.Label != shop.Label {
		t.Errorf("the ticked profile after applying: %v, %v", p, err)
	}
}

func TestDecodePageUnlocksInline(t *testing.T) {
	a := loadAppendixA(t)
	v := lockedVault(t, nil, profileFor(a))
	c := &Decode{env: &Env{Store: v}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	c.text = callbackJSON(testMerchant, a.Ciphertext, a.MD5)
	c.decode(d.Context())
	html := redraw(d, c)

	if !c.lock.locked || len(c.profiles) != 0 || c.cards[0].Outcome == report.Verified {
		t.Fatalf("a locked vault: locked %v, %d profiles, outcome %v", c.lock.locked, len(c.profiles), c.cards[0].Outcome)
	}
	if !strings.Contains(html, `id="unlock-pass"`) || !strings.Contains(html, "The key vault is locked") || !strings.Contains(html, `href="/keys"`) {
		t.Errorf("no unlock form on the Decode page:\n%s", html)
	}
	if strings.Contains(html, `id="store-error"`) || strings.Contains(html, "holds no keys yet") {
		t.Error("the locked vault is shown as an error or as empty")
	}

	c.lock.pass = testPass
	c.lock.unlock(d.Context(), c.env, c.loadProfiles)
	html = redraw(d, c)
	if c.lock.locked || len(c.cards) != 1 || c.cards[0].Outcome != report.Verified {
		t.Fatalf("after unlocking: locked %v, cards %+v", c.lock.locked, c.cards)
	}
	if strings.Contains(html, `id="unlock"`) {
		t.Error("the unlock form stays after unlocking")
	}
}

func TestConstructPageUnlocksInline(t *testing.T) {
	v := lockedVault(t, nil, shop)
	c := &Construct{env: &Env{Store: v}}
	d := app.NewClientTester(c)
	defer d.Close()
	html := redraw(d, c)
	if !c.lock.locked || c.profile() != nil || !strings.Contains(html, `id="construct-locked"`) || !strings.Contains(html, `id="unlock-pass"`) {
		t.Fatalf("a locked vault on Construct (locked %v):\n%s", c.lock.locked, html)
	}
	c.lock.pass = testPass
	c.lock.unlock(d.Context(), c.env, c.loadProfiles)
	redraw(d, c)
	if c.lock.locked || c.profile() == nil || c.profile().MerchantID != testMerchant {
		t.Errorf("after unlocking: locked %v, profile %v", c.lock.locked, c.profile())
	}
}

func TestEnvVaultFallsBackToTheStore(t *testing.T) {
	v := fastVault(t, nil)
	if (&Env{Store: v}).vaultAdmin() == nil {
		t.Error("a *vault.Vault store is not used as the Vault")
	}
	other := fastVault(t, nil)
	if got := (&Env{Store: v, Vault: other}).vaultAdmin(); got != Vault(other) {
		t.Error("Env.Vault is not preferred")
	}
	var none *Env
	if none.vaultAdmin() != nil {
		t.Error("a nil Env has a vault")
	}
}

// A backup that brings a second profile for a merchant the vault already
// has a key for cannot silently add it: the preview flags it, and it is
// added only when ticked.
func TestImportPreviewFlagsASecondKeyForAMerchant(t *testing.T) {
	ctxb := context.Background()
	intruder := shop
	intruder.Label, intruder.OperatorID, intruder.SignKey = "Aardvark", "9999999999", "0123456789ABCDEF"
	src := fastVault(t, nil, intruder)
	file, err := src.Export(ctxb, "backup passphrase")
	if err != nil {
		t.Fatal(err)
	}
	v := fastVault(t, nil, shop)
	c := &Keys{env: &Env{Store: v}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	ctx := d.Context()

	c.backup.file, c.backup.fileName, c.backup.importPass = file, "other.json", "backup passphrase"
	c.previewBackup(ctx)
	html := redraw(d, c)
	if imp := c.backup.preview; imp == nil || len(imp.New) != 1 {
		t.Fatalf("preview %+v (error %q)", imp, c.backup.importErr)
	}
	if tag := tagWithID(html, "add-second-0"); tag == "" || strings.Contains(tag, "checked") ||
		!strings.Contains(html, "A second key for merchant "+shop.MerchantID+", which already has “"+shop.Label+"”") {
		t.Fatalf("the second key is not flagged and unticked:\n%s", html)
	}
	if !strings.Contains(html, "Nothing to import") {
		t.Error("the Apply button offers to add the flagged profile")
	}
	c.applyBackup(ctx)
	settle(d)
	if ps, _ := v.List(ctxb); len(ps) != 1 || ps[0].SignKey != shop.SignKey {
		t.Fatalf("after applying without ticking: %v", ps)
	}

	c.backup.file, c.backup.importPass = file, "backup passphrase"
	c.previewBackup(ctx)
	settle(d)
	c.backup.addSecond[0] = true
	c.applyBackup(ctx)
	settle(d)
	if ps, _ := v.List(ctxb); len(ps) != 2 {
		t.Fatalf("after ticking: %v", ps)
	}
	html = redraw(d, c)
	if !strings.Contains(html, `id="duplicate-merchants"`) {
		t.Error("the Keys page does not flag the two profiles of one merchant")
	}
}
