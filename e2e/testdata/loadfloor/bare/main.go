// Command bare is the smallest Go program that counts as usable to
// BenchmarkLoad: it marks the server-rendered page ready through
// syscall/js, with no UI library. Its load time is the floor any program
// built by this Go has on the machine.
package main

import "syscall/js"

func main() {
	cards := js.Global().Get("document").Call("getElementById", "cards")
	cards.Get("dataset").Set("vault", "ready")
	select {}
}
