package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"
)

func readMessage(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/message.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readKeys(t testing.TB) map[string]string {
	t.Helper()
	b, err := os.ReadFile("testdata/keys.json")
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]string
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	return keys
}

// A link to the Decode page carries the message in its fragment, and the
// receiving page gets the same text back from the URL.
func TestLinkRoundTrip(t *testing.T) {
	msg := readMessage(t)
	keys := readKeys(t)
	for _, base := range []string{
		"http://127.0.0.1:8080/",
		"https://example.github.io/ottpay/",
		"https://example.github.io/ottpay/?x=1#old-fragment",
	} {
		link, err := Link(base, msg, keys)
		if err != nil {
			t.Fatalf("Link(%q): %v", base, err)
		}
		u, err := url.Parse(link)
		if err != nil {
			t.Fatalf("link %q is not a URL: %v", link, err)
		}
		if strings.Contains(u.Path+u.RawQuery, Param+"=") || !strings.HasPrefix(u.Fragment, Param+"=") {
			t.Errorf("the message is not in the fragment: %q", link)
		}
		if strings.Contains(link, "old-fragment") {
			t.Errorf("the base's old fragment was kept: %q", link)
		}
		got, err := FromURL(u)
		if err != nil {
			t.Fatalf("FromURL(%q): %v", link, err)
		}
		if got != msg {
			t.Errorf("round trip changed the message:\n%q\nwant\n%q", got, msg)
		}
	}
}

// The fragment is plain base64url: nothing in it needs escaping in a URL,
// and the compressed message is smaller than the text for real envelopes.
func TestFragmentIsURLSafe(t *testing.T) {
	msg := strings.Repeat(readMessage(t), 3)
	frag, err := Fragment(msg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range strings.TrimPrefix(frag, Param+"=") {
		if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", c) {
			t.Fatalf("fragment holds %q, outside the base64url alphabet", c)
		}
	}
	if len(frag) >= len(msg) {
		t.Errorf("fragment of %d characters for %d bytes of text: not compressed", len(frag), len(msg))
	}
	// Parse accepts it with or without '#', and among other parameters.
	for _, f := range []string{frag, "#" + frag, "tab=steps&" + frag + "&x=1"} {
		if got, err := Parse(f); err != nil || got != msg {
			t.Errorf("Parse(%.30q...) = %.30q, %v", f, got, err)
		}
	}
}

// A link never carries a sign key: a text holding one, in any letter case,
// is refused, and the error names the key's owner, not the key.
func TestLinkRefusesKeys(t *testing.T) {
	msg := readMessage(t)
	keys := readKeys(t)
	for name, key := range keys {
		for _, leak := range []string{
			msg + "sign key: " + key + "\n",
			"key=" + strings.ToLower(key) + " " + msg,
		} {
			_, err := Link("https://example.org/", leak, keys)
			if !errors.Is(err, ErrContainsKey) {
				t.Fatalf("Link with the key of %s in the text: %v, want ErrContainsKey", name, err)
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("the error does not say whose key it is: %v", err)
			}
			if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(key)) {
				t.Errorf("the error repeats the key: %v", err)
			}
		}
		if _, err := Link("https://example.org/?k="+key, msg, keys); !errors.Is(err, ErrContainsKey) {
			t.Errorf("a base address holding a key: %v, want ErrContainsKey", err)
		}
	}
	// Without keys, or with blank ones, nothing is refused.
	if _, err := Link("https://example.org/", msg, map[string]string{"blank": "  "}); err != nil {
		t.Errorf("a blank key refused the link: %v", err)
	}
}

// Past the size limits the error says so, and what to do.
func TestSizeLimits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, MaxFragment) // base64 of random bytes barely compresses
	for i := range noise {
		noise[i] = byte(rng.IntN(64))
	}
	text := base64.StdEncoding.EncodeToString(noise)
	_, err := Fragment(text)
	if !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "share") {
		t.Errorf("incompressible %d bytes: %v, want ErrTooLong saying what to do", len(text), err)
	}
	if _, err := Fragment(strings.Repeat("a", MaxText+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("text past MaxText: %v, want ErrTooLong", err)
	}
	// Text that compresses well may be long.
	long := strings.Repeat(readMessage(t), 100)
	if _, err := Fragment(long); err != nil {
		t.Errorf("%d bytes of repeated envelopes: %v", len(long), err)
	}
	for _, empty := range []string{"", " \n\t"} {
		if _, err := Fragment(empty); !errors.Is(err, ErrEmpty) {
			t.Errorf("Fragment(%q): %v, want ErrEmpty", empty, err)
		}
	}
}

func deflate(t testing.TB, b []byte) string {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(b)
	w.Close()
	return base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// Damaged and hostile fragments are refused with an error, never a panic
// or a huge allocation.
func TestParseRefuses(t *testing.T) {
	good, err := Fragment(readMessage(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, frag string
		want       error
	}{
		{"empty fragment", "", ErrNoMessage},
		{"other parameters only", "tab=steps&x=1", ErrNoMessage},
		{"not base64url", Param + "=ab+/cd", ErrCorrupt},
		{"cut short", good[:len(good)/2], ErrCorrupt},
		{"empty message", Param + "=", ErrCorrupt},
		{"bomb", Param + "=" + deflate(t, make([]byte, MaxText+1)), ErrTooLong},
		{"not UTF-8", Param + "=" + deflate(t, []byte{0xff, 0xfe}), ErrCorrupt},
		{"over-long", Param + "=" + strings.Repeat("A", MaxFragment+1), ErrCorrupt},
	} {
		if _, err := Parse(tc.frag); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := FromURL(nil); !errors.Is(err, ErrNoMessage) {
		t.Errorf("FromURL(nil): %v", err)
	}
}

func FuzzParse(f *testing.F) {
	good, _ := Fragment("{\"rsp_code\":\"FAIL\",\"rsp_msg\":\"x\"}")
	f.Add(good)
	f.Add("#" + Param + "=" + deflate(f, []byte("订单")))
	f.Add(Param + "=%41%42")
	f.Add("a&m=&m=x")
	f.Fuzz(func(t *testing.T, frag string) {
		text, err := Parse(frag)
		if err != nil {
			return
		}
		if len(text) > MaxText {
			t.Fatalf("Parse returned %d bytes, past MaxText", len(text))
		}
		// Whatever a link carries can be shared again unchanged.
		again, err := Fragment(text)
		if err != nil {
			if strings.TrimSpace(text) == "" || errors.Is(err, ErrTooLong) {
				return
			}
			t.Fatalf("Fragment of a parsed text: %v", err)
		}
		back, err := Parse(again)
		if err != nil || back != text {
			t.Fatalf("re-shared text does not round-trip: %v", err)
		}
	})
}

// The key guard finds a key in the encodings a pasted log commonly puts
// it in, says which, and never repeats the key.
func TestLinkRefusesEncodedKeys(t *testing.T) {
	msg := readMessage(t)
	const name, key = "QC00005496", "6698851A525C9433"
	keys := map[string]string{name: key}
	jsonEscaped := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		return b.String()
	}
	percent := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
		return b.String()
	}
	b64 := base64.StdEncoding.EncodeToString
	for _, tc := range []struct{ name, text, form string }{
		{"plain, lower case", "key=" + strings.ToLower(key), "as it is"},
		{"JSON \\u-escaped", `{"sign_key":"` + jsonEscaped(key) + `"}`, "JSON-escaped"},
		{"twice JSON-escaped", `"{\\\"k\\\":\\\"` + `6698\\u0038\\u0035\\u0031A525C9433` + `\\\"}"`, "JSON-escaped"},
		{"split across lines", "key: 66988\n51A52\n5C9433", "split by spaces or line breaks"},
		{"split by a JSON \\n escape", `"key":"6698851A\n525C9433"`, "JSON-escaped"},
		{"split by CRLF and spaces", "66 98 85 1A\r\n   52 5C 94 33", "split by spaces or line breaks"},
		{"Base64 on its own", "token " + b64([]byte(key)), "Base64-encoded"},
		{"Base64 inside a longer Base64 text, offset 1", b64([]byte("x" + key + "tail")), "Base64-encoded"},
		{"Base64 inside a longer Base64 text, offset 2", b64([]byte(`{"` + key + `"}`)), "Base64-encoded"},
		{"Base64 of the key in lower case", b64([]byte("k=" + strings.ToLower(key))), "Base64-encoded"},
		{"URL-safe Base64, wrapped at 8 characters", wrap(base64.URLEncoding.EncodeToString([]byte("...."+key)), 8), "Base64-encoded"},
		{"URL-encoded", "sign_key=" + percent(key), "URL-encoded"},
		{"URL-encoded Base64", url.QueryEscape(b64([]byte("\xfb\xff" + key))), "Base64-encoded"},
		{"hex of the bytes, upper case", "raw: " + strings.ToUpper(hexOf(key)), "hex-encoded"},
		{"hex of the bytes, lower case", "raw: " + hexOf(key), "hex-encoded"},
	} {
		_, err := Link("https://example.org/", msg+"\n"+tc.text+"\n", keys)
		if !errors.Is(err, ErrContainsKey) {
			t.Errorf("%s (%q): %v, want ErrContainsKey", tc.name, tc.text, err)
			continue
		}
		if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), tc.form) {
			t.Errorf("%s: %v; want it to name %s and say %q", tc.name, err, name, tc.form)
		}
		if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(key)) {
			t.Errorf("%s: the error repeats the key: %v", tc.name, err)
		}
	}
	// Text that only shares a few characters with the key passes.
	for _, ok := range []string{msg, "6698851A 525C", b64([]byte(key[:10])), "%36%36%39"} {
		if _, err := Link("https://example.org/", ok, keys); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
}

// The guard's work is linear: a text twice as long costs about twice the
// reads, counted by the bytes the views hold.
func TestKeyGuardViewsAreLinear(t *testing.T) {
	text := strings.Repeat(`\u0041%41 x+`, 10000)
	total := 0
	for _, v := range textViews(text) {
		total += len(v.text) + len(v.lower)
	}
	if total > 8*len(text) {
		t.Errorf("the views of %d bytes hold %d bytes", len(text), total)
	}
}

func hexOf(s string) string { return fmt.Sprintf("%x", s) }

func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\n")
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}
