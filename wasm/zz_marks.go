//go:build wasm

package main

import "syscall/js"

func init() { mark("go-init") }

func mark(s string) { js.Global().Get("performance").Call("mark", s) }
