package wasmsize

import (
	"sort"
	"strings"
)

// Groups that are not packages.
const (
	GroupShared     = "shared: type descriptors, strings"
	GroupOtherFuncs = "other functions (assembly, linker-made)"
	GroupFuncNames  = "pclntab: function names (linker-made)"
	GroupPCTabs     = "pclntab: pc-value tables (linker-made)"
	GroupTables     = "other linker tables: function records, funcdata, file names, module data, ..."
)

// Mangle returns s as Go's wasm linker writes it into the "name" section:
// every byte outside [A-Za-z0-9_.] becomes '_'.
func Mangle(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}

// An owners maps symbol names to the packages of a program.
type owners struct {
	byMangled map[string]string // "github.com_x_y_z" → "github.com/x/y-z"; main packages under "main"
	byPath    map[string]string // "github.com/x/y-z" → itself; the main package under "main"
}

// symbol is the prefix of the package's symbols: its import path, or
// "main" for a main package.
func (p Package) symbol() string {
	if p.Name == "main" {
		return "main"
	}
	return p.Path
}

func newOwners(pkgs []Package) *owners {
	o := &owners{byMangled: map[string]string{}, byPath: map[string]string{}}
	for _, p := range pkgs {
		sym := p.symbol()
		o.byMangled[Mangle(sym)] = p.Path
		o.byPath[sym] = p.Path
	}
	return o
}

// longest returns the package whose symbol prefix, followed by '.', is
// the longest prefix of name, or "".
func longest(name string, m map[string]string) string {
	// Package paths end at a '.' that starts the symbol's own name; try
	// every '.' from the right, so "a/b.c.d" tries "a/b.c" then "a/b".
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' {
			if p, ok := m[name[:i]]; ok {
				return p
			}
		}
	}
	return ""
}

// FuncPackage returns the package a function named as in the "name"
// section belongs to: the package whose mangled path is the longest
// prefix of the name; type equality and hash functions ("type:.eq.T")
// belong to T's package. Names that match no package (the runtime's
// assembly entry points, go:buildid) are GroupOtherFuncs.
func (o *owners) FuncPackage(name string) string {
	if rest, ok := strings.CutPrefix(name, "type_.eq."); ok {
		name = strings.TrimLeft(rest, "_0123456789") // *T, [N]T, []T mangle to _T
	}
	if p := longest(name, o.byMangled); p != "" {
		return p
	}
	return GroupOtherFuncs
}

// dataPrefixes are the prefixes of dupok data symbols whose name says
// which type (and so which package) they describe.
var dataPrefixes = []string{"type:.namedata.", "type:.importpath.", "type:", "go:itab.", "go:string."}

// DataPackage returns the package a data symbol belongs to: the only
// package that defines it, or, for a symbol several packages define
// (type descriptors, itabs, string literals are "dupok"), the package its
// name starts with after the "type:"/"go:itab." prefix and any *, [], [N]
// of the type. Else GroupShared.
func (o *owners) DataPackage(name string, definers []string) string {
	if len(definers) == 1 {
		return definers[0]
	}
	for _, pre := range dataPrefixes {
		if rest, ok := strings.CutPrefix(name, pre); ok {
			name = rest
			break
		}
	}
	name = strings.TrimLeft(name, "*[]0123456789")
	if i := strings.IndexAny(name, " ,[({;"); i >= 0 {
		name = name[:i] // the first type named: "pkg.T,iface" → "pkg.T"
	}
	if p := longest(name, o.byPath); p != "" {
		return p
	}
	return GroupShared
}

// sortedKeys returns m's keys, largest value first, then by name.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}
