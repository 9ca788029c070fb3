//go:build js && wasm

package jsapi

import (
	"bytes"
	"strings"
	"syscall/js"
	"testing"
)

// Run with GOOS=js GOARCH=wasm go test -exec "$(go env GOROOT)/lib/wasm/go_js_wasm_exec"
// (node): the parts of register_js.go that lean on how syscall/js and
// wasm_exec.js work.

// goBytes gives a Uint8Array over the Go slice itself: what JavaScript
// writes into it lands in the slice, and it is exactly as long.
func TestGoBytesViewsTheSlice(t *testing.T) {
	for _, n := range []int{1, 7, 4096, 1 << 20} {
		b := make([]byte, n)
		view, ok := goBytes(b)
		if !ok {
			t.Fatalf("no view of a slice of %d bytes", n)
		}
		if view.Length() != n {
			t.Errorf("view of %d bytes for a slice of %d", view.Length(), n)
		}
		view.SetIndex(0, 42)
		if b[0] != 42 {
			t.Errorf("a write into the first byte of the view of %d bytes did not land in the slice", n)
		}
		view.SetIndex(n-1, 43)
		if b[n-1] != 43 {
			t.Errorf("a write into the last byte of the view of %d bytes did not land in the slice", n)
		}
	}
}

// textBytes reads a JavaScript string as TextEncoder encodes it: ASCII
// straight into Go memory, anything else (text outside ASCII, a lone
// surrogate, which becomes U+FFFD) through a JavaScript array.
func TestTextBytes(t *testing.T) {
	for _, s := range []string{
		"",
		"a",
		`{"rsp_code":"SUCCESS","data":"AAAA"}` + "\n",
		strings.Repeat("0123456789abcdef", 1<<16),
		"café 枫叶 😀",
		strings.Repeat("x", 1000) + "é",
	} {
		if got := textBytes(js.ValueOf(s)); !bytes.Equal(got, []byte(s)) {
			t.Errorf("textBytes(%.40q...) = %.40q..., %d bytes; want %d", s, got, len(got), len(s))
		}
	}
	lone := js.Global().Get("String").Call("fromCharCode", 0x61, 0xD800, 0x62)
	if got := textBytes(lone); string(got) != "a\uFFFDb" {
		t.Errorf("textBytes of a lone surrogate = %q, want %q", got, "a\uFFFDb")
	}
}
