package wasmsize

import (
	"bytes"
	"encoding/binary"
	"sort"
)

// A Pclntab is the size of parts of the runtime's function table
// (pclntab), which the linker makes and the data section holds, read
// from the table's header: bytes in memory, of which the file leaves
// runs of zeros out.
type Pclntab struct {
	Funcs     int // functions the table describes
	FuncNames int // funcnametab: every function's full name
	Files     int // cutab and filetab: source file names
	PCTabs    int // pctab: pc-value tables (stack size, file, line, ...)
}

// pcHeaderMagic is the header of a Go 1.20+ pclntab for wasm: the magic
// 0xfffffff1, two zero pad bytes, minLC 1 and ptrSize 8.
var pcHeaderMagic = []byte{0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8}

// Pclntab finds the header of the runtime's pclntab in the data segments
// and returns the sizes of the parts it gives offsets of, or false if m
// holds none (a module not built by Go 1.20 or later).
func (m *Module) Pclntab() (Pclntab, bool) {
	mem := memory(append([]Segment(nil), m.Segments...))
	sort.Slice(mem, func(i, j int) bool { return mem[i].Addr < mem[j].Addr })
	for _, s := range mem {
		i := bytes.Index(s.Data, pcHeaderMagic)
		if i < 0 {
			continue
		}
		// magic, pads, minLC, ptrSize; nfunc, nfiles, unused; then the
		// offsets of funcnametab, cutab, filetab, pctab, pclntable.
		hdr := s.Addr + i
		var f [9]uint64
		for k := range f {
			f[k] = mem.u64(hdr + 8 + 8*k)
		}
		nfunc, names, cu, pc, pcln := f[0], f[3], f[4], f[6], f[7]
		if !(names <= cu && cu <= pc && pc <= pcln && pcln < 1<<32) {
			return Pclntab{}, false
		}
		return Pclntab{Funcs: int(nfunc), FuncNames: int(cu - names), Files: int(pc - cu), PCTabs: int(pcln - pc)}, true
	}
	return Pclntab{}, false
}

// memory reads little-endian words of linear memory from data segments;
// bytes no segment holds are zero.
type memory []Segment

func (m memory) u64(addr int) uint64 {
	i := sort.Search(len(m), func(i int) bool { return m[i].Addr+len(m[i].Data) > addr })
	var b [8]byte
	for k := range b {
		a := addr + k
		for i < len(m) && m[i].Addr+len(m[i].Data) <= a {
			i++
		}
		if i < len(m) && a >= m[i].Addr {
			b[k] = m[i].Data[a-m[i].Addr]
		}
	}
	return binary.LittleEndian.Uint64(b[:])
}
