//go:build wasm

package scan

// countLF returns the number of line feeds in b (see countLFWords).
func countLF(b []byte) int { return countLFWords(b) }
