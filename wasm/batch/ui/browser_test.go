//go:build !js

package ui

// The Batch page in real headless Chromium: a go-app build of the page
// alone (testdata/app) served by go-app's handler on 127.0.0.1, driven by
// chromedp: paste and decode, open a file and decode, export the table as
// CSV through a Blob download, and decode a large log while the page keeps
// painting.

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/ottpay-toolkit/ottpay/internal/chromiumtest"
)

func startPageNoWait(t *testing.T) (context.Context, string) {
	t.Helper()
	chromiumtest.Require(t)
	url := servePage(t, "./testdata/app")

	ctx := chromiumtest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(url+Path)); err != nil {
		t.Fatal(err)
	}
	return ctx, url
}

func startPage(t *testing.T) (context.Context, string) {
	ctx, url := startPageNoWait(t)
	// The pre-rendered page shows before the app runs; its controls
	// respond once the page is mounted.
	wait(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#batch[data-ready="true"] #batch-decode`)))
	return ctx, url
}

// wait runs an action that waits, for at most a minute.
func wait(t *testing.T, ctx context.Context, a chromedp.Action[chromedp.Void]) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := chromedp.Run(wctx, a); err != nil {
		html, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("%v; the page says:\n%s", err, html)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// counts reads the count buttons.
func counts(t *testing.T, ctx context.Context) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, id := range []string{"verified", "not-verified", "failed-to-decode", "no-data"} {
		s := eval[string](t, ctx, `document.querySelector('#count-`+id+` strong').textContent`)
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("count %s reads %q", id, s)
		}
		out[id] = n
	}
	return out
}

// decodeAndWait clicks Decode all and waits for the outcome line.
func decodeAndWait(t *testing.T, ctx context.Context) {
	t.Helper()
	wait(t, ctx, chromedp.Click(chromedp.CSS("#batch-decode")))
	wait(t, ctx, chromedp.WaitVisible(chromedp.CSS("#batch-outcome")))
	wait(t, ctx, chromedp.WaitVisible(chromedp.CSS("#batch-counts")))
}

// paste puts text in the paste box as typing would.
func paste(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`(() => { const e = document.getElementById('batch-text'); e.value = %s; e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, strconv.Quote(text)))
}

func TestBrowserPage(t *testing.T) {
	ctx, _ := startPage(t)
	want := map[string]int{"verified": 40, "not-verified": 1, "failed-to-decode": 2, "no-data": 1}

	// Paste and decode.
	paste(t, ctx, sample(t))
	decodeAndWait(t, ctx)
	if got := counts(t, ctx); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pasted sample: counts %v, want %v", got, want)
	}
	if rows := eval[int](t, ctx, `document.querySelectorAll('#batch-table tbody tr').length`); rows != 44 {
		t.Errorf("%d table rows, want 44", rows)
	}
	if strings.Contains(eval[string](t, ctx, `document.documentElement.outerHTML`), "6698851A525C9433") {
		t.Error("the page shows a sign key")
	}

	// Export the table: a CSV file through a Blob download.
	dl := t.TempDir()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dl, EventsEnabled: ptr(true),
		})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	wait(t, ctx, chromedp.Click(chromedp.CSS("#batch-export-csv")))
	wait(t, ctx, chromedp.WaitVisible(chromedp.CSS("#batch-notice")))
	var file string
	dctx, cancelDL := context.WithTimeout(ctx, time.Minute)
	defer cancelDL()
	for ev, err := range progress {
		if err != nil {
			t.Fatal(err)
		}
		if dctx.Err() != nil {
			t.Fatal("no download within a minute")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dl, ev.GUID)
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the CSV download was cancelled")
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil || len(recs) != 45 || recs[0][0] != "line" {
		t.Errorf("exported CSV: %d records, %v", len(recs), err)
	}

	// Open a file instead: the same outcome.
	wait(t, ctx, chromedp.Click(chromedp.CSS("#batch-clear")))
	abs, _ := filepath.Abs("../testdata/sample.log")
	wait(t, ctx, chromedp.SetUploadFiles(chromedp.CSS("#batch-file"), []string{abs}))
	wait(t, ctx, chromedp.WaitVisible(chromedp.CSS("#batch-source")))
	decodeAndWait(t, ctx)
	if got := counts(t, ctx); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("opened sample.log: counts %v, want %v", got, want)
	}
	if s := eval[string](t, ctx, `document.getElementById('batch-outcome').textContent`); !strings.Contains(s, "sample.log") {
		t.Errorf("outcome %q does not name the file", s)
	}

	// A large log: the page keeps painting while it decodes. The longest
	// gap between two animation frames is printed, not asserted.
	wait(t, ctx, chromedp.Click(chromedp.CSS("#batch-clear")))
	big := strings.Repeat(sample(t), 200)
	paste(t, ctx, big)
	eval[bool](t, ctx, `(() => { window.gaps = []; let last = performance.now(); const tick = (now) => { window.gaps.push(now - last); last = now; if (!window.stopTicks) requestAnimationFrame(tick); }; requestAnimationFrame(tick); return true; })()`)
	start := time.Now()
	decodeAndWait(t, ctx)
	took := time.Since(start)
	eval[bool](t, ctx, `window.stopTicks = true`)
	if got := counts(t, ctx); got["verified"] != 200*40 || got["failed-to-decode"] != 200*2 {
		t.Errorf("large log: counts %v", got)
	}
	gaps := eval[[]float64](t, ctx, `window.gaps`)
	longest := 0.0
	for _, g := range gaps {
		longest = max(longest, g)
	}
	t.Logf("large log (%.1f MB, %d envelopes) decoded in %v; %d frames painted meanwhile, the longest gap %.0f ms",
		float64(len(big))/1e6, 200*44, took.Round(time.Millisecond), len(gaps), longest)
	t.Log(eval[string](t, ctx, `document.getElementById('batch-outcome').textContent`))
}

func ptr[T any](v T) *T { return &v }

// dirResources serves the page's static resources (web/app.wasm) from a
// folder at the site's root. (app.LocalDir takes a path relative to the
// working directory.)
type dirResources struct{ http.Handler }

func (dirResources) Package() string { return "" }
func (dirResources) Static() string  { return "" }
func (dirResources) AppWASM() string { return "/web/app.wasm" }
