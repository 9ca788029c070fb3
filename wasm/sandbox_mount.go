//go:build !wasm

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/sandbox"
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
)

// maxKeysFile bounds the keys file -keys reads.
const maxKeysFile = 1 << 20

// detectSandbox is the browser's check for a sandbox; the server's
// pre-rendering has none (see sandboxMode for the server's own).
func detectSandbox() *ui.SandboxClient { return nil }

// sandboxMode is the -sandbox mode of the server: a local OTT Pay sandbox
// (package sandbox) served on the workbench's own origin, so that the
// app can send the requests it builds (Construct's Send) and show the
// sandbox's orders and callbacks (the Sandbox page).
type sandboxMode struct {
	on   *bool
	keys *string
	sb   *sandbox.Server
}

// sandboxFlags adds -sandbox and -keys to the server's flags.
func sandboxFlags(fl *flag.FlagSet) *sandboxMode {
	return &sandboxMode{
		on:   fl.Bool("sandbox", false, "serve a local OTT Pay sandbox with the workbench: /processV2, /process and /_sandbox/ (needs -keys)"),
		keys: fl.String("keys", "", "with -sandbox: JSON `file` of merchant_id to sign key, the merchants the sandbox knows"),
	}
}

// attach starts the sandbox when -sandbox was given and returns the
// handler to serve: the workbench with the sandbox mounted on it, or the
// workbench alone. It says where the sandbox is on stderr (stdout's
// first URL stays the workbench's). status is non-zero when the server
// must stop (the reason is on stderr).
func (m *sandboxMode) attach(site http.Handler, stderr io.Writer) (h http.Handler, status int) {
	if !*m.on {
		if *m.keys != "" {
			fmt.Fprintln(stderr, "wasm: -keys applies to -sandbox only")
			return nil, 2
		}
		return NoSandbox(site), 0
	}
	if *m.keys == "" {
		fmt.Fprintln(stderr, `wasm: -sandbox needs -keys FILE, a JSON object of merchant_id to sign key, e.g. {"ON00004652":"A8B5FE540E38A5A9"}`)
		return nil, 2
	}
	merchants, err := readMerchants(*m.keys)
	if err != nil {
		fmt.Fprintln(stderr, "wasm:", err)
		return nil, 2
	}
	// The sandbox also listens on a loopback port of its own: the
	// payment links (code_url) it writes point there, and its pay page
	// is served there with the sandbox's own headers.
	sb, err := sandbox.New(sandbox.Options{Merchants: merchants, Log: stderr})
	if err != nil {
		fmt.Fprintln(stderr, "wasm: cannot start the sandbox:", err)
		return nil, 1
	}
	m.sb = sb
	ui.RegisterSandbox(&ui.Env{Sandbox: &ui.SandboxClient{}})
	ids := make([]string, 0, len(merchants))
	for id := range merchants {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	fmt.Fprintf(stderr, "wasm: sandbox mounted on the workbench (/processV2, /process, /_sandbox/); pay pages at %s/_sandbox/pay/; merchants: %s\n",
		sb.URL(), strings.Join(ids, " "))
	return MountSandbox(site, sb.Handler()), 0
}

// close stops the sandbox, if one was started.
func (m *sandboxMode) close() {
	if m.sb != nil {
		m.sb.Close()
	}
}

// IsSandboxPath reports whether a request path belongs to the sandbox:
// the gateway (/processV2, /process) and the control API and pay pages
// (/_sandbox/...).
func IsSandboxPath(p string) bool {
	return p == "/processV2" || p == "/process" || p == "/_sandbox" || strings.HasPrefix(p, "/_sandbox/")
}

// MountSandbox serves the sandbox's paths (see IsSandboxPath) with sb,
// which sends its own headers (its pay page its own Content-Security-Policy),
// and everything else with the workbench site, which sends the
// workbench's security headers.
func MountSandbox(site, sb http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsSandboxPath(r.URL.Path) {
			sb.ServeHTTP(w, r)
			return
		}
		site.ServeHTTP(w, r)
	})
}

// NoSandbox serves the workbench alone. It answers the app's sandbox
// check (GET /_sandbox/healthz) with 204 No Content and no sandbox
// header, rather than a 404 that the browser's console would report as
// an error on every start.
func NoSandbox(site http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/_sandbox/healthz" {
			site.ServeHTTP(w, r)
			return
		}
		for _, kv := range SecurityHeaders() {
			w.Header().Set(kv[0], kv[1])
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}

// readMerchants reads a keys file as `ottpay --keys` does.
func readMerchants(name string) (map[string]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read the keys file: %w (check the path given to -keys)", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeysFile+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the keys file %s: %w", name, err)
	}
	if len(b) > maxKeysFile {
		return nil, fmt.Errorf("the keys file %s is larger than %d bytes: is it the right file?", name, maxKeysFile)
	}
	keys, err := report.ParseKeys(b)
	if err != nil {
		return nil, fmt.Errorf("the keys file %s: %w", name, err)
	}
	if len(keys.ByMerchant) == 0 {
		return nil, errors.New("the keys file " + name + " names no merchant: give a JSON object of merchant_id to sign key")
	}
	return keys.ByMerchant, nil
}
