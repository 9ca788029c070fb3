//go:build !js

package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/internal/chromiumtest"
	"github.com/ottpay-toolkit/ottpay/wasm/batch/batchtest"
)

// pageDecode is the page script that presses Decode all and resolves, in
// milliseconds, when the table's first rows and the outcome are on the
// page and a frame has been painted with them.
const pageDecode = `(async () => {
  const t0 = performance.now();
  document.getElementById('batch-decode').click();
  const frame = () => new Promise(r => requestAnimationFrame(r));
  for (;;) {
    await frame();
    const out = document.getElementById('batch-outcome');
    if (out && document.querySelector('#batch-table tbody tr') && !document.getElementById('batch-cancel')) break;
  }
  await frame();
  return performance.now() - t0;
})()`

// cryptoJSDecode decodes the opened file with crypto-js, as the peer kit's
// browser harness does, and resolves in milliseconds, reading the file
// included (the page's decode reads it too).
const cryptoJSDecode = `(async () => {
  const t0 = performance.now();
  const text = await document.getElementById('batch-file').files[0].text();
  const codec = OttCodecCryptoJS.makeCodec(%q);
  let n = 0;
  for (const l of text.split('\n')) { if (!l) continue; codec.decode(l); n++; }
  if (n !== %d) throw new Error('crypto-js decoded ' + n);
  return performance.now() - t0;
})()`

// userPause is how long the benchmark waits between the page being ready
// and opening the file, as a user choosing it would.
const userPause = 2 * time.Second

// BenchmarkPageBatch10k times the Batch page as the user sees it: the
// 10,000-callback file of the peer-bench corpus opened, Decode all pressed,
// until the table is painted; on a freshly loaded page (the first run,
// V8 still compiling the hot code; the file is opened userPause after the
// page is ready) and again (warm), beside crypto-js decoding the same file
// in the same browser, also cold (its first run in the page) and warm.
// Each iteration loads the
// page in a fresh browser. Metrics in milliseconds, and the ratios
// crypto-js time / page time (above 1: the page is faster).
//
//	go test ./wasm/batch/ui/ -run '^$' -bench PageBatch10k -benchtime 3x
func BenchmarkPageBatch10k(b *testing.B) {
	chromiumtest.Require(b)
	corpus := batchtest.Corpus(b)
	file := filepath.Join(corpus, "batch10k.jsonl")
	kit := filepath.Dir(corpus)
	var scripts []string
	for _, p := range []string{filepath.Join(kit, "node_modules", "crypto-js", "crypto-js.js"), filepath.Join(kit, "js", "codec_cryptojs.js")} {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatalf("crypto-js of the peer kit: %v (run npm ci in %s)", err, kit)
		}
		scripts = append(scripts, string(src))
	}
	url := servePage(b, "./testdata/app")
	var first, warm, cjsFirst, cjsWarm, firstRatio, warmRatio float64
	for b.Loop() {
		b.StopTimer()
		ctx := chromiumtest.New(b)
		do := func(a chromedp.Action[chromedp.Void]) {
			wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			if err := chromedp.Do(wctx, a); err != nil {
				b.Fatal(err)
			}
		}
		// The first action starts the browser: on ctx itself, since
		// cancelling the context of the first action closes the browser.
		if err := chromedp.Do(ctx, chromedp.Navigate(url+Path)); err != nil {
			b.Fatal(err)
		}
		do(chromedp.WaitVisible(chromedp.CSS(`#batch[data-ready="true"] #batch-decode`)))
		// A user takes a moment to choose a file; the page warms up its
		// decoder meanwhile (batch.Warm).
		time.Sleep(userPause)
		for _, s := range scripts {
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](s+"\n;null")); err != nil {
				b.Fatal(err)
			}
		}
		do(chromedp.SetUploadFiles(chromedp.CSS("#batch-file"), []string{file}))
		do(chromedp.WaitVisible(chromedp.CSS("#batch-source")))
		b.StartTimer()
		run := func(script string) float64 {
			ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](script, chromedp.EvalAwaitPromise))
			if err != nil {
				b.Fatal(err)
			}
			return ms
		}
		// Each contender cold, then each warm: crypto-js first in the
		// page (V8 compiling its JavaScript), the page's first decode, the
		// page's second, crypto-js's second.
		cryptojs := fmt.Sprintf(cryptoJSDecode, batchtest.SignKey, batchtest.BatchCount)
		c1 := run(cryptojs)
		f := run(pageDecode)
		w := run(pageDecode)
		c2 := run(cryptojs)
		rows, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#batch-table tbody tr').length`))
		out, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('batch-outcome').textContent`))
		if !strings.Contains(out, "10000 envelopes") || rows == 0 {
			b.Fatalf("the page shows %d rows and says %q", rows, out)
		}
		b.Logf("page: first %.0f ms, warm %.0f ms (it says %q); crypto-js: first %.0f ms, warm %.0f ms", f, w, out, c1, c2)
		first, warm, cjsFirst, cjsWarm = first+f, warm+w, cjsFirst+c1, cjsWarm+c2
		firstRatio, warmRatio = firstRatio+c1/f, warmRatio+c2/w
	}
	n := float64(b.N)
	b.ReportMetric(first/n, "first-ms")
	b.ReportMetric(warm/n, "warm-ms")
	b.ReportMetric(cjsFirst/n, "cryptojs-first-ms")
	b.ReportMetric(cjsWarm/n, "cryptojs-warm-ms")
	b.ReportMetric(firstRatio/n, "cryptojs/first")
	b.ReportMetric(warmRatio/n, "cryptojs/warm")
}

// servePage builds a page program and serves it on 127.0.0.1, for
// the tests and the page benchmark both use.
func servePage(tb testing.TB, program string) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "web"), 0o755); err != nil {
		tb.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "web", "app.wasm"), program)
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("building the page: %v\n%s", err, out)
	}
	// The handler serves only routes it knows; the page is prerendered
	// here and runs in the browser.
	app.RouteFunc(Path, func() app.Composer { return New(nil) })
	mux := http.NewServeMux()
	mux.Handle("/", &app.Handler{
		Name:      "Batch",
		Resources: dirResources{http.FileServer(http.Dir(dir))},
		// Local icons: the default ones are off-site.
		Icon: app.Icon{Default: "/web/icon.png", Large: "/web/icon.png", SVG: "/web/icon.svg", AppleTouch: "/web/icon.png"},
	})
	// The loader of the Go that built app.wasm, not go-app's older copy.
	mux.HandleFunc("/wasm_exec.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv.URL
}
