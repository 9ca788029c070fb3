//go:build !(js && wasm)

package batch

import (
	"context"
	"runtime"
)

// YieldToPage hands the thread to the page for one task, so it can paint
// and handle input, and returns when the page has had its turn or ctx is
// cancelled. In a browser it posts a message to itself through a
// MessageChannel and waits for it: unlike a timer, that is not held back
// by the 4 ms minimum browsers put on repeated timeouts. Elsewhere it only
// lets other goroutines run.
func YieldToPage(ctx context.Context) { runtime.Gosched() }
