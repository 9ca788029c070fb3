package e2e

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// staticHost serves a static website the way GitHub Pages does: under a
// path prefix, a page /p answered from p.html, and no headers of the
// site's own (so the Content-Security-Policy comes from the meta tag).
func staticHost(dir, prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if p == "" || p == "/" {
			p = "/index.html"
		} else if path.Ext(p) == "" {
			p += ".html"
		}
		f, err := http.Dir(dir).Open(p)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil || info.IsDir() {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, p, info.ModTime(), f)
	})
}

// TestStaticSiteUnderASubPath writes the static website for /ottpay,
// serves it as a static host would, and uses it: the pages, the links
// between them and the decoding all work under the prefix, within the
// policy of the meta tag.
func TestStaticSiteUnderASubPath(t *testing.T) {
	v := loadVector(t)
	root, bin := build(t)
	dist := filepath.Join(t.TempDir(), "dist")
	out, err := exec.Command(bin, "-root", root, "-static", dist, "-prefix", "/ottpay").CombinedOutput()
	if err != nil {
		t.Fatalf("writing the static website: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dist, "web", "app.wasm")); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := &http.Server{Handler: staticHost(dist, "/ottpay")}
	go host.Serve(ln)
	t.Cleanup(func() { host.Close() })
	site := "http://" + ln.Addr().String() + "/ottpay/"

	ev := &events{}
	b := startBrowser(t, t.TempDir(), ev)
	var keysHref, location string
	b.run(t, "static site",
		chromedp.Navigate(site),
		appReady(),
	)
	checkCompiledOnce(t, b, ev, "/ottpay/web/app.wasm")
	b.run(t, "static site",
		hrefOf("#nav-keys", &keysHref),
		click("#nav-keys"),
		visible("#profile-form"),
		store(chromedp.Location(), &location),
		click("#nav-decode"),
		visible("#paste"),
		setValue("#typed-key", v.SignKey),
		setValue("#paste", callback(merchantID, v.Ciphertext, v.MD5)),
		waitText("#card-1 .badge", "Verified"),
	)
	if !strings.HasSuffix(keysHref, "/ottpay/keys") || !strings.HasSuffix(location, "/ottpay/keys") {
		t.Errorf("the Keys link is %q and leads to %q; want both under /ottpay/", keysHref, location)
	}
	for _, c := range ev.all(&ev.console) {
		// A 404 as Chromium words it (a bare "404" also matches ports
		// such as 40431 in the URLs the console names).
		if strings.Contains(c, "Content Security Policy") || strings.Contains(c, "status of 404") {
			t.Errorf("console: %s", c)
		}
	}
	for _, r := range ev.all(&ev.requests) {
		first, _, _ := strings.Cut(r, "\n")
		if !strings.Contains(first, "/ottpay/") {
			t.Errorf("a request leaves the site's path: %s", first)
		}
	}
}

// TestStaticSiteOnAPlainFileServer serves the static build under /ottpay
// with Go's plain http.FileServer, which knows nothing of .html
// extensions: every page loads by its path (from name/index.html) and the
// app starts on it. Framed by another page, the site refuses to run.
func TestStaticSiteOnAPlainFileServer(t *testing.T) {
	root, bin := build(t)
	dir := t.TempDir()
	dist := filepath.Join(dir, "ottpay")
	out, err := exec.Command(bin, "-root", root, "-static", dist, "-prefix", "/ottpay").CombinedOutput()
	if err != nil {
		t.Fatalf("writing the static website: %v\n%s", err, out)
	}
	// A page of the same host that frames the workbench.
	framer := `<!DOCTYPE html><title>framer</title><iframe id="victim" src="/ottpay/keys" width="800" height="600"></iframe>`
	if err := os.WriteFile(filepath.Join(dir, "framer.html"), []byte(framer), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := &http.Server{Handler: http.FileServer(http.Dir(dir))}
	go host.Serve(ln)
	t.Cleanup(func() { host.Close() })
	origin := "http://" + ln.Addr().String()

	ev := &events{}
	b := startBrowser(t, t.TempDir(), ev)
	for _, p := range []struct{ path, ready string }{
		{"/ottpay/keys", "#profile-form"},
		{"/ottpay/construct", "#nav-construct.active"},
		{"/ottpay/batch", "#batch"},
		{"/ottpay/", "#paste"},
	} {
		var location string
		b.run(t, "deep link "+p.path,
			chromedp.Navigate(origin+p.path),
			appReady(),
			visible(p.ready),
			store(chromedp.Location(), &location),
		)
		if want := origin + p.path; location != want {
			t.Errorf("%s: the address reads %s, want %s", p.path, location, want)
		}
	}
	var framed bool
	var appInFrame bool
	b.run(t, "framed",
		chromedp.Navigate(origin+"/framer.html"),
		poll(`(() => { const d = document.getElementById("victim").contentDocument; return !!(d && d.getElementById("framed")); })()`, "the framed page to refuse"),
		store(chromedp.Evaluate[bool](`!!document.getElementById("victim").contentDocument.getElementById("framed")`), &framed),
		// Time for an app that was not stopped to start.
		eval(`new Promise(r => setTimeout(() => r(true), 1500))`),
		store(chromedp.Evaluate[bool](`(() => { const w = document.getElementById("victim").contentWindow; return !!(w.ottpay || w.Go || w.goappNav || w.document.getElementById("paste") || w.document.getElementById("profile-form")); })()`), &appInFrame),
	)
	if !framed || appInFrame {
		t.Errorf("framed: refusal shown %v, app running in the frame %v", framed, appInFrame)
	}
}
