package wasmsize

import (
	"errors"
	"fmt"
)

// ErrFormat is wrapped by every error Parse returns: the bytes are not a
// WebAssembly module of the shape Go's linker writes.
var ErrFormat = errors.New("wasmsize: not a well-formed WebAssembly module")

// Section ids of the WebAssembly binary format (core spec, 5.5).
const (
	SectionCustom = 0
	SectionImport = 2
	SectionCode   = 10
	SectionData   = 11
)

// A Section is one section of a module.
type Section struct {
	ID   byte   // section id; 0 is a custom section
	Name string // a custom section's name ("name", "producers", "go:buildid"), else ""
	Size int    // bytes of the section's contents, its header not included
	Head int    // bytes of its header: the id byte and the size's LEB128
}

// A Func is one function defined in the module (imports are not).
type Func struct {
	Name string // from the "name" custom section, "" when the module has none
	Size int    // bytes in the code section: the body and its size's LEB128
}

// A Module is what Parse reads from a WebAssembly binary: its sections in
// order and the size and name of every function body.
type Module struct {
	Size       int       // bytes of the whole file
	Sections   []Section // in file order
	Imports    int       // imported functions, which come first in the function index space
	Funcs      []Func    // defined functions, in code section order
	CodeHeader int       // bytes of the code section that are no function's: the count
	Segments   []Segment // active data segments of memory 0, as Go's linker writes them
}

// A Segment is one data segment: bytes the module puts in its linear
// memory at Addr. Go's linker leaves runs of zeros out.
type Segment struct {
	Addr int
	Data []byte // a slice of the file's bytes
}

// Section returns the total size, headers included, of the sections with
// the given id (and, for custom sections, the given name; "" is any).
func (m *Module) Section(id byte, name string) int {
	n := 0
	for _, s := range m.Sections {
		if s.ID == id && (id != SectionCustom || name == "" || s.Name == name) {
			n += s.Head + s.Size
		}
	}
	return n
}

// reader reads a section's bytes; every read is bounds-checked and the
// first failure is remembered, so that callers check once.
type reader struct {
	b   []byte
	off int // offset of b[0] in the file, for error messages
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: at byte %d: %s", ErrFormat, r.off, fmt.Sprintf(format, args...))
	}
}

// uleb reads an unsigned LEB128 of at most 32 bits, as every count and
// size of the format is.
func (r *reader) uleb(what string) int {
	if r.err != nil {
		return 0
	}
	var v uint64
	for i := 0; i < 5; i++ {
		if i >= len(r.b) {
			r.fail("%s: LEB128 number cut short (a truncated or damaged file)", what)
			return 0
		}
		c := r.b[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if v > 1<<32-1 {
				r.fail("%s: LEB128 number %d does not fit in 32 bits", what, v)
				return 0
			}
			r.b = r.b[i+1:]
			r.off += i + 1
			return int(v)
		}
	}
	r.fail("%s: LEB128 number longer than 5 bytes", what)
	return 0
}

// bytes reads n bytes.
func (r *reader) bytes(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.fail("%s: needs %d bytes, %d left (cut short: a truncated or damaged file)", what, n, len(r.b))
		return nil
	}
	b := r.b[:n]
	r.b = r.b[n:]
	r.off += n
	return b
}

// Parse reads the sections of a WebAssembly binary, the bodies of its
// code section and the function names of its "name" custom section
// (subsection 1). It checks every size against the bytes present, so a
// truncated or foreign file is an error wrapping ErrFormat, never a panic,
// and its work is linear in len(b).
func Parse(b []byte) (*Module, error) {
	m := &Module{Size: len(b)}
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, fmt.Errorf("%w: no \\0asm magic number at the start: is this an app.wasm?", ErrFormat)
	}
	if string(b[4:8]) != "\x01\x00\x00\x00" {
		return nil, fmt.Errorf("%w: version % x, want 01 00 00 00", ErrFormat, b[4:8])
	}
	r := &reader{b: b[8:], off: 8}
	names := map[int]string{}
	for len(r.b) > 0 && r.err == nil {
		start := r.off
		id := r.b[0]
		r.bytes(1, "section id")
		size := r.uleb("section size")
		body := r.bytes(size, fmt.Sprintf("section %d", id))
		if r.err != nil {
			break
		}
		s := Section{ID: id, Size: size, Head: r.off - start - size}
		sr := &reader{b: body, off: r.off - size}
		switch id {
		case SectionCustom:
			s.Name = string(sr.bytes(sr.uleb("custom section name"), "custom section name"))
			if s.Name == "name" {
				readNames(sr, names)
			}
		case SectionImport:
			m.Imports = countFuncImports(sr)
		case SectionData:
			m.Segments = readSegments(sr)
		case SectionCode:
			n := sr.uleb("function count")
			m.CodeHeader = sr.off - (r.off - size)
			for i := 0; i < n && sr.err == nil; i++ {
				at := sr.off
				sr.bytes(sr.uleb("function body size"), "function body")
				m.Funcs = append(m.Funcs, Func{Size: sr.off - at})
			}
			if sr.err == nil && len(sr.b) != 0 {
				sr.fail("%d bytes after the last function body", len(sr.b))
			}
		}
		if sr.err != nil {
			return nil, sr.err
		}
		m.Sections = append(m.Sections, s)
	}
	if r.err != nil {
		return nil, r.err
	}
	for i := range m.Funcs {
		m.Funcs[i].Name = names[m.Imports+i]
	}
	return m, nil
}

// countFuncImports returns the number of imported functions, which take
// the first indices of the function index space.
func countFuncImports(r *reader) int {
	n := r.uleb("import count")
	funcs := 0
	for i := 0; i < n && r.err == nil; i++ {
		r.bytes(r.uleb("import module"), "import module")
		r.bytes(r.uleb("import name"), "import name")
		kind := r.bytes(1, "import kind")
		if r.err != nil {
			break
		}
		switch kind[0] {
		case 0: // function: type index
			r.uleb("import type index")
			funcs++
		case 1: // table: reftype, limits
			r.bytes(1, "table type")
			readLimits(r)
		case 2: // memory: limits
			readLimits(r)
		case 3: // global: valtype, mutability
			r.bytes(2, "global type")
		default:
			r.fail("import kind %d is none of function, table, memory, global", kind[0])
		}
	}
	return funcs
}

func readLimits(r *reader) {
	flag := r.bytes(1, "limits flag")
	r.uleb("limits minimum")
	if flag != nil && flag[0]&1 != 0 {
		r.uleb("limits maximum")
	}
}

// readNames reads the function names subsection of a "name" section into
// names, by function index.
func readNames(r *reader, names map[int]string) {
	for len(r.b) > 0 && r.err == nil {
		id := r.bytes(1, "name subsection id")
		sub := r.bytes(r.uleb("name subsection size"), "name subsection")
		if r.err != nil || id[0] != 1 {
			continue
		}
		sr := &reader{b: sub, off: r.off - len(sub)}
		n := sr.uleb("function name count")
		for i := 0; i < n && sr.err == nil; i++ {
			idx := sr.uleb("function index")
			name := sr.bytes(sr.uleb("function name"), "function name")
			if sr.err == nil {
				names[idx] = string(name)
			}
		}
		if sr.err != nil {
			r.err = sr.err
		}
	}
}

// readSegments reads the data section's segments of the form Go's linker
// writes (mode 0: memory 0, an i32.const offset). It stops at the first
// segment of another form, which other compilers write, and returns the
// segments before it.
func readSegments(r *reader) []Segment {
	var segs []Segment
	n := r.uleb("data segment count")
	for i := 0; i < n && r.err == nil; i++ {
		mode := r.uleb("data segment mode")
		op := r.bytes(1, "data segment offset")
		if r.err != nil || mode != 0 || op[0] != 0x41 {
			break
		}
		addr := r.sleb32("data segment offset")
		if end := r.bytes(1, "data segment offset end"); end != nil && end[0] != 0x0b {
			r.fail("data segment offset is not one i32.const")
		}
		data := r.bytes(r.uleb("data segment size"), "data segment")
		if r.err == nil {
			segs = append(segs, Segment{Addr: int(uint32(addr)), Data: data})
		}
	}
	return segs
}

// sleb32 reads a signed LEB128 of at most 32 bits.
func (r *reader) sleb32(what string) int32 {
	if r.err != nil {
		return 0
	}
	var v int64
	for i := 0; i < 5 && i < len(r.b); i++ {
		c := r.b[i]
		v |= int64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if c&0x40 != 0 {
				v |= -1 << (7 * (i + 1))
			}
			r.b = r.b[i+1:]
			r.off += i + 1
			return int32(v)
		}
	}
	r.fail("%s: signed LEB128 number cut short or longer than 5 bytes", what)
	return 0
}
