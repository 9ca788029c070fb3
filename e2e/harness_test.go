// Package e2e drives the real workbench in Debian's headless Chromium: it
// builds web/app.wasm with build.sh, starts the real server on a free
// loopback port, and checks what a support engineer does with the app.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/ottpay-toolkit/ottpay/internal/chromiumtest"
)

// vector is the Appendix A worked example of the docs (testdata).
type vector struct {
	Plaintext  string `json:"plaintext_json"`
	Sorted     string `json:"sorted_concat"`
	MD5        string `json:"md5"`
	SignKey    string `json:"sign_key"`
	AESKey     string `json:"aes_key"`
	Ciphertext string `json:"ciphertext_base64"`
}

func loadVector(t testing.TB) vector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "appendix_a.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("testdata/appendix_a.json: %v", err)
	}
	return v
}

// built is the app and server, built once per test binary.
var built struct {
	once   sync.Once
	root   string // repository root, holding web/app.wasm
	server string // the server binary
	err    error
}

// build checks for Chromium, then builds the app with build.sh and the
// server binary.
func build(t testing.TB) (root, server string) {
	t.Helper()
	chromiumtest.Require(t)
	built.once.Do(func() {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			built.err = fmt.Errorf("go env GOMOD: %v", err)
			return
		}
		built.root = filepath.Dir(strings.TrimSpace(string(out)))
		cmd := exec.Command("bash", "build.sh", "wasm")
		cmd.Dir = built.root
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("./build.sh wasm: %v\n%s", err, out)
			return
		}
		dir, err := os.MkdirTemp("", "ottpay-e2e-bin")
		if err != nil {
			built.err = err
			return
		}
		built.server = filepath.Join(dir, "workbench")
		cmd = exec.Command("go", "build", "-o", built.server, "./wasm")
		cmd.Dir = built.root
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build ./wasm: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.root, built.server
}

// server is the real workbench server, reached through a recording proxy
// on a port of its own, so that every request the browser makes to the
// origin is seen here as well as in the browser's network events.
type server struct {
	URL string // the origin the browser uses: the proxy

	cmd   *exec.Cmd
	proxy *http.Server
	ln    net.Listener

	mu       sync.Mutex
	requests []recorded
	held     chan struct{} // while open, requests for app.wasm wait (HoldApp)
}

// HoldApp makes requests for app.wasm wait until release is called (or t
// ends), so that a test can use the page the server pre-rendered before
// the app starts.
func (s *server) HoldApp(t testing.TB) (release func()) {
	held := make(chan struct{})
	s.mu.Lock()
	s.held = held
	s.mu.Unlock()
	var once sync.Once
	release = func() { once.Do(func() { close(held) }) }
	t.Cleanup(release)
	return release
}

// recorded is one request as it reached the origin.
type recorded struct {
	Method, URL string
	Header      http.Header
	Body        string
}

var listenRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)

// startServer runs the server binary on a free port and a recording proxy
// in front of it.
func startServer(t testing.TB) *server {
	t.Helper()
	root, _ := build(t)
	return startServerAt(t, root)
}

// startServerAt is startServer serving the web/ directory under root.
func startServerAt(t testing.TB, root string) *server {
	t.Helper()
	cmd, backend := runWorkbench(t, "-root", root)
	s := &server{cmd: cmd}
	t.Cleanup(s.Stop)

	target, _ := url.Parse(backend)
	rp := httputil.NewSingleHostReverseProxy(target)
	var err error
	s.ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.proxy = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		s.mu.Lock()
		s.requests = append(s.requests, recorded{r.Method, r.URL.String(), r.Header.Clone(), string(body)})
		held := s.held
		s.mu.Unlock()
		if held != nil && strings.HasSuffix(r.URL.Path, "/web/app.wasm") {
			select {
			case <-held:
			case <-r.Context().Done():
				return
			}
		}
		rp.ServeHTTP(w, r)
	})}
	go s.proxy.Serve(s.ln)
	s.URL = "http://" + s.ln.Addr().String()
	return s
}

// runWorkbench runs the workbench server binary on a free loopback port,
// with args besides -addr, and returns the process and the URL it printed
// (with its trailing slash). The process ends with t.
func runWorkbench(t testing.TB, args ...string) (*exec.Cmd, string) {
	t.Helper()
	_, bin := build(t)
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if m := listenRE.FindString(lines.Text()); m != "" {
				found <- m
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-found:
		return cmd, u
	case <-time.After(20 * time.Second):
		t.Fatalf("the server %v printed no URL within 20 s", args)
		return nil, ""
	}
}

// Stop ends the server and the proxy: the origin is then offline.
func (s *server) Stop() {
	if s.proxy != nil {
		s.proxy.Close()
	}
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Requests returns every request recorded so far.
func (s *server) Requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.requests...)
}

// browser is one headless Chromium on one user-data-dir.
type browser struct {
	ctx    context.Context
	cancel func()
	ev     *events // what the pages did, when recorded
}

// events collects what the pages did: network requests, and console and
// browser log messages (where CSP violations are reported).
type events struct {
	mu       sync.Mutex
	requests []string // method, URL, headers and post data of each request
	console  []string
}

func (e *events) add(list *[]string, s string) {
	e.mu.Lock()
	*list = append(*list, s)
	e.mu.Unlock()
}

func (e *events) all(list *[]string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), (*list)...)
}

// startBrowser starts Chromium with the flags the project uses, on
// userDataDir, and records network and console events into ev (if not
// nil). The browser closes when t ends, so userDataDir must outlive t:
// in a subtest, pass the parent's TempDir, never the subtest's.
func startBrowser(t testing.TB, userDataDir string, ev *events) *browser {
	t.Helper()
	opts := chromiumtest.Options(userDataDir,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.WindowSize(1200, 900),
	)
	// Chromium exits at once, saying nothing, while an earlier browser on
	// the same profile directory is still shutting down (it holds the
	// profile's lock): try again a few times before giving up.
	var b *browser
	for try := 1; ; try++ {
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(actx)
		b = &browser{ctx: ctx, ev: ev}
		b.cancel = func() {
			cancel()
			acancel()
		}
		err := chromedp.Do(ctx)
		if err == nil {
			break
		}
		b.Close()
		if try == 4 {
			t.Fatalf("starting %s (%d tries): %v", chromiumtest.Path, try, err)
		}
		t.Logf("starting %s: %v; trying again", chromiumtest.Path, err)
		time.Sleep(time.Duration(try) * 500 * time.Millisecond)
	}
	t.Cleanup(b.Close)
	ctx := b.ctx
	if ev == nil {
		return b
	}
	err := chromedp.Listen(ctx, func(e any) {
		if e, ok := e.(*network.EventRequestWillBeSent); ok {
			var sb strings.Builder
			sb.WriteString(e.Request.Method + " " + e.Request.URL + e.Request.URLFragment + "\n")
			for k, v := range e.Request.Headers {
				fmt.Fprintf(&sb, "%s: %v\n", k, v)
			}
			for _, d := range e.Request.PostDataEntries {
				sb.Write(d.Bytes)
			}
			ev.add(&ev.requests, sb.String())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			ev.add(&ev.console, string(m.Type)+": "+m.Text+" "+m.URL)
		}
	}()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return b
}

// Close shuts the browser down cleanly, so its profile is written to disk.
func (b *browser) Close() {
	if b.cancel == nil {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	chromedp.Cancel(ctx)
	cancel()
	b.cancel()
	b.cancel = nil
}

// run runs steps with a deadline.
func (b *browser) run(t testing.TB, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, b.state())
	}
}

// state describes the page for a failure message: its URL, what it says,
// the values of its form fields (keys masked), and the last console
// lines, where a Go panic in the app would show.
func (b *browser) state() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	page, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const main = document.querySelector("main");
		const fields = [...document.querySelectorAll("input, textarea, select")].
			filter(e => e.id && e.type !== "file").
			map(e => e.id + "=" + JSON.stringify(/key|pass/i.test(e.id) ? e.value.length + " characters" : e.value.slice(0, 80)));
		return location.href + "\nthe page says:\n" + (main ? main.innerText.slice(0, 1500) : document.body.innerText.slice(0, 1500)) +
			"\nfields: " + fields.join(" ");
	})()`))
	if err != nil {
		page = "(cannot read the page: " + err.Error() + ")"
	}
	if b.ev != nil {
		console := b.ev.all(&b.ev.console)
		if len(console) > 15 {
			console = console[len(console)-15:]
		}
		page += "\nlast console lines:\n" + strings.Join(console, "\n")
	}
	return page
}

// get runs one action that returns a value, with a deadline.
func get[T any](t testing.TB, b *browser, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// css selects the first element matching a CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// text returns the text of the first element matching sel.
func text(t testing.TB, b *browser, sel string) string {
	t.Helper()
	return get(t, b, chromedp.Text(css(sel)))
}

// eval evaluates JavaScript in the page for its side effects.
func eval(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[*bool](js, chromedp.EvalAwaitPromise)(ctx, t)
		return chromedp.Void{}, err
	}
}

// setValue sets the value of a form element as typing or picking would,
// firing input and change events.
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	q, _ := json.Marshal(sel)
	v, _ := json.Marshal(value)
	return eval(fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (!e) { throw new Error("no element " + %s); }
		e.value = %s;
		e.dispatchEvent(new Event("input", {bubbles: true}));
		e.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`, q, q, v))
}

// click clicks the first element matching sel.
//
// It waits until the element is visible, then clicks the element that
// matches at that moment from JavaScript. A mouse click at the element's
// coordinates, as chromedp.Click sends, is lost when a redraw moves or
// replaces the element between the look-up and the click: under load a
// late warning line shifting the form was enough to lose "Add profile".
func click(sel string) chromedp.Action[chromedp.Void] {
	q, _ := json.Marshal(sel)
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%s); if (!e) { return false; } e.click(); return true; })()`, q)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := chromedp.WaitVisible(css(sel))(ctx, t); err != nil {
			return chromedp.Void{}, err
		}
		ok, err := chromedp.Evaluate[bool](js)(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		if !ok {
			return chromedp.Void{}, fmt.Errorf("click: no element matches %s", sel)
		}
		return chromedp.Void{}, nil
	}
}

// visible waits until the first element matching sel is visible.
func visible(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(css(sel))
}

// poll evaluates a JavaScript condition (a bool, or a promise of one)
// every 20ms until it is true.
func poll(js, what string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for {
			ok, err := chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)(ctx, t)
			if err != nil {
				return chromedp.Void{}, err
			}
			if ok {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("waiting for %s: %w", what, ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

// appReady waits until the wasm app runs the page: go-app removes its
// loader once the Go program has mounted the page.
func appReady() chromedp.Action[chromedp.Void] {
	return poll(`document.getElementById("app-wasm-loader") === null && document.querySelector(".wb") !== null`,
		"the app to start (go-app's loader to go away)")
}

// waitText waits until the element matching sel contains want.
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		q, _ := json.Marshal(sel)
		js := fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e ? e.innerText : null; })()`, q)
		last := "(no such element)"
		for {
			got, err := chromedp.Evaluate[*string](js)(ctx, t)
			if err != nil {
				return chromedp.Void{}, err
			}
			if got != nil {
				last = *got
				if strings.Contains(last, want) {
					return chromedp.Void{}, nil
				}
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("waiting for %q in %s, which says %q: %w", want, sel, last, ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

// textOf stores the text of the first element matching sel into dst.
func textOf(sel string, dst *string) chromedp.Action[chromedp.Void] {
	return store(chromedp.Text(css(sel)), dst)
}

// valueOf stores the value of the form element matching sel into dst.
func valueOf(sel string, dst *string) chromedp.Action[chromedp.Void] {
	return store(chromedp.Value(css(sel)), dst)
}

// hrefOf stores the href attribute of the element matching sel into dst.
func hrefOf(sel string, dst *string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		r, err := chromedp.AttributeValue(css(sel), "href")(ctx, t)
		*dst = r.Value
		return chromedp.Void{}, err
	}
}

// store runs a and stores its value into dst.
func store[T any](a chromedp.Action[T], dst *T) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, t)
		*dst = v
		return chromedp.Void{}, err
	}
}

// checkCompiledOnce checks, after a first visit, that the page asked for
// app.wasm (at wasmPath) once and compiled it through the early start in
// web/boot.js: a second request would mean app.js found no early compile
// and fetched the app again.
func checkCompiledOnce(t *testing.T, b *browser, ev *events, wasmPath string) {
	t.Helper()
	var early bool
	b.run(t, "early compile", store(chromedp.Evaluate[bool](`window.ottpayWasmModule instanceof Promise`), &early))
	if !early {
		t.Error("web/boot.js did not start compiling app.wasm (window.ottpayWasmModule is not set)")
	}
	var asked []string
	for _, r := range ev.all(&ev.requests) {
		first, _, _ := strings.Cut(r, "\n")
		if strings.HasPrefix(first, "GET ") && strings.HasSuffix(first, wasmPath) {
			asked = append(asked, first)
		}
	}
	if len(asked) != 1 {
		t.Errorf("the page asked for %s %d times, want once: %q", wasmPath, len(asked), asked)
	}
	for _, c := range ev.all(&ev.console) {
		if strings.Contains(c, "compiling app.wasm early failed") {
			t.Errorf("console: %s", c)
		}
	}
}
