package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPasteBeforeTheAppStarts uses the Decode page the server pre-rendered
// while app.wasm is still on its way: the page is there to use (no loader
// over it), and what is typed into it then is neither lost nor
// overwritten when the app starts: the app takes the text and the key,
// decodes them, and gives the focus back to the field being typed in.
func TestPasteBeforeTheAppStarts(t *testing.T) {
	v := loadVector(t)
	srv := startServer(t)
	release := srv.HoldApp(t)
	b := startBrowser(t, t.TempDir(), nil)

	message := callback(merchantID, v.Ciphertext, v.MD5)
	var started, pasteOnTop bool
	b.run(t, "type into the pre-rendered page",
		chromedp.Navigate(srv.URL+"/"),
		visible("#paste"),
		// What the pointer would reach in the middle of the text area
		// is the text area itself, not a loader drawn over the page.
		store(chromedp.Evaluate[bool](`(() => {
			const r = document.getElementById("paste").getBoundingClientRect();
			return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === document.getElementById("paste");
		})()`), &pasteOnTop),
		chromedp.SendKeys(css("#paste"), message),
		chromedp.SendKeys(css("#typed-key"), v.SignKey),
		store(chromedp.Evaluate[bool](`document.getElementById("app-wasm-loader") === null`), &started),
	)
	if started {
		t.Fatal("the app started while app.wasm was held: this test typed into the app, not into the pre-rendered page")
	}
	if !pasteOnTop {
		t.Error("the pre-rendered text area is covered (by go-app's loader?): it cannot be used before the app starts")
	}

	release()
	var text, key, focused string
	b.run(t, "the app starts",
		appReady(),
		waitText("#card-1 .badge", "Verified"),
		waitText("#card-1 .keynote", "typed for this decode only"),
		store(chromedp.Evaluate[string](`document.getElementById("paste").value`), &text),
		store(chromedp.Evaluate[string](`document.getElementById("typed-key").value`), &key),
		store(chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`), &focused),
	)
	if text != message {
		t.Errorf("after the start the text area holds %q, want what was typed before it: %q", text, message)
	}
	if key != v.SignKey {
		t.Errorf("after the start the key field holds %q, want %q", key, v.SignKey)
	}
	if focused != "typed-key" {
		t.Errorf("after the start the focus is on %q, want the field being typed in (typed-key)", focused)
	}

	// Keys pressed now go where typing was, into the key field (to
	// whatever has the focus, not to a field picked by the test), and
	// the decode follows them.
	b.run(t, "type on",
		chromedp.KeyEvent("X"),
		waitText("#card-1 .badge", "Not"),
	)
	b.run(t, "the key field took the key press", store(chromedp.Evaluate[string](`document.getElementById("typed-key").value`), &key))
	if key != v.SignKey+"X" {
		t.Errorf("after one more key press the key field holds %q, want %q", key, v.SignKey+"X")
	}
}

// vaultLayout reads, in the page, the version and the store names of the
// vault's database ("" when there is none).
const vaultLayout = `indexedDB.databases().then((dbs) => {
	if (!dbs.some((d) => d.name === "ottpay-workbench")) { return ""; }
	return new Promise((resolve) => {
		const open = indexedDB.open("ottpay-workbench");
		open.onsuccess = () => {
			const db = open.result;
			const s = db.version + ":" + Array.from(db.objectStoreNames).sort().join(",");
			db.close();
			resolve(s);
		};
		open.onerror = () => resolve("error: " + open.error);
	});
})`

// TestVaultOpensWhileTheAppLoads checks web/boot.js's early open of the
// key vault's database. On a first visit it creates the database with the
// vault's layout while app.wasm is still on its way, and the app takes
// that connection; a database of the old layout (version 1) is left to
// the app, which opens it anew, upgrades it and moves its profiles.
func TestVaultOpensWhileTheAppLoads(t *testing.T) {
	t.Run("a first visit", func(t *testing.T) {
		srv := startServer(t)
		release := srv.HoldApp(t)
		b := startBrowser(t, t.TempDir(), nil)
		var layout string
		b.run(t, "load, app held",
			chromedp.Navigate(srv.URL+"/"),
			visible("#paste"),
			poll(vaultLayout+`.then((s) => s !== "")`, "boot.js to create the vault's database"),
			store(chromedp.Evaluate[string](vaultLayout, chromedp.EvalAwaitPromise), &layout),
		)
		if layout != "2:meta,records" {
			t.Errorf("before the app started, the vault's database is %q, want version 2 with the stores meta and records", layout)
		}
		release()
		var handover string
		b.run(t, "the app starts", appReady(), visible(`#cards[data-vault="ready"]`),
			store(chromedp.Evaluate[string](`String(window.ottpayVaultHandover)`), &handover))
		if handover != "early" {
			t.Errorf("the app's vault connection was %q, want the one boot.js opened (early)", handover)
		}
	})

	t.Run("an old layout", func(t *testing.T) {
		srv := startServer(t)
		dir := t.TempDir()
		b := startBrowser(t, dir, nil)
		// Write a version 1 database on the origin, as an old workbench
		// did, from a page whose app never starts.
		release := srv.HoldApp(t)
		b.run(t, "write a version 1 vault",
			chromedp.Navigate(srv.URL+"/keys?wasm=false"),
			eval(`new Promise((resolve, reject) => {
				const del = indexedDB.deleteDatabase("ottpay-workbench");
				del.onsuccess = () => {
					const open = indexedDB.open("ottpay-workbench", 1);
					open.onupgradeneeded = () => open.result.createObjectStore("profiles");
					open.onsuccess = () => {
						const db = open.result;
						const tx = db.transaction("profiles", "readwrite");
						tx.objectStore("profiles").put({label: "Appendix A", merchant_id: "ON00004652", operator_id: "0000020156", sign_key: "6698851A525C9433"}, "ON00004652");
						tx.oncomplete = () => { db.close(); resolve(true); };
						tx.onerror = () => reject(tx.error);
					};
					open.onerror = () => reject(open.error);
				};
				del.onerror = () => reject(del.error);
				del.onblocked = () => reject(new Error("delete blocked"));
			})`),
		)
		release()
		var layout, handover string
		b.run(t, "the app upgrades it",
			chromedp.Navigate(srv.URL+"/keys"),
			appReady(),
			waitText("#profiles", "Appendix A"),
			store(chromedp.Evaluate[string](`String(window.ottpayVaultHandover)`), &handover),
			store(chromedp.Evaluate[string](vaultLayout, chromedp.EvalAwaitPromise), &layout),
		)
		if handover != "opened anew" {
			t.Errorf("the app's vault connection was %q, want one opened anew (boot.js leaves an old layout alone)", handover)
		}
		if layout != "2:meta,profiles,records" {
			t.Errorf("after the app opened the old vault, its database is %q, want version 2 with meta, profiles (kept) and records", layout)
		}
	})
}
