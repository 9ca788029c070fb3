package wasmsize

import (
	"errors"
	"testing"
)

// FuzzParse feeds Parse arbitrary bytes: it returns a module whose parts
// add up to the file, or an ErrFormat error, and never panics.
func FuzzParse(f *testing.F) {
	good := readTwoFuncs(f)
	for _, n := range []int{0, 8, 9, 30, 60, len(good) - 1, len(good)} {
		f.Add(good[:n])
	}
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x0a\x06\xff\xff\xff\xff\x0f\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		total, bodies, codeSecs, codeSize := 8, 0, 0, 0
		for _, s := range m.Sections {
			total += s.Head + s.Size
			if s.ID == SectionCode {
				codeSecs, codeSize = codeSecs+1, s.Size
			}
		}
		for _, fn := range m.Funcs {
			bodies += fn.Size
		}
		if total != len(b) {
			t.Fatalf("sections add up to %d bytes of %d", total, len(b))
		}
		if codeSecs == 1 && bodies+m.CodeHeader != codeSize {
			t.Fatalf("bodies %d + count %d do not fill the code section's %d bytes", bodies, m.CodeHeader, codeSize)
		}
	})
}
