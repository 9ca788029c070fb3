package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/pay"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// Exit statuses of ottpay call beyond decode's.
const (
	// exitOutcomeUnknown: a money-moving request may have reached the
	// gateway but got no verified answer; query the order before retrying.
	exitOutcomeUnknown = 4
	// exitRefused: the gateway answered with a response code other than
	// SUCCESS or PROCESSING (FAIL, PARAM_INVALID, ORDER_USED, ...).
	exitRefused = 5
)

// defaultCallTimeout bounds a whole call, retries of queries included.
const defaultCallTimeout = 30 * time.Second

// cmdCall implements "ottpay call": Ctrl-C ends the call as a timeout
// does, so an interrupted payment still says which order to query.
func cmdCall(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return callCommand(ctx, args, stdin, stdout, stderr, getenv)
}

// callCommand sends one request through the pay client and prints the
// decode report of the answer.
func callCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	var (
		variant  = fs.String("variant", "", "catalogue variant of the action, e.g. retail")
		version  = fs.String("version", "", "version of the request (default: the catalogue's)")
		merchant = fs.String("merchant", "", "merchant_id")
		target   = fs.String("url", pay.ProductionURL, "URL to POST the request to")
		values   = fs.String("values", "", "rule for non-string values: js, cryptojs, php or java")
		timeout  = fs.Duration("timeout", defaultCallTimeout, "bound on the whole call")
		live     = fs.Bool("live", false, "allow a money-moving action at OTT Pay's production URL")
		kf       keyFlags
	)
	kf.register(fs)
	fs.SetOutput(io.Discard)
	// The action may come before or after the flags.
	var action string
	for rest := args; ; {
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
		if action != "" {
			return usage(stderr, "ottpay call takes one action, got also "+codec.Quote(fs.Arg(0), 40))
		}
		action, rest = fs.Arg(0), fs.Args()[1:]
	}
	if action == "" {
		return usage(stderr, "ottpay call needs an action, e.g. ottpay call STATUS_QUERY --merchant ID < data.json")
	}
	if *merchant == "" {
		return usage(stderr, "ottpay call needs --merchant ID, the merchant_id the request is sent for")
	}
	if *timeout <= 0 {
		return usage(stderr, "--timeout must be positive, e.g. --timeout 30s")
	}
	if flagSet(fs, "version") && *version == "" {
		return usage(stderr, "--version is empty")
	}

	act, kerr := resolveAction(action, *variant, *version)
	if kerr != nil {
		return kerr.report(stderr)
	}
	if act.name != action {
		warnf(stderr, "sending the action as %s, the catalogue's spelling of %s", act.name, codec.Quote(action, 40))
	}

	u, err := url.Parse(*target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usage(stderr, "--url "+codec.Quote(*target, 200)+" is not an absolute http:// or https:// URL")
	}
	if isOTTPayHost(u) && act.moves {
		if !*live {
			return failf(stderr, exitUsage,
				"refusing to send "+act.name+" to "+codec.Escape(*target)+": that is OTT Pay's production gateway, "+act.name+" moves money, and every call there is a real payment",
				"give --url the endpoint of a sandbox, e.g. the one 'ottpay sandbox' prints, or add --live to make a real payment")
		}
		warnf(stderr, "--live: %s to %s is a real payment", act.name, codec.Escape(*target))
	}

	rule := codec.RuleStrings
	if *values != "" {
		r, err := codec.ParseRule(*values)
		if err != nil {
			return usage(stderr, "--values "+codec.Quote(*values, 40)+" is not a rule; use js, cryptojs, php or java")
		}
		rule = r
	}

	keys, kerr := kf.resolve(getenv, stderr)
	if kerr != nil {
		return kerr.report(stderr)
	}
	key := keys.Key
	if keys.ByMerchant != nil {
		if k, ok := keys.ByMerchant[*merchant]; ok {
			key = k
		} else if key == "" {
			return failf(stderr, exitUsage, "the keys file "+kf.keysFile+" has no key for merchant "+codec.Quote(*merchant, 40),
				"add \""+codec.Escape(*merchant)+"\":\"SIGN KEY\" to it")
		}
	}

	data, status := readCallData(stdin, stderr)
	if data == nil {
		return status
	}
	for _, w := range act.warnings(data) {
		warnf(stderr, "%s", codec.Escape(w))
	}

	rec := &recorder{}
	hc := &http.Client{
		Transport:     rec.wrap(http.DefaultTransport.(*http.Transport).Clone()),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	client, err := pay.NewClient(*merchant, key, pay.WithURL(*target), pay.WithHTTPClient(hc), pay.WithRule(rule),
		pay.WithObserver(rec.observe))
	if err != nil {
		return usage(stderr, codec.Escape(err.Error()))
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	res, err := client.Do(ctx, act.name, act.version, data)

	rec.describe(stderr, *target)
	var r *report.Report
	if rec.body != nil {
		rep := report.DecodeBody(rec.body, report.SingleKey(key))
		r = &rep
		line := append(r.AppendJSON(nil), '\n')
		if _, werr := stdout.Write(line); werr != nil {
			return failf(stderr, exitFailed, "cannot write the report: "+werr.Error(), "")
		}
	}
	return callStatus(stderr, act, *merchant, *target, data, res, err, r)
}

// callAction is the action a call sends, as the catalogue knows it.
type callAction struct {
	name, version string
	// variants are the catalogue entries the data may be meant for: the
	// one --variant names, or every variant of the action; none for an
	// action the catalogue does not know.
	variants []catalog.Action
	// moves is true when a variant's request carries an amount, or the
	// action is unknown: the pay client then never retries it, and it is
	// refused at the production URL without --live.
	moves bool
}

// resolveAction finds the action (and variant) in the catalogue.
func resolveAction(action, variant, version string) (callAction, *keyError) {
	name := action
	if variant != "" {
		if strings.Contains(action, "/") {
			return callAction{}, &keyError{status: exitUsage, what: "give the variant either as ACTION/variant or with --variant, not both"}
		}
		name = action + "/" + variant
	}
	found := catalog.Lookup(name)
	if len(found) == 1 && found[0].Name == catalog.CallbackName {
		return callAction{}, &keyError{status: exitUsage, what: catalog.CallbackName + " is what OTT Pay sends to the merchant, not an action to call"}
	}
	if found == nil && (variant != "" || strings.Contains(action, "/")) {
		base, v, _ := strings.Cut(name, "/")
		if all := catalog.Lookup(base); all != nil {
			var names []string
			for _, a := range all {
				names = append(names, a.Variant)
			}
			return callAction{}, &keyError{status: exitUsage, what: all[0].Name + " has no variant " + codec.Quote(v, 40),
				cause: "its variants are " + strings.Join(names, ", ")}
		}
	}
	if found == nil {
		if version == "" {
			return callAction{}, &keyError{status: exitUsage, what: "action " + codec.Quote(action, 40) + " is not in the catalogue",
				cause: "check the spelling with 'ottpay explain --list', or give --version to send it anyway"}
		}
		return callAction{name: action, version: version, moves: true}, nil
	}
	a := callAction{name: found[0].Name, version: version, variants: found}
	if a.version == "" {
		a.version = found[0].Version
	}
	for _, v := range found {
		for _, f := range v.Request {
			if f.Unit == catalog.UnitCents {
				a.moves = true
			}
		}
	}
	return a, nil
}

// warnings checks the data against the catalogue, as encode does. The
// request is sent anyway: the gateway's answer is what the call is for.
func (a callAction) warnings(data *codec.Object) []string {
	if len(a.variants) != 1 {
		return report.RequestWarnings(a.name, data)
	}
	var out []string
	for _, p := range catalog.ValidateData(a.variants[0], codec.Request, data) {
		if p.Severity == catalog.Error || p.Severity == catalog.Warning {
			out = append(out, "catalogue "+p.String())
		}
	}
	return out
}

// isOTTPayHost reports whether u names one of OTT Pay's own servers,
// where every money-moving request is a real transaction.
func isOTTPayHost(u *url.URL) bool {
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return h == "ottpay.com" || strings.HasSuffix(h, ".ottpay.com")
}

// readCallData reads the transaction data object on stdin; nil and an
// exit status when it cannot.
func readCallData(stdin io.Reader, stderr io.Writer) (*codec.Object, int) {
	in, err := io.ReadAll(io.LimitReader(stdin, codec.MaxMessageSize+1))
	if err != nil {
		return nil, failf(stderr, exitFailed, "cannot read stdin: "+codec.Escape(err.Error()), "")
	}
	if len(bytes.TrimSpace(in)) == 0 {
		return nil, failf(stderr, exitFailed, "stdin is empty", "pipe the transaction data, a JSON object, into ottpay call; {} for none")
	}
	if len(in) > codec.MaxMessageSize {
		return nil, failf(stderr, exitFailed, "the transaction data on stdin is larger than "+strconv.Itoa(codec.MaxMessageSize>>20)+" MiB",
			"OTT Pay messages are a few kilobytes; check what is piped in")
	}
	data, err := codec.ParseObject(in)
	if err != nil {
		return nil, failf(stderr, exitFailed, "the transaction data on stdin: "+codec.Escape(err.Error()),
			hintUnlessPresent(err, "it must be one JSON object of field names to values"))
	}
	return data, exitOK
}

// recorder keeps what the last HTTP attempt of a call saw: the response
// header (for the sandbox header, which the pay client reports only on
// success) and, from the client's observer, the body and attempt count.
type recorder struct {
	base     http.RoundTripper
	header   http.Header
	status   int
	body     []byte
	attempts int
	err      error
}

func (r *recorder) wrap(base http.RoundTripper) http.RoundTripper {
	r.base = base
	return r
}

// RoundTrip implements http.RoundTripper.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	r.header = nil
	if resp != nil {
		r.header = resp.Header.Clone()
	}
	return resp, err
}

func (r *recorder) observe(x pay.Exchange) {
	r.attempts = x.Attempt
	r.status, r.body, r.err = x.Status, x.Response, x.Err
}

// describe prints which URL was called and whether the answer came from a
// sandbox.
func (r *recorder) describe(stderr io.Writer, target string) {
	if r.attempts == 0 {
		return // nothing was sent
	}
	where := "ottpay: called " + codec.Escape(target)
	if r.attempts > 1 {
		where += " (" + strconv.Itoa(r.attempts) + " attempts)"
	}
	if r.status == 0 {
		fmt.Fprintf(stderr, "%s: no answer\n", where)
		return
	}
	status := "HTTP " + strconv.Itoa(r.status)
	if v := r.header.Get(sandbox.Header); v != "" {
		fmt.Fprintf(stderr, "%s: %s from a sandbox (%s: %s): no money moved\n", where, status, sandbox.Header, codec.Quote(v, 40))
		return
	}
	fmt.Fprintf(stderr, "%s: %s without the %s header: not a sandbox\n", where, status, sandbox.Header)
}

// callStatus prints the stderr line the outcome calls for and returns the
// exit status.
func callStatus(stderr io.Writer, act callAction, merchant, target string, data *codec.Object, res *pay.Result, err error, r *report.Report) int {
	var apiErr *pay.APIError
	var payErr *pay.Error
	switch {
	case err == nil:
		if res.RequestOrderID != "" {
			generated := ""
			if !hasValue(data, res.RequestOrderID) {
				generated = " (the order id was generated: the data had none)"
			}
			fmt.Fprintf(stderr, "ottpay: %s order %s: %s%s\n", act.name, word(res.RequestOrderID), word(res.Code), generated)
		}
		if r != nil && r.Outcome() != report.Verified {
			// The client verified what the report could not: they
			// disagree, which is a bug in one of them.
			return failf(stderr, exitFailed, "the answer verified for the pay client but not for the decoder: "+codec.Escape(r.Error), "this is a bug; please report it")
		}
		return exitOK
	case errors.Is(err, pay.ErrOutcomeUnknown):
		what, cause := act.name+": the outcome is unknown", "the payment may or may not have been made: query the order before retrying"
		if errors.As(err, &payErr) {
			what += " (" + payErr.Stage + ": " + codec.Escape(payErr.Err.Error()) + ")"
			if payErr.OrderID != "" {
				what = act.name + " order " + word(payErr.OrderID) + ": the outcome is unknown (" + payErr.Stage + ": " + codec.Escape(payErr.Err.Error()) + ")"
				cause = "the payment may or may not have been made: query order " + word(payErr.OrderID) + " before retrying, " +
					queryHint(act, payErr.OrderID, merchant, target)
			}
		}
		return failf(stderr, exitOutcomeUnknown, what, cause)
	case errors.As(err, &apiErr):
		what := "the gateway answered " + word(apiErr.Code)
		if apiErr.Message != "" {
			what += " " + codec.Quote(apiErr.Message, 200)
		}
		if apiErr.OrderID != "" {
			what = act.name + " order " + word(apiErr.OrderID) + ": " + what
		}
		cause := strings.TrimSuffix(apiErr.Meaning, ".")
		if cause == "" {
			cause = "not an Appendix B code"
		}
		if !apiErr.Verified {
			cause += "; a failure response without data: nothing protects its rsp_code"
		}
		return failf(stderr, exitRefused, what, cause)
	case errors.As(err, &payErr) && payErr.Stage == "request":
		return failf(stderr, exitFailed, "cannot send "+act.name+": "+codec.Escape(payErr.Err.Error()), "nothing was sent")
	}
	status := exitFailed
	if r != nil && r.Outcome() == report.NotVerified {
		status = exitUnverified
	}
	return failf(stderr, status, codec.Escape(err.Error()), callCause(err))
}

// queryHint names the query that finds an order of the action.
func queryHint(act callAction, order, merchant, target string) string {
	switch {
	case act.name == "PREPAY_INIT":
		return "with PREPAY_QUERY"
	case strings.HasPrefix(act.name, "CC_"):
		return "with CC_QUERYPAY"
	}
	if !isWord(order) || !isWord(merchant) {
		return "with STATUS_QUERY"
	}
	cmd := "echo '{\"order_id\":\"" + order + "\"}' | ottpay call STATUS_QUERY --merchant " + merchant
	if target != pay.ProductionURL {
		if strings.ContainsAny(target, "'\\") {
			return "with STATUS_QUERY"
		}
		cmd += " --url '" + target + "'"
	}
	return "e.g. " + codec.Escape(cmd)
}

// isWord reports whether s is a plain word (letters, digits, '_', '-',
// '.') that reads unambiguously in a message and in a shell command.
func isWord(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// word shows s as it is when it is a plain word, else quoted and escaped.
func word(s string) string {
	if isWord(s) {
		return s
	}
	return codec.Quote(s, 64)
}

// callCause is the likely cause of a failed call that got no answer.
func callCause(err error) string {
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "no answer within --timeout; raise it, or check the URL"
	case errors.As(err, &oe) && oe.Op == "dial":
		return "nothing answers at that address; is the sandbox running? check --url"
	case errors.Is(err, pay.ErrHTTPStatus):
		return "check that --url is the gateway's endpoint (.../processV2)"
	}
	return ""
}

// hasValue reports whether a top-level member of o has the text v.
func hasValue(o *codec.Object, v string) bool {
	for _, m := range o.Members {
		if m.Value.Text == v {
			return true
		}
	}
	return false
}
