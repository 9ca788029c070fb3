package ui

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/wasm/share"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// decodePageAt mounts the Decode page at the address u with the vault st.
func decodePageAt(t *testing.T, st Store, u string) (*Decode, app.ClientDispatcher) {
	t.Helper()
	c := &Decode{env: &Env{Store: st}}
	d := app.NewClientTester(c)
	t.Cleanup(d.Close)
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	d.Nav(pu)
	settle(d)
	return c, d
}

// The Share link button makes an absolute link to the Decode page that
// carries the text and no key, and the page shows it with a copy button.
// Opened with another vault, the link decodes with that vault's key.
func TestShareLinkCarriesTheTextAndDecodesWithTheReceiversVault(t *testing.T) {
	v := loadAppendixA(t)
	text := "2026-11-25 10:00:01 INFO callback body: " + callbackJSON(testMerchant, v.Ciphertext, v.MD5) + "\n"
	c, d := decodePageAt(t, memoryStore(t, profileFor(v)), "http://127.0.0.1:8080/keys?x=1#old")
	c.text = text
	c.decode(d.Context())
	c.share(d.Context(), app.Event{})
	c.Update()
	d.Consume()

	if c.shareErr != "" || !strings.HasPrefix(c.shareURL, "http://127.0.0.1:8080/#m=") {
		t.Fatalf("share link %q, error %q; want a link to the Decode page", c.shareURL, c.shareErr)
	}
	if leaks(c.shareURL, v.SignKey) || leaks(c.shareURL, v.AESKey) {
		t.Fatalf("the share link carries key material: %s", c.shareURL)
	}
	u, err := url.Parse(c.shareURL)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := share.FromURL(u); err != nil || got != text {
		t.Fatalf("the link carries %q (%v), want the pasted text", got, err)
	}
	html := app.HTMLString(c)
	for _, want := range []string{`id="share-url"`, `value="` + strings.ReplaceAll(c.shareURL, "&", "&amp;") + `"`, `id="share-copy"`, "never a key"} {
		if !strings.Contains(html, want) {
			t.Errorf("the page does not show %s", want)
		}
	}

	// The receiver: another vault, with its own profile for the merchant.
	theirs := vault.Profile{Label: "Receiver's copy", MerchantID: testMerchant, SignKey: v.SignKey}
	r, _ := decodePageAt(t, memoryStore(t, theirs), c.shareURL)
	if r.text != text {
		t.Fatalf("the receiver's paste box holds %q, want the shared text", r.text)
	}
	card := oneCard(t, r.cards)
	if card.Outcome != report.Verified || !strings.Contains(card.KeyNote, "Receiver's copy") {
		t.Errorf("the receiver's card: %v, key note %q; want verified with the receiver's own profile", card.Outcome, card.KeyNote)
	}
	// Without the key, the receiver sees the message but cannot verify it.
	r, _ = decodePageAt(t, memoryStore(t), c.shareURL)
	if r.text != text || oneCard(t, r.cards).Outcome == report.Verified {
		t.Errorf("a receiver without the key: text %q, outcome %v", r.text, oneCard(t, r.cards).Outcome)
	}
}

// Text holding a sign key of the vault, or the typed key, in any letter
// case, gets no link, and the message names the profile, not the key.
func TestShareLinkRefusesTextHoldingAKey(t *testing.T) {
	v := loadAppendixA(t)
	body := callbackJSON(testMerchant, v.Ciphertext, v.MD5)
	c, d := decodePageAt(t, memoryStore(t, profileFor(v)), "http://127.0.0.1:8080/")
	for _, tc := range []struct{ text, typed, names string }{
		{"sign_key=" + v.SignKey + "\n" + body, "", "“Shop A” (merchant ON00004652)"},
		{"key: " + strings.ToLower(v.SignKey) + " " + body, "", "“Shop A”"},
		{body + " typed A8B5FE540E38A5A9", "A8B5FE540E38A5A9", "the key typed above"},
	} {
		c.text, c.typedKey = tc.text, tc.typed
		c.share(d.Context(), app.Event{})
		if c.shareURL != "" {
			t.Errorf("a link was made for text holding a key: %s", c.shareURL)
		}
		for _, want := range []string{"No link made.", "contains a sign key", tc.names, "remove the key"} {
			if !strings.Contains(c.shareErr, want) {
				t.Errorf("message %q lacks %q", c.shareErr, want)
			}
		}
		if leaks(c.shareErr, v.SignKey) || leaks(c.shareErr, "A8B5FE540E38A5A9") {
			t.Errorf("the message repeats the key: %q", c.shareErr)
		}
		c.Update()
		d.Consume()
		if html := app.HTMLString(c); !strings.Contains(html, `id="share-error"`) || strings.Contains(html, `id="share-url"`) {
			t.Error("the refusal is not shown, or a link field is")
		}
	}
	_, err := ShareLink(nil, "x "+v.SignKey, []vault.Profile{profileFor(v)}, "")
	if !errors.Is(err, share.ErrContainsKey) {
		t.Errorf("ShareLink: %v, want share.ErrContainsKey", err)
	}
}

// With a vault that cannot be read, the text cannot be checked for keys,
// so no link is made; a damaged link says so instead of filling the box.
func TestShareLinkNeedsTheVaultAndReportsDamagedLinks(t *testing.T) {
	c, d := decodePageAt(t, brokenStore{errors.New("the vault is locked")}, "http://127.0.0.1:8080/")
	c.text = `{"rsp_code":"FAIL","rsp_msg":"no"}`
	c.share(d.Context(), app.Event{})
	if c.shareURL != "" || !strings.Contains(c.shareErr, "cannot be checked for sign keys") || !strings.Contains(c.shareErr, "the vault is locked") {
		t.Errorf("with an unreadable vault: link %q, message %q", c.shareURL, c.shareErr)
	}

	c, _ = decodePageAt(t, memoryStore(t), "http://127.0.0.1:8080/#m=AAAA!!")
	if c.text != "" || !strings.Contains(c.shareErr, "This link's message cannot be read") || !strings.Contains(c.shareErr, "ask for it again") {
		t.Errorf("a damaged link: text %q, message %q", c.text, c.shareErr)
	}
	c, _ = decodePageAt(t, memoryStore(t), "http://127.0.0.1:8080/#section-2")
	if c.text != "" || c.shareErr != "" {
		t.Errorf("an ordinary fragment: text %q, message %q", c.text, c.shareErr)
	}
}

// Under a sub-path deployment the link keeps the prefix.
func TestShareLinkKeepsTheDeploymentPrefix(t *testing.T) {
	t.Setenv("GOAPP_ROOT_PREFIX", "/ottpay")
	u, _ := url.Parse("https://example.github.io/ottpay/construct")
	link, err := ShareLink(u, "hello", nil, "")
	if err != nil || !strings.HasPrefix(link, "https://example.github.io/ottpay/#m=") {
		t.Errorf("link %q, %v", link, err)
	}
}

// leaks reports whether s holds key in any letter case.
func leaks(s, key string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(key))
}

// brokenStore is a vault whose every call fails.
type brokenStore struct{ err error }

func (b brokenStore) List(context.Context) ([]vault.Profile, error) { return nil, b.err }
func (b brokenStore) Get(context.Context, string) (vault.Profile, error) {
	return vault.Profile{}, b.err
}
func (b brokenStore) Put(context.Context, vault.Profile) (vault.Profile, error) {
	return vault.Profile{}, b.err
}
func (b brokenStore) Delete(context.Context, string) error { return b.err }
