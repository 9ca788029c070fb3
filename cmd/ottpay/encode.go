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
		values   = fs.String("values", "", "rule for non-string values: a preset (js, cryptojs, php, java, jackson, jsdot0, jsjoin) or a combination such as numbers=dot0,ints=number,bool=text,null=empty,nested=json,keys=utf16")
		quiet    = fs.Bool("quiet", false, "print no warnings")
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
			var ce *codec.Error
			if errors.As(err, &ce) {
				return usage(stderr, "--values: "+ce.What+"; "+ce.Hint)
			}
			return usage(stderr, "--values: "+err.Error())
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
	if !*quiet {
		encodeWarnings(stderr, e, data, rule)
	}
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
		if w := catalogueSummary(e.Action, data); w != "" {
			warnf(stderr, "%s", w)
		}
		return
	}
	if _, ok := catalog.ResponseCode(e.RspCode); !ok {
		warnf(stderr, "rsp_code %q is not in Appendix B (run 'ottpay explain --list')", e.RspCode)
	}
}

// catalogueSummary is the one line that sums up the catalogue's errors and
// warnings about request data: the missing required fields and the
// undocumented ones by name, any other finding in full; "" when there is
// nothing to say. decode's report lists each finding as a sentence.
func catalogueSummary(action string, data *codec.Object) string {
	a, problems, ok := catalog.Match(action, codec.Request, data)
	if !ok {
		return "action " + codec.Quote(action, 40) + " is not in the catalogue of documented actions, so its data was not checked"
	}
	var missing, unknown, other []string
	for _, p := range problems {
		if p.Severity != catalog.Error && p.Severity != catalog.Warning {
			continue
		}
		_, present := data.Get(p.Field)
		_, documented := a.Field(codec.Request, p.Field)
		switch {
		case p.Severity == catalog.Error && !present:
			missing = append(missing, p.Field)
		case p.Severity == catalog.Warning && !documented && !strings.Contains(p.Message, "did you mean"):
			unknown = append(unknown, codec.Quote(p.Field, 40))
		default:
			other = append(other, p.Message)
		}
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "missing required "+strings.Join(missing, ", "))
	}
	if len(unknown) > 0 {
		parts = append(parts, "not documented "+strings.Join(unknown, ", "))
	}
	parts = append(parts, other...)
	if len(parts) == 0 {
		return ""
	}
	name := a.Name
	if a.Variant != "" {
		name += " (" + a.Variant + ")"
	}
	return "catalogue: " + name + " request data: " + strings.Join(parts, "; ") + " (ottpay explain " + a.Name + " lists the fields)"
}
