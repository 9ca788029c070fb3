package scan

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
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

// BenchmarkReaderCallbackLog streams a log like the command line's
// 100,000-line test through a Reader: a callback in a log line every fourth
// line, noise between.
func BenchmarkReaderCallbackLog(b *testing.B) {
	var log bytes.Buffer
	const lines = 100_000
	for line := 1; line <= lines; line++ {
		if line%4 != 1 {
			fmt.Fprintf(&log, "2024-05-01T12:00:00Z DEBUG request %d handled in %dms\n", line, line%97)
			continue
		}
		o := &codec.Object{}
		o.SetString("amount", strconv.Itoa(line%1000+1))
		o.SetString("merchant_id", "ON00004652")
		o.SetString("order_id", strconv.Itoa(line))
		o.SetString("remarks", "第"+strconv.Itoa(line)+"行")
		e := &codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "success", MerchantID: "ON00004652", RspCodeName: "rsp_code"}
		if err := e.Seal(o, "A8B5FE540E38A5A9", codec.RuleStrings); err != nil {
			b.Fatal(err)
		}
		env, err := e.MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(&log, "2024-05-01T12:00:00Z INFO callback received: %s\n", env)
	}
	in := log.Bytes()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(in))
		n := 0
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != lines/4 {
			b.Fatalf("found %d envelopes, want %d", n, lines/4)
		}
	}
}

// BenchmarkScanWrappings scans 4 MB of one kind of line each: noise,
// plain words, and an envelope in each wrapping.
func BenchmarkScanWrappings(b *testing.B) {
	env := testEnvelopes(b)[0]
	q, err := json.Marshal(string(env))
	if err != nil {
		b.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, env, "", "  "); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		line  func(i int) string
		envel bool
	}{
		{"noise", func(i int) string {
			return fmt.Sprintf("2024-01-05 13:22:11 INFO req=%08x path=/processV2 took=%dms {\"note\": \"no envelope\"} [%d]\n", i, i%900, i%100)
		}, false},
		{"words", func(int) string {
			return "the quick brown fox jumps over the lazy dog, and a curious mind reads every line\n"
		}, false},
		{"log-line", func(int) string { return "2024-01-05 13:22:11 INFO callback body=" + string(env) + " status=200\n" }, true},
		{"pretty", func(int) string { return "2024-01-05 13:22:11 DEBUG pretty:\n" + pretty.String() + "\n" }, true},
		{"json-string", func(int) string { return `{"ts":"2024-01-05","level":"info","body":` + string(q) + "}\n" }, true},
		{"base64", func(int) string { return "2024-01-05 b64=" + base64.StdEncoding.EncodeToString(env) + "\n" }, true},
		{"http", func(int) string {
			return "POST /processV2 HTTP/1.1\r\nHost: frontapi.ottpay.com\r\nContent-Type: application/json\r\n\r\n" + string(env) + "\r\n"
		}, true},
		{"curl", func(int) string {
			return "curl -X POST https://frontapi.ottpay.com/processV2 \\\n  -H 'Content-Type: application/json' \\\n  -d '" + string(env) + "'\n"
		}, true},
	} {
		var in bytes.Buffer
		n := 0
		for in.Len() < 4<<20 {
			in.WriteString(c.line(n))
			n++
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(in.Len()))
			b.ReportAllocs()
			for b.Loop() {
				got := Scan(in.Bytes())
				if c.envel && len(got) != n || !c.envel && len(got) != 0 {
					b.Fatalf("found %d envelopes in %d lines", len(got), n)
				}
			}
		})
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

// lineReader returns one line per Read, as a pipe written to line by line
// does: every read is short, so a Reader scans after each line.
type lineReader struct{ b []byte }

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := bytes.IndexByte(r.b, '\n') + 1
	if n == 0 || n > len(p) {
		n = min(len(r.b), len(p))
	}
	n = copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// BenchmarkReaderLineByLine streams 1 MB line by line through a Reader:
// a log of envelopes, and a log where an unterminated quote leaves
// everything after it unfinished. Its MB/s must stay of the order of
// BenchmarkReader's: an unfinished construct is not scanned again for
// every line.
func BenchmarkReaderLineByLine(b *testing.B) {
	env := string(testEnvelopes(b)[0])
	for _, c := range []struct{ name, head, line string }{
		{"envelopes", "", "2024-01-05 13:22:11 INFO callback body=" + env + "\n"},
		{"unterminated-quote", "curl -d '{\"a\":1}\n", "2024-01-05 13:22:11 INFO request 42 handled in 7ms\n"},
	} {
		in := []byte(c.head + strings.Repeat(c.line, (1<<20)/len(c.line)))
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				r := NewReader(&lineReader{b: in})
				for {
					if _, err := r.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
