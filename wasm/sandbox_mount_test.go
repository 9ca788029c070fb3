//go:build !wasm

package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// TestSandboxMountedBesideTheWorkbench serves the workbench with a real
// sandbox mounted on it: the sandbox's paths answer with the sandbox's
// header and its own headers, every other path is the workbench's, with
// the workbench's Content-Security-Policy.
func TestSandboxMountedBesideTheWorkbench(t *testing.T) {
	root, _ := fakeRoot(t)
	s, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.New(sandbox.Options{NoListener: true, Merchants: map[string]string{"ON00004652": "A8B5FE540E38A5A9"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	h := MountSandbox(s, sb.Handler())

	health := get(t, h, "/_sandbox/healthz")
	if health.StatusCode != http.StatusOK || health.Header.Get(sandbox.Header) == "" {
		t.Errorf("/_sandbox/healthz: %d, %s %q; want 200 with the sandbox's header", health.StatusCode, sandbox.Header, health.Header.Get(sandbox.Header))
	}
	if csp := health.Header.Get("Content-Security-Policy"); csp == ContentSecurityPolicy(false) {
		t.Error("the sandbox's answers carry the workbench's policy")
	}
	gw := get(t, h, "/processV2")
	if gw.Header.Get(sandbox.Header) == "" {
		t.Error("/processV2 is not the sandbox's gateway")
	}
	pay := get(t, h, "/_sandbox/pay/NOSUCH")
	if csp := pay.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("the pay page's policy is %q, want the sandbox's own", csp)
	}
	for _, p := range []string{"/", "/construct", "/keys", "/app-worker.js"} {
		r := get(t, h, p)
		if r.StatusCode != http.StatusOK || r.Header.Get(sandbox.Header) != "" || r.Header.Get("Content-Security-Policy") != ContentSecurityPolicy(false) {
			t.Errorf("%s: %d, sandbox header %q, policy %q; want the workbench's page", p, r.StatusCode, r.Header.Get(sandbox.Header), r.Header.Get("Content-Security-Policy"))
		}
	}

	// Served alone, the workbench has no sandbox: the check fails, with
	// no error status for the browser's console to report.
	alone := NoSandbox(s)
	if r := get(t, alone, "/_sandbox/healthz"); r.StatusCode != http.StatusNoContent || r.Header.Get(sandbox.Header) != "" {
		t.Errorf("the workbench alone answers /_sandbox/healthz with %d and header %q, want 204 and none", r.StatusCode, r.Header.Get(sandbox.Header))
	}
	for _, p := range []string{"/processV2", "/_sandbox/orders"} {
		if r := get(t, alone, p); r.Header.Get(sandbox.Header) != "" {
			t.Errorf("the workbench alone answers %s as the sandbox", p)
		}
	}
	if r := get(t, alone, "/construct"); r.StatusCode != http.StatusOK {
		t.Errorf("the workbench alone: /construct answers %d", r.StatusCode)
	}
}

// TestServiceWorkerCachesNoSandboxPath checks that go-app's service
// worker precaches nothing of the sandbox: it answers only what it
// precached from its cache, so the sandbox check and the gateway always
// reach the network, and an offline page finds no sandbox.
func TestServiceWorkerCachesNoSandboxPath(t *testing.T) {
	root, _ := fakeRoot(t)
	s, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	worker := body(t, get(t, s, "/app-worker.js"))
	if !strings.Contains(worker, `"/web/boot.js"`) {
		t.Fatalf("app-worker.js does not read as expected:\n%.500s", worker)
	}
	for _, p := range []string{"/_sandbox", "/processV2", "/process\"", "/sandbox\""} {
		if strings.Contains(worker, p) {
			t.Errorf("app-worker.js precaches %s", p)
		}
	}
}

func TestSandboxFlagsRefuseWhatCannotWork(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, []byte(`{}`), 0o600)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`not json`), 0o600)
	root, _ := fakeRoot(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-sandbox"}, "-sandbox needs -keys FILE"},
		{[]string{"-keys", empty}, "-keys applies to -sandbox only"},
		{[]string{"-sandbox", "-keys", filepath.Join(dir, "missing.json")}, "cannot read the keys file"},
		{[]string{"-sandbox", "-keys", empty}, "empty object"},
		{[]string{"-sandbox", "-keys", bad}, "bad.json"},
	} {
		var stdout, stderr bytes.Buffer
		status := run(append([]string{"-root", root, "-addr", "127.0.0.1:0"}, c.args...), &stdout, &stderr)
		if status != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", c.args, status, stderr.String(), c.want)
		}
	}
}

// The app learns from the server whether a sandbox is mounted, through
// go-app's environment in app.js: served alone, the app carries no
// SandboxEnv (and so asks the origin nothing at start); with -sandbox it
// carries SandboxEnv=1, under another version, so that a page the
// service worker kept from one mode updates when the server restarts in
// the other.
func TestAppIsToldWhetherASandboxIsMounted(t *testing.T) {
	root, _ := fakeRoot(t)
	alone, err := loadSite(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	with, err := loadSite(root, "", true)
	if err != nil {
		t.Fatal(err)
	}
	flag := `"` + SandboxEnv + `":"1"`
	if strings.Contains(string(alone.appJS), SandboxEnv) {
		t.Errorf("served alone, app.js names %s", SandboxEnv)
	}
	if !strings.Contains(string(with.appJS), flag) {
		t.Errorf("with -sandbox, app.js lacks %s in the app's environment", flag)
	}
	if alone.version == with.version {
		t.Errorf("both modes have version %q: a cached page would not update when the mode changes", alone.version)
	}
}
