//go:build !js

package jsapi

// The JS API in real headless Chromium: a page script calls
// window.ottpay.decode and window.ottpay.encode of a wasm build that
// registers the API (testdata/harness), served on 127.0.0.1.
//
// With -browser.bench the test also times, in the same browser, the
// 10,000-callback batch of the peer-bench corpus through ottpay.decode and
// through the batch engine as the Batch page runs it, beside crypto-js (the
// peer pages use today) when the corpus folder has it (npm ci). It prints
// the figures; it asserts nothing about time.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ottpay-toolkit/ottpay/internal/chromiumtest"
	"github.com/ottpay-toolkit/ottpay/wasm/batch/batchtest"
)

var browserBench = flag.Bool("browser.bench", false, "time the peer-bench batch in headless Chromium and print the figures")

// buildHarness builds testdata/harness as js/wasm into dir.
func buildHarness(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "harness.wasm")
	cmd := exec.Command("go", "build", "-o", out, "./testdata/harness")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the wasm harness: %v\n%s", err, b)
	}
	return out
}

const harnessPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>ottpay js api</title>
<script>window.pageErrors = []; window.addEventListener('error', e => pageErrors.push(String(e.message)));</script>
<script src="/wasm_exec.js"></script>
%s
<script>
window.ready = (async () => {
  const go = new Go();
  const r = await WebAssembly.instantiateStreaming(fetch('/harness.wasm'), go.importObject);
  go.run(r.instance);
  while (!window.ottpay) await new Promise(res => setTimeout(res, 5));
  return true;
})();
</script></head><body></body></html>`

// serve serves the page, wasm_exec.js, the harness and extra files.
func serve(t *testing.T, wasm string, extraHead string, files map[string]string) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, harnessPage, extraHead)
	})
	files["/wasm_exec.js"] = filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js")
	files["/harness.wasm"] = wasm
	for route, path := range files {
		mux.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, path) })
	}
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return srv.URL
}

// open navigates to the page and waits for window.ottpay.
func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(wait, chromedp.Evaluate[bool](`window.ready`, chromedp.EvalAwaitPromise)); err != nil {
		errs, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.pageErrors`))
		t.Fatalf("the page did not register window.ottpay: %v (page errors: %v)", err, errs)
	}
}

// pageChecks is the page script: it calls the API as a page would, catching
// anything thrown, and returns what it saw.
const pageChecks = `(() => {
  const v = %s;
  const na = %s;
  const a = v.appendix_a, cb = v.callback;
  const envA = JSON.stringify(a.envelope), envCb = JSON.stringify(cb.envelope);
  const call = (f) => { try { return {value: f()}; } catch (e) { return {thrown: String(e)}; } };
  const cyclic = {}; cyclic.self = cyclic;
  const out = {
    version: ottpay.version,
    single: call(() => ottpay.decode(envA, a.sign_key)),
    map: call(() => ottpay.decode('log: ' + envA + '\n' + envCb, {QC00005496: a.sign_key, ON00004652: cb.sign_key})),
    wrongKey: call(() => ottpay.decode(envA, '0000000000000000')),
    noKey: call(() => ottpay.decode(envA)),
    textNumber: call(() => ottpay.decode(42, a.sign_key)),
    noArgs: call(() => ottpay.decode()),
    keysNumber: call(() => ottpay.decode(envA, 42)),
    keysFunction: call(() => ottpay.decode(envA, () => a.sign_key)),
    keysCyclic: call(() => ottpay.decode(envA, cyclic)),
    keysBigInt: call(() => ottpay.decode(envA, {QC00005496: 1n})),
    keysArray: call(() => ottpay.decode(envA, [a.sign_key])),
    encode: call(() => ottpay.encode({action: 'ACTIVEPAY', merchant_id: 'QC00005496', data: JSON.parse(a.plaintext), key: a.sign_key})),
    encodeText: call(() => ottpay.encode({action: 'ACTIVEPAY', merchant_id: 'QC00005496', data: a.plaintext, key: a.sign_key})),
    encodeCallback: call(() => ottpay.encode({kind: 'callback', rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: 'ON00004652', data: JSON.parse(cb.plaintext), key: cb.sign_key})),
    encodeString: call(() => ottpay.encode('ACTIVEPAY')),
    encodeNothing: call(() => ottpay.encode()),
    encodeNoKey: call(() => ottpay.encode({action: 'ACTIVEPAY', merchant_id: 'QC00005496', data: {a: 'b'}})),
    encodeBigInt: call(() => ottpay.encode({action: 'ACTIVEPAY', merchant_id: 'M', data: {a: 1n}, key: 'K'})),
  };
  // Reports holding text outside ASCII parse to what DecodeJSON's text,
  // handed over whole, parses to, member for member, in order: for a log
  // whose reports come in one piece and for one 300 times as long, whose
  // reports come in many, cut among characters of every length.
  out.nonASCII = call(() => [na.text, na.text.repeat(300)].map(text => {
    const got = JSON.stringify(ottpay.decode(text, na.keys));
    const want = JSON.stringify(JSON.parse(ottpayTestDecodeJSON(text, JSON.stringify(na.keys))));
    return {same: got === want, reports: JSON.parse(got).length, nonASCII: /[^\x00-\x7f]/.test(got), bytes: new TextEncoder().encode(want).length};
  }));
  const r = out.single.value;
  out.plain = Array.isArray(r) && Object.getPrototypeOf(r[0]) === Object.prototype && r[0].data !== null && Object.getPrototypeOf(r[0].data) === Object.prototype;
  out.errors = window.pageErrors;
  return out;
})()`

type called struct {
	Value  json.RawMessage `json:"value"`
	Thrown string          `json:"thrown"`
}

type pageResult struct {
	Version        string   `json:"version"`
	Single         called   `json:"single"`
	Map            called   `json:"map"`
	WrongKey       called   `json:"wrongKey"`
	NoKey          called   `json:"noKey"`
	TextNumber     called   `json:"textNumber"`
	NoArgs         called   `json:"noArgs"`
	KeysNumber     called   `json:"keysNumber"`
	KeysFunction   called   `json:"keysFunction"`
	KeysCyclic     called   `json:"keysCyclic"`
	KeysBigInt     called   `json:"keysBigInt"`
	KeysArray      called   `json:"keysArray"`
	Encode         called   `json:"encode"`
	EncodeText     called   `json:"encodeText"`
	EncodeCallback called   `json:"encodeCallback"`
	EncodeString   called   `json:"encodeString"`
	EncodeNothing  called   `json:"encodeNothing"`
	EncodeNoKey    called   `json:"encodeNoKey"`
	EncodeBigInt   called   `json:"encodeBigInt"`
	NonASCII       called   `json:"nonASCII"`
	Plain          bool     `json:"plain"`
	Errors         []string `json:"errors"`
}

func TestBrowser(t *testing.T) {
	ctx := chromiumtest.New(t)
	wasm := buildHarness(t, t.TempDir())
	files := map[string]string{}
	head := ""
	if *browserBench {
		corpus := batchtest.Corpus(t)
		files["/batch10k.jsonl"] = filepath.Join(corpus, "batch10k.jsonl")
		kit := filepath.Dir(corpus)
		if cjs := cryptoJS(t, kit); cjs != "" {
			files["/crypto-js.js"] = cjs
			files["/codec_cryptojs.js"] = filepath.Join(kit, "js", "codec_cryptojs.js")
			head = `<script src="/crypto-js.js"></script><script src="/codec_cryptojs.js"></script>`
		}
	}
	url := serve(t, wasm, head, files)
	open(t, ctx, url)

	vec, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[pageResult](fmt.Sprintf(pageChecks, vec, nonASCII(t))))
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, res)
	if *browserBench {
		benchPage(t, ctx)
	}
}

func checkPage(t *testing.T, res pageResult) {
	t.Helper()
	a, cb := vectors(t)
	if len(res.Errors) > 0 {
		t.Errorf("page errors: %v", res.Errors)
	}
	if res.Version != Version {
		t.Errorf("ottpay.version = %q, want %q", res.Version, Version)
	}
	if !res.Plain {
		t.Error("decode did not return plain arrays and objects")
	}
	var thrown []string
	for name, c := range map[string]called{
		"single": res.Single, "map": res.Map, "wrongKey": res.WrongKey, "noKey": res.NoKey,
		"textNumber": res.TextNumber, "noArgs": res.NoArgs, "keysNumber": res.KeysNumber,
		"keysFunction": res.KeysFunction, "keysCyclic": res.KeysCyclic, "keysBigInt": res.KeysBigInt,
		"keysArray": res.KeysArray, "encode": res.Encode, "encodeText": res.EncodeText,
		"encodeCallback": res.EncodeCallback, "encodeString": res.EncodeString,
		"encodeNothing": res.EncodeNothing, "encodeNoKey": res.EncodeNoKey, "encodeBigInt": res.EncodeBigInt,
		"nonASCII": res.NonASCII,
	} {
		if c.Thrown != "" {
			thrown = append(thrown, name+": "+c.Thrown)
		}
	}
	if len(thrown) > 0 {
		t.Fatalf("the API threw instead of returning an error: %v", thrown)
	}

	// The Appendix A example decodes and verifies, with one key or a map.
	single := reports(t, res.Single.Value)
	if len(single) != 1 || single[0]["verified"] != true || single[0]["kind"] != "request" ||
		!jsonEqual(single[0]["data"], a.Plaintext) {
		t.Errorf("decode(Appendix A, key) = %v", single)
	}
	both := reports(t, res.Map.Value)
	if len(both) != 2 || both[0]["verified"] != true || both[1]["verified"] != true || !jsonEqual(both[1]["data"], cb.Plaintext) {
		t.Errorf("decode(two envelopes, key map) = %v", both)
	}
	// Failures and bad arguments come back as reports with an error.
	for name, tc := range map[string]struct {
		c    called
		want string
	}{
		"wrong key":     {res.WrongKey, "padding"},
		"no key":        {res.NoKey, "sign key"},
		"text a number": {res.TextNumber, "got a number"},
		"no arguments":  {res.NoArgs, "got nothing"},
		"keys a number": {res.KeysNumber, "got a number"},
		"keys function": {res.KeysFunction, "got a function"},
		"keys cyclic":   {res.KeysCyclic, "cannot be converted to JSON"},
		"keys BigInt":   {res.KeysBigInt, "cannot be converted to JSON"},
		"keys an array": {res.KeysArray, "got an array"},
	} {
		rs := reports(t, tc.c.Value)
		if msg, _ := rs[0]["error"].(string); !strings.Contains(msg, tc.want) || rs[0]["verified"] != false {
			t.Errorf("%s: %v, want an error mentioning %q", name, rs[0], tc.want)
		}
	}

	var na []struct {
		Same     bool `json:"same"`
		Reports  int  `json:"reports"`
		NonASCII bool `json:"nonASCII"`
		Bytes    int  `json:"bytes"`
	}
	if err := json.Unmarshal(res.NonASCII.Value, &na); err != nil || len(na) != 2 {
		t.Fatalf("decode of testdata/nonascii.log: %s (%v)", res.NonASCII.Value, err)
	}
	for i, want := range []int{11, 300 * 11} {
		if !na[i].Same || na[i].Reports != want || !na[i].NonASCII {
			t.Errorf("decode of testdata/nonascii.log, %d reports: %+v; want the reports DecodeJSON's text parses to, with their text outside ASCII", want, na[i])
		}
	}
	if na[1].Bytes < 4*parsePiece {
		t.Errorf("the long log's reports are %d bytes of JSON, too few to cross in several pieces of %d", na[1].Bytes, parsePiece)
	}

	// encode reproduces the published envelopes.
	for name, c := range map[string]called{"data object": res.Encode, "data text": res.EncodeText} {
		e := envelope(t, c.Value)
		if e["data"] != a.Envelope["data"] || e["md5"] != a.Envelope["md5"] || e["action"] != "ACTIVEPAY" || e["version"] != "1.0" {
			t.Errorf("encode(Appendix A, %s) = %v, want %v", name, e, a.Envelope)
		}
	}
	if e := envelope(t, res.EncodeCallback.Value); e["data"] != cb.Envelope["data"] || e["md5"] != cb.Envelope["md5"] {
		t.Errorf("encode(callback) = %v, want %v", e, cb.Envelope)
	}
	for name, tc := range map[string]struct {
		c    called
		want string
	}{
		"a string": {res.EncodeString, "pass one object"},
		"nothing":  {res.EncodeNothing, "pass one object"},
		"no key":   {res.EncodeNoKey, "key is missing"},
		"BigInt":   {res.EncodeBigInt, "cannot be converted to JSON"},
	} {
		var e map[string]string
		if err := json.Unmarshal(tc.c.Value, &e); err != nil || len(e) != 1 || !strings.Contains(e["error"], tc.want) {
			t.Errorf("encode(%s) = %s, want {error} mentioning %q", name, tc.c.Value, tc.want)
		}
	}
}

// nonASCII returns testdata/nonascii.log and its keys as a JSON object
// {text, keys} for the page script.
func nonASCII(t *testing.T) []byte {
	text, keys := readNonASCII(t)
	b, err := json.Marshal(map[string]any{"text": string(text), "keys": json.RawMessage(keys)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonEqual reports whether v, decoded from JSON, equals the JSON text s.
func jsonEqual(v any, s string) bool {
	var w any
	if json.Unmarshal([]byte(s), &w) != nil {
		return false
	}
	a, _ := json.Marshal(v)
	b, _ := json.Marshal(w)
	return string(a) == string(b)
}

// cryptoJS returns the path of crypto-js in the kit copy of the corpus,
// installing it with npm ci when missing; "" when that fails.
func cryptoJS(t *testing.T, kit string) string {
	path := filepath.Join(kit, "node_modules", "crypto-js", "crypto-js.js")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	cmd := exec.Command("npm", "ci", "--silent")
	cmd.Dir = kit
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Logf("crypto-js not measured: npm ci in %s failed: %v\n%s", kit, err, out)
		return ""
	}
	return path
}

// benchScript times the batch in the page; every figure is in milliseconds.
const benchScript = `(async () => {
  const text = await (await fetch('/batch10k.jsonl')).text();
  const keys = %s, key = %q;
  const out = {bytes: text.length};
  const median = (xs) => xs.slice().sort((p, q) => p - q)[xs.length >> 1];
  const time = (f) => { const t0 = performance.now(); const r = f(); return [performance.now() - t0, r]; };
  const timeAsync = async (f) => { const t0 = performance.now(); const r = await f(); return [performance.now() - t0, r]; };
  const rounds = 7;
  const keysJSON = JSON.stringify(keys);
  const bytes = new TextEncoder().encode(text);

  // The three contenders, each run once to warm up and check its output.
  // ottpay.decode: text to Go, scan, decode, reports as JSON, JSON.parse.
  const apiDecode = () => ottpay.decode(text, keys);
  // The batch engine as the Batch page runs it on an opened file: the
  // bytes copied into Go, chunks of 500, the page given a turn between.
  const engine = () => ottpayTestBatch(bytes, keysJSON, 500, 0);
  // crypto-js, as the peer kit's browser harness runs it.
  let cryptojs = null;
  if (window.OttCodecCryptoJS) {
    const codec = OttCodecCryptoJS.makeCodec(key);
    cryptojs = () => { let n = 0; for (const l of text.split('\n')) { if (!l) continue; codec.decode(l); n++; } return n; };
    out.cryptojsCount = cryptojs();
  }
  const rs = apiDecode();
  out.reports = rs.length; out.verified = rs.filter(r => r.verified).length;
  out.sameAsDecodeJSON = JSON.stringify(rs) === JSON.stringify(JSON.parse(ottpayTestDecodeJSON(text, keysJSON)));
  out.engine = await engine();

  // Rounds interleave the contenders, so load on the machine falls on all
  // of them alike; the figures are medians over the rounds.
  const d = [], e = [], c = [];
  for (let i = 0; i < rounds; i++) {
    d.push(time(apiDecode)[0]);
    e.push((await timeAsync(engine))[0]);
    if (cryptojs) c.push(time(cryptojs)[0]);
  }
  out.decodeMs = median(d); out.engineMs = median(e);
  if (cryptojs) {
    out.cryptojsMs = median(c);
    out.ratioDecode = median(c.map((ci, i) => ci / d[i]));
    out.ratioEngine = median(c.map((ci, i) => ci / e[i]));
  }

  // Where ottpay.decode spends its time.
  const l = []; for (let i = 0; i < rounds; i++) l.push(time(() => ottpayTestDecodeLen(text, keys))[0]);
  out.decodeLenMs = median(l);
  const json = JSON.stringify(rs);
  const p = []; for (let i = 0; i < rounds; i++) p.push(time(() => JSON.parse(json))[0]);
  out.parseMs = median(p);
  const rd = []; for (let i = 0; i < rounds; i++) rd.push(time(() => ottpayTestRead(text))[0]);
  out.readMs = median(rd);
  out.stages = ottpayTestStages(text, keysJSON);
  return out;
})()`

type benchResult struct {
	Bytes       int     `json:"bytes"`
	Reports     int     `json:"reports"`
	Verified    int     `json:"verified"`
	DecodeMs    float64 `json:"decodeMs"`
	DecodeLenMs float64 `json:"decodeLenMs"`
	ParseMs     float64 `json:"parseMs"`
	ReadMs      float64 `json:"readMs"`
	EngineMs    float64 `json:"engineMs"`
	Engine      struct {
		Verified      int    `json:"verified"`
		ProgressCalls int    `json:"progressCalls"`
		Error         string `json:"error"`
	} `json:"engine"`
	Stages struct {
		ReadMs       float64 `json:"readMs"`
		ScanMs       float64 `json:"scanMs"`
		DecodeMs     float64 `json:"decodeMs"`
		DecodeJSONMs float64 `json:"decodeJSONMs"`
		OutBytes     int     `json:"outBytes"`
		GCs          int     `json:"gcs"`
	} `json:"stages"`
	CryptoJSCount int     `json:"cryptojsCount"`
	CryptoJSMs    float64 `json:"cryptojsMs"`
	RatioDecode   float64 `json:"ratioDecode"`
	RatioEngine   float64 `json:"ratioEngine"`
	// SameAsDecodeJSON: the reports are what DecodeJSON's text parses to.
	SameAsDecodeJSON bool `json:"sameAsDecodeJSON"`
}

func benchPage(t *testing.T, ctx context.Context) {
	keys, _ := json.Marshal(batchtest.Keys())
	res, err := chromedp.Run(ctx, chromedp.Evaluate[benchResult](fmt.Sprintf(benchScript, keys, batchtest.SignKey), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if res.Reports != batchtest.BatchCount || res.Verified != batchtest.BatchCount || res.Engine.Verified != batchtest.BatchCount || res.Engine.Error != "" {
		t.Errorf("batch in the browser: %d reports, %d verified; engine %+v", res.Reports, res.Verified, res.Engine)
	}
	if !res.SameAsDecodeJSON {
		t.Error("batch in the browser: ottpay.decode's reports differ from what DecodeJSON's text parses to")
	}
	t.Logf("peer-bench batch10k (%d envelopes, %.1f MB) in headless Chromium, medians of 7 interleaved rounds:", res.Reports, float64(res.Bytes)/1e6)
	t.Logf("  batch engine on the file's bytes (%d chunks, the page given a turn between): %5.0f ms", res.Engine.ProgressCalls, res.EngineMs)
	t.Logf("  ottpay.decode(text, keys), reports as JS objects:                      %5.0f ms", res.DecodeMs)
	if res.CryptoJSMs > 0 {
		t.Logf("  crypto-js peer (split lines, decode, md5 check):                        %5.0f ms", res.CryptoJSMs)
		t.Logf("  crypto-js time / batch engine time = %.2fx; / ottpay.decode time = %.2fx (medians of per-round ratios)", res.RatioEngine, res.RatioDecode)
	}
	// The stages are run apart, by the harness's own means: the text read
	// into Go through a JavaScript array, and the reports' JSON made and
	// parsed as one text, where ottpay.decode reads straight into Go
	// memory and parses its reports in arrays of about 48 KB as they are
	// made.
	t.Logf("  its stages run apart: text into Go %.0f ms; in Go: scan %.0f ms, decrypt+verify+report %.0f ms, DecodeJSON as a whole %.0f ms (%d GCs); text into Go and DecodeJSON %.0f ms; JSON.parse of the %.1f MB of reports as one text %.0f ms",
		res.ReadMs, res.Stages.ScanMs, res.Stages.DecodeMs, res.Stages.DecodeJSONMs, res.Stages.GCs, res.DecodeLenMs, float64(res.Stages.OutBytes)/1e6, res.ParseMs)

}
