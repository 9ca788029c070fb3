package batch

import (
	"bytes"
	"context"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/wasm/batch/batchtest"
)

// The 10,000 callbacks of the peer-bench batch all verify, each with its
// merchant's key, and decrypt to the objects the corpus expects.
func TestPeerBatch10k(t *testing.T) {
	text := batchtest.Batch(t)
	res, err := DecodeText(context.Background(), text, Options{Keys: report.KeyMap(batchtest.Keys())})
	if err != nil {
		t.Fatal(err)
	}
	if want := (Counts{Verified: batchtest.BatchCount}); res.Counts != want {
		for _, r := range res.Rows {
			if r.Outcome != report.Verified {
				t.Errorf("line %d: %s: %s", r.Line, OutcomeLabel(r.Outcome), r.Cause)
				break
			}
		}
		t.Fatalf("counts %+v, want %+v", res.Counts, want)
	}
	for i, r := range res.Rows {
		if r.Line != i+1 || r.Kind != "callback" || r.OrderID == "" || r.Amount == "" {
			t.Fatalf("row %d: %+v", i, r)
		}
	}
	var out bytes.Buffer
	if n, err := NewTable(res.Rows).WriteJSONL(&out); err != nil || n != batchtest.BatchCount {
		t.Fatalf("WriteJSONL: %d lines, %v", n, err)
	}
	assertSameObjects(t, out.Bytes(), batchtest.Expected(t))
}

// BenchmarkPeerBatch10k decodes the 10,000-callback batch natively, with
// the yields of a browser page (chunks of DefaultChunk, no pause).
func BenchmarkPeerBatch10k(b *testing.B) {
	text := batchtest.Batch(b)
	opt := Options{Keys: report.KeyMap(batchtest.Keys())}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		res, err := DecodeText(context.Background(), text, opt)
		if err != nil || res.Counts.Verified != batchtest.BatchCount {
			b.Fatalf("%+v %v", res.Counts, err)
		}
	}
}
