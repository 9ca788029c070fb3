//go:build ignore

// gen_sample writes sample.log and sample.expected.jsonl from the peer-bench
// corpus: the first 40 callbacks of batch10k.jsonl as log lines between
// other lines, then four crafted cases (a tampered amount, a failure
// response without data, a merchant whose key is not given, data cut
// short), and the decrypted objects the corpus expects for the 40.
//
//	go run ./wasm/batch/testdata/gen_sample.go CORPUS_DIR wasm/batch/testdata
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
)

const key = "6698851A525C9433"

func main() {
	corpus := os.Args[1]
	out := os.Args[2]
	f, _ := os.Open(corpus + "/batch10k.jsonl")
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var envs []string
	for sc.Scan() && len(envs) < 40 {
		envs = append(envs, sc.Text())
	}
	ex, _ := os.Open(corpus + "/expected_check.txt")
	es := bufio.NewScanner(ex)
	es.Buffer(nil, 16<<20)
	var exp []string
	for es.Scan() && len(exp) < 40 {
		if l, ok := strings.CutPrefix(es.Text(), "D batch "); ok {
			_, obj, _ := strings.Cut(l, " ")
			exp = append(exp, obj)
		}
	}
	var b strings.Builder
	b.WriteString("# ottpay notify handler, excerpt\n2024-05-01 10:22:00 INFO  server started on :8443\n")
	for i, e := range envs {
		fmt.Fprintf(&b, "2024-05-01 10:22:%02d INFO  [notify-%d] body=%s\n", i%60, i, e)
		if i%9 == 4 {
			b.WriteString("2024-05-01 10:22:30 DEBUG [notify] replied SUCCESS\n")
		}
	}
	// Not verified: the amount changed after signing, re-encrypted with the same md5.
	env, err := codec.ParseEnvelope([]byte(envs[0]))
	must(err)
	op, err := env.Open(key)
	must(err)
	op.Object.SetString("amount", "1")
	env.Data, err = codec.EncryptData(codec.AESKey(env.MD5, key), op.Object.AppendJSON(nil))
	must(err)
	tampered, err := env.MarshalJSON()
	must(err)
	fmt.Fprintf(&b, "2024-05-01 10:23:01 WARN  [notify-tampered] body=%s\n", tampered)
	// No data: a failure response.
	b.WriteString(`2024-05-01 10:23:02 INFO  [query] response={"rsp_code":"FAIL","rsp_msg":"merchant does not exist"}` + "\n")
	// Failed: a merchant with no key in the vault, signed with another key.
	o := &codec.Object{}
	o.SetString("order_id", "99990001")
	o.SetString("amount", "500")
	o.SetString("merchant_id", "ZZ00000001")
	other := &codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "success", MerchantID: "ZZ00000001"}
	must(other.Seal(o, "0123456789ABCDEF", codec.RuleStrings))
	ob, err := other.MarshalJSON()
	must(err)
	fmt.Fprintf(&b, "2024-05-01 10:23:03 INFO  [notify-x] body=%s\n", ob)
	// Failed: data cut short in the copy (ciphertext not a multiple of 16).
	cut := strings.Replace(envs[1], `","md5"`, `AAAA","md5"`, 1)
	fmt.Fprintf(&b, "2024-05-01 10:23:04 INFO  [notify-cut] body=%s\n", cut)
	b.WriteString("2024-05-01 10:23:05 INFO  shutting down\n")
	must(os.WriteFile(out+"/sample.log", []byte(b.String()), 0o644))
	must(os.WriteFile(out+"/sample.expected.jsonl", []byte(strings.Join(exp, "\n")+"\n"), 0o644))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
