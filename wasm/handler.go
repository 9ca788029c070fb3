//go:build !wasm

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// site serves the workbench: the go-app pages and scripts (adapted as
// goapp.go says), the static resources of web/, and app.wasm
// precompressed, every response with SecurityHeaders.
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
	wasmExec []byte // web/wasm_exec.js: Go's, copied by build.sh

	patchWarn sync.Once
}

// encoded is one form of app.wasm.
type encoded struct {
	body     []byte
	encoding string // "", "br" or "gzip"
}

// loadSite reads web/app.wasm (and its precompressed forms when they are
// at least as new) and web/wasm_exec.js from root. sandbox tells the app
// that a sandbox is mounted on its origin (the server's -sandbox).
func loadSite(root, prefix string, sandbox bool) (*site, error) {
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
	// The loader must come from the Go that built app.wasm (go-app v9
	// ships the one of an older Go): build.sh copies it beside the app.
	execPath := filepath.Join(web, "wasm_exec.js")
	wasmExec, err := os.ReadFile(execPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s not found: ./build.sh wasm copies it from the Go that builds app.wasm", execPath)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read Go's wasm loader: %w", err)
	}
	s := &site{
		root:     root,
		prefix:   prefix,
		version:  siteVersion(wasm, sandbox),
		wasm:     encoded{body: wasm},
		files:    http.FileServer(http.Dir(root)),
		wasmExec: wasmExec,
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
	s.handler = newHandler(s.version, prefix, sandbox)
	appJS, err := goAppFile(s.handler, "/app.js")
	if err != nil {
		return nil, err
	}
	if s.appJS, err = PatchAppJS(appJS, s.handler.Resources.AppWASM()); err != nil {
		return nil, err
	}
	return s, nil
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
	var out buffered
	s.handler.ServeHTTP(&out, r)
	b := out.body.Bytes()
	if strings.HasPrefix(out.Header().Get("Content-Type"), "text/html") {
		if page, err := PatchPage(string(b)); err == nil {
			b = []byte(page)
		} else {
			s.warnOnce(err)
		}
	}
	h := w.Header()
	for k, v := range out.Header() {
		if h.Get(k) == "" {
			h[k] = v
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(out.status())
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// warnOnce reports a page that could not be patched on the server's
// standard error, once (the page is served as go-app wrote it).
func (s *site) warnOnce(err error) {
	s.patchWarn.Do(func() { fmt.Fprintln(os.Stderr, "wasm: warning:", err) })
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

// buffered is an http.ResponseWriter that keeps the response, so that a
// page go-app wrote can be patched before it is sent.
type buffered struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

// Header returns the response's header.
func (b *buffered) Header() http.Header {
	if b.header == nil {
		b.header = http.Header{}
	}
	return b.header
}

// WriteHeader keeps the first status code.
func (b *buffered) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

// Write appends to the body.
func (b *buffered) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

// status is the status code written, 200 when none was.
func (b *buffered) status() int {
	if b.code == 0 {
		return http.StatusOK
	}
	return b.code
}

// goAppFile returns what go-app's handler serves at path.
func goAppFile(h http.Handler, path string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	var out buffered
	h.ServeHTTP(&out, req)
	if out.status() != http.StatusOK {
		return nil, fmt.Errorf("go-app serves %s with status %d", path, out.status())
	}
	return out.body.Bytes(), nil
}
