package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
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
		{"bomb", Param + "=" + deflate(t, make([]byte, MaxText+1)), ErrCorrupt},
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
