package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// Exit statuses, part of the command's contract with scripts.
const (
	exitOK         = 0 // every envelope decoded and verified
	exitFailed     = 1 // something could not be decoded
	exitUsage      = 2 // bad command line, or no usable sign key
	exitUnverified = 3 // decoded, but an md5 did not verify
)

const usageText = `Usage: ottpay COMMAND [flags]

Encode and decode OTT Pay Web API messages (requests, responses, callbacks)
under the Appendix A scheme: values sorted by key and hashed with MD5, data
encrypted with AES-128-ECB. The md5 is not a signature: anyone holding the
sign key can make a message that verifies.

Commands:
  encode   sign transaction data read on stdin into an envelope
  decode   find every envelope in stdin and print one JSON report per envelope
  explain  print the catalogue entry of an action or of an rsp_code
  callbacks listen
           receive callbacks on a local address: verify, print, acknowledge
  sandbox  run a local OTT Pay gateway for tests; sandbox pay ORDER pays an order
  call     send one request (transaction data on stdin) and print the verified answer
  help     print this text (also -h, --help)

ottpay encode --merchant ID --action ACTION [--version 1.0] [--values RULE] [--quiet]
    Reads the transaction data JSON object on stdin and prints the request
    envelope as one line of JSON: {"action","version","merchant_id","data","md5"}.
    What the catalogue finds in the data (missing required fields, fields
    it does not document) is summed up in one warning line on stderr.
ottpay encode --response --code RSP_CODE --msg RSP_MSG [--merchant ID] [--values RULE] [--quiet]
    Prints a response envelope {"rsp_code","rsp_msg","data","md5"}; with
    --merchant, a callback (the response members plus merchant_id).
  --values RULE
    The sender rule for hashing values that are not strings. Without it every
    value must be a string, as the documented scheme defines (write 100 as
    "100"): a number, boolean, null or nested value is refused, exit 1.
    Receivers that follow another rule will not verify such a message. RULE
    is a preset: js, cryptojs, php, java (Gson), jackson, jsdot0 (".0"
    numbers, null as "", nested JSON), jsjoin ([object Object]); or a
    combination of dimensions, all six or a preset followed by changes:
      numbers=raw|js|dot0|java|php  ints=number|keep  bool=text|php
      null=empty|null|omit  nested=json|js|java|gson|php  keys=bytes|utf16|php
    e.g. --values numbers=dot0,ints=number,bool=text,null=empty,nested=json,keys=utf16
    or --values java,null=null,nested=java. decode names the rule it finds.
  --quiet
    Print no warnings on stderr (errors are still printed).
  Exit status: 0 the envelope was printed; 1 the data could not be signed
  (not one JSON object, a non-string value without --values, too large);
  2 bad flags, an unknown --values rule, or no usable sign key.

ottpay decode [--strict]
    Reads stdin and finds every envelope in it: raw or pretty-printed bodies,
    JSON strings holding a body, Base64-wrapped bodies, HTTP dumps, curl
    commands and log lines, mixed. Prints one JSON report per envelope, one per
    line, in input order:
      {"kind","action","version","merchant_id","rsp_code","rsp_msg","md5",
       "verified","rule","data","warnings"}
    where data is the decrypted object in its original member order, rule the
    sender rule that reproduced the md5 (the first matching preset, else the
    matching combination), plus "rules" (every matching preset, when several
    match), "combination" (when no preset matches), "error" (what failed and the
    likely cause), "key" (the merchant_id of the key that worked, from
    --keys), "rsp_meaning", "md5_uppercased", "line" and "via" when they
    apply. Large logs stream through in bounded memory on every core.
  --strict
    Treat stdin as exactly one HTTP body under the strict rules a service
    applies to a callback: one JSON object without duplicate members, data and
    md5 strings, md5 of 32 hex digits, canonical Base64, exact PKCS#7 padding,
    a plaintext that is one JSON object, bounded size and depth.

ottpay explain ACTION|RSP_CODE...
    Prints the documented fields of an action (request, response and callback
    data), or the Appendix B meaning of a response code.
ottpay explain --list
    Lists every documented action and response code.

ottpay callbacks listen --keys FILE [--addr 127.0.0.1:8081] [--ack-body SUCCESS] [--allow-remote]
    Receives the callbacks a gateway (or the sandbox) POSTs, on any path of
    the address, and prints the URL on stderr. Each callback is verified as
    the Go package callback verifies it (POST only, at most 64 KiB, strict
    decoding, md5 checked, the decrypted merchant_id that of the key) and
    printed on stdout as one decode report like those of decode; a refused
    one (400, 401, 405, 413) gets a warning saying why, a copy of one
    already handled is acknowledged again and says so. The acknowledgement
    is status 200 with the --ack-body text, byte for byte. --keys is the
    JSON object of merchant_id to sign key below. Only loopback addresses,
    unless --allow-remote. SIGINT (Ctrl-C) or SIGTERM stops it; exit 0.

ottpay sandbox --keys FILE [--addr 127.0.0.1:9090] [--time-scale F] [--ack any-2xx]
               [--auto-pay 2s] [--values strings|js|php|java] [--allow-remote]
               [--data DIR]
    Runs a local, stateful OTT Pay gateway (see the Go package sandbox) and
    prints on stdout its url, endpoint (url/processV2), control API
    (url/_sandbox/) and merchants, one "name: value" line each; logs go to
    stderr. Requests of the merchants in --keys are answered as documented
    and sealed with their keys; orders are paid on the pay page of the
    returned code_url, by 'ottpay sandbox pay', or by themselves after
    --auto-pay; callbacks are retried on WeChat Pay's schedule (15s ... 6h,
    multiplied by --time-scale) until the answer is 2xx with SUCCESS in the
    body (--ack any-2xx: any 2xx). --values makes responses and callbacks as
    that sender does. Amounts ending in 91..98 cents trigger failures (91
    decline, 92 FAIL, 93 SYSTEM_ERROR, 94 held response, 95 callback twice,
    96 no callback, 97 PWD_INCORRECT, 98 1-cent fee). Only loopback
    addresses, unless --allow-remote. SIGINT or SIGTERM stops it; exit 0.
    --data DIR keeps orders and callbacks in DIR/sandbox.db (bbolt): a
    restart, even after kill -9, resumes them with nothing acknowledged lost.
ottpay sandbox pay|decline|close ORDER [--url URL]
    Pays, declines or closes an order of a running sandbox (default --url
    $OTTPAY_SANDBOX_URL, else http://127.0.0.1:9090) and prints the order as
    JSON. Exit 1 if the sandbox refuses (unknown, already paid, closed).

ottpay call ACTION [--variant V] [--version 1.0] --merchant ID [--url URL]
            [--values RULE] [--timeout 30s] [--live] < data.json
    Sends the transaction data on stdin as ACTION (ACTION/variant also works)
    through the Go client pay (its Do: the data as given, an order id
    generated for a payment without one, queries retried, payments never),
    and prints the answer as the one-line report of decode --strict. The
    sign key is the merchant's, read as encode reads it. --url defaults to
    OTT Pay's production endpoint, where every call is real: an action that
    moves money is refused there unless --live is given. stderr says which
    URL was called and whether the answer carried the X-OTTPay-Sandbox
    header. Exit status as decode's, and 4 when a payment's outcome is
    unknown (timeout, cut connection, 5xx, an answer that does not verify:
    query the order stderr names before retrying), 5 when the gateway
    answered a code other than SUCCESS or PROCESSING (FAIL, PARAM_INVALID...).

Sign keys (encode, decode and call; give at most one flag):
  OTTPAY_SIGN_KEY  environment variable holding the sign key, used when no
                   key flag is given
  --key-file FILE  file holding the sign key (a trailing newline is trimmed)
  --keys FILE      JSON object of merchant_id to sign key, e.g.
                   {"ON00004652":"A8B5FE540E38A5A9"}; an envelope without a
                   merchant_id, or whose merchant is not in the file, is tried
                   with each key and the report's "key" names the one that worked
  --key K          the sign key itself; works, but shows in the process list

Exit status:
  0  every envelope decoded and verified (a failure response that carries no
     data and no md5 counts as decoded)
  1  something could not be decoded; one line on stderr says
     "ottpay: <what failed> (<likely cause>)"
  3  everything decoded but an md5 did not verify
  2  usage: bad flags or arguments, or no usable sign key
  4  call: the outcome of a payment is unknown; query the order first
  5  call: the gateway answered a code other than SUCCESS or PROCESSING
`

// env looks up an environment variable, like os.Getenv.
type env func(string) string

// run is the whole command: it parses args, reads stdin, writes the
// result to stdout and problems to stderr, and returns the exit status. It
// never panics.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) (status int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "ottpay: internal error: %s (this is a bug; please report it with the input that caused it)\n", codec.Escape(fmt.Sprint(p)))
			status = exitFailed
		}
	}()
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if len(args) == 0 {
		io.WriteString(stderr, usageText)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "help", "-h", "-help", "--help":
		io.WriteString(stdout, usageText)
		return exitOK
	case "encode":
		return cmdEncode(rest, stdin, stdout, stderr, getenv)
	case "decode":
		return cmdDecode(rest, stdin, stdout, stderr, getenv)
	case "explain":
		return cmdExplain(rest, stdout, stderr)
	case "callbacks":
		return cmdCallbacks(rest, stdout, stderr)
	case "call":
		return cmdCall(rest, stdin, stdout, stderr, getenv)
	case "sandbox":
		return cmdSandbox(rest, stdout, stderr, getenv)
	default:
		return usage(stderr, fmt.Sprintf("unknown command %q", cmd))
	}
}

// usage reports a bad command line and returns exitUsage.
func usage(stderr io.Writer, what string) int {
	fmt.Fprintf(stderr, "ottpay: %s (run 'ottpay help' for usage)\n", codec.Escape(what))
	return exitUsage
}

// failf prints the one stderr line of a failure and returns status. Every
// stderr line goes through codec.Escape: whatever a sender put in the text,
// no control character reaches the terminal.
func failf(stderr io.Writer, status int, what, cause string) int {
	if cause != "" {
		fmt.Fprintf(stderr, "ottpay: %s (%s)\n", codec.Escape(what), codec.Escape(cause))
	} else {
		fmt.Fprintf(stderr, "ottpay: %s\n", codec.Escape(what))
	}
	return status
}

// warnf prints a warning line on stderr.
func warnf(stderr io.Writer, format string, args ...any) {
	fmt.Fprintf(stderr, "ottpay: warning: %s\n", codec.Escape(fmt.Sprintf(format, args...)))
}

// parseFlags parses a subcommand's flags. It returns done with a status
// when the command must stop: help was asked (0) or the flags are wrong (2).
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (status int, done bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		io.WriteString(stdout, usageText)
		return exitOK, true
	case err != nil:
		return usage(stderr, strings.TrimSpace(err.Error())), true
	case fs.NArg() > 0:
		return usage(stderr, fmt.Sprintf("ottpay %s takes no arguments, got %q", fs.Name(), fs.Arg(0))), true
	}
	return 0, false
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
