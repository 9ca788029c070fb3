package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// hostileText is text a sender may put in merchant_id or a data value to
// act on the terminal of whoever decodes its messages.
var hostileText = []struct{ name, text string }{
	{"ESC clear screen", "\x1b[2J\x1b[HQC0001"},
	{"OSC title and BEL", "\x1b]0;owned\x07QC0001"},
	{"BEL", "QC\a0001"},
	{"CR overwrite", "QC0001\rottpay: all verified"},
	{"LF fake line", "QC0001\nottpay: all verified"},
	{"C1 CSI", "\u009b31mQC0001"},
	{"DEL and NUL", "QC\x7f\x000001"},
	{"bidi override", "QC\u202e1000\u202c"},
	{"bidi isolate", "\u2066QC0001\u2069\u202a\u202b\u202d"},
}

// dangerous returns the first rune of s that must not reach a terminal
// raw, and false when there is none.
func dangerous(s string) (string, bool) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return s[i : i+1], true
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
			unicode.Is(unicode.Cf, r):
			return string(r), true
		}
		i += n
	}
	return "", false
}

// hostileInputs returns envelopes carrying h where the command's messages
// name it: as the merchant_id of a callback no key fits, of one sealed
// with another merchant's key, in the data's merchant_id, as an rsp_code,
// an extra member name, a request action and field value, and as the
// member name of a broken envelope.
func hostileInputs(t *testing.T, h string) map[string]string {
	t.Helper()
	seal := func(e *codec.Envelope, key string, members ...string) string {
		o := &codec.Object{}
		for i := 0; i+1 < len(members); i += 2 {
			o.SetString(members[i], members[i+1])
		}
		if err := e.Seal(o, key, codec.RuleStrings); err != nil {
			t.Fatal(err)
		}
		b, err := e.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	callback := func(merchant string) *codec.Envelope {
		return &codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "success", MerchantID: merchant}
	}
	rsp := callback("ON00004652")
	rsp.RspCode = h
	extra := callback("ON00004652")
	extra.Extra = []codec.Member{{Key: h, Value: codec.Value{Kind: codec.KindString, Text: "x"}}}
	req := &codec.Envelope{Kind: codec.Request, Action: "ACTIVEPAY", Version: "1.0", MerchantID: "ON00004652"}
	unknown := &codec.Envelope{Kind: codec.Request, Action: h, Version: "1.0", MerchantID: "ON00004652"}
	dup := `{"rsp_code":"SUCCESS","rsp_msg":"ok","merchant_id":"ON00004652",` + string(mustJSON(t, h)) + `:"1",` + string(mustJSON(t, h)) + `:"2","data":"AAAA","md5":"` + strings.Repeat("0", 32) + `"}`
	return map[string]string{
		"no key fits":          seal(callback(h), "0000000000000000", "order_id", "1"),
		"another's key":        seal(callback(h), testKey, "order_id", "1", "merchant_id", "ON00004652"),
		"data merchant_id":     seal(callback("ON00004652"), testKey, "order_id", "1", "merchant_id", h),
		"rsp_code":             seal(rsp, testKey, "order_id", "1"),
		"extra member":         seal(extra, testKey, "order_id", "1"),
		"request field values": seal(req, testKey, "amount", h, "currency", h, "order_id", h, h, "1"),
		"unknown action":       seal(unknown, testKey, "order_id", "1"),
		"duplicate member":     dup,
		"raw in a log line":    "INFO " + h + " callback " + seal(callback(h), "0000000000000000", "order_id", h),
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Text a sender controls never reaches the terminal raw: whatever the
// merchant_id, rsp_code, member names or data values hold, the stderr line
// of ottpay decode and the human-facing strings of its JSON reports
// (error, warnings) carry no control character, C1 control or bidi
// override, in the tolerant and the strict decode alike.
func TestSenderTextNeverReachesTheTerminalRaw(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(keys, []byte(`{"ON00004652":"`+testKey+`","OTHER":"1111111111111111"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(string) string { return "" }
	for _, h := range hostileText {
		for what, in := range hostileInputs(t, h.text) {
			for _, args := range [][]string{{"decode", "--keys", keys}, {"decode", "--strict", "--keys", keys}} {
				var stdout, stderr bytes.Buffer
				run(args, strings.NewReader(in), &stdout, &stderr, getenv)
				name := h.name + ", " + what + ", " + strings.Join(args[:len(args)-2], " ")
				line := strings.TrimSuffix(stderr.String(), "\n")
				if r, bad := dangerous(line); bad {
					t.Errorf("%s: stderr carries %q raw: %q", name, r, line)
				}
				for _, l := range bytes.Split(bytes.TrimSpace(stdout.Bytes()), []byte("\n")) {
					if len(l) == 0 {
						continue
					}
					var rep struct {
						Error    string   `json:"error"`
						Warnings []string `json:"warnings"`
					}
					if err := json.Unmarshal(l, &rep); err != nil {
						t.Fatalf("%s: report %q is not JSON: %v", name, l, err)
					}
					for _, s := range append([]string{rep.Error}, rep.Warnings...) {
						if r, bad := dangerous(s); bad {
							t.Errorf("%s: report message carries %q raw: %q", name, r, s)
						}
					}
				}
			}
		}
	}
	// The table reaches the messages it is meant to reach.
	var stdout, stderr bytes.Buffer
	in := hostileInputs(t, "\x1b[2J")["no key fits"]
	run([]string{"decode", "--keys", keys}, strings.NewReader(in), &stdout, &stderr, getenv)
	if !strings.Contains(stderr.String(), `merchant "\x1b[2J"`) {
		t.Errorf("stderr does not name the merchant, escaped: %q", stderr.String())
	}
}
