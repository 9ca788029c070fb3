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
