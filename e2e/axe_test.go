package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeScript is axe-core, installed by npm from testdata/axe's lock file.
var axeScript = filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js")

// axeInstall is the command that installs axe-core for these tests.
const axeInstall = "npm ci --prefix e2e/testdata/axe"

// axeViolation is one rule axe-core found broken, as axe.run reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target         []any  `json:"target"`
		HTML           string `json:"html"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

// TestPagesHaveNoAccessibilityViolations runs axe-core on each page of
// the workbench, as the app draws it in Chromium, and fails on any rule
// it finds broken (WCAG 2.x A and AA, and axe's best practices). The
// script is put into the page through the DevTools protocol
// (Runtime.evaluate), which the page's Content-Security-Policy does not
// govern; a script tag would be refused.
func TestPagesHaveNoAccessibilityViolations(t *testing.T) {
	script, err := os.ReadFile(axeScript)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `%s` from the repository root (make test does it)", err, axeInstall)
	}
	v := loadVector(t)
	srv := startServer(t)
	b := startBrowser(t, t.TempDir(), &events{})
	for _, page := range []struct {
		name, path, ready string
		steps             []chromedp.Action[chromedp.Void]
	}{
		{"Decode", "/", "#paste", nil},
		{"Construct", "/construct", "main", nil},
		{"Batch", "/batch", "#batch-text", nil},
		{"Keys", "/keys", "#no-profiles", nil},
		// A decoded message: its card, steps and findings.
		{"Decode with a message", "/", "#paste", []chromedp.Action[chromedp.Void]{
			setValue("#paste", callback(merchantID, v.Ciphertext, v.MD5)),
			visible("#card-1"),
		}},
	} {
		t.Run(page.name, func(t *testing.T) {
			b.run(t, "open "+page.path, append([]chromedp.Action[chromedp.Void]{chromedp.Navigate(srv.URL + page.path), appReady(), visible(page.ready)}, page.steps...)...)
			b.run(t, "load axe-core on "+page.path, eval(string(script)+"\n;true"))
			for _, v := range runAxe(t, b, "document") {
				var nodes strings.Builder
				for _, n := range v.Nodes {
					fmt.Fprintf(&nodes, "\n    %v %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.FailureSummary, "\n", "\n      "))
				}
				t.Errorf("%s: %s (impact %s): %s on %d nodes:%s", page.path, v.ID, v.Impact, v.Help, len(v.Nodes), nodes.String())
			}
		})
	}
	// The check is not blind: an image without a text alternative,
	// added to the last page, is found.
	b.run(t, "add an image without alt", eval(`(() => {
		const img = document.createElement("img");
		img.id = "axe-probe";
		img.src = "/web/icon-192.png";
		document.querySelector("main").append(img);
		return true;
	})()`))
	probe := runAxe(t, b, `document.getElementById("axe-probe")`)
	if len(probe) == 0 || !strings.Contains(fmt.Sprint(probe), "image-alt") {
		t.Errorf("axe-core did not report an image without alt: %+v", probe)
	}
}

// runAxe runs axe-core, already loaded in the page, on the element the
// JavaScript expression context names, and returns the rules broken.
func runAxe(t *testing.T, b *browser, context string) []axeViolation {
	t.Helper()
	found := get(t, b, chromedp.Evaluate[string](`axe.run(`+context+`, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	var violations []axeViolation
	if err := json.Unmarshal([]byte(found), &violations); err != nil {
		t.Fatalf("axe.run answered %.200q: %v", found, err)
	}
	return violations
}
