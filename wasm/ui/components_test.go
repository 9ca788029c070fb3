package ui

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// Paths into the tree the pages render (see Shell): the component's root
// div, then main, whose children are the page's own.
func mainPath(p ...int) []int { return append([]int{0, 1}, p...) }

func memoryStore(t *testing.T, ps ...vault.Profile) *vault.Vault {
	t.Helper()
	st := vault.NewMemory(vault.Options{})
	for _, p := range ps {
		p.ID = ""
		if _, err := st.Put(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// settle runs the dispatcher until background work (vault reads) is done.
func settle(d app.ClientDispatcher) {
	d.Consume()
	d.Wait()
	d.Consume()
}

func match(t *testing.T, tree app.UI, path []int, want app.UI) {
	t.Helper()
	if err := app.TestMatch(tree, app.TestUIDescriptor{Path: path, Expected: want}); err != nil {
		t.Errorf("at %v: %v\n%s", path, err, app.HTMLStringWithIndent(tree))
	}
}

func TestDecodePageDecodesTheLinkFragmentWithTheVaultKey(t *testing.T) {
	v := loadAppendixA(t)
	text := callbackJSON(testMerchant, v.Ciphertext, v.MD5)
	c := &Decode{env: &Env{Store: memoryStore(t, profileFor(v))}}
	d := app.NewClientTester(c)
	defer d.Close()

	u, err := url.Parse(DecodeLink(text))
	if err != nil {
		t.Fatal(err)
	}
	d.Nav(u)
	settle(d)

	if c.text != text {
		t.Fatalf("the paste box holds %q, want the text of the link", c.text)
	}
	if len(c.cards) != 1 || c.cards[0].Outcome != report.Verified {
		t.Fatalf("cards %+v, want one verified card", c.cards)
	}
	// main: h1, lead, textarea, key line, cards.
	match(t, c, mainPath(0, 0), app.Text("Decode"))
	match(t, c, mainPath(2), app.Textarea().
		ID("paste").Class("paste").Rows(10).
		Placeholder("Paste here: a body, an HTTP dump, a curl command, log lines…").
		Spellcheck(false).AutoFocus(true).Aria("label", "Text to decode").
		DataSet("early", "keep").
		Text(text).OnInput(func(app.Context, app.Event) {}))
	// The card: head (title, badge), rule, meta, key note, fields, actions.
	card := mainPath(4, 0)
	match(t, c, append(card, 0, 0, 0), app.Text("Callback"))
	match(t, c, append(card, 0, 1), app.Span().Class("badge", "ok").Body(app.Text("Verified")))
	match(t, c, append(card, 0, 1, 0), app.Text("Verified"))
	match(t, c, append(card, 3, 0), app.Text("Key from the vault: “Shop A” (merchant ON00004652)"))

	// Show the steps: the AES key stays masked until revealed.
	c.steps = map[int]bool{1: true}
	c.Update()
	d.Consume()
	html := app.HTMLString(c)
	if strings.Contains(html, v.AESKey) || !strings.Contains(html, MaskKey(v.AESKey)) || !strings.Contains(html, v.Sorted) {
		t.Error("the steps show the AES key before it is revealed, or miss the sorted values")
	}
	c.reveal = map[int]bool{1: true}
	c.Update()
	d.Consume()
	if !strings.Contains(app.HTMLString(c), v.AESKey) {
		t.Error("the revealed steps do not show the AES key")
	}
	if strings.Contains(app.HTMLString(c), v.SignKey) {
		t.Error("the page shows the sign key")
	}
}

func TestDecodePageWithoutKeysPointsToTheKeysPage(t *testing.T) {
	v := loadAppendixA(t)
	c := &Decode{env: &Env{Store: memoryStore(t)}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	c.text = callbackJSON(testMerchant, v.Ciphertext, v.MD5)
	c.decode(d.Context())
	c.Update()
	d.Consume()

	// main: h1, lead, textarea, key line, hint, cards.
	match(t, c, mainPath(4), app.P().Class("hint"))
	match(t, c, mainPath(4, 1), app.A().Href("/keys").Text("add a merchant profile"))
	if len(c.cards) != 1 || c.cards[0].KeySource != KeyNone {
		t.Errorf("cards %+v, want one card without a key", c.cards)
	}
}

func TestKeysPageListsProfilesMasked(t *testing.T) {
	v := loadAppendixA(t)
	c := &Keys{env: &Env{Store: memoryStore(t, profileFor(v))}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)

	if len(c.profiles) != 1 {
		t.Fatalf("%d profiles listed, want 1", len(c.profiles))
	}
	// main: h1, lead, table, form. The table body's first row: label,
	// merchant_id, operator_id, masked key, actions.
	row := mainPath(2, 1, 0)
	match(t, c, append(row, 0), app.Td().Class("label").Text("Shop A"))
	match(t, c, append(row, 3, 0), app.Code().Class("masked").Text(vault.Mask(v.SignKey)))
	if strings.Contains(app.HTMLString(c), v.SignKey) {
		t.Error("the Keys page shows a stored sign key")
	}
}

func TestKeysPageAsksBeforeSavingAKeyWithWarnings(t *testing.T) {
	st := memoryStore(t)
	c := &Keys{env: &Env{Store: st}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)

	c.form = vault.Profile{Label: "Shop A", MerchantID: testMerchant, SignKey: "6698851a525c9433 "}
	c.save(d.Context(), app.Event{})
	c.Update()
	settle(d)
	if ps, _ := st.List(context.Background()); len(ps) != 0 || !c.confirm {
		t.Fatalf("a key with a stray space and lower case was saved without confirmation (confirm %v, %d stored)", c.confirm, len(ps))
	}
	if html := app.HTMLString(c); !strings.Contains(html, "Save anyway") || !strings.Contains(html, "whitespace at the end") {
		t.Error("the form does not show the warnings and the Save anyway button")
	}
	c.save(d.Context(), app.Event{})
	settle(d)
	// The first key: keeping it unencrypted is a choice made on the
	// passphrase prompt.
	if !c.protect {
		t.Fatal("the first key was saved without asking for a passphrase")
	}
	c.savePlain(d.Context())
	settle(d)
	ps, _ := st.List(context.Background())
	if len(ps) != 1 || ps[0].SignKey != "6698851a525c9433 " {
		t.Fatalf("the confirmed profile was not saved exactly as typed: %v", ps)
	}
	if c.form != (vault.Profile{}) || !strings.Contains(c.status, "added") {
		t.Errorf("after saving: form %v status %q", c.form, c.status)
	}
}

func TestKeysPageRefusesAProfileWithErrors(t *testing.T) {
	st := memoryStore(t)
	c := &Keys{env: &Env{Store: st}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	c.form = vault.Profile{Label: "no id"}
	c.save(d.Context(), app.Event{})
	c.Update()
	settle(d)
	if ps, _ := st.List(context.Background()); len(ps) != 0 {
		t.Fatal("a profile without merchant_id and key was saved")
	}
	html := app.HTMLString(c)
	if !strings.Contains(html, "merchant_id is empty") || !strings.Contains(html, "sign key is empty") {
		t.Errorf("the errors are not shown:\n%s", html)
	}
}

func TestConstructPageSignsWithTheFirstProfile(t *testing.T) {
	c := &Construct{env: &Env{Store: memoryStore(t, shop)}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)

	if c.profile() == nil || c.profile().MerchantID != testMerchant {
		t.Fatalf("profile %v, want the vault's only profile selected", c.profile())
	}
	if got := c.form.Values["operator_id"]; got != shop.OperatorID {
		t.Errorf("operator_id %q, want %q from the profile", got, shop.OperatorID)
	}
	for k, v := range activepay().Values {
		c.form.Values[k] = v
	}
	c.Update()
	d.Consume()
	html := app.HTMLString(c)
	if !strings.Contains(html, `id="construct-envelope"`) || !strings.Contains(html, `id="construct-decode"`) || !strings.Contains(html, "processV2") {
		t.Errorf("no envelope, decode link or curl command:\n%s", html)
	}
	if strings.Contains(html, shop.SignKey) {
		t.Error("the Construct page shows the sign key")
	}

	// Switching to a reply keeps nothing of the request.
	c.setAction(ReplyID)
	c.Update()
	d.Consume()
	if len(c.form.Values) != 0 || c.form.RspCode != "SUCCESS" || !c.form.Callback {
		t.Errorf("reply form %+v", c.form)
	}
}

// shellPage renders the shell alone.
type shellPage struct {
	app.Compo
	active string
	update bool
}

func (p *shellPage) Render() app.UI { return Shell(p.active, p.update, app.P().Text("body")) }

func TestShellMarksTheActivePageAndOffersUpdates(t *testing.T) {
	p := &shellPage{active: PathKeys, update: true}
	d := app.NewClientTester(p)
	defer d.Close()
	// div.wb: header (logo, name, nav), update prompt, main, footer.
	match(t, p, []int{0, 0, 2, 0, 2, 0}, app.A().Href("/keys").Text("Keys").ID("nav-keys").Class("active").Aria("current", "page"))
	match(t, p, []int{0, 0, 2, 0, 0, 0}, app.A().Href("/").Text("Decode").ID("nav-decode"))
	match(t, p, []int{0, 1, 1}, app.Button().ID("update-reload").Text("Reload").OnClick(func(app.Context, app.Event) {}))

	p.update = false
	p.Update()
	d.Consume()
	match(t, p, []int{0, 1}, app.Main().Class("wb-main"))
}

func TestHrefKeepsTheDeploymentPrefix(t *testing.T) {
	t.Setenv("GOAPP_ROOT_PREFIX", "/ottpay")
	if got := Href(PathKeys); got != "/ottpay/keys" {
		t.Errorf("Href(keys) = %q", got)
	}
	if got := Href(PathDecode); got != "/ottpay/" {
		t.Errorf("Href(decode) = %q", got)
	}
	if got := DecodeLink("x"); !strings.HasPrefix(got, "/ottpay/#m=") {
		t.Errorf("DecodeLink = %q", got)
	}
	t.Setenv("GOAPP_ROOT_PREFIX", "")
	if got := Href(PathConstruct); got != "/construct" {
		t.Errorf("Href(construct) = %q", got)
	}
}

func TestDecodeLinkCarriesAnyText(t *testing.T) {
	for _, text := range []string{
		`{"data":"a+b/c==","md5":"ABC"}`,
		"two\nlines\r\n and % signs %25 and & = # ?",
		"张三 ✓ \u2028",
	} {
		link := DecodeLink(text)
		u, err := url.Parse("http://127.0.0.1:8080" + link)
		if err != nil {
			t.Fatalf("%q: %v", link, err)
		}
		got, ok := TextFromFragment(u.EscapedFragment())
		if !ok || got != text {
			t.Errorf("round trip of %q gives %q (%v)", text, got, ok)
		}
		if u.RawQuery != "" || u.Path != "/" {
			t.Errorf("link %q puts text outside the fragment", link)
		}
	}
	if _, ok := TextFromFragment("section-2"); ok {
		t.Error("an ordinary fragment is read as pasted text")
	}
	if DecodeLink("  ") != "" {
		t.Error("a link was made for blank text")
	}
}

func TestCheckProfileWarnsAboutASecondProfileForOneMerchant(t *testing.T) {
	a := vault.Profile{ID: "1", Label: "Shop A", MerchantID: testMerchant, SignKey: "6698851A525C9433"}
	b := vault.Profile{ID: "", Label: "Shop A again", MerchantID: testMerchant, SignKey: "6698851A525C9433"}
	f := CheckProfile(b, []vault.Profile{a})
	if len(f.Errors) != 0 || len(f.For(vault.FieldMerchantID)) != 1 || !strings.Contains(f.For(vault.FieldMerchantID)[0].Message, "Shop A") {
		t.Errorf("findings %+v, want one warning naming the other profile", f)
	}
	// Editing the profile itself raises no such warning.
	if f := CheckProfile(a, []vault.Profile{a}); len(f.Errors)+len(f.Warnings) != 0 {
		t.Errorf("editing a clean profile finds %+v", f)
	}
}

func TestKeysPageEditsAndDeletesAProfile(t *testing.T) {
	v := loadAppendixA(t)
	st := memoryStore(t, profileFor(v))
	c := &Keys{env: &Env{Store: st}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	if len(c.profiles) != 1 {
		t.Fatalf("%d profiles", len(c.profiles))
	}
	id := c.profiles[0].ID

	// Edit: the form holds the profile; saving replaces it.
	c.form, c.editing = c.profiles[0], true
	c.form.Label = "Shop A (UAT)"
	c.save(d.Context(), app.Event{})
	c.Update()
	settle(d)
	ps, _ := st.List(context.Background())
	if len(ps) != 1 || ps[0].ID != id || ps[0].Label != "Shop A (UAT)" || ps[0].SignKey != v.SignKey {
		t.Fatalf("after editing: %v", ps)
	}
	if !strings.Contains(c.status, "saved") {
		t.Errorf("status %q", c.status)
	}

	// Delete asks first, then removes.
	c.deleting = id
	c.Update()
	d.Consume()
	if !strings.Contains(app.HTMLString(c), "Its key is gone for good") {
		t.Error("no confirmation before deleting")
	}
	c.remove(d.Context(), id)
	settle(d)
	if ps, _ := st.List(context.Background()); len(ps) != 0 || len(c.profiles) != 0 {
		t.Errorf("after deleting: %v", ps)
	}
}

// The first key saved into a vault without a passphrase is not stored
// until the user sets a passphrase or chooses, with a plain warning, to
// keep keys unencrypted. With a passphrase the key is encrypted before it
// is stored.
func TestFirstKeyAsksForAPassphrase(t *testing.T) {
	v := loadAppendixA(t)
	st := memoryStore(t)
	c := &Keys{env: &Env{Store: st}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)

	c.form = profileFor(v)
	c.form.ID = ""
	c.save(d.Context(), app.Event{})
	c.Update()
	settle(d)
	if ps, _ := st.List(context.Background()); len(ps) != 0 || !c.protect {
		t.Fatalf("the first key was saved (%d stored) without the passphrase prompt (%v)", len(ps), c.protect)
	}
	html := app.HTMLString(c)
	for _, want := range []string{`id="protect-keys"`, `id="profile-save-protected"`, `id="profile-save-plain"`, "stored in clear"} {
		if !strings.Contains(html, want) {
			t.Errorf("the prompt lacks %s", want)
		}
	}
	// Mismatched passphrases save nothing.
	c.protectPass, c.protectAgain = "correct horse battery staple", "correct horse battery stapler"
	c.saveProtected(d.Context())
	settle(d)
	if ps, _ := st.List(context.Background()); len(ps) != 0 || c.protectErr == "" {
		t.Fatalf("mismatched passphrases: %d stored, error %q", len(ps), c.protectErr)
	}
	c.protectPass, c.protectAgain = "correct horse battery staple", "correct horse battery staple"
	c.saveProtected(d.Context())
	settle(d)
	s, err := st.Status(context.Background())
	if err != nil || !s.Protected || s.Profiles != 1 {
		t.Fatalf("after Set passphrase and save: status %+v, %v; want protected with one profile", s, err)
	}
	if c.protect || !strings.Contains(c.status, "encrypted with your passphrase") {
		t.Errorf("status %q, prompt %v", c.status, c.protect)
	}
	// The next key goes straight in: the vault is protected.
	c.form = vault.Profile{Label: "Shop B", MerchantID: "ON00000097", SignKey: "A8B5FE540E38A5A9"}
	c.save(d.Context(), app.Event{})
	settle(d)
	if ps, _ := st.List(context.Background()); len(ps) != 2 || c.protect {
		t.Errorf("second key: %d stored, prompt %v", len(ps), c.protect)
	}
}

// Two profiles with one merchant_id are flagged in the list.
func TestKeysPageFlagsTwoProfilesOfOneMerchant(t *testing.T) {
	v := loadAppendixA(t)
	a := profileFor(v)
	b := vault.Profile{Label: "Imported", MerchantID: testMerchant, SignKey: "0123456789ABCDEF"}
	c := &Keys{env: &Env{Store: memoryStore(t, a, b)}}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	html := app.HTMLString(c)
	if !strings.Contains(html, `id="duplicate-merchants"`) || strings.Count(html, `class="dup`) != 2 ||
		!strings.Contains(html, "“Imported” and “Shop A”") {
		t.Errorf("two profiles of %s are not flagged:\n%s", testMerchant, html)
	}
}
