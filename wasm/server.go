//go:build !wasm

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// DefaultAddr is where the workbench is served unless -addr says
// otherwise: loopback, on a port of its own. The keys live in the
// browser's storage for this origin (scheme, host and port), and so does
// go-app's service worker: on a common development port such as 8080 any
// other local server started later would get both. 47801 is unassigned
// and unusual enough to stay the workbench's alone.
const DefaultAddr = "127.0.0.1:47801"

// openStore gives the server's pre-rendering an empty in-memory vault:
// keys only ever live in the browser.
func openStore() ui.Store { return vault.NewMemory(vault.Options{}) }

func serverMain() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command line of the native build.
func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("wasm", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", DefaultAddr, "`address` to serve the workbench on (port 0 picks a free port)")
	root := fl.String("root", ".", "`directory` holding web/ with app.wasm (built by ./build.sh wasm)")
	static := fl.String("static", "", "write the workbench as a static website into `dir` and exit, instead of serving it")
	prefix := fl.String("prefix", "", "URL `path` the static website is deployed under, e.g. /ottpay for https://user.github.io/ottpay/")
	fl.Usage = func() {
		fmt.Fprintf(stderr, "usage: wasm [-addr host:port] [-root dir]\n       wasm -static dir [-prefix /path] [-root dir]\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "wasm: unexpected argument %q\n", fl.Arg(0))
		fl.Usage()
		return 2
	}

	s, err := loadSite(*root, *prefix)
	if err != nil {
		fmt.Fprintln(stderr, "wasm:", err)
		return 1
	}
	if *static != "" {
		if err := s.writeStatic(*static); err != nil {
			fmt.Fprintln(stderr, "wasm:", err)
			return 1
		}
		fmt.Fprintf(stdout, "static website written to %s (version %s, path prefix %q)\n", *static, s.version, s.prefix)
		return 0
	}
	if *prefix != "" {
		fmt.Fprintln(stderr, "wasm: -prefix applies to -static only; the server serves at the root")
		return 2
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "wasm: cannot listen on %s: %v (pick another address with -addr)\n", *addr, err)
		return 1
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "OTT Pay workbench: http://%s/\n", ln.Addr())
	for _, w := range s.warnings {
		fmt.Fprintln(stderr, "wasm: warning:", w)
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintln(stderr, "wasm:", err)
		return 1
	case <-stop:
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		return 0
	}
}

// site serves the workbench: the go-app pages and scripts, the static
// resources of web/, and app.wasm precompressed.
type site struct {
	root     string // directory holding web/
	prefix   string // URL path prefix of a static deployment
	version  string
	wasm     encoded
	br, gz   *encoded
	warnings []string
	handler  *app.Handler
	files    http.Handler
	appJS    []byte // go-app's app.js, patched (see PatchAppJS)
	wasmExec []byte // Go's wasm_exec.js (see WasmExecJS)

	patchWarn sync.Once
}

// encoded is one form of app.wasm.
type encoded struct {
	body     []byte
	encoding string // "", "br" or "gzip"
}

// loadSite reads web/app.wasm (and its precompressed forms when they are
// at least as new) from root.
func loadSite(root, prefix string) (*site, error) {
	prefix = "/" + strings.Trim(prefix, "/")
	if prefix == "/" {
		prefix = ""
	}
	web := filepath.Join(root, "web")
	wasmPath := filepath.Join(web, "app.wasm")
	wasm, err := os.ReadFile(wasmPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s not found: build it first with ./build.sh wasm (or run the server from the repository root, or name the directory holding web/ with -root)", wasmPath)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the app: %w", err)
	}
	s := &site{
		root:    root,
		prefix:  prefix,
		version: Version(wasm),
		wasm:    encoded{body: wasm},
		files:   http.FileServer(http.Dir(root)),
	}
	wasmInfo, _ := os.Stat(wasmPath)
	for _, c := range []struct {
		ext, encoding string
		dst           **encoded
	}{{".br", "br", &s.br}, {".gz", "gzip", &s.gz}} {
		info, err := os.Stat(wasmPath + c.ext)
		if err != nil {
			s.warnings = append(s.warnings, "no "+wasmPath+c.ext+": app.wasm is sent without "+c.encoding+" compression (./build.sh wasm writes it)")
			continue
		}
		if wasmInfo != nil && info.ModTime().Before(wasmInfo.ModTime()) {
			s.warnings = append(s.warnings, wasmPath+c.ext+" is older than app.wasm and is ignored: rebuild with ./build.sh wasm")
			continue
		}
		b, err := os.ReadFile(wasmPath + c.ext)
		if err != nil {
			return nil, fmt.Errorf("cannot read the compressed app: %w", err)
		}
		*c.dst = &encoded{body: b, encoding: c.encoding}
	}
	s.handler = newHandler(s.version, prefix)
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app.js", nil))
	if s.appJS, err = PatchAppJS(rec.Body.Bytes(), s.handler.Resources.AppWASM()); err != nil {
		return nil, err
	}
	if s.wasmExec, err = WasmExecJS(); err != nil {
		// go-app's own copy dates from an older Go; it may still run
		// the app, so serve it rather than nothing.
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/wasm_exec.js", nil))
		s.wasmExec = rec.Body.Bytes()
		s.warnings = append(s.warnings, err.Error()+"; serving go-app's older copy, which may fail to start an app.wasm built by this Go")
	}
	return s, nil
}

// WasmExecJS returns the wasm_exec.js of the Go toolchain, which starts
// app.wasm in the page: the loader must come from the Go that built the
// app, and go-app v9 ships the one of an older Go. It reads
// GOROOT/lib/wasm/wasm_exec.js, with GOROOT the one this server was built
// with (or $GOROOT), else the one `go env GOROOT` names.
func WasmExecJS() ([]byte, error) {
	var tried []string
	read := func(root string) []byte {
		if root == "" {
			return nil
		}
		f := filepath.Join(root, "lib", "wasm", "wasm_exec.js")
		b, err := os.ReadFile(f)
		if err != nil {
			tried = append(tried, f)
			return nil
		}
		return b
	}
	if b := read(runtime.GOROOT()); b != nil {
		return b, nil
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		if b := read(strings.TrimSpace(string(out))); b != nil {
			return b, nil
		}
	}
	if len(tried) == 0 {
		return nil, errors.New("cannot find Go's wasm_exec.js: no GOROOT known (set GOROOT, or put the go command on PATH)")
	}
	return nil, fmt.Errorf("cannot read Go's wasm_exec.js (tried %s): set GOROOT to the Go that built app.wasm", strings.Join(tried, ", "))
}

// PatchAppJS changes go-app's app.js in three ways that make the app
// usable sooner:
//
//   - it instantiates the module that web/boot.js began compiling while the
//     page was still loading (see BootScript), and otherwise fetches
//     app.wasm itself;
//   - either way app.wasm is compiled from a plain fetch. go-app wraps the
//     response in a new Response built from a JavaScript stream to show a
//     progress percentage; a response without a URL cannot use the
//     browser's cache of compiled WebAssembly, so every load compiled the
//     whole app again;
//   - it registers the service worker a moment after the app runs instead
//     of before it loads, so that the worker's precaching (which fetches
//     app.wasm and every page again) competes neither with the first load
//     nor with the app opening its key vault.
func PatchAppJS(appJS []byte, wasmURL string) ([]byte, error) {
	for _, r := range [][2]string{
		{"await instantiateStreaming(\n      fetchWithProgress(\"" + wasmURL + "\", showProgress),\n      go.importObject\n    );",
			"await ottpayInstantiate(go, \"" + wasmURL + "\", instantiateStreaming);"},
		{"goappInitServiceWorker();\ngoappWatchForUpdate();\ngoappWatchForInstallable();\ngoappInitWebAssembly();\n",
			"goappWatchForUpdate();\ngoappWatchForInstallable();\ngoappInitWebAssembly().finally(() => setTimeout(goappInitServiceWorker, workerDelay));\n"},
	} {
		if bytes.Count(appJS, []byte(r[0])) != 1 {
			return nil, fmt.Errorf("go-app's app.js does not read as expected (no %q): the go-app version changed; update PatchAppJS", r[0])
		}
		appJS = bytes.Replace(appJS, []byte(r[0]), []byte(r[1]), 1)
	}
	return append(appJS, instantiateJS...), nil
}

// instantiateJS is added to app.js by PatchAppJS.
const instantiateJS = `
// Added by the workbench's server (see PatchAppJS in wasm/server.go).

// workerDelay is how long after the app starts the service worker is
// registered, in milliseconds.
const workerDelay = 1000;

// ottpayInstantiate instantiates app.wasm from the module web/boot.js began
// compiling early, or, when that is missing or failed, fetches and compiles
// it here.
async function ottpayInstantiate(go, url, instantiateStreaming) {
  if (window.ottpayWasmModule) {
    try {
      const module = await window.ottpayWasmModule;
      const instance = await WebAssembly.instantiate(module, go.importObject);
      return { module, instance };
    } catch (err) {
      console.warn("compiling app.wasm early failed; loading it again:", err);
    }
  }
  return instantiateStreaming(fetch(url), go.importObject);
}
`

// BootScript is the tag that runs web/boot.js as soon as the page's head
// is read. The script refuses to run the app inside another page's frame
// (the static build cannot send frame-ancestors), takes the trailing
// slash off a deep link that a plain static server redirected to its
// directory (/ottpay/keys/ → /ottpay/keys, the route), and starts
// compiling app.wasm (at wasmURL) while the page is parsed, styled and
// painted: go-app's own script only runs after that. It is a plain
// (parser-blocking) script on purpose: the script is tiny and an async
// one would wait for the main thread, which styles and paints the page
// first.
func BootScript(prefix, wasmURL string) string {
	return `<script src="` + prefix + `/web/boot.js" data-wasm="` + wasmURL + `" data-prefix="` + prefix + `"></script>`
}

// Version is the app version the service worker compares: a hash of the
// built app.wasm, so that every new build reaches users and a restart of
// the same build does not look like an update.
func Version(wasm []byte) string {
	sum := sha256.Sum256(wasm)
	return hex.EncodeToString(sum[:8])
}

// resources places the go-app files and web/ under a path prefix.
type resources struct{ prefix string }

// Package, Static and AppWASM implement app.ResourceProvider.
func (r resources) Package() string { return r.prefix }
func (r resources) Static() string  { return r.prefix }
func (r resources) AppWASM() string { return r.prefix + "/web/app.wasm" }

// newHandler describes the app to go-app: every resource is local, so the
// service worker can precache all of it and the app works offline.
func newHandler(version, prefix string) *app.Handler {
	cacheable := make([]string, 0, len(ui.Nav))
	for _, p := range ui.Paths() {
		if p != "/" {
			cacheable = append(cacheable, prefix+p)
		}
	}
	cacheable = append(cacheable, "/web/icon.svg", "/web/boot.js")
	return &app.Handler{
		Name:        "OTT Pay workbench",
		ShortName:   "OTT Pay",
		Title:       "OTT Pay workbench",
		Description: "Decode, verify, construct and sign OTT Pay messages in the browser. Keys stay on the device.",
		Author:      "ottpay-toolkit",
		Lang:        "en",
		Icon: app.Icon{
			Default:    "/web/icon-192.png",
			Large:      "/web/icon-512.png",
			SVG:        "/web/icon.svg",
			AppleTouch: "/web/icon-apple.png",
		},
		BackgroundColor:    "#f6f8f9",
		ThemeColor:         "#0f5e6b",
		LoadingLabel:       "Loading the workbench…",
		Styles:             []string{"/web/workbench.css"},
		CacheableResources: cacheable,
		Resources:          resources{prefix: prefix},
		Version:            version,
		// Start compiling app.wasm while the page is parsed; app.js
		// instantiates that module instead of loading it again.
		// Keep addresses out of Referer headers on hosts that send no
		// Referrer-Policy.
		RawHeaders: []string{ReferrerTag, BootScript(prefix, prefix+"/web/app.wasm")},
	}
}

// ContentSecurityPolicy is the policy of every page: only the page's own
// origin, plus the WebAssembly compilation Go's wasm needs. meta leaves
// out what a <meta> policy cannot carry (frame-ancestors).
func ContentSecurityPolicy(meta bool) string {
	p := []string{
		"default-src 'self'",
		"script-src 'self' 'wasm-unsafe-eval'",
		"style-src 'self'",
		"img-src 'self'",
		"font-src 'self'",
		"connect-src 'self'",
		"manifest-src 'self'",
		"worker-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'none'",
	}
	if !meta {
		p = append(p, "frame-ancestors 'none'")
	}
	return strings.Join(p, "; ")
}

// ServeHTTP serves one request.
func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for _, kv := range SecurityHeaders() {
		h.Set(kv[0], kv[1])
	}
	switch p := r.URL.Path; {
	case p == "/web/app.wasm" || p == "/app.wasm":
		s.serveWasm(w, r)
	case p == "/wasm_exec.js":
		h.Set("Content-Type", "application/javascript")
		h.Set("Cache-Control", "no-cache")
		w.Write(s.wasmExec)
	case p == "/app.js":
		h.Set("Content-Type", "application/javascript")
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", `"`+s.version+`"`)
		if r.Header.Get("If-None-Match") == `"`+s.version+`"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(s.appJS)
	case strings.HasPrefix(p, "/web/"):
		if strings.HasSuffix(p, "/") || strings.Contains(p, "..") {
			http.NotFound(w, r)
			return
		}
		h.Set("Cache-Control", "no-cache")
		s.files.ServeHTTP(w, r)
	default:
		s.servePage(w, r)
	}
}

// servePage serves what go-app's handler serves, with its pages patched
// by PatchPage.
func (s *site) servePage(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, r)
	b := rec.Body.Bytes()
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		if page, err := PatchPage(string(b)); err == nil {
			b = []byte(page)
		} else {
			s.warnOnce(err)
		}
	}
	h := w.Header()
	for k, v := range rec.Header() {
		if h.Get(k) == "" {
			h[k] = v
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(rec.Code)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// warnOnce reports a page that could not be patched on the server's
// standard error, once (the page is served as go-app wrote it).
func (s *site) warnOnce(err error) {
	s.patchWarn.Do(func() { fmt.Fprintln(os.Stderr, "wasm: warning:", err) })
}

// viewportRE matches the viewport meta tag go-app v9 writes into every
// page (its attributes in any order). go-app's maximum-scale=1 and
// user-scalable=0 stop people from zooming, which WCAG 2.1 (1.4.4, Resize
// text) forbids.
var viewportRE = regexp.MustCompile(`<meta (?:name="viewport" content="[^"]*"|content="[^"]*" name="viewport")>`)

// ViewportTag is the viewport meta tag the workbench's pages carry
// instead: zooming stays allowed.
const ViewportTag = `<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">`

// ReferrerTag keeps the page's address (and a share link's #fragment is
// never sent anyway) out of the Referer header of any request the page
// makes, on hosts that cannot send a Referrer-Policy header.
const ReferrerTag = `<meta name="referrer" content="no-referrer">`

// PatchPage fixes what go-app writes into every page and cannot be
// configured: the viewport tag that disables zooming becomes ViewportTag.
// It fails when the page has no such tag (a go-app upgrade changed it).
func PatchPage(page string) (string, error) {
	if len(viewportRE.FindAllStringIndex(page, 2)) != 1 {
		return page, errors.New("a page does not carry go-app v9's viewport tag: the go-app version changed; update PatchPage")
	}
	return viewportRE.ReplaceAllLiteralString(page, ViewportTag), nil
}

// serveWasm sends app.wasm in the best encoding the browser accepts.
func (s *site) serveWasm(w http.ResponseWriter, r *http.Request) {
	e := &s.wasm
	accept := r.Header.Get("Accept-Encoding")
	switch {
	case s.br != nil && acceptsEncoding(accept, "br"):
		e = s.br
	case s.gz != nil && acceptsEncoding(accept, "gzip"):
		e = s.gz
	}
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	etag := `"` + s.version + "-" + e.encoding + `"`
	h.Set("ETag", etag)
	if e.encoding != "" {
		h.Set("Content-Encoding", e.encoding)
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(e.body)
}

// acceptsEncoding reports whether an Accept-Encoding header accepts enc
// (a q=0 parameter refuses it).
func acceptsEncoding(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		if q, ok := strings.CutPrefix(params, "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

var (
	// go-app writes attributes in any order.
	ogURL       = regexp.MustCompile(`<meta (?:property="og:url" content="[^"]*"|content="[^"]*" property="og:url")>`)
	metaCharset = `<meta charset="UTF-8">`
)

// writeStatic writes the site into dir: every page, the go-app scripts,
// the manifest, the service worker and web/. Pages carry the
// Content-Security-Policy as a meta tag, for hosts that cannot set
// headers.
func (s *site) writeStatic(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	if err := app.GenerateStaticWebsite(dir, s.handler); err != nil {
		return fmt.Errorf("generating the static website failed: %w", err)
	}
	js := filepath.Join(dir, "app.js")
	b, err := os.ReadFile(js)
	if err != nil {
		return err
	}
	if b, err = PatchAppJS(b, s.handler.Resources.AppWASM()); err != nil {
		return err
	}
	if err := os.WriteFile(js, b, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "wasm_exec.js"), s.wasmExec, 0o644); err != nil {
		return err
	}
	meta := `<meta http-equiv="Content-Security-Policy" content="` + ContentSecurityPolicy(true) + `">`
	pages := 0
	err = filepath.WalkDir(dir, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(file) != ".html" {
			return err
		}
		rel, err := filepath.Rel(dir, file)
		if err != nil {
			return err
		}
		route := "/" + strings.TrimSuffix(filepath.ToSlash(rel), ".html")
		if route == "/index" {
			route = "/"
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		page := string(b)
		if !strings.Contains(page, metaCharset) {
			return fmt.Errorf("%s has no %s to put the Content-Security-Policy after", rel, metaCharset)
		}
		page = strings.Replace(page, metaCharset, metaCharset+"\n    "+meta, 1)
		// go-app writes the address of its temporary local server here.
		page = ogURL.ReplaceAllString(page, `<meta property="og:url" content="`+s.prefix+route+`">`)
		if page, err = PatchPage(page); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		pages++
		if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
			return err
		}
		if route == "/" {
			return nil
		}
		// keys.html answers /keys on hosts that try the .html
		// extension (GitHub Pages, Netlify, Cloudflare Pages); a plain
		// static server finds /keys as the directory keys/ instead. Its
		// resources are absolute paths under the prefix, so the same
		// page works from either place.
		sub := strings.TrimSuffix(file, ".html")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(sub, "index.html"), []byte(page), 0o644)
	})
	if err != nil {
		return err
	}
	if pages < len(ui.Nav) {
		return fmt.Errorf("the static website has %d pages, want at least %d", pages, len(ui.Nav))
	}
	if err := os.WriteFile(filepath.Join(dir, "_headers"), []byte(StaticHeaders(s.prefix)), 0o644); err != nil {
		return err
	}
	return copyDir(filepath.Join(s.root, "web"), filepath.Join(dir, "web"))
}

// SecurityHeaders are the response headers the server sends with
// everything, in the order a host's configuration lists them. A static
// host must be told to send them: a page cannot set them for itself (the
// pages carry what a page can: the policy less frame-ancestors, the
// referrer tag, and a frame-buster in web/boot.js).
func SecurityHeaders() [][2]string {
	return [][2]string{
		{"Content-Security-Policy", ContentSecurityPolicy(false)},
		{"X-Frame-Options", "DENY"},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "no-referrer"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
	}
}

// StaticHeaders is the _headers file of a static website deployed under
// prefix, in the format Netlify and Cloudflare Pages read: a path
// pattern, then its headers indented, one per line. It asks for
// SecurityHeaders on every path of the site.
func StaticHeaders(prefix string) string {
	var b strings.Builder
	b.WriteString("# Response headers for Netlify and Cloudflare Pages (written by ./build.sh static).\n")
	b.WriteString("# Other hosts: send the same headers with every file of the site.\n")
	b.WriteString(prefix + "/*\n")
	for _, h := range SecurityHeaders() {
		b.WriteString("  " + h[0] + ": " + h[1] + "\n")
	}
	return b.String()
}

// copyDir copies the regular files of src into dst.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
