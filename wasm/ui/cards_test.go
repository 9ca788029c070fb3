package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// appendixA is the worked example of the docs' Appendix A (testdata).
type appendixA struct {
	Plaintext  string `json:"plaintext_json"`
	Sorted     string `json:"sorted_concat"`
	MD5        string `json:"md5"`
	SignKey    string `json:"sign_key"`
	AESKey     string `json:"aes_key"`
	Ciphertext string `json:"ciphertext_base64"`
}

func loadAppendixA(t *testing.T) appendixA {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "appendix_a.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v appendixA
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

const testMerchant = "ON00004652"

func callbackJSON(merchant, data, md5 string) string {
	m := map[string]string{"rsp_code": "SUCCESS", "rsp_msg": "success", "data": data, "md5": md5}
	if merchant != "" {
		m["merchant_id"] = merchant
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func profileFor(v appendixA) vault.Profile {
	return vault.Profile{ID: "p1", Label: "Shop A", MerchantID: testMerchant, SignKey: v.SignKey}
}

func oneCard(t *testing.T, cards []Card) Card {
	t.Helper()
	if len(cards) != 1 {
		t.Fatalf("got %d cards, want 1: %+v", len(cards), cards)
	}
	return cards[0]
}

func TestAppendixAVerifiesWithTheMerchantsVaultKey(t *testing.T) {
	v := loadAppendixA(t)
	text := "2026-11-25 10:00:01 INFO callback " + callbackJSON(testMerchant, v.Ciphertext, v.MD5)
	c := oneCard(t, DecodeText(text, []vault.Profile{profileFor(v)}, ""))

	if c.Outcome != report.Verified || c.Badge != "Verified" || c.BadgeClass != "ok" {
		t.Errorf("outcome %v badge %q/%q, want verified", c.Outcome, c.Badge, c.BadgeClass)
	}
	if c.Title != "Callback" || c.Kind != "callback" || c.MerchantID != testMerchant {
		t.Errorf("title %q kind %q merchant %q", c.Title, c.Kind, c.MerchantID)
	}
	if c.RspCode != "SUCCESS" || c.RspMeaning == "" {
		t.Errorf("rsp_code %q has no Appendix B meaning", c.RspCode)
	}
	if !strings.Contains(c.RuleNote, "documented rule") {
		t.Errorf("rule note %q does not name the documented rule", c.RuleNote)
	}
	if c.KeySource != KeyVault || !strings.Contains(c.KeyNote, "Shop A") {
		t.Errorf("key note %q (source %v) does not name the profile picked by merchant_id", c.KeyNote, c.KeySource)
	}
	if c.Failure != nil {
		t.Errorf("unexpected failure %+v", c.Failure)
	}
	if c.DataJSON != v.Plaintext {
		t.Errorf("decrypted JSON\n%s\nwant\n%s", c.DataJSON, v.Plaintext)
	}
	var names []string
	for _, f := range c.Fields {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "orderId,idCardName,idCardNum,bankCardNum,mobile,idCardType" {
		t.Errorf("fields in order %s, want the order they were sent", got)
	}

	s := c.Steps
	if s == nil {
		t.Fatal("no steps")
	}
	if s.AESKey != v.AESKey || s.SentMD5 != v.MD5 || s.KeyMD5 != v.MD5 {
		t.Errorf("steps: AES key %q md5 %q/%q", s.AESKey, s.SentMD5, s.KeyMD5)
	}
	// 150 bytes of JSON pad to 160: ten bytes of 0x0A.
	if s.Padding != 10 || s.PaddingBytes != strings.TrimSpace(strings.Repeat("0A ", 10)) {
		t.Errorf("padding %d %q", s.Padding, s.PaddingBytes)
	}
	if len(s.Rules) == 0 || s.Rules[0].Sorted != v.Sorted || s.Rules[0].Computed != v.MD5 || !s.Rules[0].Match {
		t.Errorf("first rule step %+v, want the sorted values and md5 of Appendix A", s.Rules)
	}
	if strings.Contains(fmt.Sprintf("%+v", c), v.SignKey) {
		t.Error("a card holds the sign key")
	}
}

func TestTamperedDataIsNotVerifiedAndSaysWhy(t *testing.T) {
	v := loadAppendixA(t)
	changed := strings.Replace(v.Plaintext, "1234567890", "1234567899", 1)
	data, err := codec.EncryptData(v.AESKey, []byte(changed))
	if err != nil {
		t.Fatal(err)
	}
	forged := callbackJSON(testMerchant, data, v.MD5)
	c := oneCard(t, DecodeText(forged, []vault.Profile{profileFor(v)}, ""))
	if c.Outcome != report.NotVerified || c.BadgeClass != "bad" {
		t.Errorf("outcome %v, want not verified", c.Outcome)
	}
	if c.Failure == nil || c.Failure.Layer == "" || c.Failure.Hint == "" {
		t.Fatalf("failure %+v, want the layer and the likely cause", c.Failure)
	}
	if len(c.Fields) == 0 {
		t.Error("the decrypted fields are not shown for a message that did not verify")
	}
	if c.Steps == nil || len(c.Steps.Rules) == 0 || c.Steps.Rules[0].Match {
		t.Errorf("steps %+v, want the md5 computed and not matching", c.Steps)
	}
}

func TestWrongMD5FailsAtDecryption(t *testing.T) {
	v := loadAppendixA(t)
	md5 := []byte(v.MD5)
	md5[5] = '0'
	c := oneCard(t, DecodeText(callbackJSON(testMerchant, v.Ciphertext, string(md5)), []vault.Profile{profileFor(v)}, ""))
	if c.Outcome != report.Failed || c.Badge != "Not decrypted" {
		t.Errorf("outcome %v badge %q, want failed", c.Outcome, c.Badge)
	}
	if c.Failure == nil || c.Failure.Layer != string(codec.LayerDecrypt) {
		t.Errorf("failure %+v, want the AES decryption layer", c.Failure)
	}
	if c.Steps != nil || len(c.Fields) != 0 {
		t.Error("a message that did not decrypt shows fields or steps")
	}
}

func TestKeyChoice(t *testing.T) {
	v := loadAppendixA(t)
	vaultKeys := []vault.Profile{profileFor(v), {ID: "p2", Label: "Shop B", MerchantID: "QC00000002", SignKey: "A8B5FE540E38A5A9"}}
	other, err := codec.EncryptData(codec.AESKey(v.MD5, "0123456789ABCDEF"), []byte(v.Plaintext))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		text     string
		profiles []vault.Profile
		typed    string
		outcome  report.Outcome
		source   KeySource
		note     string
	}{
		{"merchant in the vault", callbackJSON(testMerchant, v.Ciphertext, v.MD5), vaultKeys, "", report.Verified, KeyVault, "Key from the vault: “Shop A”"},
		{"no merchant_id: every key tried", callbackJSON("", v.Ciphertext, v.MD5), vaultKeys, "", report.Verified, KeySearch, "trying every vault key: “Shop A” (merchant ON00004652) fits"},
		{"unknown merchant: every key tried", callbackJSON("QC00000009", v.Ciphertext, v.MD5), vaultKeys, "", report.Verified, KeySearch, "“Shop A”"},
		{"unknown merchant: no key fits", callbackJSON("QC00000009", other, v.MD5), vaultKeys, "", report.Failed, KeySearch, "none fits (tried all 2 vault keys)"},
		{"empty vault", callbackJSON(testMerchant, v.Ciphertext, v.MD5), nil, "", report.Failed, KeyNone, "No key for merchant ON00004652 in the vault"},
		{"typed key overrides the vault", callbackJSON(testMerchant, other, v.MD5), vaultKeys, "0123456789ABCDEF", report.Verified, KeyTyped, "typed for this decode only"},
		{"typed key that does not fit", callbackJSON(testMerchant, v.Ciphertext, v.MD5), vaultKeys, "0123456789ABCDEF", report.Failed, KeyTyped, "typed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := oneCard(t, DecodeText(tt.text, tt.profiles, tt.typed))
			if c.Outcome != tt.outcome || c.KeySource != tt.source || !strings.Contains(c.KeyNote, tt.note) {
				t.Errorf("outcome %v source %v note %q; want %v %v containing %q", c.Outcome, c.KeySource, c.KeyNote, tt.outcome, tt.source, tt.note)
			}
			for _, p := range tt.profiles {
				if strings.Contains(c.KeyNote, p.SignKey) {
					t.Errorf("key note %q shows a key", c.KeyNote)
				}
			}
		})
	}
}

func TestTextWithoutEnvelopeSaysSo(t *testing.T) {
	if cards := DecodeText("  \n\t", nil, ""); cards != nil {
		t.Errorf("blank text gives %d cards, want none", len(cards))
	}
	c := oneCard(t, DecodeText("hello, nothing to see here", nil, ""))
	if c.Title != "No envelope" || c.Failure == nil || c.Failure.Layer != "finding the message" || c.KeyNote != "" {
		t.Errorf("card %+v, want a no-envelope failure", c)
	}
}

func TestSeveralEnvelopesGiveOneCardEach(t *testing.T) {
	v := loadAppendixA(t)
	text := "first " + callbackJSON(testMerchant, v.Ciphertext, v.MD5) + "\nnoise\nsecond " + callbackJSON("", v.Ciphertext, v.MD5) + "\n"
	cards := DecodeText(text, []vault.Profile{profileFor(v)}, "")
	if len(cards) != 2 {
		t.Fatalf("%d cards, want 2", len(cards))
	}
	for i, c := range cards {
		if c.N != i+1 || c.Outcome != report.Verified {
			t.Errorf("card %d: N %d outcome %v", i, c.N, c.Outcome)
		}
	}
	if !strings.HasPrefix(cards[1].Where, "line 3") {
		t.Errorf("second card found at %q, want line 3", cards[1].Where)
	}
}

func TestDecodeKeys(t *testing.T) {
	ps := []vault.Profile{
		{MerchantID: "A", SignKey: "ka"},
		{MerchantID: "A", SignKey: "ka2"},
		{MerchantID: "", SignKey: "kx"},
		{MerchantID: "B", SignKey: ""},
	}
	k := DecodeKeys(ps, "")
	if k.Key != "" || len(k.ByMerchant) != 1 || k.ByMerchant["A"] != "ka" {
		t.Errorf("keys %+v, want the first key of merchant A only", k)
	}
	k = DecodeKeys(ps, "typed")
	if k.Key != "typed" || len(k.ByMerchant) != 0 {
		t.Errorf("keys %+v, want the typed key alone", k)
	}
}

func TestSmallHelpers(t *testing.T) {
	if got := MaskKey("EF1712FC070C2C21"); got != strings.Repeat("•", 16) {
		t.Errorf("MaskKey = %q", got)
	}
	if paddingBytes(0) != "" || paddingBytes(17) != "" || paddingBytes(1) != "01" || paddingBytes(16) != strings.TrimSpace(strings.Repeat("10 ", 16)) {
		t.Error("paddingBytes is wrong at the bounds")
	}
	if got := where(3, []string{"log-line", "curl -d", "json"}); got != "line 3, inside a log line, inside a curl command" {
		t.Errorf("where = %q", got)
	}
	for _, r := range []codec.Rule{codec.RuleStrings, codec.RuleJS, codec.RuleCryptoJS, codec.RulePHP, codec.RuleJava, "other"} {
		if !strings.Contains(RuleNote(string(r)), string(r)) && r != codec.RuleStrings {
			t.Errorf("RuleNote(%s) = %q does not name the rule", r, RuleNote(string(r)))
		}
	}
}
