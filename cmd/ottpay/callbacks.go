package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	cb "github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// cmdCallbacks implements "ottpay callbacks listen": a callback receiver
// for watching the sandbox (or a test gateway) call back. It verifies each
// callback with the callback package, acknowledges it, and prints its
// decode report on stdout.
func cmdCallbacks(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "listen" && !strings.HasPrefix(args[0], "-")) {
		what := "ottpay callbacks needs a subcommand: listen"
		if len(args) > 0 {
			what = fmt.Sprintf("unknown subcommand %q of ottpay callbacks (the one there is: listen)", args[0])
		}
		return usage(stderr, what)
	}
	if args[0] != "listen" {
		if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
			io.WriteString(stdout, usageText)
			return exitOK
		}
		return usage(stderr, "ottpay callbacks needs a subcommand: listen")
	}
	fs := flag.NewFlagSet("callbacks listen", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	keysFile := fs.String("keys", "", "JSON object of merchant_id to sign key")
	ackBody := fs.String("ack-body", cb.DefaultAckBody, "body of the acknowledgement")
	allowRemote := fs.Bool("allow-remote", false, "accept an address other machines can reach")
	if status, done := parseFlags(fs, args[1:], stdout, stderr); done {
		return status
	}
	if *keysFile == "" {
		return usage(stderr, "ottpay callbacks listen needs --keys FILE, a JSON object of merchant_id to sign key")
	}
	b, kerr := readKeyFile(*keysFile, "keys file")
	if kerr != nil {
		return kerr.report(stderr)
	}
	keys, err := report.ParseKeys(b)
	if err != nil {
		return failf(stderr, exitUsage, "the keys file "+*keysFile+": "+err.Error(), "")
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return failf(stderr, exitUsage, "--addr "+*addr+" is not HOST:PORT ("+err.Error()+")", "write it as 127.0.0.1:8081")
	}
	if !*allowRemote {
		if why := notLoopback(*addr); why != "" {
			return failf(stderr, exitUsage, "--addr "+*addr+" "+why,
				"callbacks carry payment data: listen on 127.0.0.1, or add --allow-remote to let other machines reach it")
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return failf(stderr, exitFailed, "cannot listen on "+*addr+": "+err.Error(), "is another program using the port? try --addr 127.0.0.1:0")
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !*allowRemote && !tcp.IP.IsLoopback() {
		ln.Close()
		return failf(stderr, exitUsage, "--addr "+*addr+" resolved to "+tcp.IP.String()+", not a loopback address", "use 127.0.0.1, or add --allow-remote")
	}
	l := newListen(keys, []byte(*ackBody), stdout, stderr)
	return l.serve(ctx, ln)
}

// notLoopback says why addr is not a loopback address, or "" if it is.
func notLoopback(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	switch {
	case host == "":
		return "listens on every interface, not on loopback only"
	case host == "localhost":
		return ""
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return "names a host, not a loopback address"
	case !ip.IsLoopback():
		return "is not a loopback address"
	}
	return ""
}

// listen is the receiver of "ottpay callbacks listen".
type listen struct {
	keys    report.Keys
	cbKeys  cb.Keys
	handler http.Handler
	stderr  io.Writer

	mu     sync.Mutex // serializes the output and guards the counts
	stdout io.Writer
	counts struct{ handled, duplicate, refused, failed int }
}

// handledKey marks a request's context; the callback function sets it.
type handledKey struct{}

func newListen(keys report.Keys, ack []byte, stdout, stderr io.Writer) *listen {
	l := &listen{keys: keys, cbKeys: cb.KeyMap(keys.ByMerchant), stdout: stdout, stderr: stderr}
	fn := func(ctx context.Context, _ *cb.Notification) error {
		if p, ok := ctx.Value(handledKey{}).(*bool); ok {
			*p = true
		}
		return nil
	}
	l.handler = cb.NewHandler(l.cbKeys, fn,
		cb.WithAck(http.StatusOK, ack), cb.WithLogger(nil))
	return l
}

// serve answers callbacks on ln until ctx is done, then shuts down.
func (l *listen) serve(ctx context.Context, ln net.Listener) int {
	srv := &http.Server{
		Handler:           l,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(l.stderr, "ottpay: listening for callbacks on %s (any path; Ctrl-C stops)\n", url)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return failf(l.stderr, exitFailed, "serving callbacks: "+err.Error(), "")
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-done
	l.mu.Lock()
	c := l.counts
	l.mu.Unlock()
	fmt.Fprintf(l.stderr, "ottpay: stopped; %d handled, %d duplicates acknowledged again, %d refused, %d failed\n",
		c.handled, c.duplicate, c.refused, c.failed)
	if err != nil {
		return failf(l.stderr, exitFailed, "stopping: "+err.Error(), "a request was still being answered")
	}
	return exitOK
}

func (l *listen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Keep a copy of the body (up to the handler's limit, so that the
	// handler still sees an over-limit body as one) for the report.
	var body []byte
	complete := false
	if r.Method == http.MethodPost {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, cb.DefaultMaxBody+1))
		complete = err == nil && len(body) <= cb.DefaultMaxBody
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
	}
	handled := false
	r = r.WithContext(context.WithValue(r.Context(), handledKey{}, &handled))
	sw := &statusWriter{ResponseWriter: w}
	l.handler.ServeHTTP(sw, r)

	var line []byte
	var why string
	status := sw.status
	if status != http.StatusOK && complete {
		if _, err := cb.Parse(body, l.cbKeys); err != nil {
			why = err.Error()
		}
	}
	if complete {
		rep := report.DecodeBody(body, l.keys)
		switch {
		case status == http.StatusOK && !handled:
			rep.Warnings = append(rep.Warnings, "a copy of a callback already handled: acknowledged again, not handled again")
		case status != http.StatusOK && why != "":
			rep.Warnings = append(rep.Warnings, "refused with "+strconv.Itoa(status)+": "+why)
		case status != http.StatusOK:
			rep.Warnings = append(rep.Warnings, "answered "+strconv.Itoa(status))
		}
		line = append(rep.AppendJSON(nil), '\n')
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	outcome := ""
	switch {
	case status == http.StatusOK && handled:
		l.counts.handled++
		outcome = "handled"
	case status == http.StatusOK:
		l.counts.duplicate++
		outcome = "duplicate, acknowledged again"
	case status >= 500:
		l.counts.failed++
		outcome = "failed"
	default:
		l.counts.refused++
		outcome = "refused"
		if why != "" {
			outcome += ": " + why
		}
	}
	if line != nil {
		l.stdout.Write(line)
	}
	fmt.Fprintf(l.stderr, "ottpay: %s %s from %s: %d %s\n", escapeLine(r.Method, 16), escapeLine(r.URL.Path, 200),
		escapeLine(r.RemoteAddr, 64), status, escapeLine(outcome, 600))
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// escapeLine makes sender text fit one terminal line: cut to about max
// bytes, then escaped by codec.Escape (\n, \x1b, \u202e, invalid UTF-8).
func escapeLine(s string, max int) string {
	if len(s) <= max {
		return codec.Escape(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return codec.Escape(s[:cut]) + "..."
}
