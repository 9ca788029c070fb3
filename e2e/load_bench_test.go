package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// usableScript records, in window.__usable, the time from navigation start
// (performance.now) at which the Decode page became usable: the Go program
// has mounted the page (go-app removed its loader) and the key vault has
// been read.
const usableScript = `(() => {
	const check = () => {
		if (window.__usable !== undefined) { return; }
		if (document.getElementById("app-wasm-loader") === null &&
			document.querySelector('#cards[data-vault="ready"]') !== null) {
			window.__usable = performance.now();
		}
	};
	new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true});
})();`

// idleBeforeWarm is how long a page stays open before the next visit in
// the warm measurement: Chromium writes its cache of compiled WebAssembly
// a little after the code stops changing.
const idleBeforeWarm = 3 * time.Second

// wasmTransfer records how app.wasm came over the network.
type wasmTransfer struct {
	mu       sync.Mutex
	id       network.RequestID
	encoding string
	bytes    float64 // encoded (transferred) body and headers
}

// measureLoad navigates to url and returns the time from navigation start
// to the Decode page being usable, as the page measures it.
func measureLoad(b *testing.B, br *browser, url string) time.Duration {
	b.Helper()
	ctx, cancel := context.WithTimeout(br.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		poll(`window.__usable !== undefined`, "the Decode page to become usable"),
	); err != nil {
		b.Fatal(err)
	}
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__usable`))
	if err != nil {
		b.Fatal(err)
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// BenchmarkLoad measures the workbench in headless Chromium on loopback:
// the transferred size of app.wasm, and the time from navigation to the
// Decode page being usable, cold (a fresh browser profile: nothing cached,
// no service worker) and warm (the same browser navigating again: the
// service worker and the compiled code are cached). Each iteration starts
// a fresh profile. Run it with ./build.sh bench-browser.
func BenchmarkLoad(b *testing.B) {
	srv := startServer(b)
	root, _ := build(b)

	var colds, warms []time.Duration
	var transfer wasmTransfer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		br := startBrowser(b, b.TempDir(), nil)
		if err := chromedp.Listen(br.ctx, func(ev any) {
			transfer.mu.Lock()
			defer transfer.mu.Unlock()
			switch ev := ev.(type) {
			case *network.EventResponseReceived:
				if strings.HasSuffix(ev.Response.URL, "/web/app.wasm") && transfer.id == "" {
					transfer.id = ev.RequestID
					for k, v := range ev.Response.Headers {
						if strings.EqualFold(k, "Content-Encoding") {
							transfer.encoding, _ = v.(string)
						}
					}
				}
			case *network.EventLoadingFinished:
				if ev.RequestID == transfer.id && transfer.bytes == 0 {
					transfer.bytes = ev.EncodedDataLength
				}
			}
		}); err != nil {
			b.Fatal(err)
		}
		if _, err := chromedp.Call(br.ctx, network.Enable, network.EnableParams{}); err != nil {
			b.Fatal(err)
		}
		if _, err := chromedp.Call(br.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: usableScript}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		colds = append(colds, measureLoad(b, br, srv.URL+"/"))
		b.StopTimer()
		// A return visit: the service worker has installed and the
		// browser has cached the compiled code, which it does once the
		// page has been idle for a moment (as while the user reads it).
		br.run(b, "service worker", eval(`navigator.serviceWorker.ready.then(r => !!r.active)`))
		for j := 0; j < 4; j++ {
			time.Sleep(idleBeforeWarm)
			warms = append(warms, measureLoad(b, br, srv.URL+"/"))
		}
		br.Close()
		b.StartTimer()
	}
	b.StopTimer()
	for _, f := range []struct{ name, unit string }{{"app.wasm.br", "brotli-MB"}, {"app.wasm.gz", "gzip-MB"}, {"app.wasm", "raw-MB"}} {
		if info, err := os.Stat(filepath.Join(root, "web", f.name)); err == nil {
			b.ReportMetric(float64(info.Size())/1e6, f.unit)
		}
	}
	b.Logf("cold loads %v; warm loads %v", colds, warms)
	b.ReportMetric(median(colds), "cold-ms")
	b.ReportMetric(median(warms), "warm-ms")
	transfer.mu.Lock()
	b.ReportMetric(transfer.bytes/1e6, "transferred-MB")
	b.Logf("app.wasm sent with Content-Encoding %q", transfer.encoding)
	transfer.mu.Unlock()
}

// median returns the median of ds in milliseconds.
func median(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return float64(m) / float64(time.Millisecond)
}
