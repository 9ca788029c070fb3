package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

const traceScript = `(() => {
	window.__t = {};
	const check = () => {
		const t = window.__t;
		if (t.loaderGone === undefined && document.getElementById("app-wasm-loader") === null && document.body) { t.loaderGone = performance.now(); }
		if (t.vault === undefined && document.querySelector('#cards[data-vault="ready"]')) { t.vault = performance.now(); }
	};
	new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true});
	document.addEventListener("DOMContentLoaded", () => { window.__t.dcl = performance.now(); });
})();`

func TestDebugTrace(t *testing.T) {
	srv := startServer(t)
	br := startBrowser(t, t.TempDir(), nil)
	if _, err := chromedp.Call(br.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: traceScript}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		br.run(t, "nav", chromedp.Navigate(srv.URL+"/"), poll(`window.__t.vault !== undefined`, "vault"))
		s := get(t, br, chromedp.Evaluate[string](`JSON.stringify({t: window.__t, wasm: performance.getEntriesByType("resource").filter(e => e.name.endsWith("app.wasm")).map(e => [e.startTime, e.responseStart, e.responseEnd, e.transferSize]), marks: performance.getEntriesByType("mark").map(m => [m.name, m.startTime]), nav: performance.getEntriesByType("navigation").map(e => [e.responseEnd, e.domContentLoadedEventEnd, e.loadEventEnd])})`))
		t.Log(s)
		if i == 0 {
			br.run(t, "sw", eval(`navigator.serviceWorker.ready.then(r => !!r.active)`))
		}
	}
}
