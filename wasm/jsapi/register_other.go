//go:build !(js && wasm)

package jsapi

// Register does nothing outside the browser: window.ottpay exists only in
// the js/wasm build. It lets the app's main package, which is also built
// natively for its server, call Register unconditionally.
func Register() {}
