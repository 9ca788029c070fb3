package scan

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// BenchmarkScan scans a 4 MB log mixing noise with envelopes in every
// wrapping (about one line in five holds one).
func BenchmarkScan(b *testing.B) {
	log, plants := genLog(b, 50_000, 2)
	b.SetBytes(int64(len(log)))
	b.ReportAllocs()
	for b.Loop() {
		if got := Scan(log); len(got) != len(plants) {
			b.Fatalf("found %d envelopes, planted %d", len(got), len(plants))
		}
	}
}

// BenchmarkReader streams the same log through a Reader.
func BenchmarkReader(b *testing.B) {
	log, plants := genLog(b, 50_000, 2)
	b.SetBytes(int64(len(log)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(log))
		n := 0
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != len(plants) {
			b.Fatalf("found %d envelopes, planted %d", n, len(plants))
		}
	}
}

// BenchmarkScanHostile scans 1 MB inputs built to make a careless scanner
// quadratic: its MB/s must stay of the order of BenchmarkScan's.
func BenchmarkScanHostile(b *testing.B) {
	const size = 1 << 20
	fill := func(unit string) []byte { return []byte(strings.Repeat(unit, size/len(unit))) }
	for _, c := range []struct {
		name string
		in   []byte
	}{
		{"open-braces", fill("{")},
		{"open-objects", fill(`{"a":`)},
		{"open-arrays", append([]byte(`{"a":`), fill("[")...)},
		{"escaped-opens", fill(`{\"a\":`)},
		{"twice-escaped-opens", fill(`{\\\"a\\\":`)},
		{"quotes-and-braces", fill(`"{\"{`)},
		{"unterminated-curl", append([]byte("curl -d '"), fill("curl -d ")...)},
		{"base64-lines", fill("eyJhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n")},
		{"form-runs", fill("data=x&md5=y&")},
		{"http-headers", append([]byte("HTTP/1.1 200 OK\n"), fill("X-A: b\n")...)},
		{"raw-breaks", append([]byte(`{"data":"`), fill("QUJDREVGR0hJSktMTU5P\n")...)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.in)))
			for b.Loop() {
				Scan(c.in)
			}
		})
	}
}
