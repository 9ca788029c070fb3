package scan

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// readAll collects the findings of a Reader, checking after each that it
// holds no more than its buffer size.
func readAll(t *testing.T, r *Reader) ([]Found, error) {
	t.Helper()
	var got []Found
	for {
		f, err := r.Next()
		if cap(r.buf) > r.size {
			t.Fatalf("the Reader holds %d bytes, more than its %d-byte buffer", cap(r.buf), r.size)
		}
		if err != nil {
			return got, err
		}
		got = append(got, f)
	}
}

func sameFindings(t *testing.T, what string, got, want []Found) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d findings, Scan has %d", what, len(got), len(want))
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Start != w.Start || g.End != w.End || g.Line != w.Line || !bytes.Equal(g.Raw, w.Raw) ||
			!reflect.DeepEqual(g.Via, w.Via) || !reflect.DeepEqual(g.Notes, w.Notes) {
			t.Errorf("%s: finding %d is line %d [%d,%d) via %q, Scan's is line %d [%d,%d) via %q",
				what, i+1, g.Line, g.Start, g.End, g.Via, w.Line, w.Start, w.End, w.Via)
		}
	}
}

// A Reader finds what Scan finds, however the stream arrives.
func TestReaderMatchesScan(t *testing.T) {
	var all []byte
	for _, c := range loadCases(t) {
		want := Scan(c.input)
		for name, src := range map[string]io.Reader{
			"one byte at a time": iotest.OneByteReader(bytes.NewReader(c.input)),
			"half reads":         iotest.HalfReader(bytes.NewReader(c.input)),
		} {
			got, err := readAll(t, NewReader(src))
			if err != io.EOF {
				t.Errorf("%s, %s: Next ended with %v, want io.EOF", c.name, name, err)
			}
			sameFindings(t, c.name+", "+name, got, want)
		}
		all = append(all, c.input...)
		all = append(all, '\n')
	}
	// All the cases in one stream, through the smallest buffer.
	got, err := readAll(t, NewReaderSize(iotest.HalfReader(bytes.NewReader(all)), 0))
	if err != io.EOF {
		t.Errorf("all cases: Next ended with %v", err)
	}
	sameFindings(t, "all cases", got, Scan(all))
}

// testEnvelopes are the envelopes of testdata/envelopes.json (documented
// vectors and examples), in compact JSON.
func testEnvelopes(t testing.TB) [][]byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "envelopes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]struct {
		Envelope json.RawMessage `json:"envelope"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, v := range m {
		var buf bytes.Buffer
		if err := json.Compact(&buf, v.Envelope); err != nil {
			t.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	if len(out) < 5 {
		t.Fatalf("testdata/envelopes.json holds %d envelopes", len(out))
	}
	return out
}

// planted is an envelope put into a generated log.
type planted struct {
	line int
	md5  string
	code string
	via  string
}

// genLog writes a log of about lines lines mixing noise with the
// envelopes in every wrapping, and returns where it put them.
func genLog(t testing.TB, lines int, seed uint64) ([]byte, []planted) {
	envs := testEnvelopes(t)
	rng := rand.New(rand.NewPCG(seed, 7))
	var out bytes.Buffer
	var plants []planted
	line := 1
	write := func(s string) {
		out.WriteString(s)
		line += strings.Count(s, "\n")
	}
	plant := func(env []byte, via string) {
		e, err := shapeAccept(env)
		if err != nil {
			t.Fatal(err)
		}
		plants = append(plants, planted{line: line, md5: e.MD5, code: codeOf(e), via: via})
	}
	for line <= lines {
		ts := fmt.Sprintf("2024-01-%02d %02d:%02d:%02d", 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60))
		env := envs[rng.IntN(len(envs))]
		switch k := rng.IntN(100); {
		case k < 80:
			write(fmt.Sprintf("%s INFO req=%08x path=/processV2 took=%dms {\"note\": \"no envelope\"} [%d]\n", ts, rng.Uint32(), rng.IntN(900), k))
		case k < 85:
			write(ts + " INFO callback body=")
			plant(env, "log-line")
			write(string(env) + " status=200\n")
		case k < 88:
			var buf bytes.Buffer
			json.Indent(&buf, env, "", "  ")
			write(ts + " DEBUG pretty:\n")
			plant(env, "")
			write(buf.String() + "\n")
		case k < 91:
			q, _ := json.Marshal(string(env))
			plant(env, "json-string")
			write(`{"ts":"` + ts + `","level":"info","body":` + string(q) + "}\n")
		case k < 94:
			write(ts + " b64=")
			plant(env, "base64")
			write(base64.StdEncoding.EncodeToString(env) + "\n")
		case k < 97:
			write("POST /processV2 HTTP/1.1\r\nHost: frontapi.ottpay.com\r\nContent-Type: application/json\r\n\r\n")
			plant(env, "http-request")
			write(string(env) + "\r\n")
		default:
			write("curl -X POST https://frontapi.ottpay.com/processV2 \\\n  -H 'Content-Type: application/json' \\\n  -d '")
			plant(env, "curl")
			write(string(env) + "'\n")
		}
	}
	return out.Bytes(), plants
}

// A log of 100,000 lines streams through a Reader with a small buffer:
// every envelope is found, in order, on its line, and the Reader agrees
// with Scan over the whole log.
func TestReaderLargeLog(t *testing.T) {
	log, plants := genLog(t, 100_000, 1)
	r := newReader(bytes.NewReader(log), MinBufferSize, codec.ParseEnvelope)
	got, err := readAll(t, r)
	if err != io.EOF {
		t.Fatalf("Next ended with %v", err)
	}
	if len(got) != len(plants) {
		t.Fatalf("found %d envelopes, planted %d", len(got), len(plants))
	}
	pos, line := 0, 1
	for i, f := range got {
		p := plants[i]
		if f.Start < pos || f.End > len(log) {
			t.Fatalf("finding %d: span [%d,%d) is out of order or outside the log", i+1, f.Start, f.End)
		}
		line += bytes.Count(log[pos:f.Start], []byte{'\n'})
		pos = f.Start
		via := strings.Join(f.Via, ",")
		if f.Line != p.line || f.Envelope.MD5 != p.md5 || codeOf(f.Envelope) != p.code || !strings.Contains(via, p.via) {
			t.Fatalf("finding %d: line %d md5 %s code %s via %q; planted line %d md5 %s code %s via %q",
				i+1, f.Line, f.Envelope.MD5, codeOf(f.Envelope), via, p.line, p.md5, p.code, p.via)
		}
		if f.Line != line {
			t.Fatalf("finding %d: span [%d,%d) does not start on line %d", i+1, f.Start, f.End, f.Line)
		}
	}
	sameFindings(t, "large log", got, Scan(log))
}

// A construct longer than the buffer is given up, and what follows it is
// still found; a line longer than the buffer is scanned in pieces.
func TestReaderGiants(t *testing.T) {
	env := testEnvelopes(t)[0]
	var in bytes.Buffer
	in.WriteString(`{"a":[`) // an object that never ends, 400 KB long
	for range 100_000 {
		in.WriteString("1,\n")
	}
	in.WriteString("\nafter the giant: ")
	in.Write(env)
	in.WriteString("\n")
	for range 200 { // a 1 MB line with an envelope every 5 KB
		in.WriteString(strings.Repeat("x", 5000) + " ")
		in.Write(env)
	}
	in.WriteString("\n")
	want := Scan(in.Bytes())
	if len(want) != 201 {
		t.Fatalf("Scan found %d envelopes, want 201", len(want))
	}
	r := newReader(iotest.HalfReader(bytes.NewReader(in.Bytes())), MinBufferSize, codec.ParseEnvelope)
	got, err := readAll(t, r)
	if err != io.EOF {
		t.Fatalf("Next ended with %v", err)
	}
	sameFindings(t, "giants", got, want)
}

// An error reading the stream comes after the envelopes before it.
func TestReaderError(t *testing.T) {
	env := testEnvelopes(t)[0]
	text := append(append([]byte("first: "), env...), "\nsecond: "...)
	text = append(append(text, env...), '\n')
	failing := io.MultiReader(bytes.NewReader(text), iotest.ErrReader(iotest.ErrTimeout))
	got, err := readAll(t, NewReader(failing))
	if !errors.Is(err, iotest.ErrTimeout) {
		t.Errorf("Next ended with %v, want the read error", err)
	}
	if len(got) != 2 {
		t.Errorf("found %d envelopes before the error, want 2", len(got))
	}
	if _, err := NewReader(failing).Next(); !errors.Is(err, iotest.ErrTimeout) {
		t.Errorf("a Reader over a failed stream returned %v", err)
	}
}

// A source that returns nothing, forever, ends the Reader with
// io.ErrNoProgress instead of a hang.
func TestReaderNoProgress(t *testing.T) {
	_, err := NewReader(emptyReader{}).Next()
	if !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("Next returned %v, want io.ErrNoProgress", err)
	}
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

// A Reader over a stream that is written to slowly, as tail -f writes a
// log, returns each envelope once its line has come, without waiting for
// more input; an envelope spanning lines is returned once its last line
// has come, whole. Each write below waits until Next has returned what
// the write completed: a Reader that waited for more input would stall
// the test, which then fails after a generous timeout.
func TestReaderStreamsLinesAsTheyCome(t *testing.T) {
	envs := testEnvelopes(t)
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.CloseWithError(errors.New("test over")) })
	type result struct {
		f   Found
		err error
	}
	results := make(chan result, 16)
	go func() {
		r := NewReader(pr)
		for {
			f, err := r.Next()
			results <- result{f, err}
			if err != nil {
				return
			}
		}
	}()
	var sent bytes.Buffer
	write := func(s string) {
		t.Helper()
		sent.WriteString(s)
		if _, err := io.WriteString(pw, s); err != nil {
			t.Fatalf("writing to the pipe: %v", err)
		}
	}
	const patience = 60 * time.Second
	next := func(what string) result {
		t.Helper()
		select {
		case res := <-results:
			return res
		case <-time.After(patience):
			t.Fatalf("Next has not returned %s %v after it was written: the Reader is waiting for more input", what, patience)
		}
		return result{}
	}
	var got []Found
	expect := func(what string, env []byte) {
		t.Helper()
		res := next(what)
		if res.err != nil || res.f.Envelope == nil {
			t.Fatalf("Next returned %v, error %v; want %s", res.f.Envelope, res.err, what)
		}
		if e, _ := shapeAccept(env); res.f.Envelope.MD5 != e.MD5 || codeOf(res.f.Envelope) != codeOf(e) {
			t.Fatalf("Next returned the envelope with md5 %s, want %s", res.f.Envelope.MD5, what)
		}
		got = append(got, res.f)
	}

	write("2024-05-01 12:00:00 INFO listening\n")
	write("2024-05-01 12:00:01 INFO callback body=" + string(envs[0]) + "\n")
	expect("the envelope of line 2", envs[0])

	// A pretty-printed body, written in two parts, each ending a line.
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, envs[1], "", "  "); err != nil {
		t.Fatal(err)
	}
	cut := bytes.IndexByte(pretty.Bytes()[pretty.Len()/2:], '\n') + pretty.Len()/2 + 1
	write("2024-05-01 12:00:02 DEBUG body:\n")
	write(pretty.String()[:cut])
	write(pretty.String()[cut:] + "\n")
	expect("the pretty-printed envelope", envs[1])

	write("2024-05-01 12:00:03 INFO callback body=" + string(envs[2]) + "\n")
	expect("the envelope of the last line", envs[2])

	pw.Close()
	if res := next("io.EOF"); res.err != io.EOF {
		t.Fatalf("after the stream was closed Next returned %v, %v; want io.EOF", res.f.Envelope, res.err)
	}
	sameFindings(t, "streamed", got, Scan(sent.Bytes()))
}
