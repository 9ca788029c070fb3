//go:build wasm

package ui

import (
	"context"
	"errors"
	"syscall/js"
)

// defaultFetch makes a request with the browser's fetch: same origin,
// no cache, aborted when ctx ends.
func defaultFetch(ctx context.Context, method, url string, body []byte) (FetchAnswer, error) {
	g := js.Global()
	opts := g.Get("Object").New()
	opts.Set("method", method)
	opts.Set("credentials", "same-origin")
	opts.Set("cache", "no-store")
	headers := g.Get("Object").New()
	headers.Set("Accept", "application/json")
	if body != nil {
		headers.Set("Content-Type", "application/json")
		opts.Set("body", string(body))
	}
	opts.Set("headers", headers)
	abort := g.Get("AbortController").New()
	opts.Set("signal", abort.Get("signal"))

	type result struct {
		a   FetchAnswer
		err error
	}
	// Exactly one of the callbacks below sends, once.
	done := make(chan result, 1)
	var a FetchAnswer
	var onResponse, onText, onError js.Func
	onError = js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "the request failed"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		done <- result{err: errors.New(msg)}
		return nil
	})
	onText = js.FuncOf(func(_ js.Value, args []js.Value) any {
		a.Body = []byte(args[0].String())
		done <- result{a: a}
		return nil
	})
	onResponse = js.FuncOf(func(_ js.Value, args []js.Value) any {
		r := args[0]
		a.Status = r.Get("status").Int()
		if v := r.Get("headers").Call("get", SandboxHeader); v.Type() == js.TypeString {
			a.Sandbox = v.String()
		}
		r.Call("text").Call("then", onText, onError)
		return nil
	})
	defer func() {
		onResponse.Release()
		onText.Release()
		onError.Release()
	}()
	g.Call("fetch", url, opts).Call("then", onResponse, onError)
	select {
	case r := <-done:
		return r.a, r.err
	case <-ctx.Done():
		// The abort settles the promise: wait for it, so that no
		// callback runs after its release.
		abort.Call("abort")
		<-done
		return FetchAnswer{}, ctx.Err()
	}
}
