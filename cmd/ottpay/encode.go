package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"strconv"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// cmdEncode implements "ottpay encode".
func cmdEncode(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	fs := flag.NewFlagSet("encode", flag.ContinueOnError)
	var (
		merchant = fs.String("merchant", "", "merchant_id")
		action   = fs.String("action", "", "action of a request")
		version  = fs.String("version", "1.0", "version of a request")
		response = fs.Bool("response", false, "make a response (a callback with --merchant)")
		code     = fs.String("code", "", "rsp_code of a response")
		msg      = fs.String("msg", "", "rsp_msg of a response")
		values   = fs.String("values", "", "rule for non-string values: js, cryptojs, php or java")
		kf       keyFlags
	)
	kf.register(fs)
	if status, done := parseFlags(fs, args, stdout, stderr); done {
		return status
	}

	e := &codec.Envelope{MerchantID: *merchant}
	if *response {
		if flagSet(fs, "action") || flagSet(fs, "version") {
			return usage(stderr, "--action and --version make a request; leave them out with --response")
		}
		if *code == "" {
			return usage(stderr, "--response needs --code, the rsp_code (for example --code SUCCESS)")
		}
		e.Kind = codec.Response
		if *merchant != "" {
			e.Kind = codec.Callback
		}
		e.RspCode, e.RspMsg, e.RspCodeName = *code, *msg, "rsp_code"
	} else {
		if flagSet(fs, "code") || flagSet(fs, "msg") {
			return usage(stderr, "--code and --msg make a response; add --response")
		}
		if *action == "" || *merchant == "" {
			return usage(stderr, "a request needs --merchant ID and --action ACTION (or use --response)")
		}
		if *version == "" {
			return usage(stderr, "--version is empty")
		}
		e.Kind = codec.Request
		e.Action, e.Version = *action, *version
	}
	rule := codec.RuleStrings
	if *values != "" {
		r, err := codec.ParseRule(*values)
		if err != nil {
			return usage(stderr, "--values "+strconv.Quote(*values)+" is not a rule; use js, cryptojs, php or java")
		}
		rule = r
	}

	keys, kerr := kf.resolve(getenv, stderr)
	if kerr != nil {
		return kerr.report(stderr)
	}
	key := keys.Key
	if keys.ByMerchant != nil {
		if *merchant == "" {
			return usage(stderr, "--keys needs --merchant to pick the sign key; for a response without a merchant use "+keyEnv+" or --key-file")
		}
		key = keys.ByMerchant[*merchant]
		if key == "" {
			return failf(stderr, exitUsage, "the keys file "+kf.keysFile+" has no key for merchant "+*merchant, "add \""+*merchant+"\":\"SIGN KEY\" to it")
		}
	}

	in, err := io.ReadAll(io.LimitReader(stdin, codec.MaxMessageSize+1))
	if err != nil {
		return failf(stderr, exitFailed, "cannot read stdin: "+err.Error(), "")
	}
	if len(bytes.TrimSpace(in)) == 0 {
		return failf(stderr, exitFailed, "stdin is empty", "pipe the transaction data, a JSON object, into ottpay encode")
	}
	if len(in) > codec.MaxMessageSize {
		return failf(stderr, exitFailed, "the transaction data on stdin is larger than "+strconv.Itoa(codec.MaxMessageSize>>20)+" MiB", "OTT Pay messages are a few kilobytes; check what is piped in")
	}
	data, err := codec.ParseObject(in)
	if err != nil {
		return failf(stderr, exitFailed, "the transaction data on stdin: "+err.Error(), hintUnlessPresent(err, "it must be one JSON object of field names to values"))
	}

	if err := e.Seal(data, key, rule); err != nil {
		return failf(stderr, exitFailed, "cannot sign the data: "+err.Error(), hintUnlessPresent(err, ""))
	}
	out, err := e.MarshalJSON()
	if err != nil {
		return failf(stderr, exitFailed, "cannot write the envelope: "+err.Error(), "")
	}
	encodeWarnings(stderr, e, data, rule)
	out = append(out, '\n')
	if _, err := stdout.Write(out); err != nil {
		return failf(stderr, exitFailed, "cannot write the envelope: "+err.Error(), "")
	}
	return exitOK
}

// hintUnlessPresent returns hint unless err already carries one.
func hintUnlessPresent(err error, hint string) string {
	var ce *codec.Error
	if errors.As(err, &ce) && ce.Hint != "" {
		return ""
	}
	return hint
}

// encodeWarnings tells what a receiver may stumble on.
func encodeWarnings(stderr io.Writer, e *codec.Envelope, data *codec.Object, rule codec.Rule) {
	if rule != codec.RuleStrings {
		var nonString []string
		for _, m := range data.Members {
			if m.Value.Kind != codec.KindString {
				nonString = append(nonString, m.Key)
			}
		}
		if len(nonString) > 0 {
			warnf(stderr, "%s are not strings: the md5 follows the %s rule, and a receiver that follows another rule will not verify this message; send them as strings to avoid that",
				strings.Join(nonString, ", "), rule)
		}
	}
	if e.Kind == codec.Request {
		for _, w := range report.RequestWarnings(e.Action, data) {
			warnf(stderr, "%s", w)
		}
		return
	}
	if _, ok := catalog.ResponseCode(e.RspCode); !ok {
		warnf(stderr, "rsp_code %q is not in Appendix B (run 'ottpay explain --list')", e.RspCode)
	}
}
