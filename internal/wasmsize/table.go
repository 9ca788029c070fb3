package wasmsize

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// kb formats bytes as kilobytes (1000 bytes) with one decimal.
func kb(n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", float64(n)/1000)
}

// signedKB is kb with a sign, "0.0" for a difference that rounds to
// nothing.
func signedKB(n int) string {
	if n != 0 && n > -50 && n < 50 {
		return "0.0"
	}
	if n > 0 {
		return "+" + kb(n)
	}
	if n < 0 {
		return "−" + kb(-n)
	}
	return "–"
}

// total returns code plus data bytes of key in p.
func (p *Program) total(key string) int { return p.Code[key] + p.Data[key] }

// WriteTable writes two Markdown tables: the code and data bytes of each
// package (or group) of the workbench wb beside the go-app floor and the
// Go floor, largest first, with the rows under minBytes in all three
// programs summed into one; then the sections of each app.wasm. The code
// column sums to the code section, the data column to the data section.
func WriteTable(w io.Writer, wb, floor, bare *Program, minBytes int) error {
	keys := map[string]bool{}
	for _, p := range []*Program{wb, floor, bare} {
		for k := range p.Code {
			keys[k] = true
		}
		for k := range p.Data {
			keys[k] = true
		}
	}
	var rows, small []string
	for k := range keys {
		if max(wb.total(k), floor.total(k), bare.total(k)) >= minBytes ||
			k == GroupShared || k == GroupTables || k == GroupOtherFuncs || k == GroupFuncNames || k == GroupPCTabs {
			rows = append(rows, k)
		} else {
			small = append(small, k)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := wb.total(rows[i]), wb.total(rows[j])
		if a != b {
			return a > b
		}
		return rows[i] < rows[j]
	})
	var b strings.Builder
	fmt.Fprintf(&b, "| package (KB) | workbench code | workbench data | go-app floor code | go-app floor data | workbench adds | Go floor code + data |\n")
	fmt.Fprintf(&b, "|---|--:|--:|--:|--:|--:|--:|\n")
	row := func(label string, get func(p *Program) (code, data int)) {
		wc, wd := get(wb)
		fc, fd := get(floor)
		bc, bd := get(bare)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", label,
			kb(wc), kb(wd), kb(fc), kb(fd), signedKB(wc+wd-fc-fd), kb(bc+bd))
	}
	for _, k := range rows {
		label := "`" + k + "`"
		if strings.Contains(k, " ") {
			label = k
		}
		row(label, func(p *Program) (int, int) { return p.Code[k], p.Data[k] })
	}
	if len(small) > 0 {
		row(fmt.Sprintf("%d other packages, each under %.0f KB", len(small), float64(minBytes)/1000),
			func(p *Program) (c, d int) {
				for _, k := range small {
					c, d = c+p.Code[k], d+p.Data[k]
				}
				return c, d
			})
	}
	row("**code and data sections**", func(p *Program) (int, int) {
		return p.Module.Section(SectionCode, ""), p.Module.Section(SectionData, "")
	})

	fmt.Fprintf(&b, "\n| section (KB) | workbench | go-app floor | Go floor | workbench adds |\n|---|--:|--:|--:|--:|\n")
	sec := func(label string, get func(m *Module) int) {
		w, f, g := get(wb.Module), get(floor.Module), get(bare.Module)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", label, kb(w), kb(f), kb(g), signedKB(w-f))
	}
	name := func(m *Module) int { return m.Section(SectionCustom, "name") }
	code := func(m *Module) int { return m.Section(SectionCode, "") }
	data := func(m *Module) int { return m.Section(SectionData, "") }
	sec("code", code)
	sec("data", data)
	sec("other: types, imports, function and element tables, exports, go:buildid, producers",
		func(m *Module) int { return m.Size - 8 - code(m) - data(m) - name(m) })
	sec("**app.wasm as built** (`-s -w`), with the 8-byte header", func(m *Module) int { return m.Size - name(m) })
	sec("name section (function names: kept here, dropped by `-s`)", name)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteTopFuncs writes the n largest functions of the main module's
// packages in p, largest first, as a Markdown table.
func WriteTopFuncs(w io.Writer, p *Program, n int) error {
	own := map[string]string{} // package path → its mangled symbol prefix
	for _, pk := range p.Packages {
		if pk.Own {
			own[pk.Path] = Mangle(pk.symbol())
		}
	}
	var idx []int
	for i, pk := range p.FuncPkg {
		if _, ok := own[pk]; ok {
			idx = append(idx, i)
		}
	}
	f := p.Module.Funcs
	sort.SliceStable(idx, func(a, b int) bool { return f[idx[a]].Size > f[idx[b]].Size })
	var b strings.Builder
	fmt.Fprintf(&b, "| bytes | package | function (as the name section spells it) |\n|--:|---|---|\n")
	for _, i := range idx[:min(n, len(idx))] {
		pk := p.FuncPkg[i]
		fmt.Fprintf(&b, "| %d | `%s` | `%s` |\n", f[i].Size, pk, strings.TrimPrefix(f[i].Name, own[pk]+"."))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
