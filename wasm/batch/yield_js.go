//go:build js && wasm

package batch

import (
	"context"
	"sync"
	"syscall/js"
)

var yielder struct {
	once sync.Once
	mu   sync.Mutex
	port js.Value
	done chan struct{}
}

// YieldToPage hands the thread to the page for one task, so it can paint
// and handle input, and returns when the page has had its turn or ctx is
// cancelled. In a browser it posts a message to itself through a
// MessageChannel and waits for it: unlike a timer, that is not held back
// by the 4 ms minimum browsers put on repeated timeouts. Elsewhere it only
// lets other goroutines run.
func YieldToPage(ctx context.Context) {
	y := &yielder
	y.once.Do(func() {
		y.done = make(chan struct{}, 1)
		ch := js.Global().Get("MessageChannel").New()
		ch.Get("port1").Set("onmessage", js.FuncOf(func(js.Value, []js.Value) any {
			select {
			case y.done <- struct{}{}:
			default:
			}
			return nil
		}))
		y.port = ch.Get("port2")
	})
	y.mu.Lock()
	defer y.mu.Unlock()
	y.port.Call("postMessage", nil)
	select {
	case <-y.done:
	case <-ctx.Done():
	}
}
