//go:build js && wasm

// The page program of the browser tests (browser_test.go): window.ottpay as
// the app registers it, plus two test-only functions that time the batch
// engine as the Batch page runs it and the stages of a decode.
package main

import (
	"context"
	"runtime"
	"strings"
	"syscall/js"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
	"github.com/ottpay-toolkit/ottpay/wasm/batch"
	"github.com/ottpay-toolkit/ottpay/wasm/jsapi"
)

func main() {
	jsapi.Register()
	// ottpayTestBatch(bytes, keysJSON, chunk, pauseMs) -> Promise of
	// {verified, notVerified, failed, noData, progressCalls}: the batch
	// engine over a Uint8Array (a file the page opened), yielding with
	// YieldToPage, or sleeping pauseMs when it is positive.
	js.Global().Set("ottpayTestBatch", js.FuncOf(func(_ js.Value, args []js.Value) any {
		text := make([]byte, args[0].Length())
		js.CopyBytesToGo(text, args[0])
		keys, err := report.ParseKeys([]byte(args[1].String()))
		if err != nil {
			return err.Error()
		}
		opt := batch.Options{Keys: keys, Chunk: args[2].Int(), Yield: batch.YieldToPage}
		if p := args[3].Float(); p > 0 {
			opt.Yield, opt.Pause = nil, time.Duration(p*float64(time.Millisecond))
		}
		return promise(func(resolve js.Value) {
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			calls := 0
			opt.Progress = func(batch.Progress) { calls++ }
			res, err := batch.DecodeText(context.Background(), text, opt)
			out := map[string]any{
				"verified": res.Counts.Verified, "notVerified": res.Counts.NotVerified,
				"failed": res.Counts.Failed, "noData": res.Counts.NoData, "progressCalls": calls,
			}
			if err != nil {
				out["error"] = err.Error()
			}
			runtime.ReadMemStats(&m1)
			out["gcs"] = int(m1.NumGC - m0.NumGC)
			out["gcPauseMs"] = float64(m1.PauseTotalNs-m0.PauseTotalNs) / 1e6
			out["heapMB"] = float64(m1.HeapAlloc) / 1e6
			resolve.Invoke(out)
		})
	}))
	// ottpayTestStages(text, keysJSON) -> milliseconds spent, in Go, on
	// the stages of ottpay.decode: reading the text from JavaScript,
	// scanning, decrypting + verifying + reporting, and the whole
	// DecodeJSON; with the garbage collections run.
	js.Global().Set("ottpayTestStages", js.FuncOf(func(_ js.Value, args []js.Value) any {
		var ms0, ms1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		t0 := time.Now()
		text := string(textBytes(args[0]))
		keys, _ := report.ParseKeys([]byte(args[1].String()))
		t1 := time.Now()
		var found []scan.Found
		sr := scan.NewReader(strings.NewReader(text))
		for {
			f, err := sr.Next()
			if err != nil {
				break
			}
			found = append(found, f)
		}
		t2 := time.Now()
		for _, f := range found {
			report.Decode(f, keys)
		}
		t3 := time.Now()
		found = nil
		out := jsapi.DecodeJSON([]byte(text), []byte(args[1].String()))
		t4 := time.Now()
		runtime.ReadMemStats(&ms1)
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
		return map[string]any{
			"readMs": ms(t1.Sub(t0)), "scanMs": ms(t2.Sub(t1)), "decodeMs": ms(t3.Sub(t2)),
			"decodeJSONMs": ms(t4.Sub(t3)), "outBytes": len(out), "gcs": int(ms1.NumGC - ms0.NumGC),
		}
	}))
	// ottpayTestDecodeJSON(text, keysJSON) is the JSON text of
	// jsapi.DecodeJSON as a string, handed over as any Go string is: what
	// ottpay.decode's reports must parse to, whatever it hands over.
	js.Global().Set("ottpayTestDecodeJSON", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return string(jsapi.DecodeJSON(textBytes(args[0]), []byte(args[1].String())))
	}))
	// ottpayTestRead(text) reads the text into Go by the copy that
	// ottpay.decode falls back to for text that is not ASCII (its ASCII
	// path writes straight into Go's memory, register_js.go) and returns
	// its length.
	js.Global().Set("ottpayTestRead", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return len(textBytes(args[0]))
	}))
	// ottpayTestDecodeLen(text, keys) is ottpay.decode without turning its
	// JSON into objects: the length of the JSON text.
	js.Global().Set("ottpayTestDecodeLen", js.FuncOf(func(_ js.Value, args []js.Value) any {
		keys := js.Global().Get("JSON").Call("stringify", args[1]).String()
		return len(jsapi.DecodeJSON(textBytes(args[0]), []byte(keys)))
	}))
	select {}
}

// textBytes reads a JavaScript string by the copy ottpay.decode falls
// back to (a copy of register_js.go's fallback: this harness is a program
// of its own and cannot reach the package's unexported functions).
func textBytes(v js.Value) []byte {
	n := js.Global().Get("String").New(v).Get("length").Int() // Length and Get panic on a string
	enc := js.Global().Get("TextEncoder").New()
	buf := js.Global().Get("Uint8Array").New(3 * n)
	res := enc.Call("encodeInto", v, buf)
	out := make([]byte, res.Get("written").Int())
	js.CopyBytesToGo(out, buf)
	return out
}

// promise runs work on a goroutine and returns a Promise it resolves.
func promise(work func(resolve js.Value)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve := args[0]
		go func() {
			defer executor.Release()
			work(resolve)
		}()
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}
