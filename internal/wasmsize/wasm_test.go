package wasmsize

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// two-funcs.wasm is a valid module (WebAssembly.validate says so) made by
// hand: a type, two imports (a function and a memory), two functions of
// 5 and 8 bytes, a data segment and a name section naming both.
func readTwoFuncs(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/two-funcs.wasm")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseReadsSectionsBodiesAndNames(t *testing.T) {
	m, err := Parse(readTwoFuncs(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.Imports != 1 {
		t.Errorf("Imports = %d, want 1: the memory import is not a function", m.Imports)
	}
	want := []Func{{"main.first", 5}, {"github.com_x_y_z.__T_.M", 8}}
	if len(m.Funcs) != len(want) {
		t.Fatalf("Funcs = %v, want %v", m.Funcs, want)
	}
	for i := range want {
		if m.Funcs[i] != want[i] {
			t.Errorf("Funcs[%d] = %v, want %v (names are by index after the imports)", i, m.Funcs[i], want[i])
		}
	}
	if m.CodeHeader != 1 {
		t.Errorf("CodeHeader = %d, want 1 (the count)", m.CodeHeader)
	}
	// Every byte is in one section or the 8-byte preamble.
	total := 8
	for _, s := range m.Sections {
		total += s.Head + s.Size
	}
	if total != m.Size || m.Size != 122 {
		t.Errorf("sections add up to %d bytes, file is %d (want 122)", total, m.Size)
	}
	if len(m.Segments) != 1 || m.Segments[0].Addr != 8 || string(m.Segments[0].Data) != "hello" {
		t.Errorf("Segments = %+v, want one: \"hello\" at 8", m.Segments)
	}
	if p, ok := m.Pclntab(); ok {
		t.Errorf("Pclntab = %+v in a module no Go linker wrote", p)
	}
	for _, c := range []struct {
		id   byte
		name string
		want int
	}{{SectionCode, "", 16}, {SectionData, "", 13}, {SectionCustom, "name", 47}, {SectionCustom, "producers", 0}} {
		if got := m.Section(c.id, c.name); got != c.want {
			t.Errorf("Section(%d, %q) = %d, want %d", c.id, c.name, got, c.want)
		}
	}
}

func TestParseRejectsWhatIsNotAModule(t *testing.T) {
	good := readTwoFuncs(t)
	code := strings.Index(string(good), "\x0a\x0e\x02") // code section: id 10, 14 bytes, 2 bodies
	if code < 0 {
		t.Fatal("testdata/two-funcs.wasm has no code section where expected")
	}
	with := func(at int, b ...byte) []byte {
		out := append([]byte{}, good[:at]...)
		return append(out, b...)
	}
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "no \\0asm magic"},
		{"text", []byte("<!doctype html><html>"), "no \\0asm magic"},
		{"version 2", []byte("\x00asm\x02\x00\x00\x00"), "version 02 00 00 00"},
		{"section cut in its size", with(8, 1, 0x80), "section size: LEB128 number cut short"},
		{"section larger than the file", with(8, 1, 0x7f, 0), "needs 127 bytes, 1 left"},
		{"size of 6 LEB128 bytes", with(8, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0), "longer than 5 bytes"},
		{"size over 32 bits", with(8, 1, 0xff, 0xff, 0xff, 0xff, 0x7f), "does not fit in 32 bits"},
		{"body larger than its section", with(code, 10, 3, 1, 9, 0), "function body: needs 9 bytes, 1 left"},
		{"bytes after the last body", with(code, 10, 3, 1, 0, 0), "1 bytes after the last function body"},
		{"unknown import kind", with(8, 2, 4, 1, 0, 0, 7), "import kind 7"},
		{"data offset of two instructions", with(8, 11, 6, 1, 0, 0x41, 0, 0x41, 0), "data segment offset is not one i32.const"},
		{"4 billion functions in 6 bytes", with(code, 10, 6, 0xff, 0xff, 0xff, 0xff, 0x0f, 0), "function body size: LEB128 number cut short"},
	} {
		m, err := Parse(c.in)
		if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Parse = %v, %v; want an ErrFormat error saying %q", c.name, m, err, c.want)
		}
	}
}

// A file cut anywhere parses (when the cut falls between sections) or
// fails with ErrFormat; it never panics.
func TestParseTruncated(t *testing.T) {
	good := readTwoFuncs(t)
	boundaries := map[int]bool{8: true}
	m, _ := Parse(good)
	at := 8
	for _, s := range m.Sections {
		at += s.Head + s.Size
		boundaries[at] = true
	}
	for n := 0; n < len(good); n++ {
		_, err := Parse(good[:n])
		if boundaries[n] != (err == nil) || (err != nil && !errors.Is(err, ErrFormat)) {
			t.Errorf("Parse of the first %d bytes: %v (a section ends there: %v)", n, err, boundaries[n])
		}
	}
}

// A file that announces more functions than it has bytes costs work in
// proportion to its bytes, not its counts.
func TestParseHugeCountsCostTheirBytes(t *testing.T) {
	huge := []byte("\x00asm\x01\x00\x00\x00" +
		"\x0a\x06\xff\xff\xff\xff\x0f\x00" + // code: 4,294,967,295 bodies, one present
		"\x00\x0c\x04name\x01\x06\xff\xff\xff\xff\x0f\x00") // as many names, none present
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := Parse(huge); !errors.Is(err, ErrFormat) {
			t.Fatalf("Parse = %v, want ErrFormat", err)
		}
	})
	if allocs > 20 {
		t.Errorf("Parse of a %d-byte file made %.0f allocations, want a handful", len(huge), allocs)
	}
}
