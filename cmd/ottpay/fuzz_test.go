package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// FuzzDecode runs "ottpay decode" and "ottpay decode --strict" on any
// input: never a panic, an exit status of the contract, one valid JSON
// report per stdout line, and at most one line on stderr.
func FuzzDecode(f *testing.F) {
	env, err := callback(1)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(env))
	f.Add([]byte("INFO got " + env + "\nnoise\n" + env))
	f.Add([]byte(strings.Replace(env, `"rsp_code"`, `"rep_code"`, 1)))
	f.Add([]byte(`{"rsp_code":"FAIL","rsp_msg":"no"}`))
	f.Add([]byte(`{"action":"A","data":"AAAAAAAAAAAAAAAAAAAAAA==","md5":"00000000000000000000000000000000"}`))
	f.Add([]byte(strings.Repeat("[", 10000)))
	f.Add([]byte{0xff, 0xfe, '{', '"'})
	getenv := func(k string) string {
		if k == keyEnv {
			return testKey
		}
		return ""
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, args := range [][]string{{"decode"}, {"decode", "--strict"}} {
			var stdout, stderr bytes.Buffer
			status := run(args, bytes.NewReader(in), &stdout, &stderr, getenv)
			switch status {
			case exitOK, exitFailed, exitUnverified:
			default:
				t.Fatalf("%v: exit status %d", args, status)
			}
			if strings.Count(stderr.String(), "\n") > 1 || strings.Contains(stderr.String(), "internal error") {
				t.Fatalf("%v: stderr %q", args, stderr.String())
			}
			if status != exitOK && stderr.Len() == 0 {
				t.Fatalf("%v: exit status %d with nothing on stderr", args, status)
			}
			for _, line := range bytes.Split(bytes.TrimSuffix(stdout.Bytes(), []byte("\n")), []byte("\n")) {
				if len(line) > 0 && !json.Valid(line) {
					t.Fatalf("%v: invalid report %q", args, line)
				}
			}
		}
	})
}

// BenchmarkDecodeStream decodes a log of 20,000 lines holding 5,000
// callbacks (one in fifty failing or not verifying) on four workers.
func BenchmarkDecodeStream(b *testing.B) {
	var log bytes.Buffer
	g := &logGen{n: 20000}
	if _, err := io.Copy(&log, g); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(log.Len()))
	for b.Loop() {
		if _, err := decodeStream(bytes.NewReader(log.Bytes()), io.Discard, report.SingleKey(testKey), 4, 32); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzEncodeThenDecode encodes any stdin as a request and, whenever that
// succeeds, decodes the result: it must verify and give back the data
// member for member.
func FuzzEncodeThenDecode(f *testing.F) {
	f.Add([]byte(`{"amount":"100","order_id":"1"}`), "")
	f.Add([]byte(`{"amount":100,"paid":true,"note":null,"items":[1,{"a":"b"}]}`), "js")
	f.Add([]byte(`{"10":"a","9":"b","amount":1.5}`), "php")
	f.Add([]byte(`{"amount":1e7,"x":{"k":"v"}}`), "java")
	f.Add([]byte(`{"amount":100}`), "cryptojs")
	f.Add([]byte(`{"😀":"x","\ue000":"y","<&>":"\u2028"}`), "")
	f.Add([]byte(`[1,2]`), "")
	getenv := func(k string) string {
		if k == keyEnv {
			return testKey
		}
		return ""
	}
	f.Fuzz(func(t *testing.T, in []byte, rule string) {
		switch rule {
		case "", "strings", "js", "cryptojs", "php", "java":
		default:
			rule = ""
		}
		args := []string{"encode", "--merchant", "ON00004652", "--action", "STATUS_QUERY"}
		if rule != "" {
			args = append(args, "--values", rule)
		}
		var stdout, stderr bytes.Buffer
		status := run(args, bytes.NewReader(in), &stdout, &stderr, getenv)
		if status == exitFailed {
			if stdout.Len() != 0 || !strings.HasPrefix(stderr.String(), "ottpay: ") {
				t.Fatalf("failed encode: stdout %q stderr %q", stdout.String(), stderr.String())
			}
			return
		}
		if status != exitOK {
			t.Fatalf("encode exit status %d, stderr %q", status, stderr.String())
		}
		envelope := stdout.Bytes()
		if bytes.Count(envelope, []byte("\n")) != 1 || !json.Valid(envelope) {
			t.Fatalf("encode printed %q, want one line of JSON", envelope)
		}
		want, err := codec.ParseObject(in)
		if err != nil {
			t.Fatalf("encode accepted data ParseObject refuses: %v", err)
		}
		stdout.Reset()
		stderr.Reset()
		if status := run([]string{"decode"}, bytes.NewReader(envelope), &stdout, &stderr, getenv); status != exitOK {
			t.Fatalf("decode of %s: exit status %d, stderr %q", envelope, status, stderr.String())
		}
		var r struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		got, err := codec.ParseObject(r.Data)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.AppendJSON(nil)) != string(want.AppendJSON(nil)) {
			t.Fatalf("round trip changed the data:\n got %s\nwant %s", got.AppendJSON(nil), want.AppendJSON(nil))
		}
	})
}
