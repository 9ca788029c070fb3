package jsapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ottpay-toolkit/ottpay/wasm/batch/batchtest"
)

// BenchmarkDecodeJSONBatch10k is ottpay.decode's Go side on the 10,000
// callbacks of the peer-bench batch: scan, decrypt, verify, report JSON.
func BenchmarkDecodeJSONBatch10k(b *testing.B) {
	text, err := os.ReadFile(filepath.Join(batchtest.Corpus(b), "batch10k.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	keys, _ := json.Marshal(batchtest.Keys())
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		DecodeJSON(text, keys)
	}
}
