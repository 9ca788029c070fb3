package scan

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
)

func BenchmarkProbe(b *testing.B) {
	envs := testEnvelopes(b)
	env := envs[0]
	mk := func(f func(i int) string) []byte {
		var buf bytes.Buffer
		for i := 0; buf.Len() < 4<<20; i++ {
			buf.WriteString(f(i))
		}
		return buf.Bytes()
	}
	q, _ := json.Marshal(string(env))
	var ind bytes.Buffer
	json.Indent(&ind, env, "", "  ")
	cases := map[string][]byte{
		"noise": mk(func(i int) string {
			return fmt.Sprintf("2024-01-05 13:22:11 INFO req=%08x path=/processV2 took=%dms {\"note\": \"no envelope\"} [%d]\n", i, i%900, i%100)
		}),
		"plainwords": mk(func(i int) string { return "the quick brown fox jumps over the lazy dog and more text\n" }),
		"logline":    mk(func(i int) string { return "2024 INFO callback body=" + string(env) + " status=200\n" }),
		"pretty":     mk(func(i int) string { return "x\n" + ind.String() + "\n" }),
		"jsonstring": mk(func(i int) string { return `{"ts":"x","level":"info","body":` + string(q) + "}\n" }),
		"base64":     mk(func(i int) string { return "ts b64=" + base64.StdEncoding.EncodeToString(env) + "\n" }),
		"http":       mk(func(i int) string { return "POST /processV2 HTTP/1.1\r\nHost: frontapi.ottpay.com\r\nContent-Type: application/json\r\n\r\n" + string(env) + "\r\n" }),
		"curl":       mk(func(i int) string { return "curl -X POST https://f/processV2 \\\n  -H 'Content-Type: application/json' \\\n  -d '" + string(env) + "'\n" }),
	}
	for _, name := range []string{"noise", "plainwords", "logline", "pretty", "jsonstring", "base64", "http", "curl"} {
		in := cases[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				Scan(in)
			}
		})
	}
}
