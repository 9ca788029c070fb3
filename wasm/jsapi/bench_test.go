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
// It is for profiling, natively or under node (GOOS=js GOARCH=wasm go test
// -exec "$(go env GOROOT)/lib/wasm/go_js_wasm_exec"); the figure beside
// crypto-js is the browser's (go test ./wasm/jsapi -run TestBrowser -args
// -browser.bench).
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
