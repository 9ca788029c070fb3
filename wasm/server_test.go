//go:build !wasm

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	batchui "github.com/ottpay-toolkit/ottpay/wasm/batch/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

func TestMain(m *testing.M) {
	register(&ui.Env{Store: openStore()})
	os.Exit(m.Run())
}

// fakeRoot writes a web/ directory with a stand-in app.wasm, its
// compressed forms, and the real static files of the repository.
func fakeRoot(t *testing.T) (root string, wasm []byte) {
	t.Helper()
	root = t.TempDir()
	web := filepath.Join(root, "web")
	if err := copyDir(filepath.Join("..", "web"), web); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"app.wasm", "app.wasm.br", "app.wasm.gz", "app.wasm.sum", "wasm_exec.js"} {
		os.Remove(filepath.Join(web, f))
	}
	wasm = []byte("\x00asm\x01\x00\x00\x00 a stand-in for the real app")
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(web, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app.wasm", wasm)
	write("app.wasm.br", []byte("BROTLI"))
	write("app.wasm.gz", []byte("GZIP"))
	write("wasm_exec.js", []byte(wasmExecStandIn))
	return root, wasm
}

// wasmExecStandIn is fakeRoot's web/wasm_exec.js.
const wasmExecStandIn = "// a stand-in for Go's wasm_exec.js\n"

func get(t *testing.T, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWasmIsServedPrecompressed(t *testing.T) {
	root, wasm := fakeRoot(t)
	s, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		accept, encoding, body string
	}{
		{"gzip, deflate, br, zstd", "br", "BROTLI"},
		{"gzip, deflate", "gzip", "GZIP"},
		{"br;q=0, gzip;q=0.5", "gzip", "GZIP"},
		{"", "", string(wasm)},
		{"identity", "", string(wasm)},
	}
	for _, tt := range tests {
		r := get(t, s, "/web/app.wasm", "Accept-Encoding", tt.accept)
		got := body(t, r)
		if r.StatusCode != 200 || r.Header.Get("Content-Encoding") != tt.encoding || got != tt.body {
			t.Errorf("Accept-Encoding %q: status %d, Content-Encoding %q, body %q; want %q %q",
				tt.accept, r.StatusCode, r.Header.Get("Content-Encoding"), got, tt.encoding, tt.body)
		}
		if r.Header.Get("Content-Type") != "application/wasm" || r.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Content-Type %q Vary %q", r.Header.Get("Content-Type"), r.Header.Get("Vary"))
		}
		if tt.encoding == "" && r.Header.Get("Content-Length") != strconv.Itoa(len(wasm)) {
			t.Errorf("Content-Length %q, want %d", r.Header.Get("Content-Length"), len(wasm))
		}
		// A second fetch with the ETag is answered 304.
		r2 := get(t, s, "/web/app.wasm", "Accept-Encoding", tt.accept, "If-None-Match", r.Header.Get("ETag"))
		if r2.StatusCode != http.StatusNotModified {
			t.Errorf("revalidation answered %d", r2.StatusCode)
		}
	}
}

func TestStaleCompressedWasmIsIgnored(t *testing.T) {
	root, wasm := fakeRoot(t)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(root, "web", "app.wasm.br"), old, old)
	s, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.warnings) != 1 || !strings.Contains(s.warnings[0], "older than app.wasm") {
		t.Errorf("warnings %q", s.warnings)
	}
	r := get(t, s, "/web/app.wasm", "Accept-Encoding", "br")
	if got := body(t, r); got != string(wasm) {
		t.Errorf("a stale .br was served: %q", got)
	}
}

func TestMissingWasmSaysHowToBuildIt(t *testing.T) {
	_, err := loadSite(t.TempDir(), "", false)
	if err == nil || !strings.Contains(err.Error(), "./build.sh wasm") {
		t.Errorf("error %v does not say how to build the app", err)
	}
	var out, errs bytes.Buffer
	if code := run([]string{"-root", t.TempDir()}, &out, &errs); code != 1 || !strings.Contains(errs.String(), "build.sh wasm") {
		t.Errorf("exit %d, stderr %q", code, errs.String())
	}
	if code := run([]string{"-no-such-flag"}, &out, &errs); code != 2 {
		t.Errorf("a bad flag exits %d, want 2", code)
	}
}

var (
	scriptTag = regexp.MustCompile(`<script[^>]*>`)
	offSite   = regexp.MustCompile(`(src|href)="https?:[^"]*"|"https?://[^" ]*"`)
)

func TestPagesCarryTheContentSecurityPolicyAndOnlyLocalResources(t *testing.T) {
	root, wasm := fakeRoot(t)
	s, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(ui.Paths(), "/app.js", "/app-worker.js", "/manifest.webmanifest", "/web/workbench.css") {
		r := get(t, s, p)
		page := body(t, r)
		if r.StatusCode != 200 {
			t.Errorf("%s: status %d", p, r.StatusCode)
			continue
		}
		csp := r.Header.Get("Content-Security-Policy")
		if csp != ContentSecurityPolicy(false) || !strings.Contains(csp, "'wasm-unsafe-eval'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		// Every resource is same-origin (og:url only names the page).
		if start, end, _, ok := findMeta(page, `property="og:url"`); ok {
			page = page[:start] + page[end:]
		}
		if m := offSite.FindString(page); m != "" {
			t.Errorf("%s loads a resource from another origin: %s", p, m)
		}
		for _, tag := range scriptTag.FindAllString(page, -1) {
			if !strings.Contains(tag, " src=") {
				t.Errorf("%s has an inline script, which the policy blocks: %s", p, tag)
			}
		}
		if strings.Contains(page, ` style="`) {
			t.Errorf("%s has an inline style attribute, which the policy blocks", p)
		}
	}

	worker := body(t, get(t, s, "/app-worker.js"))
	for _, want := range []string{`"/construct"`, `"/keys"`, `"/"`, `"/web/app.wasm"`, `"/web/icon-192.png"`, `"/web/icon.svg"`, `"/web/workbench.css"`, Version(wasm)} {
		if !strings.Contains(worker, want) {
			t.Errorf("the service worker does not precache or name %s", want)
		}
	}
	manifest := body(t, get(t, s, "/manifest.webmanifest"))
	if !strings.Contains(manifest, "/web/icon-512.png") || !strings.Contains(manifest, "/web/icon.svg") {
		t.Errorf("manifest without the local icons:\n%s", manifest)
	}
	if r := get(t, s, "/web/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("/web/ lists the directory (status %d)", r.StatusCode)
	}
}

func TestVersionFollowsTheBuiltWasm(t *testing.T) {
	a, b := Version([]byte("build 1")), Version([]byte("build 2"))
	if a == b || a != Version([]byte("build 1")) || len(a) != 16 {
		t.Errorf("versions %q %q", a, b)
	}
	root, wasm := fakeRoot(t)
	s, _ := loadSite(root, "", false)
	if s.version != Version(wasm) || s.handler.Version != s.version {
		t.Errorf("site version %q, handler %q, want %q", s.version, s.handler.Version, Version(wasm))
	}
}

func TestStaticWebsiteUnderASubPath(t *testing.T) {
	root, wasm := fakeRoot(t)
	dist := filepath.Join(t.TempDir(), "dist")
	var out, errs bytes.Buffer
	if code := run([]string{"-root", root, "-static", dist, "-prefix", "/ottpay/"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	meta := `<meta http-equiv="Content-Security-Policy" content="` + ContentSecurityPolicy(true) + `">`
	for _, p := range []string{"index.html", "construct.html", "keys.html"} {
		page := read(p)
		if !strings.Contains(page, "<meta charset=\"UTF-8\">\n    "+meta) {
			t.Errorf("%s: no CSP meta tag right after the charset", p)
		}
		if i := strings.Index(page, "127.0.0.1"); i >= 0 {
			t.Errorf("%s names the generator's temporary server: %s", p, page[max(0, i-200):min(len(page), i+100)])
		}
		if !strings.Contains(page, `src="/ottpay/app.js"`) || !strings.Contains(page, `href="/ottpay/web/workbench.css"`) ||
			!strings.Contains(page, `src="/ottpay/web/boot.js" data-wasm="/ottpay/web/app.wasm" data-prefix="/ottpay"`) {
			t.Errorf("%s: resources are not under the prefix", p)
		}
	}
	if strings.Contains(ContentSecurityPolicy(true), "frame-ancestors") {
		t.Error("the meta policy carries frame-ancestors, which browsers ignore in a meta tag")
	}
	worker := read("app-worker.js")
	for _, want := range []string{`"/ottpay/construct"`, `"/ottpay/keys"`, `"/ottpay/web/app.wasm"`, `"/ottpay/web/boot.js"`} {
		if !strings.Contains(worker, want) {
			t.Errorf("app-worker.js does not precache %s", want)
		}
	}
	if !strings.Contains(read("manifest.webmanifest"), `"scope": "/ottpay/"`) {
		t.Errorf("manifest scope is not the prefix:\n%s", read("manifest.webmanifest"))
	}
	if got := read("web/app.wasm"); got != string(wasm) {
		t.Error("web/app.wasm was not copied")
	}
	if _, err := os.Stat(filepath.Join(dist, "web", "icon-192.png")); err != nil {
		t.Error("the icons were not copied")
	}
}

// app.js instantiates the module web/boot.js began compiling, falls back
// to a plain fetch of its own (never go-app's progress stream, which
// defeats the browser's cache of compiled code), and registers the
// service worker only after the app runs.
func TestAppJSUsesTheEarlyCompileAndRegistersTheWorkerAfter(t *testing.T) {
	root, _ := fakeRoot(t)
	s, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	js := body(t, get(t, s, "/app.js"))
	for _, want := range []string{
		`await ottpayInstantiate(go, "/web/app.wasm", instantiateStreaming);`,
		"window.ottpayWasmModule",
		"return instantiateStreaming(fetch(url), go.importObject);",
		"goappInitWebAssembly().finally(() => setTimeout(goappInitServiceWorker, workerDelay));",
	} {
		if !strings.Contains(js, want) {
			t.Errorf("app.js lacks %q", want)
		}
	}
	for _, unwanted := range []string{`fetchWithProgress("/web/app.wasm"`, "\ngoappInitServiceWorker();"} {
		if strings.Contains(js, unwanted) {
			t.Errorf("app.js still has %q", unwanted)
		}
	}
	if _, err := PatchAppJS([]byte("something else"), "/web/app.wasm"); err == nil || !strings.Contains(err.Error(), "go-app version changed") {
		t.Errorf("an unexpected app.js gives %v", err)
	}
}

// Every page starts web/boot.js from its head, under the site's prefix,
// and the service worker keeps boot.js for offline use.
func TestPagesStartTheEarlyCompile(t *testing.T) {
	root, _ := fakeRoot(t)
	s, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ui.Paths() {
		page := body(t, get(t, s, p))
		head, _, _ := strings.Cut(page, "</head>")
		if !strings.Contains(head, `<script src="/web/boot.js" data-wasm="/web/app.wasm" data-prefix="" data-vault="ottpay-workbench" data-vault-version="2" data-vault-stores="records meta"></script>`) {
			t.Errorf("page %s does not start web/boot.js from its head", p)
		}
	}
	if !strings.Contains(body(t, get(t, s, "/app-worker.js")), `"/web/boot.js"`) {
		t.Error("app-worker.js does not precache /web/boot.js")
	}
	if got := BootScript("/ottpay", "/ottpay/web/app.wasm"); got != `<script src="/ottpay/web/boot.js" data-wasm="/ottpay/web/app.wasm" data-prefix="/ottpay" data-vault="ottpay-workbench" data-vault-version="2" data-vault-stores="records meta"></script>` {
		t.Errorf("BootScript under /ottpay = %s", got)
	}
}

// The page loads app.wasm with the wasm_exec.js that build.sh copied
// beside it, served and in a static website; the server never looks for a
// Go installation.
func TestWasmExecIsTheOneBesideTheApp(t *testing.T) {
	root, _ := fakeRoot(t)
	s, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	r := get(t, s, "/wasm_exec.js")
	if got := body(t, r); got != wasmExecStandIn {
		t.Errorf("/wasm_exec.js is not web/wasm_exec.js: %q", got)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/javascript" {
		t.Errorf("/wasm_exec.js: Content-Type %q", ct)
	}
	page := body(t, get(t, s, "/"))
	if !strings.Contains(page, `src="/wasm_exec.js"`) {
		t.Error("the page does not load /wasm_exec.js")
	}

	dist := filepath.Join(t.TempDir(), "dist")
	if err := s.writeStatic(dist); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dist, "wasm_exec.js"))
	if err != nil || string(got) != wasmExecStandIn {
		t.Errorf("the static website's wasm_exec.js is not web/wasm_exec.js (%q, %v)", got, err)
	}
	if page, err := os.ReadFile(filepath.Join(dist, strings.TrimPrefix(batchui.Path, "/")+".html")); err != nil || !strings.Contains(string(page), `id="batch-decode"`) {
		t.Errorf("the static website has no Batch page: %v", err)
	}

	os.Remove(filepath.Join(root, "web", "wasm_exec.js"))
	if _, err := loadSite(root, "", false); err == nil || !strings.Contains(err.Error(), "./build.sh wasm") {
		t.Errorf("without web/wasm_exec.js: %v, want the command that writes it", err)
	}
}

// build.sh copies the wasm_exec.js of the go command it builds with.
func TestBuildCopiesTheWasmExecOfThisGo(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	want, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	web := t.TempDir()
	cmd := exec.Command("bash", filepath.Join("..", "build.sh"), "wasm-exec")
	cmd.Env = append(os.Environ(), "WEB="+web, "GO=go")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("./build.sh wasm-exec: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(web, "wasm_exec.js"))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("build.sh wrote %d bytes (%v), want GOROOT/lib/wasm/wasm_exec.js (%d bytes)", len(got), err, len(want))
	}
}

// The Batch page is routed, listed in the navigation right after Decode,
// drawn in the workbench's layout, and precached for offline use.
func TestBatchPageIsRoutedListedAndPrecached(t *testing.T) {
	paths := ui.Paths()
	if len(paths) < 2 || paths[0] != ui.PathDecode || paths[1] != batchui.Path {
		t.Fatalf("navigation %v: want the Batch page right after Decode", paths)
	}
	n := len(ui.Nav)
	addNav(ui.NavItem{Path: batchui.Path, Label: "Batch"}, ui.PathDecode)
	if len(ui.Nav) != n {
		t.Error("adding the Batch page twice lists it twice")
	}
	root, _ := fakeRoot(t)
	s, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	r := get(t, s, batchui.Path)
	page := body(t, r)
	if r.StatusCode != 200 {
		t.Fatalf("%s: status %d", batchui.Path, r.StatusCode)
	}
	for _, want := range []string{`class="wb"`, `id="nav-batch"`, `id="batch-decode"`, `id="batch-text"`, `class="wb-footer"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the Batch page lacks %s", want)
		}
	}
	if !regexp.MustCompile(`<a[^>]*(id="nav-batch"[^>]*class="active"|class="active"[^>]*id="nav-batch")`).MatchString(page) {
		t.Error("the navigation does not mark Batch as the current page")
	}
	if worker := body(t, get(t, s, "/app-worker.js")); !strings.Contains(worker, `"`+batchui.Path+`"`) {
		t.Errorf("the service worker does not precache %s", batchui.Path)
	}
}

// The Batch page decodes with the vault's keys by merchant_id, and a vault
// that cannot be read says why.
func TestVaultKeysFeedTheBatchPage(t *testing.T) {
	ctx := context.Background()
	st := vault.NewMemory(vault.Options{})
	for _, p := range []vault.Profile{
		{Label: "A", MerchantID: "ON00004652", SignKey: "6698851A525C9433"},
		{Label: "B", MerchantID: "QC00005496", SignKey: "A8B5FE540E38A5A9"},
	} {
		if _, err := st.Put(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := vaultKeys(st)(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].MerchantID != "ON00004652" || keys[0].SignKey != "6698851A525C9433" ||
		keys[1].MerchantID != "QC00005496" || keys[1].SignKey != "A8B5FE540E38A5A9" {
		t.Errorf("keys %+v", keys)
	}
	broken := errors.New("the vault is locked")
	if _, err := vaultKeys(failingStore{broken})(ctx); !errors.Is(err, broken) {
		t.Errorf("a vault that fails gives %v", err)
	}
	if keys, err := vaultKeys(nil)(ctx); err != nil || len(keys) != 0 {
		t.Errorf("no vault gives %v, %v", keys, err)
	}
}

// failingStore is a vault whose every call fails.
type failingStore struct{ err error }

func (f failingStore) List(context.Context) ([]vault.Profile, error) { return nil, f.err }
func (f failingStore) Get(context.Context, string) (vault.Profile, error) {
	return vault.Profile{}, f.err
}
func (f failingStore) Put(context.Context, vault.Profile) (vault.Profile, error) {
	return vault.Profile{}, f.err
}
func (f failingStore) Delete(context.Context, string) error { return f.err }
