package codec

import (
	"bytes"
	"crypto/aes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
)

// Differential fuzz targets: each hand-tuned primitive against the
// standard library doing the same job.

// stripB64Space removes the ASCII whitespace the package ignores in
// Base64.
func stripB64Space(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && isB64Space(byte(r)) {
			return -1
		}
		return r
	}, s)
}

// FuzzBase64 checks the word-at-a-time Base64 encoder and decoder against
// encoding/base64: the same text for any bytes, the same bytes back for
// canonical text, and the same accept or reject for any text.
func FuzzBase64(f *testing.F) {
	f.Add([]byte("any bytes"), exData)
	f.Add([]byte{}, "")
	f.Add([]byte{0xff, 0xfe, 0xfd, 0, 1, 2, 3}, "QUJD")
	f.Add([]byte("0123456789abcdef"), "QR==")
	f.Add([]byte("0123456789abcdefg"), "QUI=")
	f.Add([]byte("x"), "QUJ= ")
	f.Add([]byte("xy"), "AAAAAAAAAAAA\nAAAA")
	f.Add([]byte("xyz"), "AAAA====")
	f.Add([]byte("x"), "-_AA")
	f.Add([]byte("x"), exData[:len(exData)-3]+"R==")
	f.Add([]byte("x"), "QUJDREVGR0hJSktMTU5PUA\n=\n=")
	f.Fuzz(func(t *testing.T, raw []byte, s string) {
		// Encoding: the same text as the standard library.
		want := base64.StdEncoding.EncodeToString(raw)
		got := make([]byte, len(want))
		encodeB64(got, raw)
		if string(got) != want {
			t.Fatalf("encodeB64(%x) = %q, encoding/base64 gives %q", raw, got, want)
		}
		// Decoding canonical text: the same bytes back, by every path.
		dst := make([]byte, base64.StdEncoding.DecodedLen(len(want)))
		n, ok, loose := decodeB64(dst, want)
		if !ok || loose || !bytes.Equal(dst[:n], raw) {
			t.Fatalf("decodeB64(%q) = %x, %v, loose %v; want %x", want, dst[:n], ok, loose, raw)
		}
		n, loose, e := decodeBase64Slow(dst, want)
		if e != nil || loose || !bytes.Equal(dst[:n], raw) {
			t.Fatalf("decodeBase64Slow(%q) = %x, %v, loose %v; want %x", want, dst[:n], e, loose, raw)
		}
		if len(raw) > 0 && len(raw)%16 == 0 {
			ct, loose, e := decodeBase64(want, true)
			if e != nil || loose || !bytes.Equal(ct, raw) {
				t.Fatalf("decodeBase64(%q) = %x, %v; want %x", want, ct, e, raw)
			}
		}

		// Decoding any text: the fast path accepts exactly what the
		// standard library accepts from text without line breaks, with
		// the same bytes, and calls it loose exactly when the strict
		// standard decoder refuses it.
		std, stdErr := base64.StdEncoding.DecodeString(s)
		_, strictErr := base64.StdEncoding.Strict().DecodeString(s)
		dst = make([]byte, base64.StdEncoding.DecodedLen(len(s)))
		if !strings.ContainsAny(s, "\r\n") {
			n, ok, loose := decodeB64(dst, s)
			if ok != (stdErr == nil) {
				t.Fatalf("decodeB64(%q) ok=%v, encoding/base64 error %v", s, ok, stdErr)
			}
			if ok && !bytes.Equal(dst[:n], std) {
				t.Fatalf("decodeB64(%q) = %x, encoding/base64 gives %x", s, dst[:n], std)
			}
			if ok && loose != (strictErr != nil) {
				t.Fatalf("decodeB64(%q) loose=%v, strict encoding/base64 error %v", s, loose, strictErr)
			}
		}
		// The slow path ignores whitespace: it agrees with the standard
		// library on the text without it.
		clean := stripB64Space(s)
		std, stdErr = base64.StdEncoding.DecodeString(clean)
		_, strictErr = base64.StdEncoding.Strict().DecodeString(clean)
		n, loose, e = decodeBase64Slow(dst, s)
		if (e == nil) != (stdErr == nil) {
			t.Fatalf("decodeBase64Slow(%q) error %v, encoding/base64 error %v", s, e, stdErr)
		}
		if e == nil && (!bytes.Equal(dst[:n], std) || loose != (strictErr != nil)) {
			t.Fatalf("decodeBase64Slow(%q) = %x loose %v, encoding/base64 gives %x, strict error %v", s, dst[:n], loose, std, strictErr)
		}
		// Strict decoding accepts exactly what the strict standard
		// decoder accepts, given a whole number of AES blocks.
		ct, _, e := decodeBase64(s, true)
		if stdErr == nil && strictErr == nil && len(std) > 0 && len(std)%16 == 0 {
			if e != nil || !bytes.Equal(ct, std) {
				t.Fatalf("strict decodeBase64(%q) = %x, %v; encoding/base64 gives %x", s, ct, e, std)
			}
		} else if e == nil {
			t.Fatalf("strict decodeBase64(%q) accepted text the strict standard decoder refuses (%v) or of %d bytes", s, strictErr, len(std))
		}
	})
}

// FuzzJSONString checks the word-at-a-time string reader and the string
// writers against encoding/json.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{``, `abc`, `张三`, `\"\\\/\b\f\n\r\t`, `\u0041\u00e9\u4e09`, `\ud83d\ude00`,
		`\ud800`, `\udc00\ud800`, "tab\there", "\xff", "\xe5\xbc", `\x`, `\u12`, strings.Repeat("a", 130),
		strings.Repeat("ab\\n", 40), strings.Repeat("a", 70) + `"` + strings.Repeat("b", 70), "a\u2028b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		text := `"` + content + `"`
		p := newParser(text, LayerInput)
		got, err := p.str()
		p.Release()
		whole := err == nil && p.I == len(text)
		// Reading into a buffer gives the same value after its contents.
		q := newParser(text, LayerInput)
		app, aerr := q.StringAppend([]byte("pre"))
		if (aerr == nil) != (err == nil) || q.I != p.I || err == nil && string(app) != "pre"+got {
			t.Fatalf("StringAppend read %q as %q (%v) up to %d, String as %q (%v) up to %d", text, app, aerr, q.I, got, err, p.I)
		}
		var want string
		stdErr := json.Unmarshal([]byte(text), &want)
		switch {
		case whole && stdErr != nil:
			t.Fatalf("read %q, encoding/json refuses it: %v", text, stdErr)
		case whole && got != want:
			t.Fatalf("read %q as %q, encoding/json reads %q", text, got, want)
		case !whole && stdErr == nil && utf8.ValidString(text):
			// encoding/json reads a lone UTF-16 surrogate as U+FFFD; the
			// codec refuses it, and that is the only difference allowed.
			if err == nil || !strings.Contains(err.Error(), "surrogate") {
				t.Fatalf("refused %q (%v), encoding/json reads it as %q", text, err, want)
			}
		}
		if !whole && err != nil && err.What == "" {
			t.Fatalf("an error without a message for %q", text)
		}

		// Writing: the text reads back, by encoding/json, as the string
		// encoding/json itself would write it (invalid UTF-8 bytes as
		// U+FFFD each).
		std, _ := json.Marshal(content)
		var fromStd, fromOurs string
		if err := json.Unmarshal(std, &fromStd); err != nil {
			t.Fatal(err)
		}
		ours := appendQuoted(nil, content)
		if err := json.Unmarshal(ours, &fromOurs); err != nil {
			t.Fatalf("appendQuoted(%q) = %s, not a JSON string: %v", content, ours, err)
		}
		if fromOurs != fromStd {
			t.Fatalf("appendQuoted(%q) reads back as %q, encoding/json's text as %q", content, fromOurs, fromStd)
		}
		if whole {
			// The compact form the reader writes of a string it read is
			// the writer's text of its value.
			p := newParser(text, LayerInput)
			v, _, err := p.value(nil, 1)
			p.Release()
			if err != nil || !bytes.Equal(v, appendQuoted(nil, got)) {
				t.Fatalf("compact form of %q = %s (%v), appendQuoted gives %s", text, v, err, appendQuoted(nil, got))
			}
		}
	})
}

// refEncrypt is EncryptData written with the standard library only, no
// pooled buffers.
func refEncrypt(key []byte, pt []byte) string {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	pad := 16 - len(pt)%16
	buf := append(append([]byte(nil), pt...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	for i := 0; i < len(buf); i += 16 {
		block.Encrypt(buf[i:i+16], buf[i:i+16])
	}
	return base64.StdEncoding.EncodeToString(buf)
}

// snapshot copies the members of o into memory of their own.
func snapshot(o *Object) []Member {
	out := make([]Member, len(o.Members))
	for i, m := range o.Members {
		out[i] = Member{Key: strings.Clone(m.Key), Value: Value{Kind: m.Value.Kind, Text: strings.Clone(m.Value.Text)}}
	}
	return out
}

// FuzzPooledBuffers runs the functions that borrow pooled buffers on two
// inputs in turn and checks every result against the standard library,
// and that no result still points into a buffer a later call reuses.
func FuzzPooledBuffers(f *testing.F) {
	f.Add([]byte(exPlain), []byte(`{"a":"x\n"}`), exKey)
	f.Add([]byte(`{"k":"`+strings.Repeat(`\u00e9`, 300)+`"}`), []byte(`{"k":"`+strings.Repeat("z", 2000)+`"}`), "k")
	f.Add([]byte(`{}`), []byte(strings.Repeat(" ", 100)), "")
	f.Fuzz(func(t *testing.T, a, b []byte, signKey string) {
		key := AESKey(exMD5, signKey)
		var results []string
		for _, pt := range [][]byte{a, b, a, b} {
			got, err := EncryptData(key, pt)
			if err != nil {
				t.Fatal(err)
			}
			if want := refEncrypt([]byte(key), pt); got != want {
				t.Fatalf("EncryptData(%q) = %q, the standard library gives %q", pt, got, want)
			}
			results = append(results, got)
		}
		if results[0] != results[2] || results[1] != results[3] {
			t.Fatal("the same plaintext encrypted twice gives different data")
		}
		for i, pt := range [][]byte{a, b} {
			back, _, err := DecryptData(key, results[i])
			if err != nil || !bytes.Equal(back, pt) {
				t.Fatalf("DecryptData of EncryptData(%q) = %q, %v", pt, back, err)
			}
		}

		// Parse both, then seal and digest both: the first object's
		// strings must not change under the later calls.
		oa, errA := ParseObject(a)
		var keep []Member
		if errA == nil {
			keep = snapshot(oa)
		}
		ob, errB := ParseObject(b)
		for _, o := range []*Object{oa, ob} {
			if o == nil {
				continue
			}
			in, err := SortedValues(o, RuleJS)
			if err == nil {
				in2, _ := SortedValues(o, RuleJS)
				if in != in2 {
					t.Fatalf("SortedValues gives %q then %q", in, in2)
				}
			}
			if signKey != "" {
				md5, data, err := Seal(o, signKey, RuleJS)
				if err == nil {
					op, err := openRaw(md5, data, signKey)
					if err != nil || !bytes.Equal(op.Plaintext, o.AppendJSON(nil)) {
						t.Fatalf("Seal then Open: %v", err)
					}
				}
			}
		}
		if errA == nil {
			for i, m := range oa.Members {
				if m != keep[i] {
					t.Fatalf("member %d of the first object changed from %+v to %+v after later calls", i, keep[i], m)
				}
			}
		}
		_ = errB
	})
}

// result returns an untyped nil error for a nil *Error.
func TestResultHasNoTypedNil(t *testing.T) {
	if _, err := result(1, nil); err != nil {
		t.Fatalf("result(1, nil) returned the non-nil error %#v", err)
	}
	if _, err := ParseEnvelope([]byte(`{"rsp_code":"FAIL","rsp_msg":"x"}`)); err != nil {
		t.Fatalf("ParseEnvelope of a failure response returned the non-nil error %#v", err)
	}
	e := &Envelope{Kind: Request, Action: "A"}
	if _, err := e.MarshalJSON(); err != nil {
		t.Fatalf("MarshalJSON returned the non-nil error %#v", err)
	}
	if _, err := openRaw(exMD5, exData, exKey); err != nil {
		t.Fatalf("Open returned the non-nil error %#v", err)
	}
}

// FuzzValidUTF8 checks the UTF-8 check and the strict string writer, which
// skip ASCII a word and Chinese text two characters at a time, against
// unicode/utf8 and the lenient writer, and PlainASCII, which reads four
// words at a time, against a rune-by-rune check.
func FuzzValidUTF8(f *testing.F) {
	for _, s := range []string{"", "abc", "中文中文中文中文x", "枫糖浆 500ml，分事样政使几指的起么", "中文\xe4\xb8中文中文",
		"中文中\xed\xa0\x80文中文", "中文中文\xe4\xb8\x41中文", "中\"文\\中\n文中文中文", strings.Repeat("中", 40) + "\xff",
		strings.Repeat("abcdefgh", 5) + "\x1f", strings.Repeat("abcdefgh", 9)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid := utf8.ValidString(s)
		if got := validUTF8(s); got != valid {
			t.Fatalf("validUTF8(%q) = %v, utf8.ValidString says %v", s, got, valid)
		}
		strict, ok := jsontok.AppendString(nil, s, jsontok.Strict)
		if ok != valid {
			t.Fatalf("strict AppendString(%q) reports %v, utf8.ValidString says %v", s, ok, valid)
		}
		if lenient := appendQuoted(nil, s); ok && !bytes.Equal(strict, lenient) {
			t.Fatalf("strict AppendString(%q) = %s, the lenient writer gives %s", s, strict, lenient)
		}
		plain := !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x80 })
		if got := jsontok.PlainASCII(s); got != plain {
			t.Fatalf("PlainASCII(%q) = %v, want %v", s, got, plain)
		}
	})
}
