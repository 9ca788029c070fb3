package batch

import (
	"bytes"
	"context"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// Warm's synthetic batch exercises the whole decode path: every callback
// decrypts and verifies (a batch of failures would leave the decryption
// and verification code cold), and its data holds non-ASCII text.
func TestWarmText(t *testing.T) {
	text := warmText(WarmEnvelopes)
	if !bytes.Contains(text, []byte(`"merchant_id":"WARM000000"`)) {
		t.Fatalf("warm text does not look like callbacks: %.200s", text)
	}
	res, err := DecodeText(context.Background(), text, Options{Keys: report.SingleKey(warmKey)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Verified != WarmEnvelopes || res.Counts.Total() != WarmEnvelopes {
		t.Fatalf("warm batch: %+v, want %d verified", res.Counts, WarmEnvelopes)
	}
	r := res.Rows[1]
	if r.Kind != "callback" || r.Amount != "137" || Money(r.Amount) != "1.37" || r.Status != "captured" {
		t.Errorf("warm row %+v", r)
	}
	if v, ok := r.Data.Get("remarks"); !ok || v.Text != "咖啡 café ☕" {
		t.Errorf("warm data remarks %q", v.Text)
	}
}

// Warm yields between chunks as Decode does, and stops when cancelled.
func TestWarmYieldsAndStops(t *testing.T) {
	yields := 0
	Warm(context.Background(), Options{Chunk: 100, Yield: func(context.Context) { yields++ }})
	if yields != WarmEnvelopes/100 {
		t.Errorf("%d yields over %d envelopes in chunks of 100, want %d", yields, WarmEnvelopes, WarmEnvelopes/100)
	}
	ctx, cancel := context.WithCancel(context.Background())
	yields = 0
	Warm(ctx, Options{Chunk: 100, Yield: func(context.Context) { yields++; cancel() }})
	if yields != 1 {
		t.Errorf("cancelled at the first yield, Warm yielded %d times", yields)
	}
}
