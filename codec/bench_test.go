package codec

import (
	"bytes"
	"crypto/aes"
	"crypto/md5"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ottpay-toolkit/ottpay/wasm/batch/batchtest"
)

// The benchmarks run over the corpus of the peer benchmark kit, generated
// from the repository's copy of its generator by batchtest.Corpus, so that
// their figures compare with the PHP, node and crypto-js peers that make
// bench measures on the same machine: encode and decode of
// the three message classes, and decode of the 10,000-callback batch.
// MB/s is plaintext JSON bytes, as the kit counts it.

type benchMsg struct {
	env    Envelope
	fields *Object
	plain  string
}

type benchCorpus struct {
	key   string
	msgs  map[string][]benchMsg
	envs  map[string][][]byte
	batch []byte
	meta  struct {
		SignKey string `json:"sign_key"`
		Classes map[string]struct {
			MeanPlainBytes float64 `json:"mean_plain_bytes"`
		}
		Batch struct {
			Count           int   `json:"count"`
			TotalPlainBytes int64 `json:"total_plain_bytes"`
		}
	}
}

var (
	corpusOnce sync.Once
	corpus     *benchCorpus
	corpusErr  string
)

// loadCorpus reads the corpus that batchtest.Corpus generates (or finds
// at $OTTPAY_PEER_CORPUS), once.
func loadCorpus(b *testing.B) *benchCorpus {
	dir := batchtest.Corpus(b)
	corpusOnce.Do(func() {
		read := func(name string) []byte {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil && corpusErr == "" {
				corpusErr = err.Error() + " (delete " + dir + " to have it generated again, or point OTTPAY_PEER_CORPUS at a complete corpus)"
			}
			return data
		}
		c := &benchCorpus{msgs: map[string][]benchMsg{}, envs: map[string][][]byte{}}
		if err := json.Unmarshal(read("meta.json"), &c.meta); err != nil && corpusErr == "" {
			corpusErr = "meta.json in " + dir + ": " + err.Error() + " (delete " + dir + " to have it generated again, or point OTTPAY_PEER_CORPUS at a complete corpus)"
		}
		c.key = c.meta.SignKey
		for _, cls := range []string{"small", "medium", "large"} {
			for _, line := range bytes.Split(bytes.TrimSpace(read(cls+".msgs.jsonl")), []byte("\n")) {
				var m struct {
					Action     string
					Version    string
					MerchantID string `json:"merchant_id"`
					Fields     *Object
				}
				if err := json.Unmarshal(line, &m); err != nil {
					corpusErr = cls + ".msgs.jsonl: " + err.Error()
					return
				}
				c.msgs[cls] = append(c.msgs[cls], benchMsg{
					env:    Envelope{Kind: Request, Action: m.Action, Version: m.Version, MerchantID: m.MerchantID},
					fields: m.Fields,
					plain:  string(m.Fields.AppendJSON(nil)),
				})
			}
			for _, line := range bytes.Split(bytes.TrimSpace(read(cls+".env.jsonl")), []byte("\n")) {
				c.envs[cls] = append(c.envs[cls], line)
			}
		}
		c.batch = read("batch10k.jsonl")
		if corpusErr == "" {
			corpus = c
		}
	})
	if corpus == nil {
		b.Fatal(corpusErr)
	}
	return corpus
}

// encodeRequest is what a sender does per message: seal the fields and
// write the envelope body.
func encodeRequest(m *benchMsg, key string) ([]byte, error) {
	e := m.env
	if err := e.Seal(m.fields, key, RuleStrings); err != nil {
		return nil, err
	}
	return e.MarshalJSON()
}

func BenchmarkEncode(b *testing.B) {
	c := loadCorpus(b)
	for _, cls := range []string{"small", "medium", "large"} {
		b.Run(cls, func(b *testing.B) {
			msgs := c.msgs[cls]
			// The output must be the kit's reference envelope, byte for byte.
			for i := range msgs {
				got, err := encodeRequest(&msgs[i], c.key)
				if err != nil || !bytes.Equal(got, c.envs[cls][i]) {
					b.Fatalf("%s message %d does not encode to the reference envelope: %v", cls, i, err)
				}
			}
			b.SetBytes(int64(c.meta.Classes[cls].MeanPlainBytes))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := encodeRequest(&msgs[i%len(msgs)], c.key); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	c := loadCorpus(b)
	for _, cls := range []string{"small", "medium", "large"} {
		b.Run(cls, func(b *testing.B) {
			envs := c.envs[cls]
			for i, env := range envs {
				_, op, err := DecodeBody(env, c.key)
				if err != nil || string(op.Plaintext) != c.msgs[cls][i].plain {
					b.Fatalf("%s envelope %d does not decode to its message: %v", cls, i, err)
				}
			}
			b.SetBytes(int64(c.meta.Classes[cls].MeanPlainBytes))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := DecodeBody(envs[i%len(envs)], c.key); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeBatch10k decodes the 10,000-callback JSONL text as
// pasted, one op being the whole batch (the kit reports seconds per pass).
// One untimed pass comes first, as the kit's PHP and Node harnesses make
// one: a pass takes longer than a short -benchtime, and the testing
// package then reports its first pass alone, which would time the heap
// growing to its working size rather than decoding.
func BenchmarkDecodeBatch10k(b *testing.B) {
	c := loadCorpus(b)
	decodeBatch(b, c)
	b.SetBytes(c.meta.Batch.TotalPlainBytes)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		decodeBatch(b, c)
	}
}

// decodeBatch decodes every envelope of the batch, checking the count.
func decodeBatch(b *testing.B, c *benchCorpus) {
	text := c.batch
	n := 0
	for len(text) > 0 {
		line := text
		if j := bytes.IndexByte(text, '\n'); j >= 0 {
			line, text = text[:j], text[j+1:]
		} else {
			text = nil
		}
		if len(line) == 0 {
			continue
		}
		if _, _, err := DecodeBody(line, c.key); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != c.meta.Batch.Count {
		b.Fatalf("decoded %d envelopes, want %d", n, c.meta.Batch.Count)
	}
}

// Hostile input fails fast: refusing 100,000-deep nesting or megabytes of
// garbage costs at most one copy of the input and a read up to the fault
// (the depth limit stops the parser at MaxDepth).
func BenchmarkRefuse(b *testing.B) {
	deep := []byte(`{"a":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`)
	garbage := []byte("{" + strings.Repeat("\x00garbage", 1<<19))
	binary := []byte(strings.Repeat("\xff\x00garbage", 1<<19))
	for _, in := range []struct {
		name string
		body []byte
	}{{"deep100k", deep}, {"garbage4MB", garbage}, {"binary5MB", binary}} {
		b.Run(in.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, _, err := DecodeBody(in.body, "K"); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}

// BenchmarkLimit is the floor under decode: crypto/md5 over the plaintext
// JSON and crypto/aes decrypting the ciphertext block by block (ECB), and
// nothing else, over the bytes of each class's envelopes. Decode cannot be
// faster than this with the standard library's primitives; make bench
// prints decode as a percentage of it.
func BenchmarkLimit(b *testing.B) {
	c := loadCorpus(b)
	for _, cls := range []string{"small", "medium", "large"} {
		b.Run(cls, func(b *testing.B) {
			type item struct {
				key       [16]byte
				plain, ct []byte
			}
			var items []item
			for _, env := range c.envs[cls] {
				e, err := ParseEnvelope(env)
				if err != nil {
					b.Fatal(err)
				}
				it := item{key: aesKey(e.MD5, c.key)}
				var bad *Error
				if it.ct, _, bad = decodeBase64(e.Data, true); bad != nil {
					b.Fatal(bad)
				}
				pt, _, bad := decryptECB(append([]byte(nil), it.ct...), &it.key)
				if bad != nil {
					b.Fatal(bad)
				}
				it.plain = pt
				items = append(items, it)
			}
			var buf []byte
			for _, it := range items {
				buf = slices.Grow(buf, len(it.ct))
			}
			b.SetBytes(int64(c.meta.Classes[cls].MeanPlainBytes))
			b.ResetTimer()
			var sink byte
			for i := 0; i < b.N; i++ {
				it := &items[i%len(items)]
				sum := md5.Sum(it.plain)
				block, _ := aes.NewCipher(it.key[:])
				buf = append(buf[:0], it.ct...)
				for j := 0; j+16 <= len(buf); j += 16 {
					block.Decrypt(buf[j:j+16], buf[j:j+16])
				}
				sink ^= sum[0] ^ buf[len(buf)-1]
			}
			if sink == 1<<7+1 {
				b.Log(sink) // keeps the work observable
			}
		})
	}
}
