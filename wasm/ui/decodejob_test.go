package ui

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// manyCallbacks is a log of n lines, each holding the Appendix A callback.
func manyCallbacks(t *testing.T, n int) string {
	v := loadAppendixA(t)
	line := "2026-11-25 10:00:01 INFO callback body: " + callbackJSON(testMerchant, v.Ciphertext, v.MD5) + "\n"
	return strings.Repeat(line, n)
}

// A shared link's text is never decoded on the UI path: opening the link
// starts a background decode that yields to the page, shows its progress
// and a Cancel button, and Cancel stops it, keeping the cards so far.
func TestSharedTextDecodesInTheBackgroundAndCancels(t *testing.T) {
	v := loadAppendixA(t)
	const n = 90
	text := manyCallbacks(t, n)
	c := &Decode{env: &Env{Store: memoryStore(t, profileFor(v))}}
	yields := 0
	paused := make(chan struct{})
	c.yield = func(ctx context.Context) {
		// The page gets its turn; on the third one it holds on until the
		// decode is cancelled, as a person would click Cancel then.
		if yields++; yields == 3 {
			close(paused)
			<-ctx.Done()
		}
	}
	d := app.NewClientTester(c)
	defer d.Close()
	settle(d)
	u, err := url.Parse(DecodeLink(text))
	if err != nil || u.Fragment == "" {
		t.Fatalf("DecodeLink: %q %v", u, err)
	}
	d.Nav(u)
	// Handle the dispatches up to the navigation, one at a time: Consume
	// would wait for the decode to end.
	for i := 0; i < 10 && c.text != text; i++ {
		d.ConsumeNext()
	}
	if len(c.cards) != 0 {
		t.Fatalf("opening the link decoded %d envelopes on the UI path", len(c.cards))
	}
	select {
	case <-paused:
	case <-time.After(20 * time.Second):
		t.Fatal("the background decode never yielded to the page")
	}
	// The page, as drawn while the decode waits for its turn.
	if !c.running || len(c.cards) != 0 {
		t.Fatalf("mid-decode: running %v with %d cards shown", c.running, len(c.cards))
	}
	html := app.HTMLString(c)
	for _, want := range []string{`id="decode-progress"`, `id="decode-bar"`, `id="decode-cancel"`} {
		if !strings.Contains(html, want) {
			t.Errorf("mid-decode the page has no %s", want)
		}
	}

	c.cancelJob(d.Context(), app.Event{})
	d.Consume()
	if c.running {
		t.Fatal("Cancel did not stop the decode")
	}
	if len(c.cards) == 0 || len(c.cards) >= n {
		t.Errorf("after Cancel %d cards, want those decoded before it (fewer than %d)", len(c.cards), n)
	}
	if !strings.Contains(c.outcome, "Decoding stopped") || !strings.Contains(app.HTMLString(c), `id="decode-outcome"`) {
		t.Errorf("outcome %q", c.outcome)
	}
	for _, k := range c.cards {
		if k.Outcome != report.Verified {
			t.Errorf("card %d: %v", k.N, k.Outcome)
		}
	}
}

// DecodeCards reports progress as it reads, yields between steps and
// chunks, and stops at MaxCards.
func TestDecodeCardsStepsAndStopsAtMaxCards(t *testing.T) {
	v := loadAppendixA(t)
	text := manyCallbacks(t, MaxCards+20)
	var ps []DecodeProgress
	yields := 0
	cards, more, err := DecodeCards(context.Background(), text, []vault.Profile{profileFor(v)}, "", DecodeOptions{
		Yield:    func(context.Context) { yields++ },
		Progress: func(p DecodeProgress) { ps = append(ps, p) },
	})
	if err != nil || !more || len(cards) != MaxCards {
		t.Fatalf("%d cards, more %v, err %v; want %d and more", len(cards), more, err, MaxCards)
	}
	if yields < MaxCards/DecodeChunk {
		t.Errorf("%d yields for %d envelopes in chunks of %d", yields, MaxCards, DecodeChunk)
	}
	if len(ps) < 3 || !ps[len(ps)-1].Done {
		t.Fatalf("progress %+v", ps)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Read < ps[i-1].Read || ps[i].Envelopes < ps[i-1].Envelopes {
			t.Errorf("progress went back: %+v then %+v", ps[i-1], ps[i])
		}
	}
	// The same cards as the one-shot decode.
	want := DecodeText(text, []vault.Profile{profileFor(v)}, "")
	for i := range cards {
		if cards[i].N != want[i].N || cards[i].Where != want[i].Where || cards[i].Outcome != want[i].Outcome || cards[i].KeyNote != want[i].KeyNote {
			t.Fatalf("card %d differs: %+v\nwant %+v", i+1, cards[i], want[i])
		}
	}
	// Text without envelopes gives the one "No envelope" card.
	cards, _, _ = DecodeCards(context.Background(), "GET /health 200\n", nil, "", DecodeOptions{})
	if len(cards) != 1 || cards[0].Title != "No envelope" {
		t.Errorf("cards for text without envelopes: %+v", cards)
	}
}

// Two profiles with one merchant_id: neither the order of the list nor a
// backup imported beside the first decides which key verifies. Each key is
// tried, the card names the profile whose key verified, and says there
// are two.
func TestSameMerchantTwiceTriesEachKeyAndNamesTheOneUsed(t *testing.T) {
	v := loadAppendixA(t)
	right := profileFor(v)
	wrong := vault.Profile{ID: "p0", Label: "Aardvark import", MerchantID: testMerchant, SignKey: "0123456789ABCDEF"}
	text := callbackJSON(testMerchant, v.Ciphertext, v.MD5)
	for _, order := range [][]vault.Profile{{wrong, right}, {right, wrong}} {
		c := oneCard(t, DecodeText(text, order, ""))
		if c.Outcome != report.Verified {
			t.Fatalf("order %s, %s: %v; want verified with the key that fits", order[0].Label, order[1].Label, c.Outcome)
		}
		if !strings.Contains(c.KeyNote, "“Shop A”") || !strings.Contains(c.KeyNote, "2 profiles have merchant_id "+testMerchant) ||
			!strings.Contains(c.KeyNote, "“Aardvark import”") {
			t.Errorf("key note %q; want it to name Shop A as the key used and both profiles", c.KeyNote)
		}
	}
	// When neither verifies, no profile is named as the one used.
	other := wrong
	other.ID, other.Label, other.SignKey = "p2", "Other", "FEDCBA9876543210"
	c := oneCard(t, DecodeText(text, []vault.Profile{wrong, other}, ""))
	if c.Outcome == report.Verified || !strings.Contains(c.KeyNote, "none fits") {
		t.Errorf("two wrong keys: %v, key note %q", c.Outcome, c.KeyNote)
	}
	if got := DuplicateMerchants([]vault.Profile{wrong, right, other}); len(got) != 1 || len(got[testMerchant]) != 3 {
		t.Errorf("DuplicateMerchants: %v", got)
	}
}
