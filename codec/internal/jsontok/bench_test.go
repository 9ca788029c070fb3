package jsontok

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// BenchmarkTokenize reads every member of the corpus messages (each
// message's envelope body and its transaction data, the two JSON texts a
// decode reads) with this package's Reader and with jsontext's Decoder,
// interleaved in one run: names and string values as Go strings, nested
// values as compact text, duplicate names refused by both. The corpus is
// the peer benchmark kit's, as for the codec's benchmarks (OTTPAY_PEER_CORPUS,
// see codec/bench_test.go).
func BenchmarkTokenize(b *testing.B) {
	dir := os.Getenv("OTTPAY_PEER_CORPUS")
	if dir == "" {
		b.Fatal("OTTPAY_PEER_CORPUS is not set: see codec/bench_test.go for how to generate the corpus")
	}
	for _, cls := range []string{"small", "medium", "large"} {
		texts := corpusTexts(b, dir, cls)
		size := 0
		for _, t := range texts {
			size += len(t)
		}
		b.Run(cls+"/jsontok", func(b *testing.B) {
			b.SetBytes(int64(size / len(texts)))
			b.ReportAllocs()
			strs := make([]string, len(texts))
			for i, t := range texts {
				strs[i] = string(t)
			}
			for i := 0; b.Loop(); i++ {
				if n, err := readMembers(strs[i%len(strs)]); err != nil || n == 0 {
					b.Fatal(err)
				}
			}
		})
		b.Run(cls+"/jsontext", func(b *testing.B) {
			b.SetBytes(int64(size / len(texts)))
			b.ReportAllocs()
			var d jsontext.Decoder
			var rd bytes.Reader
			for i := 0; b.Loop(); i++ {
				rd.Reset(texts[i%len(texts)])
				d.Reset(&rd)
				if n, err := readMembersJSONText(&d); err != nil || n == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}

var sink []string

// readMembers reads the object s as the codec does: names and values in
// order, nested values as compact text.
func readMembers(s string) (int, error) {
	r := Reader{S: s, MaxDepth: 32}
	r.SkipSpace()
	empty, err := r.Enter(1)
	if err != nil {
		return 0, err
	}
	out := sink[:0]
	var nested []byte
	for more := !empty; more; {
		key, err := r.Name()
		if err != nil {
			return 0, err
		}
		var v string
		switch r.Peek() {
		case '"':
			v, err = r.String()
		case '{', '[':
			nested, _, err = r.Value(nested[:0], 2)
			v = string(nested)
		default:
			start := r.I
			_, err = r.Scalar()
			v = s[start:r.I]
		}
		if err != nil {
			return 0, err
		}
		out = append(out, key, v)
		if more, err = r.More(true); err != nil {
			return 0, err
		}
	}
	if _, dup := FirstDuplicate(len(out)/2, func(i int) string { return out[2*i] }); dup || !r.AtEnd() {
		return 0, &Error{Code: Duplicate}
	}
	sink = out
	return len(out) / 2, nil
}

// readMembersJSONText is readMembers with jsontext.
func readMembersJSONText(d *jsontext.Decoder) (int, error) {
	if t, err := d.ReadToken(); err != nil || t.Kind() != '{' {
		return 0, err
	}
	out := sink[:0]
	for d.PeekKind() != '}' {
		t, err := d.ReadToken()
		if err != nil {
			return 0, err
		}
		key := t.String()
		var v string
		switch d.PeekKind() {
		case '{', '[':
			raw, err := d.ReadValue()
			if err != nil {
				return 0, err
			}
			v = string(raw)
		default:
			t, err := d.ReadToken()
			if err != nil {
				return 0, err
			}
			v = t.String()
		}
		out = append(out, key, v)
	}
	if _, err := d.ReadToken(); err != nil {
		return 0, err
	}
	sink = out
	return len(out) / 2, nil
}

// corpusTexts returns the envelope bodies and the transaction data texts
// of the class's messages.
func corpusTexts(b *testing.B, dir, cls string) [][]byte {
	var texts [][]byte
	for _, name := range []string{cls + ".env.jsonl", cls + ".msgs.jsonl"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			var m struct {
				Fields json.RawMessage `json:"fields"`
			}
			if err := json.Unmarshal(line, &m); err != nil {
				b.Fatal(err)
			}
			if m.Fields != nil {
				line = m.Fields
			}
			texts = append(texts, line)
		}
	}
	return texts
}

// Both readers agree on the corpus-like text below, so the benchmark
// compares like with like.
func TestReadersAgree(t *testing.T) {
	for _, s := range []string{
		`{"a":"b","n":1.5e3,"t":true,"z":null,"o":{"x":[1,"\u4e09",{"y":"\n"}]},"s":"张三\/"}`,
		`{}`,
	} {
		var d jsontext.Decoder
		d.Reset(bytes.NewReader([]byte(s)))
		old := sink
		n1, err1 := readMembers(s)
		a := append([]string(nil), sink...)
		sink = old
		n2, err2 := readMembersJSONText(&d)
		if err1 != nil || err2 != nil || n1 != n2 {
			t.Fatalf("%s: %d %v, jsontext %d %v", s, n1, err1, n2, err2)
		}
		for i := range a {
			if a[i] != sink[i] && !(i%2 == 1 && i/2 < n1 && a[i][0] == '{') {
				t.Errorf("%s: member part %d: %q, jsontext %q", s, i, a[i], sink[i])
			}
		}
	}
}
