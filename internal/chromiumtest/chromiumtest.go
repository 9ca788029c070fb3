// Package chromiumtest starts Debian's Chromium for the project's browser
// tests, always the same way: headless, without the sandbox or the GPU,
// with background networking, component updates, sync and the first-run
// screens off, on a profile directory of the test's own. It never
// downloads a browser: a missing Chromium fails the test with the command
// that installs it.
package chromiumtest

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// Path is Debian's Chromium, the one browser the tests drive.
const Path = "/usr/bin/chromium"

// Options are the allocator options that start Chromium at Path on the
// profile directory userDataDir, followed by extra.
func Options(userDataDir string, extra ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	return append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Path),
		chromedp.UserDataDir(userDataDir),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	}, extra...)
}

// Require fails tb, saying what to install, when Chromium is not at Path.
func Require(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(Path); err != nil {
		tb.Fatalf("headless Chromium is needed at %s: apt-get install -y chromium", Path)
	}
}

// New starts Chromium on a fresh profile, so that nothing an earlier page
// load cached is used, and returns the context of its first tab. The
// browser ends with tb.
func New(tb testing.TB) context.Context {
	tb.Helper()
	Require(tb)
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		Options(tb.TempDir(), chromedp.Flag("disable-dev-shm-usage", true))...)
	tb.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	tb.Cleanup(cancel2)
	return ctx
}
