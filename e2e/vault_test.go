package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// vaultProfile is a merchant profile the vault test adds.
type vaultProfile struct{ label, merchant, operator, key string }

// vaultProfiles are the profiles of the vault test: the Appendix A
// merchant and two more, so that a passphrase change that re-encrypted
// only some keys would show.
func vaultProfiles(v vector) []vaultProfile {
	return []vaultProfile{
		{label, merchantID, operatorID, v.SignKey},
		{"Docs sample merchant", "QC00005496", "", "A8B5FE540E38A5A9"},
		{"Acme UAT", "CAMB006711", "0000000437", "0123456789ABCDEF"},
	}
}

// The passphrases of the vault test.
const (
	vaultPass1  = "first vault passphrase"
	vaultPass2  = "second vault passphrase"
	vaultPass3  = "third vault passphrase"
	backupPass  = "backup file passphrase"
	wrongPass   = "not the passphrase"
	backupGlob  = "ottpay-vault-*.json"
	unlockLimit = 60 * time.Second
)

// TestVaultLockAndBackup sets a vault passphrase in real Chromium and
// checks that the vault opens locked after a reload, that a wrong
// passphrase is refused and changes nothing, that the right one unlocks
// the keys for decoding, that a passphrase change cut short by a reload
// leaves every key under exactly one of the two passphrases, and that a
// backup exported here imports into a fresh browser profile with a merge
// preview. No request, stored value or console line may carry a key or a
// passphrase.
func TestVaultLockAndBackup(t *testing.T) {
	outer := t
	v := loadVector(t)
	profiles := vaultProfiles(v)
	srv := startServer(t)
	ev := &events{}
	profileDir := t.TempDir()
	b := startBrowser(t, profileDir, ev)
	genuine := callback(merchantID, v.Ciphertext, v.MD5)
	current := vaultPass1 // the passphrase in force

	t.Run("add profiles and set a passphrase", func(t *testing.T) {
		b.run(t, "keys page",
			chromedp.Navigate(srv.URL+"/keys"),
			appReady(),
			visible("#no-profiles"),
			waitText("#lock-state", "No passphrase"),
		)
		for i, p := range profiles {
			steps := []chromedp.Action[chromedp.Void]{
				setValue("#profile-label", p.label),
				setValue("#profile-merchant", p.merchant),
				setValue("#profile-operator", p.operator),
				setValue("#profile-key", p.key),
				click("#profile-save"),
			}
			if i == 0 {
				// The first key asks for a passphrase: this test sets
				// one later, so it keeps the keys unencrypted for now.
				steps = append(steps, waitText("#protect-warning", "stored in clear"), click("#profile-save-plain"))
			}
			b.run(t, "add "+p.label, append(steps, waitText("#keys-status", "“"+p.label+"” added"))...)
		}
		b.run(t, "mismatched passphrases",
			setValue("#pass-new", vaultPass1),
			setValue("#pass-confirm", vaultPass1+"x"),
			click("#pass-submit"),
			waitText("#pass-error", "differ"),
			waitText("#lock-state", "No passphrase"),
		)
		start := time.Now()
		b.run(t, "set the passphrase",
			setValue("#pass-new", vaultPass1),
			setValue("#pass-confirm", vaultPass1),
			click("#pass-submit"),
			waitText("#keys-status", "Passphrase set"),
			waitText("#lock-state", "Protected"),
		)
		t.Logf("setting the passphrase (one key derivation, %d keys re-encrypted) took %v", len(profiles), time.Since(start).Round(10*time.Millisecond))
		vaultFieldsEmpty(t, b, "#pass-new", "#pass-confirm")
		vaultRows(t, b, len(profiles))
	})

	t.Run("after a reload the vault is locked and a wrong passphrase changes nothing", func(t *testing.T) {
		b.run(t, "reload",
			chromedp.Reload(),
			appReady(),
			visible("#unlock-pass"),
			waitText("#unlock-notice", "3 merchant profiles"),
		)
		if n := get(t, b, chromedp.Evaluate[int](`document.querySelectorAll("#profiles, #profile-form, #backup, #vault-lock").length`)); n != 0 {
			t.Errorf("the locked Keys page shows %d of the profile list, profile form, backup and lock sections; want none", n)
		}
		b.run(t, "decode while locked",
			click("#nav-decode"),
			visible("#unlock-pass"),
			setValue("#paste", genuine),
			waitText("#card-1 .badge", "Not"),
			waitText("#unlock h2", "The key vault is locked"),
			waitText("#unlock-notice", "Keys page"),
		)
		start := time.Now()
		vaultTryUnlock(t, b, wrongPass)
		t.Logf("refusing a wrong passphrase took %v", time.Since(start).Round(10*time.Millisecond))
		b.run(t, "still locked",
			waitText("#unlock-error", "Wrong passphrase"),
			waitText("#card-1 .badge", "Not"),
		)
		vaultFieldsEmpty(t, b, "#unlock-pass")
	})

	t.Run("the right passphrase unlocks the keys and the example decodes", func(t *testing.T) {
		start := time.Now()
		b.run(t, "unlock on the Decode page",
			setValue("#unlock-pass", vaultPass1),
			click("#unlock-submit"),
			waitText("#card-1 .badge", "Verified"),
			waitText("#card-1 .keynote", label),
			poll(`document.querySelector("#unlock") === null`, "the unlock form to go"),
		)
		t.Logf("unlocking (PBKDF2-SHA256, default iterations, in wasm) and decoding took %v", time.Since(start).Round(10*time.Millisecond))
		b.run(t, "keys listed",
			click("#nav-keys"),
			visible("#profiles"),
			waitText("#lock-state", "Protected"),
		)
		vaultRows(t, b, len(profiles))
	})

	t.Run("lock now", func(t *testing.T) {
		b.run(t, "lock",
			click("#lock-now"),
			visible("#unlock-pass"),
			waitText("#keys-status", "Vault locked"),
		)
		vaultUnlock(t, b, vaultPass1)
		vaultRows(t, b, len(profiles))
	})

	// A passphrase change writes every key and the new passphrase
	// parameters in one IndexedDB transaction. Cut short by a reload,
	// it must leave either the old state or the new one, whole.
	t.Run("a passphrase change cut short by a reload at once", func(t *testing.T) {
		b.run(t, "start the change, then reload",
			setValue("#pass-current", current),
			setValue("#pass-new", vaultPass2),
			setValue("#pass-confirm", vaultPass2),
			eval(`(() => { window.e2eOldPage = true; return true; })()`),
			click("#pass-submit"),
			eval(`(() => { location.reload(); return true; })()`),
		)
		vaultWaitNewPage(t, b)
		current = vaultWhichPassphrase(t, b, srv.URL, current, vaultPass2, len(profiles))
	})

	t.Run("a passphrase change cut short by a reload while it writes", func(t *testing.T) {
		// The reload starts inside the write transaction: right after
		// the first re-encrypted key is handed to IndexedDB.
		next := vaultPass3
		if current == vaultPass3 {
			next = vaultPass2
		}
		b.run(t, "start the change, reload while it writes",
			setValue("#pass-current", current),
			setValue("#pass-new", next),
			setValue("#pass-confirm", next),
			eval(`(() => {
				window.e2eOldPage = true;
				const put = IDBObjectStore.prototype.put;
				IDBObjectStore.prototype.put = function (...args) {
					const req = put.apply(this, args);
					if (this.name === "records" && !window.e2eReloading) {
						window.e2eReloading = true;
						location.reload();
					}
					return req;
				};
				return true;
			})()`),
			click("#pass-submit"),
		)
		vaultWaitNewPage(t, b)
		current = vaultWhichPassphrase(t, b, srv.URL, current, next, len(profiles))
	})

	t.Run("a passphrase change cut short by the tab crashing while it writes", func(t *testing.T) {
		// The page stops inside the write transaction, right after the
		// first re-encrypted key is handed to IndexedDB, and tells the
		// test through a request the recording proxy sees; the test then
		// crashes the tab. The transaction never commits: the old
		// passphrase must open every key.
		next := vaultPass3
		if current == vaultPass3 {
			next = vaultPass2
		}
		const marker = "/e2e-vault-change-is-writing"
		b.run(t, "start the change, stop it while it writes",
			setValue("#pass-current", current),
			setValue("#pass-new", next),
			setValue("#pass-confirm", next),
			eval(`(() => {
				const put = IDBObjectStore.prototype.put;
				IDBObjectStore.prototype.put = function (...args) {
					const req = put.apply(this, args);
					if (this.name === "records" && !window.e2eStopped) {
						window.e2eStopped = true;
						const x = new XMLHttpRequest();
						x.open("GET", "`+marker+`", false);
						try { x.send(); } catch (e) {}
						const end = Date.now() + 30000;
						while (Date.now() < end) {}
					}
					return req;
				};
				return true;
			})()`),
			click("#pass-submit"),
		)
		deadline := time.Now().Add(unlockLimit)
		for !slices.ContainsFunc(srv.Requests(), func(r recorded) bool { return r.URL == marker }) {
			if time.Now().After(deadline) {
				t.Fatal("the passphrase change never reached its write transaction")
			}
			time.Sleep(20 * time.Millisecond)
		}
		// The crashed tab never answers the command: its error says
		// nothing.
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		_, _ = chromedp.Call(ctx, page.Crash, cdp.Empty{})
		cancel()
		b.Close()
		b = startBrowser(outer, profileDir, ev)
		if got := vaultWhichPassphrase(t, b, srv.URL, current, next, len(profiles)); got != current {
			t.Fatal("a change whose transaction never committed left the new passphrase in force")
		}
	})

	var backup []byte
	t.Run("export a backup", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: "allow", DownloadPath: dir,
		}); err != nil {
			t.Fatal(err)
		}
		b.run(t, "export",
			chromedp.Navigate(srv.URL+"/keys"),
			appReady(),
			visible("#unlock-pass"),
		)
		vaultUnlock(t, b, current)
		b.run(t, "mismatched backup passphrases",
			setValue("#export-pass", backupPass),
			setValue("#export-confirm", "something else"),
			click("#export-submit"),
			waitText("#export-error", "differ"),
		)
		b.run(t, "export",
			setValue("#export-pass", backupPass),
			setValue("#export-confirm", backupPass),
			click("#export-submit"),
			waitText("#keys-status", "saved as ottpay-vault-"),
		)
		vaultFieldsEmpty(t, b, "#export-pass", "#export-confirm")
		file := vaultWaitFile(t, dir, backupGlob)
		var err error
		if backup, err = os.ReadFile(file); err != nil {
			t.Fatal(err)
		}
		var head struct {
			Format string `json:"format"`
		}
		if err := json.Unmarshal(backup, &head); err != nil || head.Format != "ottpay-vault-backup" {
			t.Fatalf("%s is not a vault backup (%v):\n%.300s", filepath.Base(file), err, backup)
		}
		for _, p := range profiles {
			if leaks(string(backup), p.key) || strings.Contains(string(backup), p.merchant) {
				t.Errorf("the backup file shows the key or merchant_id of %q in clear", p.label)
			}
		}
		outer.Logf("backup %s: %d bytes", filepath.Base(file), len(backup))
	})

	t.Run("import the backup into a fresh browser profile", func(t *testing.T) {
		if backup == nil {
			t.Fatal("no backup was exported")
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "ottpay-vault-backup.json")
		if err := os.WriteFile(file, backup, 0o600); err != nil {
			t.Fatal(err)
		}
		b2 := startBrowser(outer, outer.TempDir(), ev)
		b2.run(t, "fresh keys page",
			chromedp.Navigate(srv.URL+"/keys"),
			appReady(),
			visible("#no-profiles"),
			chromedp.SetUploadFiles(css("#import-file"), []string{file}),
			waitText("#import-file-state", "read"),
			setValue("#import-pass", wrongPass),
			click("#import-preview-submit"),
			waitText("#import-error", "Wrong backup passphrase"),
		)
		if n := get(t, b2, chromedp.Evaluate[int](`document.querySelectorAll("#import-preview").length`)); n != 0 {
			t.Error("a preview shows after a wrong backup passphrase")
		}
		vaultFieldsEmpty(t, b2, "#import-pass")
		var summary string
		b2.run(t, "preview",
			setValue("#import-pass", backupPass),
			click("#import-preview-submit"),
			visible("#import-preview"),
			textOf("#import-summary", &summary),
		)
		if !strings.HasPrefix(summary, fmt.Sprintf("%d new, 0 changed, 0 unchanged", len(profiles))) {
			t.Errorf("preview summary %q; want every profile new", summary)
		}
		for _, p := range profiles {
			got := get(t, b2, chromedp.Evaluate[string](fmt.Sprintf(
				`(() => { const e = document.querySelector('#import-new li[data-merchant="%s"]'); return e ? e.innerText : ""; })()`, p.merchant)))
			if !strings.Contains(got, p.label) || strings.Contains(got, p.key[:12]) {
				t.Errorf("preview line of %s is %q; want its label and its key masked", p.merchant, got)
			}
		}
		b2.run(t, "apply",
			click("#import-apply"),
			waitText("#keys-status", "imported"),
			visible("#profiles"),
		)
		vaultRows(t, b2, len(profiles))
		b2.run(t, "decode with the imported key",
			click("#nav-decode"),
			visible("#paste"),
			setValue("#paste", genuine),
			waitText("#card-1 .badge", "Verified"),
			waitText("#card-1 .keynote", label),
		)
		checkStorage(t, b2, v.SignKey)
	})

	t.Run("the vault locks itself after the chosen idle time", func(t *testing.T) {
		b.run(t, "choose 1 minute",
			chromedp.Navigate(srv.URL+"/keys"),
			appReady(),
			visible("#unlock-pass"),
		)
		vaultUnlock(t, b, current)
		b.run(t, "choose 1 minute",
			setValue("#autolock", "1m0s"),
			waitText("#keys-status", "after 1 minute"),
			waitText("#lock-state", "after 1 minute"),
			click("#nav-decode"),
			visible("#paste"),
			setValue("#paste", genuine),
			waitText("#card-1 .badge", "Verified"),
		)
		// Virtual time runs the page's clock and timers ahead while it
		// is idle, so a minute passes in a moment. It is granted in
		// steps: each step pauses the page's time when used up, and the
		// next resumes it (the page reads IndexedDB, which takes real
		// time, before it redraws as locked).
		start := time.Now()
		var virtual time.Duration
		for {
			if virtual > 3*time.Minute {
				t.Fatalf("the vault is still open after %v without use, with a 1 minute auto-lock", virtual)
			}
			step := float64((10 * time.Second).Milliseconds())
			if _, err := chromedp.Call(b.ctx, emulation.SetVirtualTimePolicy, emulation.SetVirtualTimePolicyParams{
				Policy: emulation.VirtualTimePolicyAdvance, Budget: &step,
			}); err != nil {
				t.Fatal(err)
			}
			virtual += 10 * time.Second
			time.Sleep(150 * time.Millisecond)
			if get(t, b, chromedp.Evaluate[bool](`document.querySelector("#unlock-pass") !== null`)) {
				break
			}
		}
		if virtual < time.Minute {
			t.Errorf("the vault locked after %v without use; want 1 minute", virtual)
		}
		b.run(t, "locked", waitText("#card-1 .badge", "Not"))
		t.Logf("locked after %v of page time (%v real)", virtual, time.Since(start).Round(10*time.Millisecond))
	})

	t.Run("no request, stored value or console line carried a key or a passphrase", func(t *testing.T) {
		checkStorage(t, b, v.SignKey)
		secrets := []string{vaultPass1, vaultPass2, vaultPass3, backupPass, wrongPass, v.AESKey}
		for _, p := range profiles {
			secrets = append(secrets, p.key)
		}
		checkNoLeaks(t, ev, srv, secrets...)
	})
}

// vaultRows checks that the Keys page lists n profiles and no vault error.
func vaultRows(t *testing.T, b *browser, n int) {
	t.Helper()
	b.run(t, "profile list", visible("#profiles"))
	got := get(t, b, chromedp.Evaluate[int](`document.querySelectorAll("#profiles tbody tr").length`))
	errText := get(t, b, chromedp.Evaluate[string](`(() => { const e = document.querySelector("#store-error"); return e ? e.innerText : ""; })()`))
	if got != n || errText != "" {
		t.Fatalf("the Keys page lists %d profiles (want %d), vault error %q", got, n, errText)
	}
}

// vaultFieldsEmpty checks that passphrase inputs were cleared after use.
func vaultFieldsEmpty(t *testing.T, b *browser, sels ...string) {
	t.Helper()
	for _, sel := range sels {
		q, _ := json.Marshal(sel)
		got := get(t, b, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e ? e.value : ""; })()`, q)))
		if got != "" {
			t.Errorf("%s still holds %d characters after use; want it cleared", sel, len(got))
		}
		kind := get(t, b, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e ? e.type : "password"; })()`, q)))
		if kind != "password" {
			t.Errorf("%s is an input of type %q; want password", sel, kind)
		}
	}
}

// vaultTryUnlock types a passphrase into the unlock form and waits until
// the page answers: the unlock form goes, or says why it did not unlock.
// It reports whether the vault unlocked.
func vaultTryUnlock(t *testing.T, b *browser, pass string) bool {
	t.Helper()
	b.run(t, "unlock form", visible("#unlock-pass"))
	tries := get(t, b, chromedp.Evaluate[string](`document.querySelector("#unlock").dataset.tries`))
	// Enter in the field submits the form with the field still focused,
	// as people do; the form must clear it all the same.
	b.run(t, "type the passphrase",
		setValue("#unlock-pass", pass),
		chromedp.SendKeys(css("#unlock-pass"), "\r"),
	)
	ctx, cancel := context.WithTimeout(b.ctx, unlockLimit)
	defer cancel()
	// data-tries counts the answers: a new answer is a refusal, or the
	// form goes away.
	state, err := chromedp.Run(ctx, vaultPollValue(fmt.Sprintf(`(() => {
		const f = document.querySelector("#unlock");
		if (f === null) { return "open"; }
		const e = document.querySelector("#unlock-error");
		return f.dataset.tries !== %q && e ? "refused: " + e.innerText : "";
	})()`, tries)))
	if err != nil {
		t.Fatalf("waiting for the vault to unlock or refuse: %v", err)
	}
	return state == "open"
}

// vaultUnlock unlocks the vault with pass, which must be right.
func vaultUnlock(t *testing.T, b *browser, pass string) {
	t.Helper()
	if !vaultTryUnlock(t, b, pass) {
		t.Fatalf("the right passphrase did not unlock the vault: %s", text(t, b, "#unlock-error"))
	}
}

// vaultPollValue evaluates js every 50ms until it returns a non-empty
// string, ignoring evaluation errors (a page being replaced by a reload
// has no context to evaluate in for a moment).
func vaultPollValue(js string) chromedp.Action[string] {
	return func(ctx context.Context, t *chromedp.Target) (string, error) {
		var last error
		for {
			got, err := chromedp.Evaluate[string](js)(ctx, t)
			if err == nil && got != "" {
				return got, nil
			}
			if err != nil {
				last = err
			}
			select {
			case <-ctx.Done():
				return "", errors.Join(ctx.Err(), last)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// vaultWaitNewPage waits until the page marked with window.e2eOldPage has
// been replaced by a reload and the app runs again.
func vaultWaitNewPage(t *testing.T, b *browser) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, unlockLimit)
	defer cancel()
	if _, err := chromedp.Run(ctx, vaultPollValue(`(() => window.e2eOldPage !== true &&
		document.getElementById("app-wasm-loader") === null && document.querySelector(".wb") !== null ? "new" : "")()`)); err != nil {
		t.Fatalf("waiting for the reloaded page: %v", err)
	}
}

// vaultWhichPassphrase checks, after an interrupted change from old to
// next, that the vault opens locked, that exactly one of the two
// passphrases unlocks it, and that it then opens every one of the n keys
// (a mix would fail to decrypt some). It returns that passphrase.
func vaultWhichPassphrase(t *testing.T, b *browser, origin, old, next string, n int) string {
	t.Helper()
	b.run(t, "keys page after the reload",
		chromedp.Navigate(origin+"/keys"),
		appReady(),
		visible("#unlock-pass"),
	)
	won, lost := old, next
	if !vaultTryUnlock(t, b, old) {
		if msg := text(t, b, "#unlock-error"); !strings.Contains(msg, "Wrong passphrase") {
			t.Fatalf("the old passphrase was refused with %q; want a wrong passphrase", msg)
		}
		won, lost = next, old
		vaultUnlock(t, b, next)
	}
	vaultRows(t, b, n)
	b.run(t, "lock", click("#lock-now"), visible("#unlock-pass"))
	if vaultTryUnlock(t, b, lost) {
		t.Fatal("both the old and the new passphrase unlock the vault")
	}
	vaultUnlock(t, b, won)
	vaultRows(t, b, n)
	if won == old {
		t.Logf("the change was cut short: the old passphrase opens every key")
	} else {
		t.Logf("the change completed before the reload: the new passphrase opens every key")
	}
	return won
}

// vaultWaitFile waits for a finished download matching glob in dir.
func vaultWaitFile(t *testing.T, dir, glob string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		m, _ := filepath.Glob(filepath.Join(dir, glob))
		if len(m) == 1 {
			if st, err := os.Stat(m[0]); err == nil && st.Size() > 0 {
				return m[0]
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	t.Fatalf("no download matching %s in %s (found %v)", glob, dir, names)
	return ""
}
