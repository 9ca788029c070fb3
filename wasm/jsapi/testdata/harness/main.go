//go:build js && wasm

// The page program of the browser tests (browser_test.go): window.ottpay as
// the app registers it, plus two test-only functions that time the batch
// engine as the Batch page runs it and the stages of a decode.
package main

import (
	"context"
	"syscall/js"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
	"github.com/ottpay-toolkit/ottpay/wasm/batch"
	"github.com/ottpay-toolkit/ottpay/wasm/jsapi"
)

func main() {
	jsapi.Register()
	// ottpayTestBatch(text, keysJSON, chunk, pauseMs) -> Promise of
	// {verified, notVerified, failed, noData, progressCalls}.
	js.Global().Set("ottpayTestBatch", js.FuncOf(func(_ js.Value, args []js.Value) any {
		text := []byte(args[0].String())
		keys, err := report.ParseKeys([]byte(args[1].String()))
		if err != nil {
			return err.Error()
		}
		opt := batch.Options{Keys: keys, Chunk: args[2].Int(), Pause: time.Duration(args[3].Float() * float64(time.Millisecond))}
		return promise(func(resolve js.Value) {
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
			resolve.Invoke(out)
		})
	}))
	// ottpayTestStages(text, keysJSON) -> milliseconds spent scanning,
	// decoding (decrypt + verify + report) and writing report JSON.
	js.Global().Set("ottpayTestStages", js.FuncOf(func(_ js.Value, args []js.Value) any {
		text := []byte(args[0].String())
		keys, _ := report.ParseKeys([]byte(args[1].String()))
		t0 := time.Now()
		found := scan.Scan(text)
		t1 := time.Now()
		reps := make([]report.Report, len(found))
		for i, f := range found {
			reps[i] = report.Decode(f, keys)
		}
		t2 := time.Now()
		var out []byte
		for i := range reps {
			out = reps[i].AppendJSON(out[:0])
		}
		t3 := time.Now()
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
		return map[string]any{"envelopes": len(found), "scanMs": ms(t1.Sub(t0)), "decodeMs": ms(t2.Sub(t1)), "jsonMs": ms(t3.Sub(t2))}
	}))
	select {}
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
