package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// The sample keys: the four merchants of the peer-bench corpus, which all
// sign with the Appendix A key.
func sampleKeys(t testing.TB) report.Keys {
	t.Helper()
	b, err := os.ReadFile("testdata/keys.json")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := report.ParseKeys(b)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envelopeLines returns the 1-based numbers of the lines of the sample
// that hold an envelope: those with a JSON object after "body=" or
// "response=".
func envelopeLines(text []byte) []int {
	var out []int
	for i, l := range strings.Split(string(text), "\n") {
		if strings.Contains(l, "body={") || strings.Contains(l, "response={") {
			out = append(out, i+1)
		}
	}
	return out
}

// testdata/sample.log (see gen_sample.go): 40 genuine callbacks, one with
// its amount changed after signing, one failure response without data, one
// from a merchant whose key is not given, one with its data cut short.
func TestSampleOutcomes(t *testing.T) {
	text := readFile(t, "testdata/sample.log")
	res, err := DecodeText(context.Background(), text, Options{Keys: sampleKeys(t)})
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Verified: 40, NotVerified: 1, Failed: 2, NoData: 1}
	if res.Counts != want {
		t.Errorf("counts %+v, want %+v", res.Counts, want)
	}
	if got := NewTable(res.Rows).Counts(); got != res.Counts {
		t.Errorf("table counts %+v, decode counts %+v", got, res.Counts)
	}
	lines := envelopeLines(text)
	if len(res.Rows) != len(lines) {
		t.Fatalf("%d rows for %d envelope lines", len(res.Rows), len(lines))
	}
	for i, r := range res.Rows {
		if r.Index != i || r.Line != lines[i] {
			t.Errorf("row %d: index %d line %d, want line %d", i, r.Index, r.Line, lines[i])
		}
		switch r.Outcome {
		case report.Verified:
			if r.Kind != "callback" || r.Merchant == "" || r.OrderID == "" || r.Amount == "" || r.RspCode == "" || r.Data == nil || r.Cause != "" {
				t.Errorf("verified row %d lacks a cell: %+v", i, r)
			}
		case report.NotVerified:
			if r.Data == nil || !strings.Contains(r.Cause, "md5") || r.Amount != "1" {
				t.Errorf("tampered row %d: amount %q, cause %q", i, r.Amount, r.Cause)
			}
		case report.Failed:
			if r.Cause == "" || r.Data != nil {
				t.Errorf("failed row %d: cause %q, data %v", i, r.Cause, r.Data)
			}
		case report.NothingToVerify:
			if r.Kind != "response" || r.RspCode != "FAIL" {
				t.Errorf("no-data row %d: %+v", i, r)
			}
		}
	}
	// The decrypted objects are the ones the corpus expects.
	tab := NewTable(res.Rows)
	tab.SetFilter(Filter{Outcome: report.Verified})
	var out bytes.Buffer
	n, err := tab.WriteJSONL(&out)
	if err != nil || n != 40 {
		t.Fatalf("WriteJSONL: %d lines, %v", n, err)
	}
	assertSameObjects(t, out.Bytes(), readFile(t, "testdata/sample.expected.jsonl"))
}

// assertSameObjects compares two JSON-lines texts object by object,
// ignoring member order (the corpus lists members sorted).
func assertSameObjects(t *testing.T, got, want []byte) {
	t.Helper()
	g, w := jsonLines(t, got), jsonLines(t, want)
	if len(g) != len(w) {
		t.Fatalf("%d objects, want %d", len(g), len(w))
	}
	for i := range g {
		if !reflect.DeepEqual(g[i], w[i]) {
			t.Errorf("object %d:\n%v\nwant\n%v", i, g[i], w[i])
		}
	}
}

func jsonLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not a JSON object: %v", len(out)+1, err)
		}
		out = append(out, m)
	}
	return out
}

// Progress comes after every chunk and once at the end, and only grows.
func TestProgress(t *testing.T) {
	text := readFile(t, "testdata/sample.log")
	var got []Progress
	res, err := DecodeText(context.Background(), text, Options{
		Keys:     sampleKeys(t),
		Chunk:    7,
		Progress: func(p Progress) { got = append(got, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	n := len(res.Rows)
	if want := n/7 + 1; len(got) != want {
		t.Fatalf("%d progress calls for %d envelopes in chunks of 7, want %d", len(got), n, want)
	}
	for i, p := range got {
		last := i == len(got)-1
		if p.Done != last {
			t.Errorf("call %d: Done=%v", i, p.Done)
		}
		if !last && p.Envelopes != 7*(i+1) {
			t.Errorf("call %d: %d envelopes, want %d", i, p.Envelopes, 7*(i+1))
		}
		if p.Counts.Total() != p.Envelopes {
			t.Errorf("call %d: counts %+v for %d envelopes", i, p.Counts, p.Envelopes)
		}
		if i > 0 && (p.Read < got[i-1].Read || p.Envelopes < got[i-1].Envelopes) {
			t.Errorf("call %d went backwards: %+v after %+v", i, p, got[i-1])
		}
		if p.Size != int64(len(text)) {
			t.Errorf("call %d: size %d, want %d", i, p.Size, len(text))
		}
	}
	end := got[len(got)-1]
	if end.Envelopes != n || end.Read != int64(len(text)) || end.Fraction() != 1 || end.Counts != res.Counts {
		t.Errorf("last progress %+v, result of %d rows, %d bytes", end, n, len(text))
	}
}

// Cancelling stops the decode at the next chunk with the rows so far.
func TestCancel(t *testing.T) {
	text := readFile(t, "testdata/sample.log")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	res, err := DecodeText(ctx, text, Options{
		Keys:  sampleKeys(t),
		Chunk: 10,
		Pause: 1, // a sleep, woken early by the cancel
		Progress: func(p Progress) {
			calls++
			if p.Envelopes >= 20 {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(res.Rows) != 20 || res.Counts.Total() != 20 {
		t.Errorf("%d rows (%+v) after cancelling at 20", len(res.Rows), res.Counts)
	}
	// Already cancelled: nothing is decoded.
	res, err = DecodeText(ctx, text, Options{Keys: sampleKeys(t)})
	if !errors.Is(err, context.Canceled) || len(res.Rows) != 0 {
		t.Errorf("cancelled before start: %d rows, %v", len(res.Rows), err)
	}
}

type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

// A read error ends the decode with the rows so far and ErrRead.
func TestReadError(t *testing.T) {
	text := readFile(t, "testdata/sample.log")
	cut := text[:bytes.Index(text, []byte("notify-20]"))]
	boom := errors.New("disk gone")
	res, err := Decode(context.Background(), &failingReader{r: bytes.NewReader(cut), err: boom}, -1, Options{Keys: sampleKeys(t)})
	if !errors.Is(err, ErrRead) || !errors.Is(err, boom) {
		t.Fatalf("err = %v, want ErrRead wrapping the read error", err)
	}
	if res == nil || len(res.Rows) > 20 {
		t.Errorf("rows after the error: %v", res)
	}
}

// Text without any envelope gives an empty table, not an error.
func TestNoEnvelopes(t *testing.T) {
	res, err := DecodeText(context.Background(), []byte("GET /health 200\nnothing here\n"), Options{})
	if err != nil || len(res.Rows) != 0 || res.Counts.Total() != 0 {
		t.Errorf("plain text: %d rows, %+v, %v", len(res.Rows), res.Counts, err)
	}
}
