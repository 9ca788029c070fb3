//go:build ignore

// gen_nonascii writes nonascii.log and nonascii.keys.json: envelopes whose
// decrypted data, member names, envelope members, warnings and errors hold
// text outside ASCII (CJK, accented Latin, a character beyond U+FFFF, the
// line and paragraph separators, C1 controls), between log lines that hold
// such text too, one envelope with bytes that are not UTF-8, and three
// whose decrypted text is not in the form codec writes it. The tests check
// that the reports ottpay.decode hands to JavaScript are the same JSON as
// the reports' own.
//
//	go run ./wasm/jsapi/testdata/gen_nonascii.go wasm/jsapi/testdata
package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
)

const (
	keyA = "6698851A525C9433"
	keyB = "A8B5FE540E38A5A9"
)

func seal(e *codec.Envelope, data, key string, rule codec.Rule) string {
	o, err := codec.ParseObject([]byte(data))
	if err != nil {
		panic(err)
	}
	if err := e.Seal(o, key, rule); err != nil {
		panic(err)
	}
	b, err := e.MarshalJSON()
	if err != nil {
		panic(err)
	}
	return string(b)
}

// sealText seals the transaction data as the text given, byte for byte,
// where Seal encrypts the text codec writes for the object.
func sealText(e *codec.Envelope, text, key string) string {
	o, err := codec.ParseObject([]byte(text))
	if err != nil {
		panic(err)
	}
	rule := codec.RuleStrings
	for _, m := range o.Members {
		if m.Value.Kind != codec.KindString {
			rule = codec.RuleJS
		}
	}
	md5, err := codec.Digest(o, rule)
	if err != nil {
		panic(err)
	}
	data, err := codec.EncryptData(codec.AESKey(md5, key), []byte(text))
	if err != nil {
		panic(err)
	}
	e.MD5, e.Data, e.HasMD5, e.HasData = md5, data, true, true
	b, err := e.MarshalJSON()
	if err != nil {
		panic(err)
	}
	return string(b)
}

func main() {
	dir := os.Args[1]
	cb := func(merchant, data, key string) string {
		return seal(&codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "成功 réussi", MerchantID: merchant}, data, key, codec.RuleStrings)
	}
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	add("# 通知日志 — journal des rappels, excerpt ✓")
	add("2024-05-01 10:22:00 INFO  [notify] body=" + cb("ON00004652",
		`{"amount":"114886","merchant_name":"枫叶零售有限公司（温哥华列治文店）","remarks":"礼品包装，不要放发票。\n谢谢","order_id":"20240106044156286"}`, keyA))
	add(cb("QC00005496",
		`{"amount":"250","shop_address":"Café Olé, 1234 rue Saint-Émile, Montréal (Québec) — « près du métro »","emoji":"😀 👍🏽 𝄞","separators":"a\u2028b\u2029c","c1":"\u0085\u009f\u00a0\u00ff","order_id":"A-1"}`, keyA))
	// Member names outside ASCII; a value that is not a string, under a
	// rule that is not the documented one.
	add("POST /notify " + seal(&codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "ok", MerchantID: "BC00013370"},
		`{"名前":"山田 太郎","Größe":1.5,"order_id":"Ω-42","nested":{"ключ":"значение","list":["α","β",null,true]}}`, keyB, codec.RuleJS))
	// A request of an action the catalogue does not know, named outside
	// ASCII: its warning quotes the name.
	add(seal(&codec.Envelope{Kind: codec.Request, Action: "支付", Version: "1.0", MerchantID: "ON00004652"},
		`{"order_id":"请求-1","amount":"1"}`, keyA, codec.RuleStrings))
	// A response code outside Appendix B, spelt outside ASCII.
	add(seal(&codec.Envelope{Kind: codec.Response, RspCode: "ÉCHEC", RspMsg: "échec — 失败"},
		`{"order_id":"R-1","message":"Paiement refusé"}`, keyA, codec.RuleStrings))
	// A merchant without a key of its own: the error names it.
	add(cb("ΜΕΡΧ-1", `{"order_id":"N-1"}`, keyB))
	// A member sent twice, outside ASCII: a broken envelope.
	add(`{"rsp_code":"SUCCESS","rsp_msg":"重复","rsp_msg":"dup","merchant_id":"ON00004652","data":"AAAA","md5":"00"}`)
	// Bytes that are not UTF-8 inside an envelope and around it.
	add("bad bytes \xff\xfe here " + `{"rsp_code":"SUCC` + "\xc3\x28" + `ESS","rsp_msg":"caf` + "\xe9" + `","merchant_id":"ON00004652","data":"AAAA","md5":"00"}`)
	// Decrypted texts that are not in the form codec writes them
	// (JSON.stringify's): whitespace between the tokens, \u escapes of
	// characters inside and outside ASCII, an escaped slash.
	add(sealText(&codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "ok", MerchantID: "ON00004652"},
		"{\n  \"order_id\": \"P-1\",\n  \"remarks\": \"pretty-printed, 枫叶\"\n}", keyA))
	add(sealText(&codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "ok", MerchantID: "QC00005496"},
		`{"order_id":"E-1","remarks":"caf\u00e9 \u67ab\u53f6 \ud83d\ude00 a\u2028b \u0001","url":"https:\/\/example.com\/x"}`, keyA))
	add(sealText(&codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "ok", MerchantID: "BC00013370"},
		`{"order_id":"N-2","amount":1.50,"list":[1, 2,"x"],"nested":{"a" : "b"}}`, keyB))
	add("fin — 完")
	keys := `{"ON00004652":"` + keyA + `","QC00005496":"` + keyA + `","BC00013370":"` + keyB + `"}` + "\n"
	must(os.WriteFile(filepath.Join(dir, "nonascii.log"), []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "nonascii.keys.json"), []byte(keys), 0o644))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
