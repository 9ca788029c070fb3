package wasmsize

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// root is the repository's root, where Measure runs the go command.
const root = "../.."

func measure(t *testing.T, pkg string) *Program {
	t.Helper()
	p, err := Measure(context.Background(), "", root, pkg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// The smallest Go program of the load benchmark: a few seconds to build.
func TestMeasureBareFloor(t *testing.T) {
	p := measure(t, "./e2e/testdata/loadfloor/bare")
	m := p.Module

	bodies := 0
	for i, f := range m.Funcs {
		if f.Name == "" {
			t.Fatalf("function %d has no name: the build lost its name section", i)
		}
		bodies += f.Size
	}
	var code Section
	for _, s := range m.Sections {
		if s.ID == SectionCode {
			code = s
		}
	}
	if bodies+m.CodeHeader != code.Size {
		t.Errorf("function bodies %d + count %d bytes, code section %d", bodies, m.CodeHeader, code.Size)
	}
	if got := sum(p.Code); got != m.Section(SectionCode, "") {
		t.Errorf("the code column sums to %d, the code section (header included) is %d bytes", got, m.Section(SectionCode, ""))
	}
	if got := sum(p.Data); got != m.Section(SectionData, "") {
		t.Errorf("the data column sums to %d, the data section is %d bytes", got, m.Section(SectionData, ""))
	}
	// Of a program that does nothing, nearly all code is Go's runtime.
	top := sortedKeys(p.Code)[0]
	if top != "runtime" || p.Code["runtime"] < sum(p.Code)/2 {
		t.Errorf("largest code package %q (runtime %d of %d bytes), want runtime with most of it", top, p.Code["runtime"], sum(p.Code))
	}
	main := "github.com/ottpay-toolkit/ottpay/e2e/testdata/loadfloor/bare"
	if p.Code[main] == 0 || p.Code[GroupOtherFuncs] > sum(p.Code)/100 {
		t.Errorf("main package %d bytes, unattributed %d bytes: names are not mapped to packages", p.Code[main], p.Code[GroupOtherFuncs])
	}
	// The runtime's function table describes every function of the code
	// section, and the estimate of the data stays within the data
	// section: what the linker makes itself is left over.
	pcln, ok := m.Pclntab()
	if !ok || pcln.Funcs != len(m.Funcs) || pcln.FuncNames < 20*pcln.Funcs {
		t.Errorf("pclntab %+v (found: %v) for %d functions: want it found, one entry per function", pcln, ok, len(m.Funcs))
	}
	if tables := p.Data[GroupTables]; tables <= 0 || p.Data["runtime"] <= 0 {
		t.Errorf("other linker tables %d bytes, runtime data %d bytes: want both above zero", tables, p.Data["runtime"])
	}

	// The real build (-s -w) is this file without its name section.
	out := filepath.Join(t.TempDir(), "app.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./e2e/testdata/loadfloor/bare")
	cmd.Dir, cmd.Env = root, append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if name := m.Section(SectionCustom, "name"); int64(m.Size-name) != st.Size() {
		t.Errorf("measured %d bytes less a %d-byte name section, but the -s -w build is %d bytes", m.Size, name, st.Size())
	}

	var table bytes.Buffer
	if err := WriteTable(&table, p, p, p, 20000); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| `runtime` | " + kb(p.Code["runtime"]) + " | " + kb(p.Data["runtime"]) + " |",
		"| **code and data sections** | " + kb(m.Section(SectionCode, "")) + " | " + kb(m.Section(SectionData, "")) + " |",
		"| **app.wasm as built** (`-s -w`), with the 8-byte header | " + kb(int(st.Size())) + " |",
	} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("the table has no line starting %q:\n%s", want, table.String())
		}
	}
}

// The workbench itself: its own packages are in the table, each with
// code. It builds the whole app (about 10 s when the cache is warm).
func TestMeasureWorkbench(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole workbench; runs without -short (make test)")
	}
	wb := measure(t, "./wasm")
	floor := measure(t, "./e2e/testdata/loadfloor/goapp")
	bare := measure(t, "./e2e/testdata/loadfloor/bare")
	var table, funcs bytes.Buffer
	if err := WriteTable(&table, wb, floor, bare, 20000); err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"wasm/ui", "wasm/vault", "codec", "codec/scan", "codec/catalog", "codec/report"} {
		path := "github.com/ottpay-toolkit/ottpay/" + pkg
		if wb.Code[path] == 0 || floor.Code[path] != 0 {
			t.Errorf("%s: %d bytes of code in the workbench, %d in the go-app floor; want some, none", pkg, wb.Code[path], floor.Code[path])
		}
		if !strings.Contains(table.String(), "| `"+path+"` | "+kb(wb.Code[path])+" |") {
			t.Errorf("the table has no row for %s:\n%s", path, table.String())
		}
	}
	if err := WriteTopFuncs(&funcs, wb, 20); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(funcs.String(), "| `github.com/ottpay-toolkit/ottpay/"); n != 20 {
		t.Errorf("%d of the 20 heaviest own functions are the repository's:\n%s", n, funcs.String())
	}
}
