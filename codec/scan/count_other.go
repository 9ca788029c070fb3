//go:build !wasm

package scan

import "bytes"

// countLF returns the number of line feeds in b: bytes.Count, which
// uses vector instructions outside WebAssembly (see countLFWords).
func countLF(b []byte) int { return bytes.Count(b, []byte{'\n'}) }
