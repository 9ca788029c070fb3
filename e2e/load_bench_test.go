package e2e

import (
	"context"
	"os"
	"os/exec"
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
// been read; and in window.__paint the page's first contentful paint, as
// Chromium reports it.
const usableScript = `(() => {
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) {
			if (e.name === "first-contentful-paint" && window.__paint === undefined) {
				window.__paint = e.startTime;
			}
		}
	}).observe({type: "paint", buffered: true});
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

// measureLoad navigates to url and returns the times from navigation start
// to the Decode page being usable and to its first paint, as the page
// measures them.
func measureLoad(b *testing.B, br *browser, url string) (usable, paint time.Duration) {
	b.Helper()
	ctx, cancel := context.WithTimeout(br.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		poll(`window.__usable !== undefined && window.__paint !== undefined`, "the Decode page to be painted and usable"),
	); err != nil {
		b.Fatal(err)
	}
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[window.__usable, window.__paint]`))
	if err != nil {
		b.Fatal(err)
	}
	return time.Duration(ms[0] * float64(time.Millisecond)), time.Duration(ms[1] * float64(time.Millisecond))
}

// loadSubject is one program BenchmarkLoad serves and measures.
type loadSubject struct {
	metric                string // prefix of its metrics: "" for the workbench
	root                  string // directory holding its web/
	srv                   *server
	colds, warms          []time.Duration // to usable
	coldPaint, warmPaints []time.Duration // to first paint
}

// BenchmarkLoad measures the workbench in headless Chromium on loopback:
// the transferred size of app.wasm, and the time from navigation to the
// Decode page being usable, cold (a fresh browser profile: nothing cached,
// no service worker) and warm (the same browser navigating again: the
// service worker and the compiled code are cached).
//
// Beside it, in the same rounds, it measures two floors served the same
// way: the smallest go-app program (go-app-floor-*) and the smallest Go
// program (go-floor-*) that mark the page usable (see testdata/loadfloor).
// They show how much of the load time any go-app app, or any Go program,
// has on this machine whatever it does. Each round starts a fresh profile
// for every subject, in turn. Run it with ./build.sh bench-browser.
func BenchmarkLoad(b *testing.B) {
	root, _ := build(b)
	subjects := []*loadSubject{{metric: "", root: root}}
	for _, floor := range []struct{ pkg, metric string }{{"goapp", "go-app-floor-"}, {"bare", "go-floor-"}} {
		subjects = append(subjects, &loadSubject{metric: floor.metric, root: floorSite(b, root, floor.pkg)})
	}
	for _, s := range subjects {
		s.srv = startServerAt(b, s.root)
	}

	var transfer wasmTransfer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range subjects {
			s := subjects[(i+j)%len(subjects)]
			b.StopTimer()
			br := startBrowser(b, b.TempDir(), nil)
			if s.metric == "" {
				listenTransfer(b, br, &transfer)
			}
			if _, err := chromedp.Call(br.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: usableScript}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			usable, paint := measureLoad(b, br, s.srv.URL+"/")
			s.colds, s.coldPaint = append(s.colds, usable), append(s.coldPaint, paint)
			b.StopTimer()
			// A return visit: the service worker has installed and the
			// browser has kept the compiled code, as while the user
			// reads the page.
			br.run(b, "service worker", eval(`navigator.serviceWorker.ready.then(r => !!r.active)`))
			for k := 0; k < 4; k++ {
				time.Sleep(idleBeforeWarm)
				usable, paint := measureLoad(b, br, s.srv.URL+"/")
				s.warms, s.warmPaints = append(s.warms, usable), append(s.warmPaints, paint)
			}
			br.Close()
			b.StartTimer()
		}
	}
	b.StopTimer()
	for _, s := range subjects {
		for _, f := range []struct{ name, unit string }{{"app.wasm.br", "brotli-MB"}, {"app.wasm.gz", "gzip-MB"}, {"app.wasm", "raw-MB"}} {
			if info, err := os.Stat(filepath.Join(s.root, "web", f.name)); err == nil {
				b.ReportMetric(float64(info.Size())/1e6, s.metric+f.unit)
			}
		}
		b.Logf("%scold loads %v (first paint %v); warm loads %v (first paint %v)", s.metric, s.colds, s.coldPaint, s.warms, s.warmPaints)
		b.ReportMetric(median(s.colds), s.metric+"cold-ms")
		b.ReportMetric(median(s.warms), s.metric+"warm-ms")
		b.ReportMetric(median(s.coldPaint), s.metric+"cold-paint-ms")
		b.ReportMetric(median(s.warmPaints), s.metric+"warm-paint-ms")
	}
	// The targets, as ratios to the go-app floor loaded in the same rounds.
	if wb, floor := subjects[0], subjects[1]; median(floor.colds) > 0 && median(floor.warms) > 0 {
		b.ReportMetric(median(wb.colds)/median(floor.colds), "cold-x-go-app")
		b.ReportMetric(median(wb.warms)/median(floor.warms), "warm-x-go-app")
	}
	transfer.mu.Lock()
	b.ReportMetric(transfer.bytes/1e6, "transferred-MB")
	b.Logf("app.wasm sent with Content-Encoding %q", transfer.encoding)
	transfer.mu.Unlock()
}

// listenTransfer records in transfer how app.wasm came over the network.
func listenTransfer(b *testing.B, br *browser, transfer *wasmTransfer) {
	err := chromedp.Listen(br.ctx, func(ev any) {
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
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Call(br.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.Fatal(err)
	}
}

// floorSite builds testdata/loadfloor/pkg into a copy of the workbench's
// web/ directory (its icons, styles and boot script), compressed as
// build.sh compresses app.wasm, and returns the directory holding it.
func floorSite(b *testing.B, root, pkg string) string {
	b.Helper()
	dir := b.TempDir()
	web := filepath.Join(dir, "web")
	if err := os.MkdirAll(web, 0o755); err != nil {
		b.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(root, "web"))
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), "app.wasm") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, "web", e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(web, e.Name()), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	wasm := filepath.Join(web, "app.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, "./e2e/testdata/loadfloor/"+pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building the %s floor: %v\n%s", pkg, err, out)
	}
	cmd = exec.Command("bash", "build.sh", "compress", wasm)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("compressing the %s floor: %v\n%s", pkg, err, out)
	}
	return dir
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
