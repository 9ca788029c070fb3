//go:build !wasm

// The native build's command: its flags, and serving the site
// (handler.go) on a loopback address or writing it as a static website
// (static.go). What the workbench changes in go-app's output, and why, is
// in goapp.go.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

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
	sbx := sandboxFlags(fl) // -sandbox -keys: see sandbox_mount.go
	fl.Usage = func() {
		fmt.Fprintf(stderr, "usage: wasm [-addr host:port] [-root dir] [-sandbox -keys file]\n       wasm -static dir [-prefix /path] [-root dir]\n\n")
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

	s, err := loadSite(*root, *prefix, *sbx.on)
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

	handler, status := sbx.attach(s, stderr)
	if status != 0 {
		return status
	}
	defer sbx.close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "wasm: cannot listen on %s: %v (pick another address with -addr)\n", *addr, err)
		return 1
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
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
