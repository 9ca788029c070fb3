//go:build js && wasm

package jsapi

import (
	"fmt"
	"syscall/js"
	"unsafe"
)

// Register sets window.ottpay to an object holding decode, encode and
// version. Call it once, before the app starts (app.RunWhenOnBrowser).
func Register() {
	api := js.Global().Get("Object").New()
	api.Set("decode", js.FuncOf(decode))
	api.Set("encode", js.FuncOf(encodeFunc))
	api.Set("version", Version)
	js.Global().Set("ottpay", api)
}

// decode is ottpay.decode(text, keys).
func decode(_ js.Value, args []js.Value) (result any) {
	defer func() {
		if r := recover(); r != nil {
			result = parse(ErrorReports(fmt.Sprintf("ottpay.decode: internal error (%v); please report it with the input that caused it", r)))
		}
	}()
	if len(args) < 1 || args[0].Type() != js.TypeString {
		return parse(ErrorReports("ottpay.decode: the first argument must be the pasted text, a string; got " + typeName(arg(args, 0))))
	}
	keys, msg := keysJSON(arg(args, 1))
	if msg != "" {
		return parse(ErrorReports(msg))
	}
	return parseArrays(textBytes(args[0]), keys)
}

// textBytes reads a JavaScript string as UTF-8 through
// TextEncoder.encodeInto, which Chromium runs several times faster than
// the plain conversion on texts of megabytes. Text that is all ASCII, as
// logs of envelopes mostly are, is written straight into a Go slice of
// one byte a character (see goBytes); other text, or when that is not
// possible, into a JavaScript array with room for the longest encoding,
// copied to Go after.
func textBytes(v js.Value) []byte {
	n := js.Global().Get("String").New(v).Get("length").Int() // Length and Get panic on a string
	if n == 0 {
		return []byte{}
	}
	enc := js.Global().Get("TextEncoder").New()
	buf := make([]byte, n)
	// encodeInto never writes 0xFF: if buf[0] still holds it after a
	// write, the write went elsewhere.
	buf[0] = 0xFF
	if view, ok := goBytes(buf); ok {
		read, written, ok := encodeInto(enc, v, view)
		if ok && read == n && written == n && buf[0] != 0xFF {
			return buf
		}
	}
	arr := js.Global().Get("Uint8Array").New(3 * n)
	res := enc.Call("encodeInto", v, arr)
	out := make([]byte, res.Get("written").Int())
	js.CopyBytesToGo(out, arr)
	return out
}

// encodeInto is enc.encodeInto(s, view); ok is false when it throws, as
// it does on a view of memory that has grown since it was made.
func encodeInto(enc, s, view js.Value) (read, written int, ok bool) {
	defer func() {
		if recover() != nil {
			read, written, ok = 0, 0, false
		}
	}()
	res := enc.Call("encodeInto", s, view)
	return res.Get("read").Int(), res.Get("written").Int(), true
}

// goBytes returns a Uint8Array over the WebAssembly memory that holds b,
// so that JavaScript writes into b without a copy. syscall/js has no call
// for it, but js.CopyBytesToJS hands dst.set a view of the memory of its
// source: a one-byte destination whose set is Array.prototype.push, bound
// to an array, leaves that view in the array. The view is good until the
// memory grows, which only a Go allocation does; callers check that the
// bytes landed in b. It reports false when the view could not be had.
func goBytes(b []byte) (view js.Value, ok bool) {
	defer func() {
		if recover() != nil {
			view, ok = js.Undefined(), false
		}
	}()
	u8 := js.Global().Get("Uint8Array")
	holder := js.Global().Get("Array").New()
	dst := u8.New(1)
	dst.Set("set", holder.Get("push").Call("bind", holder))
	js.CopyBytesToJS(dst, b)
	if holder.Length() != 1 {
		return js.Undefined(), false
	}
	at := holder.Index(0)
	if !at.InstanceOf(u8) || at.Get("byteLength").Int() != 1 {
		return js.Undefined(), false
	}
	mem, off := at.Get("buffer"), at.Get("byteOffset").Int()
	if mem.Get("byteLength").Int() < off+len(b) {
		return js.Undefined(), false
	}
	return u8.New(mem, off, len(b)), true
}

// keysJSON converts decode's keys argument to JSON text.
func keysJSON(v js.Value) (out []byte, msg string) {
	switch v.Type() {
	case js.TypeUndefined, js.TypeNull:
		return nil, ""
	case js.TypeString, js.TypeObject:
		s, ok := stringify(v)
		if !ok {
			return nil, "ottpay.decode: keys cannot be converted to JSON; pass a sign key string or a plain object of merchant_id to sign key"
		}
		return []byte(s), ""
	}
	return nil, "ottpay.decode: keys must be a sign key string or an object of merchant_id to sign key; got " + typeName(v)
}

// encodeFunc is ottpay.encode(fields).
func encodeFunc(_ js.Value, args []js.Value) (result any) {
	defer func() {
		if r := recover(); r != nil {
			result = parse(ErrorObject(fmt.Sprintf("ottpay.encode: internal error (%v); please report it with the input that caused it", r)))
		}
	}()
	v := arg(args, 0)
	if v.Type() != js.TypeObject {
		return parse(ErrorObject("ottpay.encode: pass one object: {kind, action, version, merchant_id, rsp_code, rsp_msg, data, key, values}; got " + typeName(v)))
	}
	s, ok := stringify(v)
	if !ok {
		return parse(ErrorObject("ottpay.encode: the argument cannot be converted to JSON; pass plain strings and objects"))
	}
	return parse(EncodeJSON([]byte(s)))
}

func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

// stringify is JSON.stringify(v); false when it throws (cycles, BigInt)
// or gives undefined.
func stringify(v js.Value) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	r := js.Global().Get("JSON").Call("stringify", v)
	if r.Type() != js.TypeString {
		return "", false
	}
	return r.String(), true
}

// parse is JSON.parse of text the package made: always valid JSON. The
// text goes to JavaScript without a copy in Go: b is not used after.
func parse(b []byte) js.Value {
	return js.Global().Get("JSON").Call("parse", unsafe.String(unsafe.SliceData(b), len(b)))
}

// parseArrays decodes text with keys (JSON text) and returns the array of
// reports. The reports cross to JavaScript in arrays of about parsePiece
// bytes of JSON (see decodeArrays), parsed one by one and gathered into
// one array: Chromium's TextDecoder, which turns Go strings into
// JavaScript ones, takes over ten times as long on megabytes at once as
// on the same bytes in pieces of a few tens of kilobytes, and strings that
// small are collected young, where one of megabytes burdens the old
// generation's collector.
func parseArrays(text, keys []byte) js.Value {
	out := js.Global().Get("Array").New()
	push := out.Get("push")
	decodeArrays(text, keys, parsePiece, func(b []byte) {
		push.Call("apply", out, parse(b))
	})
	return out
}

func typeName(v js.Value) string {
	switch v.Type() {
	case js.TypeUndefined:
		return "nothing"
	case js.TypeNull:
		return "null"
	case js.TypeBoolean:
		return "a boolean"
	case js.TypeNumber:
		return "a number"
	case js.TypeString:
		return "a string"
	case js.TypeSymbol:
		return "a symbol"
	case js.TypeFunction:
		return "a function"
	}
	if js.Global().Get("Array").Call("isArray", v).Bool() {
		return "an array"
	}
	return "an object"
}
