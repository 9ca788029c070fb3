package codec

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// The Appendix A example, used as the base message of the error cases.
const (
	exKey   = "6698851A525C9433"
	exMD5   = "C12F9560769C2CB55E6954935B325916"
	exPlain = `{"orderId":"1234567890","idCardName":"张三","idCardNum":"123456789012345678","bankCardNum":"62000000000010","mobile":"13711111111","idCardType":"1"}`
	exData  = "Y2+GoqBBPc6EJ9JzXRFoOziKd+DqWg5FiUZY1IYoVBVv0xfFznT9/qanMpiNEamEN2NM7J+hxoRn8VGSJImA2soeip9nYr+VJvTXe7D8j4aXiKyFipuPVCQLiCDg3jkJP+S2EezYMf7crqKY/YAni1CCeIwr2aJfFVT1vYhsWIm8t3eyPL//cY4kwombAKhE2gAdEFXz6gVvencz80aRWQ=="
)

// sealRaw encrypts any plaintext with the key a sender would derive from
// md5 and key, whatever the plaintext holds.
func sealRaw(md5, key, plaintext string) string {
	data, err := EncryptData(AESKey(md5, key), []byte(plaintext))
	if err != nil {
		panic(err) // AESKey always gives 16 bytes
	}
	return data
}

// openRaw opens an md5 and a data member as an envelope carrying them.
func openRaw(md5, data, signKey string) (*Opened, error) {
	e := &Envelope{MD5: md5, Data: data, HasMD5: true, HasData: true}
	return e.Open(signKey)
}

// errorIs checks the sentinel, the layer, and that the message names the
// cause.
func errorIs(t *testing.T, what string, err, want error, layer Layer, says ...string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Layer != layer {
		t.Errorf("%s: error %v is not an *Error of layer %q", what, err, layer)
		return
	}
	for _, s := range says {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%s: message %q does not say %q", what, err, s)
		}
	}
}

func TestOpenBase64Rules(t *testing.T) {
	// ASCII whitespace inside the Base64 is ignored: the published H5PAY
	// example wraps it with spaces, logs with CR/LF, tabs and form feeds.
	for _, sep := range []string{" ", "\n", "\r\n", "\t", "\f", "  \r\n  "} {
		d := wrap60(exData)
		d = strings.ReplaceAll(d, " ", sep)
		op, err := openRaw(exMD5, sep+d+sep, exKey)
		if err != nil || string(op.Plaintext) != exPlain {
			t.Errorf("data wrapped with %q: %v", sep, err)
		}
	}
	tests := []struct {
		name, data string
		want       error
		says       []string
	}{
		{"url-safe alphabet", strings.NewReplacer("+", "-", "/", "_").Replace(exData), ErrBase64, []string{"URL-safe"}},
		{"url-encoded", strings.ReplaceAll(exData, "+", "%2B"), ErrBase64, []string{"URL-encoded"}},
		{"no padding", strings.TrimRight(exData, "="), ErrBase64, []string{"not a multiple of 4", "padding"}},
		{"plus became space", strings.ReplaceAll(exData, "+", " "), ErrBase64, []string{"'+' signs probably became spaces"}},
		{"padding inside", exData[:8] + "=" + exData[8:], ErrBase64, []string{"after the '=' padding"}},
		{"three pads", exData + "=", ErrBase64, []string{"more than two"}},
		{"json escape", strings.ReplaceAll(exData, "/", `\/`), ErrBase64, []string{"JSON escapes"}},
		{"non-ASCII", "Y2+G" + "é" + exData[4:], ErrBase64, []string{"not in the standard Base64 alphabet"}},
		{"truncated to a block edge", exData[:20], ErrLength, []string{"15 bytes", "truncated"}},
		{"empty", "", ErrLength, []string{"empty"}},
		{"whitespace only", " \n ", ErrLength, []string{"empty"}},
	}
	for _, tt := range tests {
		_, err := openRaw(exMD5, tt.data, exKey)
		layer := LayerBase64
		errorIs(t, tt.name, err, tt.want, layer, tt.says...)
	}
}

func TestOpenWrongKey(t *testing.T) {
	_, err := openRaw(exMD5, exData, "6698851A525C9434")
	errorIs(t, "wrong sign key", err, ErrPadding, LayerDecrypt, "decoded cleanly from Base64", "almost always a wrong sign key", "upper- and lower-cased key do not work")
	_, err = openRaw(exMD5, exData, "")
	errorIs(t, "no sign key", err, ErrEmptySignKey, LayerKey)
	// A wrong md5 gives a wrong key too.
	_, err = openRaw("C12F9560769C2CB55E6954935B325917", exData, exKey)
	errorIs(t, "md5 changed", err, ErrPadding, LayerDecrypt, "wrong sign key", "md5 altered or mistyped")
}

// The sign key is used exactly as given. A key that only works in another
// letter case is an error that says so, and still shows the message.
func TestOpenSignKeyCase(t *testing.T) {
	lower := strings.ToLower(exKey) // "6698851a525c9433"
	op, err := openRaw(exMD5, exData, lower)
	errorIs(t, "lower-cased key", err, ErrKeyCase, LayerKey, "only with the sign key upper-cased", "not with the key as given")
	if op == nil || string(op.Plaintext) != exPlain || !op.Verified {
		t.Errorf("the message opened with the other case is not returned: %+v", op)
	}
	if strings.Contains(err.Error(), exKey) || strings.Contains(err.Error(), lower) {
		t.Errorf("the message shows the sign key: %v", err)
	}
	// A crypto-js sender that upper-cases a lower-case key.
	data := sealRaw(exMD5, exKey, exPlain)
	if _, err := openRaw(exMD5, data, lower); !errors.Is(err, ErrKeyCase) {
		t.Errorf("lower key, upper-cased by the sender: %v", err)
	}
	// The reverse: the sender lower-cases the key.
	data = sealRaw(exMD5, "abcdef0123456789", exPlain)
	_, err = openRaw(exMD5, data, "ABCDEF0123456789")
	errorIs(t, "upper key, lower-cased by the sender", err, ErrKeyCase, LayerKey, "lower-cased")
}

// The key comes from md5 as transmitted; if that fails and md5 was not
// upper-case, the upper-cased md5 is tried and the result says so.
func TestOpenMD5Case(t *testing.T) {
	lowerMD5 := strings.ToLower(exMD5)
	// Sender derived the key from its upper-case md5 but sent it lower-case.
	op, err := openRaw(lowerMD5, exData, exKey)
	if err != nil || !op.MD5Uppercased || op.KeyMD5 != exMD5 || !op.Verified {
		t.Fatalf("Open with a lower-cased md5 = %+v, %v", op, err)
	}
	// Sender derived the key from the lower-case md5 it sent: no retry.
	data := sealRaw(lowerMD5, exKey, exPlain)
	op, err = openRaw(lowerMD5, data, exKey)
	if err != nil || op.MD5Uppercased || op.KeyMD5 != lowerMD5 || !op.Verified {
		t.Fatalf("Open with a key from the lower-case md5 = %+v, %v", op, err)
	}
	_, err = openRaw(lowerMD5, exData, "0000000000000000")
	errorIs(t, "wrong key, lower md5", err, ErrPadding, LayerDecrypt, "nor does the upper-cased md5")
}

func TestOpenBadMD5(t *testing.T) {
	for _, m := range []string{"", exMD5[:31], exMD5 + "0", "G" + exMD5[1:], " " + exMD5} {
		_, err := openRaw(m, exData, exKey)
		errorIs(t, "md5 "+m, err, ErrBadMD5, LayerEnvelope, "not 32 hex digits")
	}
}

// A clean decrypt whose md5 does not match: tampering, another rule, or a
// truncated copy. The message is still returned, unverified.
func TestOpenMD5Mismatch(t *testing.T) {
	tampered := strings.Replace(exPlain, "1234567890", "1234567891", 1)
	op, err := openRaw(exMD5, sealRaw(exMD5, exKey, tampered), exKey)
	errorIs(t, "tampered", err, ErrMD5Mismatch, LayerVerify, "decrypted cleanly", exMD5, "tampered", "another value rule", "truncated copy")
	if op == nil || op.Verified || op.Rule != "" || string(op.Plaintext) != tampered {
		t.Errorf("the unverified message is not returned as such: %+v", op)
	}
	// Non-string values that no rule explains.
	op, err = openRaw(exMD5, sealRaw(exMD5, exKey, `{"amount":100}`), exKey)
	errorIs(t, "numbers", err, ErrMD5Mismatch, LayerVerify, "strings gives nothing (non-string values)", "js gives", "java gives")
	if op == nil || len(op.Rules) != len(Presets()) {
		t.Errorf("not every rule was tried: %+v", op)
	}
}

// Non-string values from each sender verify and name the rule.
func TestOpenNamesTheSenderRule(t *testing.T) {
	o, _ := ParseObject([]byte(`{"amount":100,"rate":1.5,"paid":true,"note":null,"order_id":"A1"}`))
	for _, r := range []Rule{RuleJS, RuleCryptoJS, RulePHP, RuleJava} {
		md5, data, err := Seal(o, exKey, r)
		if err != nil {
			t.Fatal(err)
		}
		op, err := openRaw(md5, data, exKey)
		if err != nil || op.Rule != r {
			t.Errorf("sealed as %s, opened as %q: %v", r, op.Rule, err)
		}
	}
}

// Decrypted data that is not one strict JSON object.
func TestOpenPlaintextRules(t *testing.T) {
	tests := []struct {
		name, plain string
		want        error
		says        []string
	}{
		{"not JSON", "hello", ErrNotJSON, []string{"decrypted data: invalid JSON"}},
		{"array", `[{"a":"b"}]`, ErrNotObject, []string{"array"}},
		{"two objects", `{"a":"b"} {"a":"b"}`, ErrNotJSON, []string{"after the end"}},
		{"duplicate", `{"a":"b","a":"c"}`, ErrDuplicate, []string{`"a"`}},
		{"nested duplicate", `{"a":{"b":1,"c":{"d":1,"d":2}}}`, ErrDuplicate, []string{`"d"`}},
		{"latin-1", "{\"a\":\"caf\xe9\"}", ErrNotUTF8, []string{"0xe9"}},
		{"too deep", `{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}", ErrTooDeep, []string{"nested"}},
		{"empty", "", ErrNotJSON, []string{"empty"}},
	}
	for _, tt := range tests {
		_, err := openRaw(exMD5, sealRaw(exMD5, exKey, tt.plain), exKey)
		errorIs(t, tt.name, err, tt.want, LayerPlaintext, tt.says...)
	}
	// Surrounding whitespace is allowed.
	op, err := openRaw(exMD5, sealRaw(exMD5, exKey, "\n "+exPlain+"\r\n"), exKey)
	if err != nil || !op.Verified {
		t.Errorf("plaintext with surrounding whitespace: %v", err)
	}
}

// PKCS#7 is checked byte for byte.
func TestDecryptDataPadding(t *testing.T) {
	key := AESKey(exMD5, exKey)
	pt, pad, err := DecryptData(key, exData)
	if err != nil || string(pt) != exPlain || pad != 10 {
		t.Fatalf("DecryptData = %q, %d, %v", pt, pad, err)
	}
	// Blocks whose padding is wrong in one byte only, or out of range.
	for _, tail := range [][]byte{
		{3, 3, 3, 2}, {4, 4, 3, 4}, {0}, {17}, {5, 5, 5, 5, 6},
	} {
		blk := make([]byte, 16)
		for i := range blk {
			blk[i] = 'x'
		}
		copy(blk[16-len(tail):], tail)
		ct := sealRaw(exMD5, exKey, string(blk)) // adds a full block of padding
		raw := mustB64(t, ct)[:16]               // keep the block we built
		_, _, err := DecryptData(key, b64(raw))
		errorIs(t, "padding "+string(rune('0'+tail[len(tail)-1])), err, ErrPadding, LayerDecrypt, "PKCS#7")
	}
	if _, _, err := DecryptData("short", exData); !errors.Is(err, ErrAESKey) {
		t.Errorf("DecryptData with a 5-byte key: %v", err)
	}
	if d, err := EncryptData("short", []byte("x")); d != "" || !errors.Is(err, ErrAESKey) {
		t.Errorf("EncryptData with a 5-byte key = %q, %v; want no data and ErrAESKey", d, err)
	}
	// A full block of padding is removed whole.
	d := sealRaw(exMD5, exKey, "0123456789abcdef")
	if pt, pad, err := DecryptData(key, d); err != nil || pad != 16 || string(pt) != "0123456789abcdef" {
		t.Errorf("full padding block: %q %d %v", pt, pad, err)
	}
}

func TestDecodeBodyStrictMembers(t *testing.T) {
	env := func(data, md5 string) string {
		return `{"rsp_code":"SUCCESS","rsp_msg":"success","merchant_id":"QC00005496","data":` + data + `,"md5":` + md5 + `}`
	}
	tests := []struct {
		name, body string
		want       error
		layer      Layer
		says       []string
	}{
		{"md5 a number", env(`"`+exData+`"`, "1"), ErrFieldType, LayerEnvelope, []string{`"md5" is a number`}},
		{"data an object", env(`{}`, `"`+exMD5+`"`), ErrFieldType, LayerEnvelope, []string{`"data" is an object`}},
		{"md5 short", env(`"`+exData+`"`, `"`+exMD5[:30]+`"`), ErrBadMD5, LayerEnvelope, nil},
		{"no md5", `{"rsp_code":"SUCCESS","rsp_msg":"success","data":"` + exData + `"}`, ErrMissingField, LayerEnvelope, []string{"no md5"}},
		{"no data", `{"rsp_code":"SUCCESS","rsp_msg":"success","md5":"` + exMD5 + `"}`, ErrMissingField, LayerEnvelope, []string{"no data"}},
		{"no kind", `{"data":"` + exData + `","md5":"` + exMD5 + `"}`, ErrMissingField, LayerEnvelope, []string{"neither action nor rsp_code"}},
		{"duplicate md5", env(`"`+exData+`"`, `"`+exMD5+`","md5":"`+exMD5+`"`), ErrDuplicate, LayerEnvelope, nil},
		{"trailing text", env(`"`+exData+`"`, `"`+exMD5+`"`) + ",", ErrNotJSON, LayerEnvelope, []string{"after the end"}},
		{"two bodies", env(`"`+exData+`"`, `"`+exMD5+`"`) + "\n" + env(`"`+exData+`"`, `"`+exMD5+`"`), ErrNotJSON, LayerEnvelope, nil},
	}
	for _, tt := range tests {
		_, _, err := DecodeBody([]byte(tt.body), exKey)
		errorIs(t, tt.name, err, tt.want, tt.layer, tt.says...)
	}
	// The same body with PHP escapes in the envelope, a lower-case md5 and
	// CRLF-wrapped data decodes.
	body := env(`"`+strings.ReplaceAll(strings.ReplaceAll(wrap60(exData), "/", `\/`), " ", `\r\n`)+`"`, `"`+strings.ToLower(exMD5)+`"`)
	e, op, err := DecodeBody([]byte("\r\n"+body+"\r\n"), exKey)
	if err != nil || !op.Verified || !op.MD5Uppercased || e.Kind != Callback {
		t.Errorf("escaped, wrapped body: %+v %v", op, err)
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The Base64 fast paths agree with encoding/base64 on every length and on
// damaged input.
func TestDecodeB64AgreesWithStdlib(t *testing.T) {
	x := uint32(1)
	for n := 0; n < 300; n++ {
		raw := make([]byte, n)
		for i := range raw {
			x = x*1664525 + 1013904223
			raw[i] = byte(x >> 24)
		}
		s := b64(raw)
		enc := make([]byte, len(s))
		if encodeB64(enc, raw); string(enc) != s {
			t.Fatalf("length %d: encodeB64 = %s, want %s", n, enc, s)
		}
		dst := make([]byte, len(s)/4*3)
		m, ok, _ := decodeB64(dst, s)
		if !ok || string(dst[:m]) != string(raw) {
			t.Fatalf("length %d: decodeB64 = %x, %v", n, dst[:m], ok)
		}
		if n > 0 {
			bad := []byte(s)
			bad[int(x)%len(bad)] = "-_!* \n"[n%6]
			checkB64(t, string(bad))
		}
	}
}

func checkB64(t *testing.T, s string) {
	t.Helper()
	dst := make([]byte, len(s)/4*3+3)
	m, ok, _ := decodeB64(dst, s)
	want, err := base64.StdEncoding.DecodeString(s)
	if strings.ContainsAny(s, "\r\n") {
		return // the standard decoder skips these; decodeB64 leaves them to the slow path
	}
	if ok != (err == nil) || ok && string(dst[:m]) != string(want) {
		t.Fatalf("decodeB64(%q) = %x, %v; encoding/base64 = %x, %v", s, dst[:m], ok, want, err)
	}
}

func FuzzDecodeB64(f *testing.F) {
	f.Add(exData)
	f.Add("QQ==")
	f.Add("QUI=")
	f.Add("QUJD")
	f.Add("QU==")
	f.Fuzz(func(t *testing.T, s string) { checkB64(t, s) })
}
