package ui

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/wasm/qr"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// sealedResponse is a response envelope whose data, the JSON object
// dataJSON, is sealed with signKey under the documented rule.
func sealedResponse(t *testing.T, dataJSON, signKey string) string {
	t.Helper()
	o, err := codec.ParseObject([]byte(dataJSON))
	if err != nil {
		t.Fatal(err)
	}
	md5, data, err := codec.Seal(o, signKey, codec.RuleStrings)
	if err != nil {
		t.Fatal(err)
	}
	return callbackJSON("", data, md5)
}

func codeURLData(field, link string) string {
	b, _ := json.Marshal(map[string]string{"order_id": "QR0001", "amount": "100", field: link})
	return string(b)
}

// A verified response with a code_url carries it drawn as a QR code, in
// either spelling the documentation uses.
func TestCodeURLIsDrawnAsAQRCode(t *testing.T) {
	v := loadAppendixA(t)
	const link = "weixin://wxpay/bizpayurl?pr=QR0001abc"
	want, err := qr.Encode(link)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range CodeURLFields {
		c := oneCard(t, DecodeText(sealedResponse(t, codeURLData(field, link), v.SignKey), []vault.Profile{profileFor(v)}, ""))
		if c.Outcome != report.Verified {
			t.Fatalf("%s: the response did not verify: %+v", field, c.Failure)
		}
		if c.CodeURL != link || c.QR == nil || c.QR.Text != link || !reflect.DeepEqual(c.QR.Modules, want.Modules) || c.QRNote != "" {
			t.Errorf("%s: CodeURL %q, QR %v, note %q", field, c.CodeURL, c.QR, c.QRNote)
		}
	}
	// Data without a payment link draws nothing.
	c := oneCard(t, DecodeText(callbackJSON(testMerchant, v.Ciphertext, v.MD5), []vault.Profile{profileFor(v)}, ""))
	if c.CodeURL != "" || c.QR != nil || c.QRNote != "" {
		t.Errorf("a card without code_url has CodeURL %q QR %v note %q", c.CodeURL, c.QR, c.QRNote)
	}
}

// The Decode page shows the code in a labelled figure with the link as
// text below it.
func TestDecodePageShowsTheQRCodeWithItsLink(t *testing.T) {
	v := loadAppendixA(t)
	const link = "https://pay.example/qr/QR0001"
	c := &Decode{env: &Env{Store: memoryStore(t, profileFor(v))}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	c.text = sealedResponse(t, codeURLData("code_url", link), v.SignKey)
	c.decode(d.Context())
	c.Update()
	d.Consume()

	want, err := qr.Encode(link)
	if err != nil {
		t.Fatal(err)
	}
	html := app.HTMLString(c)
	i := strings.Index(html, `id="card-1-qr"`)
	if i < 0 {
		t.Fatalf("no QR figure on the card:\n%s", html)
	}
	fig := html[strings.LastIndex(html[:i], "<figure"):]
	fig = fig[:strings.Index(fig, "</figure>")]
	for _, want := range []string{
		`aria-label="QR code of the payment link (code_url), for a phone to scan"`,
		`<svg`,
		`role="img"`,
		`aria-label="QR code: ` + link + `"`,
		`d="` + want.Path() + `"`,
		"<figcaption>",
		`<code class="qr-url">` + link + `</code>`,
	} {
		if !strings.Contains(fig, want) {
			t.Errorf("the QR figure lacks %s:\n%s", want, fig)
		}
	}
	if strings.Contains(html, v.SignKey) {
		t.Error("the page shows the sign key")
	}
}

// No code is drawn for a link too long to scan, or for data whose md5 did
// not verify; the card says why and still shows the link as text.
func TestQRCodeRefusals(t *testing.T) {
	v := loadAppendixA(t)
	profiles := []vault.Profile{profileFor(v)}

	long := "https://pay.example/qr?token=" + strings.Repeat("x", 300)
	c := oneCard(t, DecodeText(sealedResponse(t, codeURLData("code_url", long), v.SignKey), profiles, ""))
	if c.QR != nil || c.CodeURL != long {
		t.Errorf("a %d-byte code_url: QR %v, CodeURL %q", len(long), c.QR, c.CodeURL)
	}
	for _, want := range []string{"too long", "329 bytes", "at most 213", "Copy the link"} {
		if !strings.Contains(c.QRNote, want) {
			t.Errorf("note %q lacks %q", c.QRNote, want)
		}
	}

	// The same md5, data changed after signing: decrypted, not verified.
	const link = "https://pay.example/qr/QR0001"
	env := sealedResponse(t, codeURLData("code_url", link), v.SignKey)
	var m map[string]string
	if err := json.Unmarshal([]byte(env), &m); err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(codeURLData("code_url", link), "QR0001", "QR6666", -1)
	var err error
	if m["data"], err = codec.EncryptData(codec.AESKey(m["md5"], v.SignKey), []byte(forged)); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(m)
	c = oneCard(t, DecodeText(string(b), profiles, ""))
	if c.Outcome == report.Verified || c.CodeURL != strings.Replace(link, "QR0001", "QR6666", 1) {
		t.Fatalf("the forged response: outcome %v, CodeURL %q", c.Outcome, c.CodeURL)
	}
	if c.QR != nil || !strings.Contains(c.QRNote, "did not verify") || !strings.Contains(c.QRNote, "Do not pay") {
		t.Errorf("the forged response: QR %v, note %q", c.QR, c.QRNote)
	}

	page := &Decode{env: &Env{Store: memoryStore(t, profileFor(v))}}
	d := app.NewClientTester(page)
	defer d.Close()
	settle(d)
	page.text = string(b)
	page.decode(d.Context())
	page.Update()
	d.Consume()
	html := app.HTMLString(page)
	if !strings.Contains(html, `aria-label="Payment link (code_url)"`) || strings.Contains(html, "<svg") || !strings.Contains(html, `class="qr-note"`) {
		t.Errorf("the page draws a code for unverified data, or does not say why not")
	}
}
