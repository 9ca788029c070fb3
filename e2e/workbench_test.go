package e2e

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ottpay-toolkit/ottpay/codec"
)

// The merchant profile the tests add, with the Appendix A sign key.
const (
	merchantID = "ON00004652"
	operatorID = "0000020156"
	label      = "Appendix A merchant"
)

// callback wraps data and md5 in a callback envelope of merchantID, as
// OTT Pay posts it to a merchant.
func callback(merchant, data, md5 string) string {
	b, _ := json.Marshal(map[string]string{
		"rsp_code": "SUCCESS", "rsp_msg": "success", "merchant_id": merchant, "data": data, "md5": md5,
	})
	return string(b)
}

// TestWorkbench walks through the workbench as a support engineer does,
// in one browser profile: add the merchant's key, decode the Appendix A
// example and tampered copies, construct a request and decode it back,
// then check that the profile survives a reload and a browser restart and
// that the app works offline. No request of the whole run may carry the
// sign key.
func TestWorkbench(t *testing.T) {
	outer := t
	v := loadVector(t)
	srv := startServer(t)
	profileDir := t.TempDir()
	ev := &events{}
	b := startBrowser(t, profileDir, ev)

	genuine := callback(merchantID, v.Ciphertext, v.MD5)

	t.Run("add a profile, with a warning for a key with a stray space", func(t *testing.T) {
		var masked string
		b.run(t, "keys page", chromedp.Navigate(srv.URL+"/keys"), appReady())
		checkCompiledOnce(t, b, ev, "/web/app.wasm")
		b.run(t, "keys page",
			visible("#no-profiles"),
			setValue("#profile-label", label),
			setValue("#profile-merchant", merchantID),
			setValue("#profile-operator", operatorID),
			chromedp.SendKeys(css("#profile-key"), v.SignKey+" "),
			waitText(`.findings[data-field="sign_key"]`, "whitespace"),
			click("#profile-save"),
			waitText("#profile-confirm", "Save again"),
			click("#profile-clean-key"),
			poll(`document.querySelector("#profile-clean-key") === null`, "the key to be cleaned"),
			click("#profile-save"),
			// The first key: keeping it unencrypted is an explicit choice.
			waitText("#protect-warning", "stored in clear"),
			click("#profile-save-plain"),
			waitText("#keys-status", "added"),
			textOf(`#profiles tr[data-merchant="`+merchantID+`"] .masked`, &masked),
		)
		if strings.Contains(masked, v.SignKey[:12]) || !strings.HasSuffix(masked, v.SignKey[12:]) {
			t.Errorf("the key list shows %q; want the key masked except its last four characters", masked)
		}
	})

	t.Run("paste the Appendix A example and see it verified", func(t *testing.T) {
		var note, orderID, stepsMasked, stepsRevealed string
		b.run(t, "decode",
			click("#nav-decode"),
			visible("#paste"),
			setValue("#paste", "2026-11-25 10:00:01 INFO callback body: "+genuine+"\n"),
			waitText("#card-1 .badge", "Verified"),
			waitText("#card-1 .rule", "documented rule"),
			waitText("#card-1 .rsp", "SUCCESS"),
			textOf("#card-1 .keynote", &note),
			textOf(`#card-1 tr[data-field="orderId"] .v`, &orderID),
			click("#card-1-steps"),
			waitText("#card-1-stepview", v.Sorted),
			textOf("#card-1-aeskey", &stepsMasked),
			click("#card-1-reveal"),
			waitText("#card-1-aeskey", v.AESKey),
			textOf("#card-1-aeskey", &stepsRevealed),
		)
		if !strings.Contains(note, label) {
			t.Errorf("key note %q does not name the profile %q picked by merchant_id", note, label)
		}
		if orderID != "1234567890" {
			t.Errorf("orderId shows %q, want 1234567890", orderID)
		}
		if strings.Contains(stepsMasked, v.AESKey) {
			t.Errorf("the AES key shows before it is revealed: %q", stepsMasked)
		}
	})

	t.Run("paste tampered copies and see the failures explained", func(t *testing.T) {
		// Same md5 and key, but the order id changed and re-encrypted:
		// decrypts cleanly, md5 no longer matches.
		changed := strings.Replace(v.Plaintext, "1234567890", "1234567899", 1)
		data, err := codec.EncryptData(v.AESKey, []byte(changed))
		if err != nil {
			t.Fatal(err)
		}
		forged := callback(merchantID, data, v.MD5)
		// One digit of the md5 changed: the AES key derived from it is
		// wrong, so the data does not decrypt.
		md5 := []byte(v.MD5)
		md5[5] = '0'
		broken := callback(merchantID, v.Ciphertext, string(md5))

		var cause1, cause2 string
		b.run(t, "decode tampered",
			setValue("#paste", forged+"\n"+broken+"\n"),
			waitText("#card-1 .badge", "Not verified"),
			waitText("#card-1 .failure", "md5"),
			textOf("#card-1 .failure .cause", &cause1),
			waitText("#card-2 .badge", "Not decrypted"),
			waitText("#card-2 .failure", "Failed at"),
			textOf("#card-2 .failure", &cause2),
		)
		if !strings.Contains(cause1, "tampered") && !strings.Contains(cause1, "changed") {
			t.Errorf("the md5 mismatch is explained as %q; want the likely cause (data changed after signing)", cause1)
		}
		if !strings.Contains(strings.ToLower(cause2), "padding") && !strings.Contains(strings.ToLower(cause2), "key") {
			t.Errorf("the failed decryption is explained as %q; want it to point at the key or padding", cause2)
		}
	})

	t.Run("a response without merchant_id is tried with every vault key", func(t *testing.T) {
		resp, _ := json.Marshal(map[string]string{"rsp_code": "SUCCESS", "rsp_msg": "success", "data": v.Ciphertext, "md5": v.MD5})
		b.run(t, "decode response",
			setValue("#paste", string(resp)),
			waitText("#card-1 .badge", "Verified"),
			waitText("#card-1 .keynote", "trying every vault key"),
			waitText("#card-1 .keynote", label),
		)
	})

	t.Run("a key typed for one decode is used and not saved", func(t *testing.T) {
		// Another merchant, with the docs' sample key, which is not in
		// the vault.
		const otherKey = "A8B5FE540E38A5A9"
		data, err := codec.EncryptData(codec.AESKey(v.MD5, otherKey), []byte(v.Plaintext))
		if err != nil {
			t.Fatal(err)
		}
		other := callback("QC00000001", data, v.MD5)
		b.run(t, "decode with typed key",
			setValue("#paste", other),
			waitText("#card-1 .badge", "Not decrypted"),
			waitText("#card-1 .keynote", "none fits"),
			chromedp.SendKeys(css("#typed-key"), otherKey),
			waitText("#card-1 .badge", "Verified"),
			waitText("#card-1 .keynote", "typed for this decode only"),
			setValue("#typed-key", ""),
			waitText("#card-1 .keynote", "none fits"),
		)
	})

	t.Run("construct an ACTIVEPAY request and decode it back", func(t *testing.T) {
		var operator, envelope, curl, href, amountShown string
		b.run(t, "construct",
			click("#nav-construct"),
			visible("#construct-profile"),
			visible("#field-amount"),
			valueOf("#field-operator_id", &operator),
			setValue("#field-amount", "1.00"),
			waitText(`.row[data-field="amount"] .findings`, "amount"),
			setValue("#field-amount", "100"),
			setValue("#field-biz_type", "WECHATPAY"),
			setValue("#field-call_back_url", "https://merchant.example/ottpay/callback"),
			setValue("#field-order_id", "E2E0001"),
			visible("#construct-envelope"),
			textOf("#construct-envelope", &envelope),
			textOf("#construct-curl", &curl),
			hrefOf("#construct-decode", &href),
		)
		if operator != operatorID {
			t.Errorf("operator_id is %q, want %q filled in from the profile", operator, operatorID)
		}
		var env map[string]string
		if err := json.Unmarshal([]byte(envelope), &env); err != nil {
			t.Fatalf("the envelope is not JSON: %v\n%s", err, envelope)
		}
		if env["action"] != "ACTIVEPAY" || env["merchant_id"] != merchantID || env["data"] == "" || len(env["md5"]) != 32 {
			t.Errorf("envelope %s lacks action ACTIVEPAY, merchant_id %s, data or md5", envelope, merchantID)
		}
		if !strings.Contains(curl, "processV2") || !strings.Contains(curl, env["md5"]) {
			t.Errorf("curl command %q does not post the envelope to the documented endpoint", curl)
		}
		u, err := url.Parse(href)
		if err != nil || u.Fragment == "" {
			t.Fatalf("decode link %q carries no fragment", href)
		}
		b.run(t, "decode it back",
			click("#construct-decode"),
			waitText("#card-1 .badge", "Verified"),
			waitText("#card-1 h2", "Request ACTIVEPAY"),
			textOf(`#card-1 tr[data-field="amount"] .value`, &amountShown),
		)
		if !strings.Contains(amountShown, "1.00") {
			t.Errorf("amount shows %q; want 100 cents shown as 1.00", amountShown)
		}
	})

	t.Run("the profile is still there after a reload", func(t *testing.T) {
		b.run(t, "reload",
			chromedp.Navigate(srv.URL+"/keys"),
			appReady(),
			chromedp.Reload(),
			appReady(),
			visible(`#profiles tr[data-merchant="`+merchantID+`"]`),
		)
		checkStorage(t, b, v.SignKey)
	})

	t.Run("the profile is still there after a browser restart", func(t *testing.T) {
		b.Close()
		b = startBrowser(outer, profileDir, ev)
		b.run(t, "restart",
			chromedp.Navigate(srv.URL+"/keys"),
			appReady(),
			visible(`#profiles tr[data-merchant="`+merchantID+`"]`),
		)
	})

	t.Run("with the server stopped, a reload still works", func(t *testing.T) {
		b.run(t, "service worker",
			chromedp.Navigate(srv.URL+"/"),
			appReady(),
			waitServiceWorker(),
		)
		srv.Stop()
		b.run(t, "offline",
			chromedp.Reload(),
			appReady(),
			// Offline, the vault may open after the mount; paste once the
			// page has its keys, so that nothing redraws the field under it.
			poll(`(document.getElementById("cards") || {dataset: {}}).dataset.vault === "ready"`, "the Decode page to open the vault"),
			setValue("#paste", genuine),
			waitText("#card-1 .badge", "Verified"),
			chromedp.Navigate(srv.URL+"/keys"),
			appReady(),
			visible(`#profiles tr[data-merchant="`+merchantID+`"]`),
		)
	})

	t.Run("no request or console line carried key material, and CSP held", func(t *testing.T) {
		checkNoLeaks(t, ev, srv, v.SignKey, v.AESKey)
	})
}

// checkNoLeaks fails if any request the browser made or the origin
// received, or any console line, holds one of secrets (in any letter case,
// or URL-escaped), or if the console reports a Content-Security-Policy
// violation. It also fails if the network listener recorded almost
// nothing, which would make the check empty.
func checkNoLeaks(t *testing.T, ev *events, srv *server, secrets ...string) {
	t.Helper()
	reqs := ev.all(&ev.requests)
	if len(reqs) < 10 {
		t.Fatalf("only %d requests were recorded: the network listener is not working", len(reqs))
	}
	seen := append([]string(nil), reqs...)
	for _, r := range srv.Requests() {
		all := r.Method + " " + r.URL + "\n" + r.Body
		for k, vs := range r.Header {
			all += "\n" + k + ": " + strings.Join(vs, ",")
		}
		seen = append(seen, all)
	}
	console := ev.all(&ev.console)
	seen = append(seen, console...)
	for _, s := range seen {
		for _, secret := range secrets {
			if leaks(s, secret) {
				t.Errorf("a request, or a console line, carries a key or passphrase:\n%.500s", s)
			}
		}
	}
	for _, l := range console {
		if strings.Contains(l, "Content Security Policy") || strings.Contains(l, "Content-Security-Policy") {
			t.Errorf("CSP violation: %s", l)
		}
	}
}

// leaks reports whether s holds key in any letter case, raw or escaped.
func leaks(s, key string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, strings.ToLower(key)) ||
		strings.Contains(l, strings.ToLower(url.QueryEscape(key)))
}

// checkStorage fails if the key is in localStorage or sessionStorage.
func checkStorage(t *testing.T, b *browser, key string) {
	t.Helper()
	storage := get(t, b, chromedp.Evaluate[string](`JSON.stringify([localStorage, sessionStorage, location.href, document.cookie])`))
	if leaks(storage, key) {
		t.Errorf("the sign key is in web storage, the URL or a cookie: %s", storage)
	}
}

// waitServiceWorker waits until a service worker controls the page and has
// finished installing (its precache is then complete).
func waitServiceWorker() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		eval(`navigator.serviceWorker.ready.then(() => true)`),
		poll(`navigator.serviceWorker.controller !== null`, "a service worker to control the page"),
	)
}

// TestARedrawNeverUndoesTyping types into the Decode page's fields the way
// a fast typist on a busy machine does: the page handles the input event
// of one key press, and the next key reaches the field before go-app draws
// the page. Drawing the field with the text of the handled event would
// write it over the field and lose the second key.
func TestARedrawNeverUndoesTyping(t *testing.T) {
	srv := startServer(t)
	b := startBrowser(t, t.TempDir(), nil)
	b.run(t, "decode page", chromedp.Navigate(srv.URL+"/"), appReady(), visible("#paste"))
	for _, id := range []string{"paste", "typed-key"} {
		var got string
		b.run(t, "type into #"+id,
			store(chromedp.Evaluate[string](`(async () => {
				const f = document.getElementById("`+id+`");
				f.focus();
				const input = () => f.dispatchEvent(new Event("input", {bubbles: true}));
				f.value = "A";
				input();
				await new Promise(r => setTimeout(r, 0)); // the app handles "A"
				f.value = "AB"; // the next key, before the page is drawn again
				await new Promise(r => setTimeout(r, 200)); // several frames
				input();
				await new Promise(r => setTimeout(r, 200));
				return f.value;
			})()`, chromedp.EvalAwaitPromise), &got),
		)
		if got != "AB" {
			t.Errorf("#%s holds %q after typing A then B; a redraw wrote the text of an earlier key over it", id, got)
		}
	}
}
