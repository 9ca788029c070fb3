package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// sandboxURLEnv names the sandbox the order commands drive when --url is
// not given.
const sandboxURLEnv = "OTTPAY_SANDBOX_URL"

// defaultSandboxAddr is where `ottpay sandbox` listens by default, and so
// the URL `ottpay sandbox pay` drives by default.
const defaultSandboxAddr = "127.0.0.1:9090"

// cmdSandbox implements "ottpay sandbox" (serve) and "ottpay sandbox
// pay|decline|close ORDER".
func cmdSandbox(args []string, stdout, stderr io.Writer, getenv env) int {
	if len(args) > 0 {
		switch args[0] {
		case "pay", "decline", "close":
			return cmdSandboxOrder(args[0], args[1:], stdout, stderr, getenv)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveSandbox(ctx, args, stdout, stderr)
}

// serveSandbox runs the sandbox until ctx is done.
func serveSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	addr := fs.String("addr", defaultSandboxAddr, "address to listen on (loopback only without --allow-remote)")
	keysFile := fs.String("keys", "", "JSON object of merchant_id to sign key")
	scale := fs.Float64("time-scale", 1, "multiply the retry schedule and order expiry by this")
	ack := fs.String("ack", "success", "what acknowledges a callback: success (2xx and SUCCESS in the body) or any-2xx")
	autoPay := fs.Duration("auto-pay", 0, "pay every order by itself after this delay")
	values := fs.String("values", "strings", "send as this sender: strings, js, php or java")
	remote := fs.Bool("allow-remote", false, "allow a non-loopback --addr and callbacks to other hosts")
	dataDir := fs.String("data", "", "keep orders and callbacks in DIR/sandbox.db, so a restart resumes them (default: in memory)")
	if status, done := parseFlags(fs, args, stdout, stderr); done {
		return status
	}
	if *keysFile == "" {
		return usage(stderr, "ottpay sandbox needs --keys FILE, a JSON object of merchant_id to sign key, e.g. {\"ON00004652\":\"A8B5FE540E38A5A9\"}")
	}
	b, kerr := readKeyFile(*keysFile, "keys file")
	if kerr != nil {
		return kerr.report(stderr)
	}
	keys, err := report.ParseKeys(b)
	if err != nil {
		return usage(stderr, "the keys file "+*keysFile+": "+err.Error())
	}
	if len(keys.ByMerchant) == 0 {
		return usage(stderr, "the keys file "+*keysFile+" names no merchant")
	}
	o := sandbox.Options{Addr: *addr, Merchants: keys.ByMerchant, AllowRemote: *remote, TimeScale: *scale,
		AutoPayAfter: *autoPay, Log: stderr}
	switch *ack {
	case "success":
	case "any-2xx":
		o.Ack = sandbox.AckAny2xx
	default:
		return usage(stderr, fmt.Sprintf("--ack is %q; use success or any-2xx", *ack))
	}
	if *scale <= 0 {
		return usage(stderr, fmt.Sprintf("--time-scale is %v; give a positive factor such as 0.001", *scale))
	}
	if *autoPay < 0 {
		return usage(stderr, "--auto-pay is negative")
	}
	rule, err := codec.ParseRule(*values)
	if err != nil || rule == codec.RuleCryptoJS {
		return usage(stderr, fmt.Sprintf("--values is %q; use strings, js, php or java", *values))
	}
	o.Rule = rule
	if *dataDir != "" {
		st, status := openSandboxData(*dataDir, stderr)
		if st == nil {
			return status
		}
		defer st.Close() // after sb.Close, deferred below
		o.Store = st
	}
	sb, err := sandbox.New(o)
	switch {
	case errors.Is(err, sandbox.ErrNotLoopback):
		return usage(stderr, fmt.Sprintf("--addr %s is not a loopback address; the sandbox listens on 127.0.0.1 or ::1 unless --allow-remote is given", *addr))
	case err != nil:
		return failf(stderr, exitFailed, "cannot start the sandbox: "+err.Error(), "pick another --addr, or 127.0.0.1:0 for any free port")
	}
	defer sb.Close()
	ids := make([]string, 0, len(keys.ByMerchant))
	for id := range keys.ByMerchant {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	fmt.Fprintf(stdout, "url: %s\nendpoint: %s\ncontrol: %s/_sandbox/\nmerchants: %s\n", sb.URL(), sb.Endpoint(), sb.URL(), strings.Join(ids, " "))
	fmt.Fprintln(stdout, "workbench: not attached; `make sandbox` (KEYS=keys.json) serves the browser workbench with a sandbox of its own on one origin, for Construct's Send and the Sandbox page")
	if f, ok := stdout.(interface{ Sync() error }); ok {
		f.Sync()
	}
	<-ctx.Done()
	fmt.Fprintln(stderr, "ottpay: sandbox stopped")
	return exitOK
}

// cmdSandboxOrder drives the control API: pay, decline or close an order.
func cmdSandboxOrder(verb string, args []string, stdout, stderr io.Writer, getenv env) int {
	fs := flag.NewFlagSet("sandbox "+verb, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	base := fs.String("url", "", "the sandbox's URL (default $"+sandboxURLEnv+", else http://"+defaultSandboxAddr+")")
	// The order may come before or after the flags.
	var order string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				io.WriteString(stdout, usageText)
				return exitOK
			}
			return usage(stderr, strings.TrimSpace(err.Error()))
		}
		if fs.NArg() == 0 {
			break
		}
		if order != "" {
			return usage(stderr, fmt.Sprintf("ottpay sandbox %s takes one order id, got also %q", verb, fs.Arg(0)))
		}
		order, rest = fs.Arg(0), fs.Args()[1:]
	}
	if order == "" {
		return usage(stderr, fmt.Sprintf("ottpay sandbox %s needs an order id, e.g. ottpay sandbox %s ORDER123", verb, verb))
	}
	u := *base
	if u == "" {
		u = getenv(sandboxURLEnv)
	}
	if u == "" {
		u = "http://" + defaultSandboxAddr
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return usage(stderr, fmt.Sprintf("--url %q is not an http:// URL of a sandbox", u))
	}
	target := strings.TrimRight(u, "/") + "/_sandbox/orders/" + url.PathEscape(order) + "/" + verb
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil}}
	req, _ := http.NewRequest(http.MethodPost, target, nil)
	resp, err := client.Do(req)
	if err != nil {
		return failf(stderr, exitFailed, "cannot reach the sandbox at "+u, "is 'ottpay sandbox' running there? give its URL with --url or "+sandboxURLEnv)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.Header.Get(sandbox.Header) == "" {
		return failf(stderr, exitFailed, u+" is not an OTT Pay sandbox (no "+sandbox.Header+" header)", "give the URL 'ottpay sandbox' printed")
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		json.Unmarshal(body, &e)
		if e.Error == "" {
			e.Error = resp.Status
		}
		return failf(stderr, exitFailed, fmt.Sprintf("%s order %s: %s", verb, quoteTerm(order), quoteTerm(e.Error)), "")
	}
	var out bytes.Buffer
	if json.Compact(&out, body) != nil {
		return failf(stderr, exitFailed, "the sandbox answered something that is not JSON", "")
	}
	out.WriteByte('\n')
	stdout.Write(out.Bytes())
	return exitOK
}

// quoteTerm makes text from the network safe for a terminal line.
func quoteTerm(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
