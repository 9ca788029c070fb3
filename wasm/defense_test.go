//go:build !wasm

package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/wasm/ui"
)

// viewportContent finds the viewport tag of a page, as PatchPage writes it.
var viewportContent = regexp.MustCompile(`<meta name="viewport" content="([^"]*)">`)

// checkZoomable fails when a page's viewport tag stops people zooming
// (axe-core's rule meta-viewport: no user-scalable=no or 0, no
// maximum-scale below 2).
func checkZoomable(t *testing.T, name, page string) {
	t.Helper()
	m := viewportContent.FindAllStringSubmatch(page, -1)
	if len(m) != 1 {
		t.Errorf("%s has %d viewport tags, want 1", name, len(m))
		return
	}
	for _, part := range strings.Split(m[0][1], ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "user-scalable":
			if v == "no" || v == "0" {
				t.Errorf("%s: the viewport tag disables zooming (%s)", name, part)
			}
		case "maximum-scale":
			t.Errorf("%s: the viewport tag caps zooming (%s)", name, part)
		}
	}
}

func TestPagesLetPeopleZoomAndSendNoReferrer(t *testing.T) {
	root, _ := fakeRoot(t)
	s, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ui.Paths() {
		page := body(t, get(t, s, p))
		checkZoomable(t, p, page)
		if !strings.Contains(page, ReferrerTag) {
			t.Errorf("%s has no %s", p, ReferrerTag)
		}
	}
	if _, err := PatchPage("<html>no viewport tag</html>"); err == nil {
		t.Error("PatchPage accepts a page without go-app's viewport tag")
	}
}

func TestDefaultAddressIsAnOriginOfItsOwn(t *testing.T) {
	if DefaultAddr == "127.0.0.1:8080" || !strings.HasPrefix(DefaultAddr, "127.0.0.1:") {
		t.Errorf("DefaultAddr %q: want loopback on a port no other dev server uses", DefaultAddr)
	}
	for _, f := range []string{"../Makefile", "../build.sh"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), DefaultAddr) || strings.Contains(string(b), "127.0.0.1:8080") {
			t.Errorf("%s does not default to %s", f, DefaultAddr)
		}
	}
}

// parseHeadersFile reads a Netlify / Cloudflare Pages _headers file: a
// path pattern at the start of a line, then its headers, indented, as
// "Name: value"; # starts a comment.
func parseHeadersFile(t *testing.T, text string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	var cur map[string]string
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch trimmed := strings.TrimSpace(line); {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case line[0] != ' ' && line[0] != '\t':
			if !strings.HasPrefix(trimmed, "/") {
				t.Fatalf("_headers line %d: a path pattern must start with /: %q", n, line)
			}
			cur = map[string]string{}
			out[trimmed] = cur
		default:
			name, value, ok := strings.Cut(trimmed, ":")
			if !ok || cur == nil || strings.ContainsAny(name, " \t") {
				t.Fatalf("_headers line %d is not a header under a path: %q", n, line)
			}
			cur[name] = strings.TrimSpace(value)
		}
	}
	return out
}

func TestStaticWebsiteDefendsItselfAndAnswersEveryPath(t *testing.T) {
	root, _ := fakeRoot(t)
	dist := filepath.Join(t.TempDir(), "dist")
	var out, errs strings.Builder
	if code := run([]string{"-root", root, "-static", dist, "-prefix", "/ottpay"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// The headers a page cannot send itself, for Netlify and Cloudflare
	// Pages, on every path under the prefix.
	rules := parseHeadersFile(t, read("_headers"))
	h, ok := rules["/ottpay/*"]
	if !ok || len(rules) != 1 {
		t.Fatalf("_headers has the rules %v, want one for /ottpay/*", rules)
	}
	want := map[string]string{
		"Content-Security-Policy": ContentSecurityPolicy(false),
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	}
	for name, value := range want {
		if h[name] != value {
			t.Errorf("_headers: %s is %q, want %q", name, h[name], value)
		}
	}
	if !strings.Contains(h["Content-Security-Policy"], "frame-ancestors 'none'") {
		t.Errorf("_headers: the policy does not refuse framing: %q", h["Content-Security-Policy"])
	}

	// Every page: zoomable, no referrer, the frame-buster first, and
	// reachable both as name.html and as name/index.html, the same page.
	for _, p := range ui.Paths() {
		files := []string{"index.html"}
		if p != "/" {
			name := strings.TrimPrefix(p, "/")
			files = []string{name + ".html", name + "/index.html"}
		}
		for _, f := range files {
			page := read(f)
			checkZoomable(t, f, page)
			if !strings.Contains(page, ReferrerTag) {
				t.Errorf("%s has no %s", f, ReferrerTag)
			}
			// A plain script runs where it stands, before any deferred
			// one: the frame-buster stops the page before app.js.
			for _, tag := range scriptTag.FindAllString(page, -1) {
				deferred := strings.Contains(tag, " defer") || strings.Contains(tag, " async")
				if strings.Contains(tag, "/web/boot.js") == deferred {
					t.Errorf("%s: %s; want web/boot.js plain and every other script deferred", f, tag)
				}
			}
			if page != read(files[0]) {
				t.Errorf("%s differs from %s", f, files[0])
			}
		}
	}
	bootJS := read("web/boot.js")
	for _, want := range []string{"window.self !== window.top", "window.stop()", "history.replaceState"} {
		if !strings.Contains(bootJS, want) {
			t.Errorf("web/boot.js lacks %s", want)
		}
	}
}
