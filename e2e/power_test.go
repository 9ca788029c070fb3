package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/wasm/qr"
	"github.com/ottpay-toolkit/ottpay/wasm/share"
)

// TestPowerFeatures uses the power features of the workbench in the real
// app: the JavaScript API from a page script, the QR code of a response's
// code_url, a share link made in one browser profile and opened in
// another that decodes it with its own vault, and the Batch page on a log
// of 10,000 envelopes mixed with other lines. No request of the run may
// carry the sign key.
func TestPowerFeatures(t *testing.T) {
	outer := t
	v := loadVector(t)
	srv := startServer(t)
	ev := &events{}
	b := startBrowser(t, t.TempDir(), ev)
	genuine := callback(merchantID, v.Ciphertext, v.MD5)

	b.run(t, "open the workbench", chromedp.Navigate(srv.URL+"/keys"), appReady())
	addFirstProfile(t, b, label, merchantID, v.SignKey)

	t.Run("window.ottpay decodes and encodes from a page script", func(t *testing.T) {
		arg := func(x any) string {
			j, _ := json.Marshal(x)
			return string(j)
		}
		js := fmt.Sprintf(`(() => {
			const text = %s, key = %s, merchant = %s, plaintext = %s;
			const out = {};
			try {
				const r = ottpay.decode("INFO callback body: " + text + "\nother line\n", key);
				out.n = r.length; out.verified = r[0].verified; out.rule = r[0].rule;
				out.orderId = r[0].data && r[0].data.orderId; out.decodeError = r[0].error || "";
				const env = ottpay.encode({kind: "callback", rsp_code: "SUCCESS", rsp_msg: "success",
					merchant_id: merchant, key: key, data: plaintext});
				out.env = env;
				const back = ottpay.decode(JSON.stringify(env), {[merchant]: key});
				out.backVerified = back[0].verified; out.backKind = back[0].kind;
				out.bad = [
					ottpay.decode(42)[0].error,
					ottpay.decode("no envelope in this line", key)[0].error,
					ottpay.decode(text, 42)[0].error,
					ottpay.encode("not an object").error,
					ottpay.encode({action: "ACTIVEPAY", merchant_id: "M1", key: "K", data: {amount: 100}}).error,
					ottpay.encode({action: "ACTIVEPAY", merchantId: merchant, key: key, data: plaintext}).error,
				];
				out.version = ottpay.version;
			} catch (e) {
				out.thrown = String(e);
			}
			return JSON.stringify(out);
		})()`, arg(genuine), arg(v.SignKey), arg(merchantID), arg(v.Plaintext))
		var got struct {
			N               int
			Verified        bool
			Rule            string
			OrderID         string `json:"orderId"`
			DecodeError     string
			Env             map[string]string
			BackVerified    bool
			BackKind        string
			Bad             []*string
			Version, Thrown string
		}
		raw := get(t, b, chromedp.Evaluate[string](js))
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatalf("%v: %s", err, raw)
		}
		if got.Thrown != "" {
			t.Fatalf("window.ottpay threw: %s", got.Thrown)
		}
		if got.N != 1 || !got.Verified || got.Rule != "strings" || got.OrderID != "1234567890" || got.DecodeError != "" {
			t.Errorf("ottpay.decode of the Appendix A callback: %s", raw)
		}
		if got.Env["md5"] != v.MD5 || got.Env["data"] != v.Ciphertext || got.Env["merchant_id"] != merchantID || got.Env["error"] != "" {
			t.Errorf("ottpay.encode of the Appendix A data gives %v; want md5 %s and the published ciphertext", got.Env, v.MD5)
		}
		if !got.BackVerified || got.BackKind != "callback" {
			t.Errorf("the encoded envelope does not decode back verified: %s", raw)
		}
		if len(got.Bad) != 6 {
			t.Fatalf("bad input: %s", raw)
		}
		// What each bad call's error must say.
		for i, want := range []string{"must be the pasted text", "no request, response or callback", "keys must be", "pass one object", "is a number", `unknown member "merchantId"`} {
			if e := got.Bad[i]; e == nil || !strings.Contains(*e, want) {
				t.Errorf("bad input %d: error member %v, want it to say %q", i, derefOr(e, "(none)"), want)
			}
		}
		if got.Version == "" {
			t.Error("ottpay.version is empty")
		}
	})

	t.Run("a response with a code_url shows a QR code drawn on the device", func(t *testing.T) {
		const link = "weixin://wxpay/bizpayurl?pr=E2EQR0001"
		resp := sealed(t, map[string]string{"order_id": "E2EQR0001", "amount": "100", "code_url": link}, v.SignKey, "")
		want, err := qr.Encode(link)
		if err != nil {
			t.Fatal(err)
		}
		var path, caption, aria, drawn string
		b.run(t, "decode a response with a code_url",
			click("#nav-decode"),
			visible("#paste"),
			setValue("#paste", resp),
			waitText("#card-1 .badge", "Verified"),
			visible("#card-1-qr svg"),
			store(chromedp.Evaluate[string](`document.querySelector("#card-1-qr svg path").getAttribute("d")`), &path),
			store(chromedp.Evaluate[string](`document.querySelector("#card-1-qr").getAttribute("aria-label")`), &aria),
			textOf("#card-1-qr figcaption .qr-url", &caption),
			// Drawn as SVG: elements in the SVG namespace, with a size.
			store(chromedp.Evaluate[string](`(() => {
				const svg = document.querySelector("#card-1-qr svg"), path = svg.querySelector("path");
				return svg.namespaceURI + " " + path.namespaceURI + " " + (path.getBBox().width > 0);
			})()`), &drawn),
		)
		if wantPath := want.Path(); path == "" || path != wantPath {
			t.Errorf("the QR code drawn is not the one of %s:\n%.80s\nwant\n%.80s", link, path, wantPath)
		}
		if ns := "http://www.w3.org/2000/svg"; drawn != ns+" "+ns+" true" {
			t.Errorf("the QR code is not drawn as SVG: namespaces and size %q", drawn)
		}
		if caption != link || !strings.Contains(aria, "QR code") {
			t.Errorf("the QR code is labelled %q with the link %q; want a label and %s", aria, caption, link)
		}
	})

	var shared string
	t.Run("a share link carries the message and never the key", func(t *testing.T) {
		text := "2026-11-25 10:00:01 INFO callback body: " + genuine + "\n"
		var refusal string
		b.run(t, "share",
			click("#nav-decode"),
			visible("#paste"),
			setValue("#paste", text),
			waitText("#card-1 .badge", "Verified"),
			click("#share-link"),
			visible("#share-url"),
			valueOf("#share-url", &shared),
			// A text holding the key gets no link.
			setValue("#paste", text+"sign_key="+v.SignKey+"\n"),
			poll(`document.querySelector("#share-url") === null`, "the old link to go"),
			click("#share-link"),
			waitText("#share-error", "contains a sign key"),
			textOf("#share-error", &refusal),
			poll(`document.querySelector("#share-url") === null`, "no link for a text with a key"),
		)
		if !strings.HasPrefix(shared, srv.URL+"/#m=") {
			t.Fatalf("share link %q is not a link to the Decode page with the message in the fragment", shared)
		}
		if leaks(shared, v.SignKey) || leaks(shared, v.AESKey) {
			t.Fatalf("the share link carries key material: %s", shared)
		}
		frag, _ := strings.CutPrefix(shared, srv.URL+"/#")
		if got, err := share.Parse(frag); err != nil || got != text {
			t.Errorf("the link carries %q (%v), want the pasted text", got, err)
		}
		if !strings.Contains(refusal, label) || leaks(refusal, v.SignKey) {
			t.Errorf("the refusal %q does not name the profile, or repeats the key", refusal)
		}
	})

	t.Run("the Batch page decodes 10,000 envelopes with the right counts", func(t *testing.T) {
		log, want := batchLog(t, v.SignKey)
		file := filepath.Join(t.TempDir(), "power.log")
		if err := os.WriteFile(file, []byte(log), 0o644); err != nil {
			t.Fatal(err)
		}
		var outcome, shown string
		runFor(t, b, 2*time.Minute, "batch",
			click("#nav-batch"),
			visible("#batch-decode"),
			chromedp.SetUploadFiles(css("#batch-file"), []string{file}),
			waitText("#batch-source", "power.log"),
			watchBatch(false),
			click("#batch-decode"),
			waitText("#batch-outcome", "decoded from power.log"),
			textOf("#batch-outcome", &outcome),
			textOf("#batch-shown", &shown),
		)
		if !strings.HasPrefix(outcome, strconv.Itoa(total(want))+" envelopes decoded") {
			t.Errorf("outcome %q, want %d envelopes", outcome, total(want))
		}
		if got := batchCounts(t, b); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("counts shown %v, want %v", got, want)
		}
		if !strings.Contains(shown, "of "+strconv.Itoa(total(want))) {
			t.Errorf("the table says %q", shown)
		}
		if rows := get(t, b, chromedp.Evaluate[int](`document.querySelectorAll("#batch-table tbody tr").length`)); rows != 100 {
			t.Errorf("the first page of the table shows %d rows, want 100", rows)
		}
		if seen := get(t, b, chromedp.Evaluate[string](`JSON.stringify(window.powerRun)`)); !strings.Contains(seen, `"bar":true`) || !strings.Contains(seen, `"cancel":true`) {
			t.Errorf("no progress bar or cancel button while decoding: %s", seen)
		}

		// A second run, cancelled once the first chunk is decoded.
		runFor(t, b, 2*time.Minute, "batch cancelled",
			watchBatch(true),
			click("#batch-decode"),
			waitText("#batch-outcome", "Cancelled"),
			textOf("#batch-outcome", &outcome),
		)
		n, _ := strconv.Atoi(strings.Fields(strings.TrimPrefix(outcome, "Cancelled: "))[0])
		if n <= 0 || n >= total(want) {
			t.Errorf("after cancel: %q; want some of the %d envelopes", outcome, total(want))
		}
	})

	t.Run("the share link opened in another profile decodes with its own vault", func(t *testing.T) {
		if shared == "" {
			t.Fatal("no share link was made (see the share link subtest)")
		}
		b2 := startBrowser(outer, outer.TempDir(), ev)
		b2.run(t, "second profile", chromedp.Navigate(srv.URL+"/keys"), appReady())
		addFirstProfile(t, b2, "Receiver's copy", merchantID, v.SignKey)
		var pasted, note string
		b2.run(t, "open the link",
			chromedp.Navigate(shared),
			appReady(),
			waitText("#card-1 .badge", "Verified"),
			valueOf("#paste", &pasted),
			textOf("#card-1 .keynote", &note),
		)
		if !strings.Contains(pasted, v.Ciphertext) {
			t.Errorf("the paste box holds %q, want the shared message", pasted)
		}
		if !strings.Contains(note, "Receiver's copy") {
			t.Errorf("key note %q: want the receiver's own profile", note)
		}
		b2.Close()
	})

	t.Run("no request or console line carried key material, and CSP held", func(t *testing.T) {
		checkNoLeaks(t, ev, srv, v.SignKey, v.AESKey)
	})
}

// addFirstProfile adds the first merchant profile of a browser profile on
// the Keys page, choosing on the passphrase prompt to keep the key
// unencrypted.
func addFirstProfile(t *testing.T, b *browser, label, merchant, key string) {
	t.Helper()
	b.run(t, "add a profile",
		click("#nav-keys"),
		// The form shows while the vault still opens; typing before the
		// list replaces "Loading the key vault…" can lose the field.
		poll(`document.getElementById("no-profiles") !== null || document.getElementById("profiles") !== null`,
			"the Keys page to finish opening the vault"),
		visible("#profile-save"),
		setValue("#profile-label", label),
		setValue("#profile-merchant", merchant),
		setValue("#profile-key", key),
		click("#profile-save"),
		waitText("#protect-warning", "stored in clear"),
		click("#profile-save-plain"),
		waitText("#keys-status", "added"),
		visible(`#profiles tr[data-merchant="`+merchant+`"]`),
	)
}

// runFor runs steps with a deadline of d.
func runFor(t *testing.T, b *browser, d time.Duration, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, d)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		page, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText.slice(0, 2000) : ""`))
		t.Fatalf("%s: %v\nthe page says:\n%s", what, err, page)
	}
}

// watchBatch records in window.powerRun whether the Batch page showed its
// progress bar and cancel button while decoding; with cancel, it clicks
// Cancel as soon as the bar shows progress.
func watchBatch(cancel bool) chromedp.Action[chromedp.Void] {
	return eval(fmt.Sprintf(`(() => {
		const run = window.powerRun = {bar: false, cancel: false, clicked: false};
		const obs = new MutationObserver(() => {
			const bar = document.getElementById("batch-bar"), stop = document.getElementById("batch-cancel");
			run.bar = run.bar || !!bar;
			run.cancel = run.cancel || !!stop;
			if (%t && bar && stop && bar.value > 0 && !run.clicked) {
				run.clicked = true;
				stop.click();
			}
			if (run.bar && document.getElementById("batch-outcome")) { obs.disconnect(); }
		});
		obs.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
		return true;
	})()`, cancel))
}

// batchCounts reads the outcome counts at the top of the Batch table.
func batchCounts(t *testing.T, b *browser) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, id := range []string{"verified", "not-verified", "failed-to-decode", "no-data"} {
		s := get(t, b, chromedp.Evaluate[string](`document.querySelector("#count-`+id+` strong").textContent`))
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("the count of %s reads %q", id, s)
		}
		out[id] = n
	}
	return out
}

func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// sealed is an envelope of data sealed with key under the documented
// rule: a response when merchant is empty, a callback otherwise.
func sealed(t *testing.T, data map[string]string, key, merchant string) string {
	t.Helper()
	j, _ := json.Marshal(data)
	o, err := codec.ParseObject(j)
	if err != nil {
		t.Fatal(err)
	}
	md5, enc, err := codec.Seal(o, key, codec.RuleStrings)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"rsp_code": "SUCCESS", "rsp_msg": "success", "data": enc, "md5": md5}
	if merchant != "" {
		env["merchant_id"] = merchant
	}
	out, _ := json.Marshal(env)
	return string(out)
}

// batchLog writes a log of 10,000 envelopes between other lines, in a
// known mix, and returns it with the counts the Batch page must show:
//
//   - callbacks of merchantID signed with key: verified;
//   - the same with the data changed after signing (re-encrypted with the
//     same md5): not verified;
//   - the same with one hex digit of the md5 changed: the AES key derived
//     from it is wrong, so the data does not decrypt: failed to decode;
//   - callbacks of a merchant the vault does not know, signed with another
//     key: no vault key fits, failed to decode;
//   - failure responses without data: no data.
func batchLog(t *testing.T, key string) (string, map[string]int) {
	t.Helper()
	const otherKey = "A8B5FE540E38A5A9"
	kinds := []struct {
		name string
		n    int
	}{{"verified", 8000}, {"tampered", 600}, {"bad-md5", 600}, {"unknown", 400}, {"no-data", 400}}
	var order []string
	for _, k := range kinds {
		for range k.n {
			order = append(order, k.name)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })

	var b strings.Builder
	b.Grow(len(order) * 400)
	b.WriteString("# notify handler log, generated by the e2e test\n2026-11-25 10:00:00 INFO  server started on :8443\n")
	want := map[string]int{}
	for i, kind := range order {
		data := map[string]string{
			"order_id": fmt.Sprintf("E2E%07d", i),
			"amount":   strconv.Itoa(100 + r.IntN(99900)),
			"status":   "SUCCESS",
		}
		var env string
		switch kind {
		case "verified":
			env = sealed(t, data, key, merchantID)
			want["verified"]++
		case "tampered":
			var m map[string]string
			json.Unmarshal([]byte(sealed(t, data, key, merchantID)), &m)
			data["amount"] = "1"
			j, _ := json.Marshal(data)
			var err error
			if m["data"], err = codec.EncryptData(codec.AESKey(m["md5"], key), j); err != nil {
				t.Fatal(err)
			}
			out, _ := json.Marshal(m)
			env = string(out)
			want["not-verified"]++
		case "bad-md5":
			var m map[string]string
			json.Unmarshal([]byte(sealed(t, data, key, merchantID)), &m)
			m["md5"] = brokenMD5(t, m["md5"], m["data"], key)
			out, _ := json.Marshal(m)
			env = string(out)
			want["failed-to-decode"]++
		case "unknown":
			env = sealed(t, data, otherKey, "QC00000001")
			want["failed-to-decode"]++
		case "no-data":
			env = `{"rsp_code":"FAIL","rsp_msg":"merchant does not exist"}`
			want["no-data"]++
		}
		fmt.Fprintf(&b, "2026-11-25 10:%02d:%02d INFO  [notify-%d] body=%s\n", i/60%60, i%60, i, env)
		switch {
		case i%7 == 3:
			b.WriteString("2026-11-25 10:00:00 DEBUG [notify] replied SUCCESS in 12 ms\n")
		case i%50 == 10:
			fmt.Fprintf(&b, `{"level":"info","msg":"heartbeat","seq":%d}`+"\n", i)
		case i%97 == 5:
			b.WriteString("2026-11-25 10:00:00 WARN  [pool] connection reset by peer, retrying\n")
		}
	}
	return b.String(), want
}

// brokenMD5 changes one hex digit of md5 such that the data no longer
// decrypts with the AES key derived from it.
func brokenMD5(t *testing.T, md5, data, key string) string {
	t.Helper()
	for i := range md5 {
		b := []byte(md5)
		if b[i] == '0' {
			b[i] = '1'
		} else {
			b[i] = '0'
		}
		env := codec.Envelope{MD5: string(b), Data: data, HasMD5: true, HasData: true}
		if _, err := env.Open(key); err != nil {
			if _, _, derr := codec.DecryptData(codec.AESKey(string(b), key), data); derr != nil {
				return string(b)
			}
		}
	}
	t.Fatalf("no change of one digit of %s stops the data from decrypting", md5)
	return ""
}

func derefOr(s *string, none string) string {
	if s == nil {
		return none
	}
	return *s
}
