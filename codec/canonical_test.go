package codec

import (
	"errors"
	"strings"
	"testing"
)

// One message has one wire form under the strict rules: Base64 whose last
// character has unused bits set decodes to the same bytes as the
// canonical text, so DecodeBody refuses it and says where; Envelope.Open,
// the tolerant path, reads it and says so.
func TestStrictRefusesNonCanonicalBase64(t *testing.T) {
	if !strings.HasSuffix(exData, "Q==") {
		t.Fatalf("the example data no longer ends in Q==: %q", exData[len(exData)-4:])
	}
	// 'Q' is 010000: with "==" only its top two bits are data. 'R' (010001)
	// and 'f' (011111) carry the same data with unused bits set.
	for _, last := range []string{"R", "f"} {
		loose := exData[:len(exData)-3] + last + "=="
		body := []byte(`{"rsp_code":"SUCCESS","rsp_msg":"success","merchant_id":"QC00005496","data":"` + loose + `","md5":"` + exMD5 + `"}`)
		_, op, err := DecodeBody(body, exKey)
		errorIs(t, "DecodeBody of data ending "+last+"==", err, ErrBase64, LayerBase64,
			"'"+last+"' at byte "+itoa(len(exData)-3), "unused bits", "canonical text ends in 'Q'", "re-encode")
		if op != nil {
			t.Errorf("DecodeBody returned a message with the error")
		}
		// Whitespace inside the data does not hide it.
		spaced := []byte(strings.Replace(string(body), loose, wrap60(loose), 1))
		if _, _, err := DecodeBody(spaced, exKey); !errors.Is(err, ErrBase64) {
			t.Errorf("DecodeBody of line-broken data ending %s==: %v, want ErrBase64", last, err)
		}

		op, err = openRaw(exMD5, loose, exKey)
		if err != nil || !op.Verified || string(op.Plaintext) != exPlain {
			t.Fatalf("Envelope.Open of data ending %s==: %v", last, err)
		}
		if !op.NonCanonicalBase64 {
			t.Errorf("Envelope.Open of data ending %s== does not report it as non-canonical", last)
		}
	}
	// One '=': the last two bits are unused.
	md5, data, err := Seal(&Object{Members: []Member{{Key: "a", Value: Value{Kind: KindString, Text: strings.Repeat("x", 20)}}}}, exKey, RuleStrings)
	if err != nil || !strings.HasSuffix(data, "=") || strings.HasSuffix(data, "==") {
		t.Fatalf("want data with one '=': %q %v", data, err)
	}
	c := data[len(data)-2]
	v := b64Value[c]
	if v&3 != 0 {
		t.Fatalf("canonical data %q has unused bits set", data)
	}
	loose := data[:len(data)-2] + string(b64Alphabet[v|1]) + "="
	body := []byte(`{"rsp_code":"SUCCESS","rsp_msg":"ok","data":"` + loose + `","md5":"` + md5 + `"}`)
	if _, _, err := DecodeBody(body, exKey); !errors.Is(err, ErrBase64) || !strings.Contains(err.Error(), "ends in '"+string(c)+"'") {
		t.Errorf("DecodeBody of data ending %q: %v", loose[len(loose)-2:], err)
	}
	if op, err := openRaw(md5, loose, exKey); err != nil || !op.NonCanonicalBase64 {
		t.Errorf("Envelope.Open of data ending %q: %v", loose[len(loose)-2:], err)
	}
	// Canonical data is not flagged.
	if op, err := openRaw(exMD5, exData, exKey); err != nil || op.NonCanonicalBase64 {
		t.Errorf("canonical data: %v, NonCanonicalBase64 %v", err, op != nil && op.NonCanonicalBase64)
	}
}
